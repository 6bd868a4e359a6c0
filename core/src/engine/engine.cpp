// The LibTorch implementation of resnext::Engine, built as libresnext_engine.so
// and loaded on first use (see engine_loader.cpp). Every LibTorch error is turned
// into a one-line resnext::Error here, at the boundary.

#include "resnext/checkpoint.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/model.h"
#include "resnext/plan.h"
#include "resnext/random.h"
#include "resnext/pytorch_file.h"
#include "resnext/safetensors.h"
#include "resnext/validate.h"

#include "engine/fastpath.h"
#include "groups_pass.h"
#include "json.h"
#include "resources.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#ifdef RESNEXT_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <random>
#include <thread>

namespace resnext {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string firstLine(const std::string &text)
{
    const auto pos = text.find('\n');
    return pos == std::string::npos ? text : text.substr(0, pos);
}

// Runs f, converting LibTorch's errors into one-line resnext::Errors.
template <typename F> auto guarded(const std::string &what, F &&f) -> decltype(f())
{
    try {
        return f();
    } catch (const Error &) {
        throw;
    } catch (const c10::Error &e) {
        throw Error(what + ": " + firstLine(e.what_without_backtrace()));
    } catch (const std::bad_alloc &) {
        throw Error(what + ": out of memory");
    }
}

std::string cudaName()
{
#ifdef RESNEXT_WITH_CUDA
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess)
        return prop.name;
#endif
    return torch::cuda::is_available() ? "CUDA device 0" : "";
}

torch::Device parseDevice(const std::string &text)
{
    if (text == "cpu" || text.empty())
        return torch::kCPU;
    if (text.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw Error("device: CUDA is not available (this LibTorch has no CUDA or no GPU is visible)");
        return torch::Device(text);
    }
    throw Error("device: unknown value '" + text + "'; use cpu or cuda");
}

std::vector<float> toFloats(const SafetensorsFile &file, const TensorRecord &t)
{
    const unsigned char *p = file.data(t);
    const auto n = static_cast<size_t>(t.numel());
    std::vector<float> out(n);
    switch (t.dtype) {
    case DType::F32: std::memcpy(out.data(), p, n * 4); break;
    case DType::F64:
        for (size_t i = 0; i < n; ++i) {
            double d;
            std::memcpy(&d, p + i * 8, 8);
            out[i] = static_cast<float>(d);
        }
        break;
    case DType::F16:
    case DType::BF16:
        for (size_t i = 0; i < n; ++i) {
            std::uint16_t h;
            std::memcpy(&h, p + i * 2, 2);
            out[i] = t.dtype == DType::F16 ? halfToFloat(h) : bfloat16ToFloat(h);
        }
        break;
    case DType::I64:
        for (size_t i = 0; i < n; ++i) {
            std::int64_t v;
            std::memcpy(&v, p + i * 8, 8);
            out[i] = static_cast<float>(v);
        }
        break;
    default:
        throw Error(file.label() + ": tensor '" + t.name + "' has dtype " + toString(t.dtype) +
                    "; weights must be F32, F16, BF16 or F64");
    }
    return out;
}

std::string shapeText(at::IntArrayRef s)
{
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

std::string joinFew(const std::vector<std::string> &names)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < 3; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > 3)
        s += ", ... (" + std::to_string(names.size() - 3) + " more)";
    return s;
}

// Input tensor from 8-bit data set images whose size already matches the model.
torch::Tensor batchFromPixels(const ImageSet &data, const std::vector<size_t> &idx, const Preprocessing &pre)
{
    const int h = data.height, w = data.width, c = data.channels;
    auto bytes = torch::empty({static_cast<int64_t>(idx.size()), h, w, c}, torch::kUInt8);
    auto *dst = bytes.data_ptr<std::uint8_t>();
    const size_t one = static_cast<size_t>(h) * w * c;
    for (size_t i = 0; i < idx.size(); ++i)
        std::memcpy(dst + i * one, data.image(idx[i]), one);
    auto x = bytes.permute({0, 3, 1, 2}).to(torch::kFloat).div_(255.0);
    if (c == 1 && pre.channels == 3)
        x = x.expand({-1, 3, -1, -1});
    auto mean = torch::tensor(pre.mean).view({1, -1, 1, 1});
    auto stdv = torch::tensor(pre.std).view({1, -1, 1, 1});
    return ((x - mean) / stdv).contiguous();
}

void setLayout(ResNet &net, at::MemoryFormat format)
{
    torch::NoGradGuard ng;
    for (auto &p : net->parameters())
        if (p.dim() == 4)
            p.set_data(p.data().contiguous(format));
}

class TorchModel : public Model {
public:
    TorchModel(ModelInfo info, ResNet net, torch::Device device)
        : m_info(std::move(info)), m_net(std::move(net)), m_device(device)
    {
        m_net->eval();
    }

    const ModelInfo &info() const override { return m_info; }
    ResNet &net() { return m_net; }

    std::string device() const override
    {
        return m_device.is_cpu() ? "cpu" : "cuda:" + std::to_string(m_device.index() < 0 ? 0 : m_device.index()) +
                                               " (" + cudaName() + ")";
    }

    Analysis analyze(const RgbImage &image, int topk, const std::string &block,
                     const std::atomic<bool> *cancel) override
    {
        return guarded("analyze", [&] {
            Analysis out;
            auto t0 = Clock::now();
            PreparedInput in = preprocess(image, m_info.preprocessing);
            out.shown = std::move(in.shown);
            out.timings.preprocessMs = msSince(t0);

            t0 = Clock::now();
            int wantStage = -1, wantBlock = -1;
            if (!block.empty()) {
                const BlockRef ref = parseBlockName(block);
                checkBlock(m_info.spec, ref, block);
                wantStage = ref.stage;
                wantBlock = ref.block;
            }
            c10::InferenceMode guard;
            const auto &pre = m_info.preprocessing;
            auto x = torch::from_blob(in.chw.data(), {1, pre.channels, pre.size, pre.size}, torch::kFloat)
                         .to(m_device);
            torch::Tensor blockIn, grouped, blockOut;
            if (fast::Net *net = fastNet()) {
                fast::Capture capture;
                capture.stage = wantStage;
                capture.block = wantBlock;
                torch::Tensor pooled;
                auto logits = net->forward(x, &pooled, &capture, cancel);
                finishAnalysis(out, logits, pooled, topk, t0);
                if (capture.grouped.defined()) {
                    t0 = Clock::now();
                    fillFeatures(out.features, block, capture.input, capture.grouped, capture.output);
                    out.timings.featuresMs = msSince(t0);
                }
                return out;
            }
            x = stem(x);
            for (int s = 0; s < m_info.spec.numStages(); ++s) {
                auto seq = m_net->stage(s);
                for (size_t b = 0; b < seq->size(); ++b) {
                    if (cancel && cancel->load())
                        throw Cancelled();
                    auto blk = seq->ptr<BlockImpl>(b);
                    if (s == wantStage && static_cast<int>(b) == wantBlock) {
                        blockIn = x;
                        x = blk->forwardWithTransform(x, &grouped);
                        blockOut = x;
                    } else {
                        x = blk->forward(x);
                    }
                }
            }
            const auto pooledFeatures = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
            finishAnalysis(out, m_net->fc(pooledFeatures), pooledFeatures, topk, t0);
            if (grouped.defined()) {
                t0 = Clock::now();
                fillFeatures(out.features, block, blockIn, grouped, blockOut);
                out.timings.featuresMs = msSince(t0);
            }
            return out;
        });
    }

    GradCam gradCam(const RgbImage &image, int classIndex, int stage) override
    {
        return guarded("grad-cam", [&] {
            if (stage < 1 || stage > m_info.spec.numStages())
                throw Error("grad-cam: stage must be between 1 and " + std::to_string(m_info.spec.numStages()) +
                            " (got " + std::to_string(stage) + ")");
            PreparedInput in = preprocess(image, m_info.preprocessing);
            const auto &pre = m_info.preprocessing;
            auto x = torch::from_blob(in.chw.data(), {1, pre.channels, pre.size, pre.size}, torch::kFloat)
                         .to(m_device);
            torch::AutoGradMode grad(true);
            x = stem(x);
            torch::Tensor act;
            for (int s = 0; s < m_info.spec.numStages(); ++s) {
                x = m_net->stage(s)->forward(x);
                if (s + 1 == stage) {
                    act = x;
                }
            }
            auto logits = head(x);
            GradCam cam;
            cam.stage = stage;
            cam.classIndex = classIndex >= 0 ? classIndex : static_cast<int>(logits.argmax(1).item<int64_t>());
            if (cam.classIndex >= m_info.spec.numClasses)
                throw Error("grad-cam: class " + std::to_string(cam.classIndex) + " is out of range");
            auto score = logits[0][cam.classIndex];
            auto grads = torch::autograd::grad({score}, {act})[0];
            auto weights = grads.mean({2, 3}, true);
            auto map = torch::relu((weights * act).sum(1, true));
            map = torch::upsample_bilinear2d(map, {pre.size, pre.size}, false);
            map = map.squeeze().detach().to(torch::kCPU);
            const float hi = map.max().item<float>();
            if (hi > 0)
                map = map / hi;
            map = map.contiguous();
            cam.width = cam.height = pre.size;
            cam.heat.assign(map.data_ptr<float>(), map.data_ptr<float>() + map.numel());
            return cam;
        });
    }

    BenchResult bench(const BenchOptions &o, const std::atomic<bool> *cancel) override
    {
        return guarded("bench", [&] {
            validateBenchOptions(o);
            if (o.half && m_device.is_cpu())
                throw Error("half: FP16 inference needs --device cuda");
            c10::InferenceMode inference;
            const auto &s = m_info.spec;
            auto opts = torch::TensorOptions().device(m_device).dtype(o.half ? torch::kHalf : torch::kFloat);
            auto x = torch::randn({o.batch, s.inChannels, s.inputSize, s.inputSize}, opts);
            ResNet net = m_net;
            if (o.half)
                net = halfCopy();
            // The shared model goes back to its own layout however the run ends
            // (finished, cancelled or failed).
            struct LayoutGuard {
                ResNet net;
                bool active = false;
                ~LayoutGuard()
                {
                    if (active)
                        setLayout(net, at::MemoryFormat::Contiguous);
                }
            } guard{net};
            if (o.channelsLast) {
                x = x.contiguous(at::MemoryFormat::ChannelsLast);
                guard.active = !o.half; // the FP16 copy is thrown away anyway
                setLayout(net, at::MemoryFormat::ChannelsLast);
            }
            const auto sync = [&] {
                if (m_device.is_cuda())
                    torch::cuda::synchronize();
            };
            // The chosen inference path; channels-last and FP16 are experiments on the plain modules.
            fast::Net *fastNet = o.channelsLast || o.half ? nullptr : this->fastNet();
            const auto forward = [&] {
                if (fastNet)
                    fastNet->forward(x);
                else
                    net->forward(x);
            };
            for (int i = 0; i < o.warmup; ++i)
                forward();
            sync();
            BenchResult r;
            r.device = device();
            r.path = toString(fastNet ? m_path : InferencePath::Plain);
            r.batch = o.batch;
            for (int i = 0; i < o.runs; ++i) {
                if (cancel && cancel->load())
                    throw Cancelled();
                const auto t0 = Clock::now();
                forward();
                sync();
                r.timesMs.push_back(msSince(t0));
            }
            if (fastNet) {
                const fast::Net::KernelStats k = fastNet->kernelStats(o.batch);
                r.reorders = k.reorders;
                r.ownKernels = k.ownKernels;
                r.peakGflops = k.peakGflops;
                r.peakLayer = k.peakLayer;
            }
            auto sorted = r.timesMs;
            std::sort(sorted.begin(), sorted.end());
            const size_t n = sorted.size();
            r.medianMs = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
            r.imagesPerSecond = r.medianMs > 0 ? 1000.0 * o.batch / r.medianMs : 0;
            return r;
        });
    }

    ProfileResult profile(const ProfileOptions &o, const std::function<bool(int, int)> &progress) override
    {
        return guarded("profile", [&] {
            if (o.batch < 1 || o.batch > 4096)
                throw Error("batch: must be between 1 and 4096 (got " + std::to_string(o.batch) + ")");
            if (o.runs < 1 || o.runs > 10000)
                throw Error("runs: must be between 1 and 10000 (got " + std::to_string(o.runs) + ")");
            const auto &s = m_info.spec;
            ProfileResult r;
            r.device = device();
            r.threads = at::get_num_threads();
            r.batch = o.batch;
            const auto sync = [&] {
                if (m_device.is_cuda())
                    torch::cuda::synchronize();
            };
            const auto opts = torch::TensorOptions().device(m_device);
            resetPeakMemory();
            r.startRssBytes = processMemory().rss;
            if (o.trainStep) {
                r.runs = 1;
                const auto t0 = Clock::now();
                {
                    m_net->train();
                    struct EvalAgain { // back to inference however the step ends
                        ResNet net;
                        ~EvalAgain() { net->eval(); }
                    } again{m_net};
                    auto x = torch::randn({o.batch, s.inChannels, s.inputSize, s.inputSize}, opts);
                    auto y = torch::randint(s.numClasses, {o.batch}, opts.dtype(torch::kLong));
                    torch::optim::SGD opt(m_net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
                    opt.zero_grad();
                    auto loss = torch::nn::functional::cross_entropy(m_net->forward(x), y);
                    loss.backward();
                    opt.step();
                    sync();
                    m_fast.reset(); // the weights changed: the fast path refolds them on next use
                    r.peakRssBytes = processMemory().peak;
                    // The gradients stay with the parameters: free them, as zero_grad(set_to_none) would.
                    for (auto &p : m_net->parameters())
                        p.mutable_grad() = torch::Tensor();
                }
                r.totalMs = msSince(t0);
                if (progress)
                    progress(1, 1);
                return r;
            }
            c10::InferenceMode inference;
            auto x0 = torch::randn({o.batch, s.inChannels, s.inputSize, s.inputSize}, opts);
            const int n = s.numStages();
            std::vector<std::vector<double>> times(static_cast<size_t>(n + 2));
            std::vector<double> totals;
            const int all = o.warmup + o.runs;
            for (int run = 0; run < all; ++run) {
                std::vector<double> t(static_cast<size_t>(n + 2));
                sync();
                auto t0 = Clock::now();
                auto x = stem(x0);
                sync();
                t[0] = msSince(t0);
                for (int st = 0; st < n; ++st) {
                    t0 = Clock::now();
                    x = m_net->stage(st)->forward(x);
                    sync();
                    t[static_cast<size_t>(st + 1)] = msSince(t0);
                }
                t0 = Clock::now();
                head(x);
                sync();
                t[static_cast<size_t>(n + 1)] = msSince(t0);
                if (run >= o.warmup) {
                    for (size_t i = 0; i < t.size(); ++i)
                        times[i].push_back(t[i]);
                    totals.push_back(std::accumulate(t.begin(), t.end(), 0.0));
                }
                if (progress && !progress(run + 1, all))
                    throw Cancelled();
            }
            const auto median = [](std::vector<double> v) {
                std::sort(v.begin(), v.end());
                const size_t k = v.size();
                return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
            };
            r.runs = o.runs;
            for (int i = 0; i < n + 2; ++i)
                r.stages.push_back({i == 0 ? "stem" : i == n + 1 ? "head" : "layer" + std::to_string(i),
                                    median(times[static_cast<size_t>(i)])});
            r.totalMs = median(totals);
            r.peakRssBytes = processMemory().peak;
            return r;
        });
    }

    EvalResult evaluate(const ImageSet &data, int batch,
                        const std::function<bool(size_t, size_t)> &progress) override
    {
        validateEvalBatch(batch);
        return guarded("evaluate", [&] {
            const auto &pre = m_info.preprocessing;
            const int classes = m_info.spec.numClasses;
            EvalResult r;
            r.confusion.assign(static_cast<size_t>(classes), std::vector<std::int64_t>(static_cast<size_t>(classes), 0));
            for (auto l : data.labels)
                if (l < 0 || l >= classes)
                    throw Error("evaluate: label " + std::to_string(l) + " is outside the model's " +
                                std::to_string(classes) + " classes");
            const bool direct = data.height == pre.size && data.width == pre.size &&
                                (data.channels == pre.channels || data.channels == 1);
            const auto t0 = Clock::now();
            c10::InferenceMode guard;
            for (size_t start = 0; start < data.count(); start += static_cast<size_t>(batch)) {
                const size_t end = std::min(data.count(), start + static_cast<size_t>(batch));
                std::vector<size_t> idx(end - start);
                std::iota(idx.begin(), idx.end(), start);
                const torch::Tensor x = inputBatch(data, idx, direct);
                // On the model's inference path, like classify (the fast path where it is chosen).
                fast::Net *fast = fastNet();
                torch::Tensor logits;
                if (fast) {
                    std::vector<torch::Tensor> parts; // in the fast path's chunks, as the group analysis runs them
                    for (int64_t s = 0; s < x.size(0); s += fast->chunk())
                        parts.push_back(fast->forward(x.narrow(0, s, std::min<int64_t>(fast->chunk(), x.size(0) - s))));
                    logits = parts.size() == 1 ? parts[0] : torch::cat(parts);
                } else {
                    logits = m_net->forward(x.to(m_device));
                }
                auto pred = logits.argmax(1).to(torch::kCPU);
                const auto *p = pred.data_ptr<int64_t>();
                for (size_t i = 0; i < idx.size(); ++i) {
                    const auto truth = data.labels[idx[i]];
                    r.confusion[static_cast<size_t>(truth)][static_cast<size_t>(p[i])] += 1;
                    r.correct += p[i] == truth;
                }
                r.count += idx.size();
                if (progress && !progress(r.count, data.count()))
                    throw Cancelled();
            }
            r.seconds = msSince(t0) / 1000.0;
            return r;
        });
    }

    void save(const std::string &path) const override
    {
        guarded("save", [&] {
            std::vector<torch::Tensor> keep;
            std::vector<TensorToWrite> tensors;
            const auto add = [&](const std::string &name, const torch::Tensor &t) {
                auto c = t.detach().to(torch::kCPU).contiguous();
                keep.push_back(c);
                TensorToWrite w;
                w.name = name;
                w.dtype = c.scalar_type() == torch::kLong ? DType::I64 : DType::F32;
                if (c.scalar_type() != torch::kLong && c.scalar_type() != torch::kFloat) {
                    c = c.to(torch::kFloat);
                    keep.back() = c;
                }
                w.shape.assign(c.sizes().begin(), c.sizes().end());
                w.data = c.data_ptr();
                tensors.push_back(w);
            };
            for (const auto &p : m_net->named_parameters(true))
                add(p.key(), p.value());
            for (const auto &b : m_net->named_buffers(true))
                add(b.key(), b.value());
            auto metadata = checkpointMetadata(m_info);
            if (m_ood) {
                add("ood.class_means", m_ood->means);
                add("ood.precision", m_ood->precision);
                add("ood.threshold", torch::tensor(m_ood->info.threshold, torch::kDouble));
                const OodCalibration &c = m_ood->info;
                metadata["ood"] = nlohmann::json{{"method", "mahalanobis, tied covariance of pooled features"},
                                                 {"quantile", c.quantile},
                                                 {"fit_images", c.fitImages},
                                                 {"held_out_images", c.heldOutImages},
                                                 {"held_out_pass_rate", c.heldOutPassRate}}
                                      .dump();
            }
            writeSafetensors(path, tensors, metadata);
            return 0;
        });
    }

    bool channelsLast() const override
    {
        for (const auto &p : m_net->parameters())
            if (p.dim() == 4)
                return p.is_contiguous(at::MemoryFormat::ChannelsLast) && !p.is_contiguous();
        return false;
    }

    void toDevice(const std::string &device) override
    {
        const torch::Device d = parseDevice(device);
        guarded("device", [&] {
            m_net->to(d);
            m_device = d;
            return 0;
        });
    }

    void setInferencePath(InferencePath path) override
    {
        if (path != InferencePath::Plain && !fast::available())
            throw Error("inference path: this build has no oneDNN fast path (build with libdnnl-dev); use plain");
        if (path == InferencePath::FastBf16 && !fast::bf16Native())
            throw Error("bf16: this CPU has no native BF16 convolutions (AVX-512 BF16 or AMX); use fast (FP32)");
        guarded("inference path", [&] {
            const auto t0 = Clock::now();
            std::unique_ptr<fast::Net> net;
            if (path != InferencePath::Plain && m_device.is_cpu()) {
                net = makeFastNet(path == InferencePath::FastBf16);
                net->prepare(1);
            }
            m_path = path;
            m_fast = std::move(net);
            m_prepareMs = msSince(t0);
            return 0;
        });
    }

    InferencePath inferencePath() const override { return m_path; }
    double preparationMs() const override { return m_prepareMs; }

    std::vector<NamedTensor> tensors() const override
    {
        return guarded("tensors", [&] {
            std::vector<NamedTensor> out;
            for (const auto &[name, t] : formCTensors()) {
                NamedTensor n;
                n.name = name;
                n.shape.assign(t.sizes().begin(), t.sizes().end());
                n.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
                out.push_back(std::move(n));
            }
            return out;
        });
    }

    // Every parameter and buffer as CPU float tensors with form (c)'s names, in
    // the model's order: form (a)/(b) per-path tensors "X.paths.I.leaf" join into
    // form (c)'s "X.leaf" (outputs concatenate on dim 0, form (a)'s per-path conv3
    // inputs on dim 1).
    std::vector<std::pair<std::string, torch::Tensor>> formCTensors() const
    {
        std::vector<std::string> order;
        std::map<std::string, std::vector<torch::Tensor>> parts;
        const auto add = [&](const std::string &name, const torch::Tensor &t) {
            std::string key = name;
            const auto at = name.find(".paths.");
            if (at != std::string::npos)
                key = name.substr(0, at + 1) + name.substr(name.find('.', at + 7) + 1);
            if (!parts.count(key))
                order.push_back(key);
            parts[key].push_back(t.detach().to(torch::kCPU).to(torch::kFloat));
        };
        for (const auto &p : m_net->named_parameters(true))
            add(p.key(), p.value());
        for (const auto &b : m_net->named_buffers(true))
            add(b.key(), b.value());
        std::vector<std::pair<std::string, torch::Tensor>> out;
        for (const auto &key : order) {
            const auto &list = parts[key];
            torch::Tensor t = list.front();
            if (list.size() > 1 && t.dim() > 0) {
                const bool conv3 = key.size() >= 12 && key.compare(key.size() - 12, 12, "conv3.weight") == 0;
                t = torch::cat(list, conv3 ? 1 : 0);
            }
            out.emplace_back(key, t.contiguous());
        }
        return out;
    }

    OodCalibration calibrateOod(const ImageSet &fit, const ImageSet &heldOut, double quantile,
                                const std::function<bool(size_t, size_t)> &progress) override
    {
        if (!(quantile > 0 && quantile < 1))
            throw Error("quantile: must be between 0 and 1 (got " + std::to_string(quantile) + ")");
        if (fit.count() == 0)
            throw Error("ood: no images to fit the class means on");
        if (heldOut.count() == 0)
            throw Error("ood: no held-out images to set the threshold on (use a validation split)");
        const int classes = m_info.spec.numClasses;
        for (auto l : fit.labels)
            if (l < 0 || l >= classes)
                throw Error("ood: label " + std::to_string(l) + " is outside the model's " + std::to_string(classes) +
                            " classes");
        const size_t total = fit.count() + heldOut.count();
        // Statistics are replaced only when the whole calibration succeeds.
        std::optional<Ood> previous = m_ood;
        try {
            return calibrate(fit, heldOut, quantile, progress, total);
        } catch (...) {
            m_ood = std::move(previous);
            throw;
        }
    }

    OodCalibration calibrate(const ImageSet &fit, const ImageSet &heldOut, double quantile,
                             const std::function<bool(size_t, size_t)> &progress, size_t total)
    {
        const int classes = m_info.spec.numClasses;
        return guarded("ood", [&] {
            const auto tick = [&](size_t offset) {
                return [&, offset](size_t done, size_t) { return !progress || progress(offset + done, total); };
            };
            const torch::Tensor f = featuresOf(fit, tick(0)); // N x D, double
            const auto labels = torch::tensor(fit.labels, torch::kLong);
            const int64_t dims = f.size(1);
            auto sums = torch::zeros({classes, dims}, torch::kDouble).index_add_(0, labels, f);
            auto counts = torch::bincount(labels, {}, classes).to(torch::kDouble);
            for (int k = 0; k < classes; ++k)
                if (counts[k].item<double>() == 0)
                    throw Error("ood: class '" + labelOf(k) + "' has no images to fit on");
            Ood o;
            o.means = sums / counts.unsqueeze(1);
            const auto centred = f - o.means.index_select(0, labels);
            auto cov = centred.t().mm(centred) / static_cast<double>(f.size(0));
            // A small ridge keeps the inverse finite when features are collinear (e.g. dead ReLUs).
            const double ridge = 1e-6 * (cov.trace().item<double>() / static_cast<double>(dims) + 1e-12);
            cov += ridge * torch::eye(dims, torch::kDouble);
            o.precision = torch::linalg_inv(cov);
            setOod(std::move(o));
            auto scores = oodScoresOf(featuresOf(heldOut, tick(fit.count())));
            std::vector<double> v(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
            std::sort(v.begin(), v.end());
            const size_t at = std::min(v.size() - 1, static_cast<size_t>(std::ceil(quantile * v.size())) - 1);
            OodCalibration &c = m_ood->info;
            c.fitImages = fit.count();
            c.heldOutImages = heldOut.count();
            c.features = static_cast<int>(dims);
            c.quantile = quantile;
            c.threshold = v[at];
            c.heldOutPassRate = static_cast<double>(std::upper_bound(v.begin(), v.end(), c.threshold) - v.begin()) /
                                static_cast<double>(v.size());
            return c;
        });
    }

    std::optional<OodCalibration> ood() const override
    {
        return m_ood ? std::optional<OodCalibration>(m_ood->info) : std::nullopt;
    }

    std::vector<double> oodScores(const ImageSet &data, const std::function<bool(size_t, size_t)> &progress) override
    {
        if (!m_ood)
            throw Error("ood: this model has no out-of-distribution statistics (run calibrate)");
        return guarded("ood", [&] {
            auto scores = oodScoresOf(featuresOf(data, progress));
            return std::vector<double>(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
        });
    }

    GroupActivations groupActivations(const ImageSet &data, const GroupPassOptions &options,
                                      const std::function<bool(size_t, size_t)> &progress) override
    {
        const auto &pre = m_info.preprocessing;
        const bool direct = data.height == pre.size && data.width == pre.size &&
                            (data.channels == pre.channels || data.channels == 1);
        return guarded("groups", [&] {
            // On the fast path in FP32 whenever the model's path is a fast one (BF16
            // would round the accuracies the ablation compares), else on the plain path.
            fast::Net *net = m_info.spec.block == BlockKind::Bottleneck ? fastNet() : nullptr;
            std::unique_ptr<fast::Net> fp32;
            if (net && net->bf16()) {
                fp32 = makeFastNet(false);
                net = fp32.get();
            }
            return runGroupPass(m_net, m_info.spec, m_device, data, options, net,
                                [&](const std::vector<size_t> &idx) { return inputBatch(data, idx, direct); }, progress);
        });
    }

    // The statistics from a checkpoint: class means [classes, D], precision [D, D], threshold.
    void setOod(torch::Tensor means, torch::Tensor precision, double threshold, const OodCalibration &info)
    {
        Ood o;
        o.means = std::move(means);
        o.precision = std::move(precision);
        o.info = info;
        o.info.threshold = threshold;
        o.info.features = static_cast<int>(o.means.size(1));
        setOod(std::move(o));
    }

private:
    // The fast path of the chosen kind on the CPU, made on first use; null for the plain path.
    fast::Net *fastNet()
    {
        if (m_path == InferencePath::Plain || !m_device.is_cpu())
            return nullptr;
        if (!m_fast) {
            const auto t0 = Clock::now();
            m_fast = makeFastNet(m_path == InferencePath::FastBf16);
            m_prepareMs = msSince(t0);
        }
        return m_fast.get();
    }

    std::unique_ptr<fast::Net> makeFastNet(bool bf16) const
    {
        c10::InferenceMode guard;
        std::map<std::string, torch::Tensor> byName;
        for (auto &[name, t] : formCTensors())
            byName.emplace(name, t);
        return std::make_unique<fast::Net>(m_info.spec, byName, bf16);
    }

    struct Ood {
        torch::Tensor means, precision; // double, CPU
        torch::Tensor meansP, meanTerm; // means * P and diag(means P means^T), precomputed
        OodCalibration info;
    };

    void setOod(Ood o)
    {
        o.meansP = o.means.mm(o.precision);
        o.meanTerm = (o.meansP * o.means).sum(1);
        m_ood = std::move(o);
    }

    // min_k (f - mu_k)^T P (f - mu_k) for each row f, expanded so no B x K x D tensor is formed.
    torch::Tensor oodScoresOf(const torch::Tensor &features) const
    {
        const auto f = features.to(torch::kCPU).to(torch::kDouble);
        const auto fP = f.mm(m_ood->precision);
        const auto d = (fP * f).sum(1, true) - 2.0 * f.mm(m_ood->meansP.t()) + m_ood->meanTerm.unsqueeze(0);
        return std::get<0>(d.min(1)).clamp_min(0).contiguous();
    }

    // Pooled (pre-fc) features of every image, N x D, double on the CPU.
    torch::Tensor featuresOf(const ImageSet &data, const std::function<bool(size_t, size_t)> &progress)
    {
        const auto &pre = m_info.preprocessing;
        const bool direct = data.height == pre.size && data.width == pre.size &&
                            (data.channels == pre.channels || data.channels == 1);
        c10::InferenceMode guard;
        std::vector<torch::Tensor> parts;
        const size_t batch = 500;
        for (size_t start = 0; start < data.count(); start += batch) {
            const size_t end = std::min(data.count(), start + batch);
            std::vector<size_t> idx(end - start);
            std::iota(idx.begin(), idx.end(), start);
            auto x = stem(inputBatch(data, idx, direct).to(m_device));
            for (int s = 0; s < m_info.spec.numStages(); ++s)
                x = m_net->stage(s)->forward(x);
            parts.push_back(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1).to(torch::kCPU).to(torch::kDouble));
            if (progress && !progress(end, data.count()))
                throw Cancelled();
        }
        return parts.empty() ? torch::zeros({0, m_net->fc->options.in_features()}, torch::kDouble) : torch::cat(parts);
    }

    // Network input for images idx of a data set (resized unless `direct`).
    torch::Tensor inputBatch(const ImageSet &data, const std::vector<size_t> &idx, bool direct) const
    {
        const auto &pre = m_info.preprocessing;
        if (direct)
            return batchFromPixels(data, idx, pre);
        std::vector<torch::Tensor> items;
        for (size_t i : idx) {
            auto in = preprocessPixels(data.image(i), data.height, data.width, data.channels, pre);
            items.push_back(torch::from_blob(in.chw.data(), {pre.channels, pre.size, pre.size}, torch::kFloat).clone());
        }
        return torch::stack(items);
    }

    torch::Tensor stem(torch::Tensor x)
    {
        x = m_net->bn1(m_net->conv1(x)).relu_();
        if (m_info.spec.stem == Stem::ImageNet)
            x = torch::max_pool2d(x, 3, 2, 1);
        return x;
    }

    torch::Tensor head(const torch::Tensor &x)
    {
        return m_net->fc(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
    }

    std::string labelOf(int index) const
    {
        return index < static_cast<int>(m_info.labels.size()) ? m_info.labels[static_cast<size_t>(index)]
                                                              : "class " + std::to_string(index);
    }

    // Logits, top-k and the OOD score of one image, and the forward time since t0.
    void finishAnalysis(Analysis &out, const torch::Tensor &rawLogits, const torch::Tensor &pooledFeatures, int topk,
                        Clock::time_point t0) const
    {
        auto logits = rawLogits.to(torch::kCPU).to(torch::kFloat).contiguous();
        auto probs = torch::softmax(logits, 1);
        if (m_ood) {
            out.oodKnown = true;
            out.oodScore = oodScoresOf(pooledFeatures)[0].item<double>();
            out.oodThreshold = m_ood->info.threshold;
            out.outOfDistribution = out.oodScore > out.oodThreshold;
        }
        out.timings.forwardMs = msSince(t0);
        out.logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
        const int k = std::clamp(topk, 1, m_info.spec.numClasses);
        const auto top = probs.topk(k, 1);
        const auto values = std::get<0>(top).contiguous();
        const auto indices = std::get<1>(top).contiguous();
        for (int i = 0; i < k; ++i) {
            Prediction p;
            p.index = static_cast<int>(indices[0][i].item<int64_t>());
            p.probability = values[0][i].item<double>();
            p.label = labelOf(p.index);
            out.top.push_back(p);
        }
    }

    void fillFeatures(FeatureMaps &f, const std::string &block, const torch::Tensor &in, const torch::Tensor &grouped,
                      const torch::Tensor &out) const
    {
        const auto copy = [](const torch::Tensor &t, std::vector<float> &dst) {
            auto c = t[0].to(torch::kCPU).to(torch::kFloat).contiguous();
            dst.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        };
        f.block = block;
        f.form = m_info.spec.form;
        const bool basic = m_info.spec.block == BlockKind::Basic;
        f.cardinality = basic ? 1 : m_info.spec.cardinality;
        f.groupWidth = static_cast<int>(grouped.size(1)) / f.cardinality;
        f.height = static_cast<int>(grouped.size(2));
        f.width = static_cast<int>(grouped.size(3));
        copy(grouped, f.grouped);
        f.inChannels = static_cast<int>(in.size(1));
        f.inHeight = static_cast<int>(in.size(2));
        f.inWidth = static_cast<int>(in.size(3));
        copy(in, f.input);
        f.outChannels = static_cast<int>(out.size(1));
        f.outHeight = static_cast<int>(out.size(2));
        f.outWidth = static_cast<int>(out.size(3));
        copy(out, f.output);
        // reshape, not view: a trained model's activations are channels-last.
        const auto energy = grouped[0].to(torch::kCPU).to(torch::kFloat).pow(2).reshape({f.cardinality, -1}).mean(1);
        f.groupEnergy.resize(static_cast<size_t>(f.cardinality));
        for (int g = 0; g < f.cardinality; ++g)
            f.groupEnergy[static_cast<size_t>(g)] = energy[g].item<double>();
    }

    ResNet halfCopy()
    {
        ResNet h(m_info.spec);
        torch::NoGradGuard ng;
        auto src = m_net->named_parameters(true);
        for (auto &p : h->named_parameters(true))
            p.value().copy_(*src.find(p.key()));
        auto bsrc = m_net->named_buffers(true);
        for (auto &b : h->named_buffers(true))
            b.value().copy_(*bsrc.find(b.key()));
        h->to(m_device);
        h->to(torch::kHalf);
        h->eval();
        return h;
    }

    ModelInfo m_info;
    ResNet m_net;
    torch::Device m_device;
    std::optional<Ood> m_ood;
    InferencePath m_path = fast::available() ? InferencePath::Fast : InferencePath::Plain;
    std::unique_ptr<fast::Net> m_fast; // for m_path on the CPU; made on first use
    double m_prepareMs = 0;
};

std::vector<std::string> defaultLabels(const ArchSpec &spec)
{
    if (spec.numClasses == 1000)
        return imagenetClasses();
    std::vector<std::string> l;
    for (int i = 0; i < spec.numClasses; ++i)
        l.push_back("class " + std::to_string(i));
    return l;
}

class TorchEngine : public Engine {
public:
    TorchEngine()
    {
        // Keep freed tensor memory in the heap instead of returning it to the
        // kernel: glibc otherwise mmaps and unmaps every large activation, and
        // the page faults cost more than the arithmetic of a small model.
        mallopt(M_MMAP_THRESHOLD, 256 << 20);
        mallopt(M_TRIM_THRESHOLD, 1024 << 20);
        // LibTorch defaults to one intra-op thread on small machines: use every core
        // that other processes leave idle (several runs at once each taking every
        // core are many times slower than the same runs sharing them).
        setThreads(defaultThreadCount());
    }

    DeviceInfo deviceInfo() override
    {
        DeviceInfo d;
        d.cudaAvailable = torch::cuda::is_available();
        if (d.cudaAvailable)
            d.cudaName = cudaName();
        d.threads = at::get_num_threads();
        d.torchVersion = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                         std::to_string(TORCH_VERSION_PATCH);
        d.fastPath = fast::available();
        d.bf16 = d.fastPath && fast::bf16Native();
        return d;
    }

    void setThreads(int threads) override { at::set_num_threads(std::max(1, threads)); }

    std::unique_ptr<Model> create(const ModelInfo &info, std::uint64_t seed, const std::string &device) override
    {
        checkBuildable(info.spec);
        const torch::Device d = parseDevice(device);
        return guarded("model", [&] {
            torch::manual_seed(seed);
            ModelInfo i = info;
            if (i.labels.empty())
                i.labels = defaultLabels(i.spec);
            if (i.source.empty())
                i.source = "random weights (seed " + std::to_string(seed) + ")";
            ResNet net = buildModel(i.spec);
            net->to(d);
            return std::unique_ptr<Model>(new TorchModel(std::move(i), std::move(net), d));
        });
    }

    std::unique_ptr<Model> load(const std::string &path, const LoadOptions &options, LoadReport *report,
                                const std::string &device) override
    {
        const SafetensorsFile file = readWeightsFile(path); // safetensors or torch.save zip, by content
        return loadFrom(file, path, options, report, device);
    }

    std::unique_ptr<Model> loadBuiltin(const std::string &device) override
    {
        const std::string_view bytes = builtinModelBytes();
        if (bytes.empty())
            throw Error("built-in model: this build has none (resources/fashion_mnist_resnext.safetensors was "
                        "missing when it was built)");
        const SafetensorsFile file = SafetensorsFile::parse(std::string(bytes), "built-in model");
        auto m = loadFrom(file, "", {}, nullptr, device);
        return m;
    }

    TrainResult train(const TrainOptions &o, const ImageSet &train, const ImageSet &val,
                      const std::vector<std::string> &labels,
                      const std::function<bool(const TrainProgress &)> &progress) override;

private:
    std::unique_ptr<Model> loadFrom(const SafetensorsFile &file, const std::string &path, const LoadOptions &options,
                                    LoadReport *reportOut, const std::string &device)
    {
        const torch::Device d = parseDevice(device);
        canonicalTensors(file); // refuses "x" beside "module.x" before either is used
        const CheckpointMetadata meta = readCheckpointMetadata(file);
        ModelInfo info;
        info.spec = meta.spec ? *meta.spec : inferSpec(file);
        info.preprocessing = meta.preprocessing ? *meta.preprocessing : defaultPreprocessing(info.spec);
        info.source = path.empty() ? file.label() : path;
        if (!options.labelsPath.empty()) {
            info.labels = readLabelsFile(options.labelsPath);
        } else if (!meta.labels.empty()) {
            info.labels = meta.labels;
        } else if (!path.empty()) {
            namespace fs = std::filesystem;
            const fs::path p(path);
            for (const fs::path &candidate : {fs::path(path + ".labels.txt"), p.parent_path() / "labels.txt"})
                if (fs::exists(candidate)) {
                    info.labels = readLabelsFile(candidate.string());
                    break;
                }
        }
        if (info.labels.empty())
            info.labels = defaultLabels(info.spec);
        if (static_cast<int>(info.labels.size()) != info.spec.numClasses)
            throw Error(file.label() + ": " + std::to_string(info.labels.size()) + " labels for a model of " +
                        std::to_string(info.spec.numClasses) + " classes");

        // Compare the file with the plan of the spec before allocating anything:
        // a tiny file may claim an enormous model.
        LoadReport report;
        static_cast<TensorCheck &>(report) = checkTensors(file, info.spec);
        {
            std::set<std::string> dtypes;
            for (const auto &t : file.tensors())
                dtypes.insert(toString(t.dtype));
            report.dtypes.assign(dtypes.begin(), dtypes.end());
        }
        if (reportOut)
            *reportOut = report;
        if (!report.ok() && !options.allowPartial) {
            std::string msg = file.label() + ": does not match " + describe(info.spec) + ":";
            if (!report.missing.empty())
                msg += " " + std::to_string(report.missing.size()) + " missing (" + joinFew(report.missing) + ");";
            if (!report.unexpected.empty())
                msg += " " + std::to_string(report.unexpected.size()) + " unexpected (" + joinFew(report.unexpected) +
                       ");";
            if (!report.mismatched.empty())
                msg += " " + std::to_string(report.mismatched.size()) + " of the wrong shape (" +
                       joinFew(report.mismatched) + ");";
            msg += " load anyway with --allow-partial";
            throw Error(msg);
        }
        checkBuildable(info.spec);
        {
            ArchSpec atRunSize = info.spec; // what preprocessing will feed it
            atRunSize.inputSize = info.preprocessing.size;
            checkBuildable(atRunSize);
        }

        return guarded(file.label(), [&] {
            torch::manual_seed(0);
            ResNet net = buildModel(info.spec);
            const auto byName = canonicalTensors(file);
            torch::NoGradGuard ng;
            const auto assign = [&](const std::string &name, torch::Tensor target) {
                const auto it = byName.find(name);
                if (it == byName.end())
                    return;
                const TensorRecord &t = *it->second;
                std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
                if (at::IntArrayRef(shape) != target.sizes())
                    return; // reported as mismatched above
                std::vector<float> values = toFloats(file, t);
                report.nonFinite += static_cast<std::size_t>(
                    std::count_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }));
                auto src = torch::from_blob(values.data(), shape, torch::kFloat);
                target.copy_(src.to(target.scalar_type()));
                ++report.loaded;
            };
            for (auto &p : net->named_parameters(true))
                assign(p.key(), p.value());
            for (auto &b : net->named_buffers(true))
                assign(b.key(), b.value());
            if (reportOut) {
                reportOut->loaded = report.loaded;
                reportOut->nonFinite = report.nonFinite;
            }
            if (options.form && *options.form != info.spec.form) {
                if (info.spec.form != BlockForm::C)
                    throw Error(file.label() + ": weights saved in form (" + toString(info.spec.form) +
                                ") convert only from form (c)");
                ArchSpec other = info.spec;
                other.form = *options.form;
                ResNet converted = buildModel(other);
                copyFromFormC(net, converted);
                net = converted;
                info.spec = other;
            }
            net->to(d);
            const int64_t dims = net->fc->options.in_features();
            auto model = std::make_unique<TorchModel>(std::move(info), std::move(net), d);
            readOod(file, byName, model->info().spec.numClasses, dims, *model);
            // Fold and prepack now, on the loading worker, not at the first image.
            model->setInferencePath(model->inferencePath());
            return std::unique_ptr<Model>(std::move(model));
        });
    }

    // The "ood.*" tensors this program's calibrate/train write; all three or none.
    static void readOod(const SafetensorsFile &file, const std::map<std::string, const TensorRecord *> &byName,
                        int classes, int64_t dims, TorchModel &model)
    {
        const char *names[] = {"ood.class_means", "ood.precision", "ood.threshold"};
        const std::vector<std::vector<int64_t>> shapes = {{classes, dims}, {dims, dims}, {}};
        int present = 0;
        for (const char *n : names)
            present += byName.count(n) ? 1 : 0;
        if (present == 0)
            return;
        std::vector<torch::Tensor> t;
        for (size_t i = 0; i < 3; ++i) {
            const auto it = byName.find(names[i]);
            if (it == byName.end())
                throw Error(file.label() + ": out-of-distribution statistics are incomplete (no tensor '" + names[i] +
                            "')");
            const TensorRecord &r = *it->second;
            std::vector<int64_t> shape(r.shape.begin(), r.shape.end());
            if (shape != shapes[i])
                throw Error(file.label() + ": tensor '" + names[i] + "' has shape " + shapeText(shape) +
                            ", expected " + shapeText(shapes[i]));
            std::vector<float> v = toFloats(file, r);
            for (float x : v)
                if (!std::isfinite(x))
                    throw Error(file.label() + ": tensor '" + names[i] + "' holds a value that is not finite");
            t.push_back(torch::from_blob(v.data(), shape, torch::kFloat).to(torch::kDouble).clone());
        }
        OodCalibration info;
        if (const auto it = file.metadata().find("ood"); it != file.metadata().end()) {
            // Descriptive only (the threshold is the tensor); malformed text is ignored.
            try {
                const json::Value v = json::parse(it->second, 8);
                const auto number = [&](const char *key, double fallback) {
                    const json::Value *x = v.kind() == json::Value::Kind::Object ? v.find(key) : nullptr;
                    return x && x->isNumber() ? x->asDouble() : fallback;
                };
                info.quantile = number("quantile", info.quantile);
                info.fitImages = static_cast<size_t>(std::max(0.0, number("fit_images", 0)));
                info.heldOutImages = static_cast<size_t>(std::max(0.0, number("held_out_images", 0)));
                info.heldOutPassRate = number("held_out_pass_rate", 0);
            } catch (const json::ParseError &) {
            }
        }
        model.setOod(t[0], t[1], t[2].item<double>(), info);
    }
};

TrainResult TorchEngine::train(const TrainOptions &o, const ImageSet &trainSet, const ImageSet &valSet,
                               const std::vector<std::string> &labels,
                               const std::function<bool(const TrainProgress &)> &progress)
{
    checkBuildable(o.spec);
    validateTrainOptions(o);
    const ArchSpec &spec = o.spec;
    if (trainSet.count() == 0)
        throw Error("train: the training set is empty");
    if (trainSet.height != spec.inputSize || trainSet.width != spec.inputSize)
        throw Error("input: the data is " + std::to_string(trainSet.width) + "x" + std::to_string(trainSet.height) +
                    " but the model's input is " + std::to_string(spec.inputSize) + "; use --input " +
                    std::to_string(trainSet.width));
    if (trainSet.channels != spec.inChannels)
        throw Error("channels: the data has " + std::to_string(trainSet.channels) + " channel(s) but the model takes " +
                    std::to_string(spec.inChannels) + "; use --channels " + std::to_string(trainSet.channels));
    if (static_cast<int>(labels.size()) != spec.numClasses)
        throw Error("classes: the data has " + std::to_string(labels.size()) + " classes but the model has " +
                    std::to_string(spec.numClasses) + "; use --classes " + std::to_string(labels.size()));
    const torch::Device device = parseDevice(o.device);

    return guarded("train", [&] {
        const auto start = Clock::now();
        torch::manual_seed(o.seed);
        SeededRandom rng(o.seed);
        ModelInfo info;
        info.spec = spec;
        info.labels = labels;
        info.preprocessing = defaultPreprocessing(spec);
        // Normalise with the training data's own statistics.
        {
            double sum = 0, sq = 0;
            const size_t n = trainSet.pixels.size();
            for (std::uint8_t v : trainSet.pixels) {
                sum += v;
                sq += static_cast<double>(v) * v;
            }
            const double mean = sum / n / 255.0;
            const double var = sq / n / (255.0 * 255.0) - mean * mean;
            info.preprocessing.mean.assign(static_cast<size_t>(spec.inChannels), static_cast<float>(mean));
            info.preprocessing.std.assign(static_cast<size_t>(spec.inChannels),
                                          static_cast<float>(std::sqrt(std::max(var, 1e-6))));
        }
        info.source = "trained";
        ResNet net = buildModel(spec);
        net->to(device);
        // NHWC is what oneDNN's CPU convolutions want: about 1.7x faster training here.
        setLayout(net, at::MemoryFormat::ChannelsLast);
        torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(o.learningRate)
                                                     .momentum(o.momentum)
                                                     .weight_decay(o.weightDecay)
                                                     .nesterov(o.momentum > 0));
        const size_t n = o.limitTrain ? std::min(o.limitTrain, trainSet.count()) : trainSet.count();
        std::vector<size_t> all(n);
        std::iota(all.begin(), all.end(), 0);
        auto data = batchFromPixels(trainSet, all, info.preprocessing); // N x C x H x W, normalised
        auto targets = torch::from_blob(const_cast<int64_t *>(trainSet.labels.data()), {static_cast<int64_t>(n)},
                                        torch::kLong)
                           .clone();
        const size_t steps = (n + static_cast<size_t>(o.batch) - 1) / static_cast<size_t>(o.batch);
        const size_t totalSteps = steps * static_cast<size_t>(o.epochs);
        const int pad = 2;
        const float padValue = -info.preprocessing.mean[0] / info.preprocessing.std[0]; // a black pixel
        TrainResult result;
        size_t globalStep = 0;
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        for (int epoch = 1; epoch <= o.epochs; ++epoch) {
            net->train();
            const auto epochStart = Clock::now();
            rng.shuffle(order);
            double correct = 0, seen = 0;
            TrainProgress p;
            p.epoch = epoch;
            p.epochs = o.epochs;
            p.steps = steps;
            for (size_t step = 0; step < steps; ++step, ++globalStep) {
                const size_t b0 = step * static_cast<size_t>(o.batch);
                const size_t b1 = std::min(n, b0 + static_cast<size_t>(o.batch));
                std::vector<int64_t> idx(order.begin() + static_cast<long>(b0), order.begin() + static_cast<long>(b1));
                auto index = torch::from_blob(idx.data(), {static_cast<int64_t>(idx.size())}, torch::kLong).clone();
                torch::Tensor x;
                if (o.augment) {
                    // Random crop with `pad` pixels of padding and a horizontal flip,
                    // written straight into the batch (a per-sample tensor op costs more
                    // than the arithmetic).
                    const int h = spec.inputSize, ch = spec.inChannels;
                    x = torch::empty({static_cast<int64_t>(idx.size()), ch, h, h});
                    float *dst = x.data_ptr<float>();
                    const float *src = data.data_ptr<float>();
                    const size_t plane = static_cast<size_t>(h) * h;
                    for (size_t i = 0; i < idx.size(); ++i) {
                        const int dy = rng.between(-pad, pad), dx = rng.between(-pad, pad);
                        const bool f = rng.coin();
                        for (int c = 0; c < ch; ++c) {
                            const float *s = src + (static_cast<size_t>(idx[i]) * ch + c) * plane;
                            float *d = dst + (i * ch + c) * plane;
                            for (int y = 0; y < h; ++y)
                                for (int xx = 0; xx < h; ++xx) {
                                    const int sy = y + dy, sx = (f ? h - 1 - xx : xx) + dx;
                                    d[y * h + xx] = sy >= 0 && sy < h && sx >= 0 && sx < h ? s[sy * h + sx] : padValue;
                                }
                        }
                    }
                } else {
                    x = data.index_select(0, index);
                }
                auto y = targets.index_select(0, index);
                x = x.contiguous(at::MemoryFormat::ChannelsLast);
                // Cosine (or step) schedule, set per step.
                const double t = static_cast<double>(globalStep) / static_cast<double>(totalSteps);
                const double lr = o.schedule == TrainOptions::Schedule::Cosine
                                      ? o.learningRate * 0.5 * (1.0 + std::cos(M_PI * t))
                                      : o.learningRate * std::pow(0.1, std::floor(t * 3.0));
                for (auto &group : opt.param_groups())
                    static_cast<torch::optim::SGDOptions &>(group.options()).lr(lr);
                x = x.to(device);
                y = y.to(device);
                opt.zero_grad();
                auto logits = net->forward(x);
                auto loss = torch::nn::functional::cross_entropy(logits, y);
                loss.backward();
                opt.step();
                correct += logits.argmax(1).eq(y).sum().item<double>();
                seen += static_cast<double>(idx.size());
                p.step = step + 1;
                p.loss = loss.item<double>();
                // A NaN or infinite loss poisons every weight at the next step: stop
                // rather than train on and save an all-NaN checkpoint.
                if (!std::isfinite(p.loss))
                    throw Error("train: the loss became " + std::string(std::isnan(p.loss) ? "NaN" : "infinite") +
                                " at epoch " + std::to_string(epoch) + ", step " + std::to_string(step + 1) +
                                "; lower --lr or --wd");
                p.imagesPerSecond = seen / (msSince(epochStart) / 1000.0);
                if (progress && !progress(p))
                    throw Cancelled();
            }
            p.trainAccuracy = correct / seen;
            p.epochSeconds = msSince(epochStart) / 1000.0;
            TorchModel probe(info, net, device);
            probe.setInferencePath(InferencePath::Plain); // the training's own modules, no folding per epoch
            if (valSet.count()) {
                auto r = probe.evaluate(valSet, 500, {});
                p.valAccuracy = r.accuracy();
            }
            net->train();
            result.epochs.push_back(p);
            if (progress && !progress(p))
                throw Cancelled();
        }
        net->eval();
        result.model = std::unique_ptr<Model>(new TorchModel(info, net, device));
        // Out-of-distribution statistics: fitted on what the model trained on, threshold on validation.
        // A slice too small to hold every class gets none; the model itself is fine.
        if (valSet.count()) {
            try {
                result.ood = result.model->calibrateOod(n == trainSet.count() ? trainSet : subset(trainSet, all), valSet);
            } catch (const Cancelled &) {
                throw;
            } catch (const Error &) {
            }
        }
        result.seconds = msSince(start) / 1000.0;
        return result;
    });
}

} // namespace

} // namespace resnext

extern "C" __attribute__((visibility("default"))) int resnext_engine_api_version()
{
    return resnext::kEngineApiVersion;
}

extern "C" __attribute__((visibility("default"))) resnext::Engine *resnext_engine_create()
{
    static resnext::TorchEngine engine;
    return &engine;
}
