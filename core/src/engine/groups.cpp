// One pass over a data set for the group analysis: the network up to the
// chosen block runs once per batch; its grouped activation (after the 3x3
// grouped conv, BN and ReLU) gives every image's per-group energy and pooled
// channels, and is then edited per group (zeroed, or kept alone) and only the
// rest of the network (the block's merge, the later blocks, the head) runs
// again. The unablated path is exactly evaluate()'s computation.
#include "groups_pass.h"
#include "engine/torch_model.h"

#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/validate.h"

#include <chrono>
#include <cstring>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#include <numeric>

namespace resnext {

namespace {
// Images per call of the network after the block when running the edits
// (256: a layer2 activation of the built-in model stays under glibc's 32 MB
// mmap threshold, so the tensors are reused instead of mapped and faulted in
// anew each call: 2048 spent a quarter of the time in the kernel).
constexpr std::size_t kTailImages = 256;
} // namespace

GroupActivations runGroupPass(ResNet &net, const ArchSpec &spec, const torch::Device &device, const ImageSet &data,
                              const GroupPassOptions &o, fast::Net *fastNet,
                              const std::function<torch::Tensor(const std::vector<std::size_t> &)> &input,
                              const std::function<bool(std::size_t, std::size_t)> &progress)
{
    const BlockRef ref = parseBlockName(o.block);
    checkBlock(spec, ref, o.block);
    validateEvalBatch(o.batch);
    for (auto l : data.labels)
        if (l < 0 || l >= spec.numClasses)
            throw Error("groups: label " + std::to_string(l) + " is outside the model's " +
                        std::to_string(spec.numClasses) + " classes");
    const auto t0 = std::chrono::steady_clock::now();
    const int c = spec.block == BlockKind::Basic ? 1 : spec.cardinality;
    GroupActivations r;
    r.block = o.block;
    r.cardinality = c;
    r.count = data.count();
    r.energy.reserve(r.count * static_cast<std::size_t>(c));
    r.predicted.reserve(r.count);
    if (o.ablateZeroed)
        r.zeroedCorrect.assign(static_cast<std::size_t>(c), 0);
    if (o.ablateKeptOnly)
        r.keptOnlyCorrect.assign(static_cast<std::size_t>(c), 0);
    r.path = fastNet ? "fast" : "plain";

    c10::InferenceMode guard;
    // A trained model's activations hold subnormal floats, which cost the CPU
    // tens of times a normal operation: flushing them to zero made the trained
    // pass 2.3x faster here (values below 1.2e-38 cannot move an argmax). The
    // thread's previous mode is restored however the pass ends.
    struct FlushDenormal {
#if defined(__SSE__)
        unsigned int saved = _mm_getcsr();
        FlushDenormal() { at::globalContext().setFlushDenormal(true); }
        ~FlushDenormal() { _mm_setcsr(saved); }
#endif
    } flush;
    net->eval();
    auto stage = net->stage(ref.stage);
    auto block = stage->ptr<BlockImpl>(static_cast<std::size_t>(ref.block));
    // The network after the block, to the predicted class (ResNetImpl::forward's ops).
    const auto rest = [&](torch::Tensor y) {
        for (std::size_t b = static_cast<std::size_t>(ref.block) + 1; b < stage->size(); ++b)
            y = stage->ptr<BlockImpl>(b)->forward(y);
        for (int s = ref.stage + 1; s < spec.numStages(); ++s)
            y = net->stage(s)->forward(y);
        return net->fc(torch::adaptive_avg_pool2d(y, {1, 1}).flatten(1)).argmax(1).to(torch::kCPU).contiguous();
    };
    const auto correctOf = [&](const torch::Tensor &pred, const std::vector<std::size_t> &idx) {
        const auto *p = pred.data_ptr<int64_t>();
        std::size_t n = 0;
        for (std::size_t i = 0; i < idx.size(); ++i)
            n += p[i] == data.labels[idx[i]];
        return n;
    };

    const auto batch = static_cast<std::size_t>(o.batch);
    // The fast path takes each batch in its chunks (fast::Net::chunk), as
    // evaluate() does, so that the unablated predictions are evaluate()'s.
    const std::size_t step = fastNet ? std::min(batch, static_cast<std::size_t>(fastNet->chunk())) : batch;
    for (std::size_t start = 0; start < data.count(); start += batch) {
        const std::size_t end = std::min(data.count(), start + batch);
        for (std::size_t first = start; first < end; first += step) {
            std::vector<std::size_t> idx(std::min(end, first + step) - first);
            std::iota(idx.begin(), idx.end(), first);
            torch::Tensor blockIn, t, pred;
            if (fastNet) {
                // One fast pass gives the prediction, the block's input and its grouped activation.
                fast::Capture capture;
                capture.stage = ref.stage;
                capture.block = ref.block;
                pred = fastNet->forward(input(idx), nullptr, &capture).argmax(1).contiguous();
                blockIn = capture.input;
                t = capture.grouped;
            } else {
                auto x = input(idx).to(device);
                x = net->bn1(net->conv1(x)).relu_();
                if (spec.stem == Stem::ImageNet)
                    x = torch::max_pool2d(x, 3, 2, 1);
                for (int s = 0; s < ref.stage; ++s)
                    x = net->stage(s)->forward(x);
                for (int b = 0; b < ref.block; ++b)
                    x = stage->ptr<BlockImpl>(static_cast<std::size_t>(b))->forward(x);
                blockIn = x;
                pred = rest(block->forwardWithTransform(blockIn, &t));
            }
            const int64_t bsz = t.size(0), d = t.size(1) / c;
            r.groupWidth = static_cast<int>(d);
            r.height = static_cast<int>(t.size(2));
            r.width = static_cast<int>(t.size(3));
            // reshape, not view: a trained model's activations are channels-last.
            const auto energy = t.pow(2).reshape({bsz, c, -1}).mean(2).to(torch::kCPU).to(torch::kFloat).contiguous();
            r.energy.insert(r.energy.end(), energy.data_ptr<float>(), energy.data_ptr<float>() + energy.numel());
            const auto pooled = t.mean({2, 3}).to(torch::kCPU).to(torch::kFloat).contiguous();
            r.pooled.insert(r.pooled.end(), pooled.data_ptr<float>(), pooled.data_ptr<float>() + pooled.numel());
            r.predicted.insert(r.predicted.end(), pred.data_ptr<int64_t>(), pred.data_ptr<int64_t>() + pred.numel());
            r.correct += correctOf(pred, idx);
            // Every edit of this batch: group g zeroed, or kept alone.
            std::vector<std::pair<int, bool>> edits; // (group, kept alone)
            for (int g = 0; g < c; ++g) {
                if (o.ablateZeroed)
                    edits.emplace_back(g, false);
                if (o.ablateKeptOnly)
                    edits.emplace_back(g, true);
            }
            const auto editOf = [&](std::size_t e) {
                const auto [g, keptAlone] = edits[e];
                torch::Tensor edited;
                if (keptAlone) {
                    edited = torch::zeros_like(t);
                    edited.narrow(1, g * d, d).copy_(t.narrow(1, g * d, d));
                } else {
                    edited = t.clone();
                    edited.narrow(1, g * d, d).zero_();
                }
                return edited;
            };
            const auto count = [&](std::size_t e, const torch::Tensor &pred) {
                const auto [g, keptAlone] = edits[e];
                (keptAlone ? r.keptOnlyCorrect : r.zeroedCorrect)[static_cast<std::size_t>(g)] += correctOf(pred, idx);
            };
            if (fastNet && !edits.empty()) {
                // The fast path runs the block's merge and everything after it once
                // per edit, on this batch's block input kept in its own layout.
                const auto logits = fastNet->forwardEdits(
                    ref.stage, ref.block, blockIn, static_cast<int>(edits.size()),
                    [&](int e) { return editOf(static_cast<std::size_t>(e)); });
                for (std::size_t e = 0; e < edits.size(); ++e)
                    count(e, logits[e].argmax(1).contiguous());
            } else if (!edits.empty()) {
                const torch::Tensor identity = block->shortcut(blockIn); // the same for every edit
                // The edits go through the rest of the network in as few calls as
                // memory allows: larger batches run faster per image on the CPU, and
                // eval-mode BN treats each image alone.
                const std::size_t perCall = std::max<std::size_t>(1, kTailImages / static_cast<std::size_t>(bsz));
                for (std::size_t e0 = 0; e0 < edits.size(); e0 += perCall) {
                    const std::size_t e1 = std::min(edits.size(), e0 + perCall);
                    std::vector<torch::Tensor> parts;
                    for (std::size_t e = e0; e < e1; ++e)
                        parts.push_back(editOf(e));
                    const auto k = static_cast<int64_t>(parts.size());
                    const auto preds = rest(
                        block->merge(blockIn, k == 1 ? parts[0] : torch::cat(parts), identity.repeat({k, 1, 1, 1})));
                    for (std::size_t e = e0; e < e1; ++e)
                        count(e, preds.narrow(0, static_cast<int64_t>(e - e0) * bsz, bsz).contiguous());
                }
            }
        }
        if (progress && !progress(end, data.count()))
            throw Cancelled();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

GroupActivations TorchModel::groupActivations(const ImageSet &data, const GroupPassOptions &options,
                                              const std::function<bool(size_t, size_t)> &progress)
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

} // namespace resnext
