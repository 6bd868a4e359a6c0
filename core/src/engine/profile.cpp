// Timing a model: bench (whole forwards) and profile (per stage, or one training step).

#include "engine/torch_model.h"
#include "net/bn_relu.h"

#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/text.h"
#include "resnext/validate.h"

#include <algorithm>
#include <numeric>

namespace resnext {

BenchResult TorchModel::bench(const BenchOptions &o, const std::atomic<bool> *cancel)
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
            x = detail::toChannelsLast(x); // also for one channel
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
        r.path = toString(fastNet ? m_path : InferencePath::Plain); // fastNet(): null where runningPath() is Plain
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
            r.winograd = k.winograd;
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

ProfileResult TorchModel::profile(const ProfileOptions &o, const std::function<bool(int, int)> &progress)
{
    return guarded("profile", [&] {
        if (o.batch < 1 || o.batch > kMaxBatch)
            throw Error("batch: must be between 1 and " + std::to_string(kMaxBatch) + " (got " +
                        std::to_string(o.batch) + ")");
        if (o.runs < 1 || o.runs > kMaxProfileRuns)
            throw Error("runs: must be between 1 and " + std::to_string(kMaxProfileRuns) + " (got " +
                        std::to_string(o.runs) + ")");
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
            // The stem's and each stage's time from the forward's taps; the head's is the rest.
            m_net->forward(x0, [&](torch::Tensor &, const TapSite &site) {
                size_t i = 0;
                if (site.tap == Tap::Stage)
                    i = static_cast<size_t>(site.stage + 1);
                else if (site.tap != Tap::Stem)
                    return;
                sync();
                t[i] = msSince(t0);
                t0 = Clock::now();
            });
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
        r.runs = o.runs;
        for (int i = 0; i < n + 2; ++i)
            r.stages.push_back({i == 0 ? "stem" : i == n + 1 ? "head" : stageName(i),
                                median(times[static_cast<size_t>(i)])});
        r.totalMs = median(totals);
        r.peakRssBytes = processMemory().peak;
        return r;
    });
}

ResNet TorchModel::halfCopy()
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

} // namespace resnext
