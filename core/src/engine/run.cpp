// Running a model on images: analyze (logits, top-k, one block's feature maps),
// Grad-CAM, evaluate over a data set, and the pooled features the OOD statistics use.

#include "engine/torch_model.h"

#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/validate.h"

#include <algorithm>
#include <numeric>

namespace resnext {

Analysis TorchModel::analyze(const RgbImage &image, int topk, const std::string &block,
                             const std::atomic<bool> *cancel)
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
        torch::Tensor pooledFeatures;
        const auto logits = m_net->forward(x, [&](torch::Tensor &t, const TapSite &site) {
            if (site.tap == Tap::BlockIn && cancel && cancel->load())
                throw Cancelled();
            if (site.tap == Tap::Pooled)
                pooledFeatures = t;
            if (site.stage != wantStage || site.block != wantBlock)
                return;
            if (site.tap == Tap::BlockIn)
                blockIn = t;
            else if (site.tap == Tap::Grouped)
                grouped = t;
            else if (site.tap == Tap::BlockOut)
                blockOut = t;
        });
        finishAnalysis(out, logits, pooledFeatures, topk, t0);
        if (grouped.defined()) {
            t0 = Clock::now();
            fillFeatures(out.features, block, blockIn, grouped, blockOut);
            out.timings.featuresMs = msSince(t0);
        }
        return out;
    });
}

GradCam TorchModel::gradCam(const RgbImage &image, int classIndex, int stage)
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
        torch::Tensor act;
        auto logits = m_net->forward(x, [&](torch::Tensor &t, const TapSite &site) {
            if (site.tap == Tap::Stage && site.stage + 1 == stage)
                act = t;
        });
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

EvalResult TorchModel::evaluate(const ImageSet &data, int batch,
                                const std::function<bool(size_t, size_t)> &progress)
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

// Pooled (pre-fc) features of every image, N x D, double on the CPU.
torch::Tensor TorchModel::featuresOf(const ImageSet &data, const std::function<bool(size_t, size_t)> &progress)
{
    const auto &pre = m_info.preprocessing;
    const bool direct = data.height == pre.size && data.width == pre.size &&
                        (data.channels == pre.channels || data.channels == 1);
    c10::InferenceMode guard;
    std::vector<torch::Tensor> parts;
    const size_t batch = kEvalBatch;
    for (size_t start = 0; start < data.count(); start += batch) {
        const size_t end = std::min(data.count(), start + batch);
        std::vector<size_t> idx(end - start);
        std::iota(idx.begin(), idx.end(), start);
        torch::Tensor pooled;
        m_net->forward(inputBatch(data, idx, direct).to(m_device), [&](torch::Tensor &t, const TapSite &site) {
            if (site.tap == Tap::Pooled)
                pooled = t;
        });
        parts.push_back(pooled.to(torch::kCPU).to(torch::kDouble));
        if (progress && !progress(end, data.count()))
            throw Cancelled();
    }
    const int64_t dims = m_info.spec.stageOutChannels(m_info.spec.numStages() - 1); // the pooled features
    return parts.empty() ? torch::zeros({0, dims}, torch::kDouble) : torch::cat(parts);
}

// Network input for images idx of a data set (resized unless `direct`).
torch::Tensor TorchModel::inputBatch(const ImageSet &data, const std::vector<size_t> &idx, bool direct) const
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

std::string TorchModel::labelOf(int index) const
{
    return index < static_cast<int>(m_info.labels.size()) ? m_info.labels[static_cast<size_t>(index)]
                                                          : "class " + std::to_string(index);
}

// Logits, top-k and the OOD score of one image, and the forward time since t0.
void TorchModel::finishAnalysis(Analysis &out, const torch::Tensor &rawLogits, const torch::Tensor &pooledFeatures, int topk,
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

void TorchModel::fillFeatures(FeatureMaps &f, const std::string &block, const torch::Tensor &in, const torch::Tensor &grouped,
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

} // namespace resnext
