#pragma once
// The walk that derives the layer plan from a spec (private). planLayers()
// keeps every layer with its name; the solvers use the same walk without names.

#include "resnext/error.h"
#include "resnext/plan.h"
#include "spatial.h"

#include <string>

namespace resnext::detail {

using i64 = std::int64_t;

// a * b, or a SpecError when the product does not fit in 64 bits.
inline i64 checkedMul(i64 a, i64 b)
{
    i64 r;
    if (__builtin_mul_overflow(a, b, &r))
        throw SpecError("spec", "spec: too large to count exactly (a count exceeds 2^63); lower the widths or input");
    return r;
}

inline i64 checkedAdd(i64 a, i64 b)
{
    i64 r;
    if (__builtin_add_overflow(a, b, &r))
        throw SpecError("spec", "spec: too large to count exactly (a count exceeds 2^63); lower the widths or input");
    return r;
}

// Walks the layers of `s` (already validated) in torchvision's order and hands
// each to `sink`. Names are built only when `withNames` (the solver needs none).
template <typename Sink> void walkPlan(const ArchSpec &s, bool withNames, Sink &&sink)
{
    const auto name = [&](const std::string &prefix, const char *leaf) {
        return withNames ? prefix + leaf : std::string();
    };
    auto layer = [](std::string n, LayerKind kind, LayerRole role, int stage, int block, int in, int inHw, int out,
                    int hw) {
        LayerInfo l;
        l.paths = 0;
        l.name = std::move(n);
        l.kind = kind;
        l.role = role;
        l.stage = stage;
        l.block = block;
        l.inChannels = in;
        l.inHeight = inHw;
        l.channels = out;
        l.height = l.width = hw;
        return l;
    };
    // Forms (a) and (b) split a bottleneck's reduce and grouped layers (and, in
    // form (a), the expanding conv) into C paths.
    const bool split = s.block == BlockKind::Bottleneck && s.form != BlockForm::C;
    const auto pathsOf = [&](LayerRole role, LayerKind kind) {
        if (!split)
            return 0;
        if (role == LayerRole::Reduce || role == LayerRole::Grouped)
            return s.cardinality;
        return role == LayerRole::Expand && kind == LayerKind::Conv && s.form == BlockForm::A ? s.cardinality : 0;
    };
    auto conv = [&](std::string n, LayerRole role, int stage, int block, int in, int inHw, int out, int k, int stride,
                    int groups, bool bias = false) {
        const int hw = convOutputSize(inHw, k, stride, k / 2);
        LayerInfo l = layer(std::move(n), LayerKind::Conv, role, stage, block, in, inHw, out, hw);
        l.kernel = k;
        l.stride = stride;
        l.padding = k / 2;
        l.groups = groups;
        l.bias = bias;
        l.paths = pathsOf(role, LayerKind::Conv);
        const i64 weights = checkedMul(checkedMul(out, in / groups), i64(k) * k);
        l.params = bias ? checkedAdd(weights, out) : weights;
        l.activations = checkedMul(out, i64(hw) * hw);
        l.macs = checkedMul(weights, i64(hw) * hw);
        sink(l);
        return hw;
    };
    // BN, ReLU, add, sigmoid: one operation per element under the count-all convention.
    auto elementwise = [&](std::string n, LayerKind kind, LayerRole role, int stage, int block, int ch, int hw,
                           i64 params) {
        LayerInfo l = layer(std::move(n), kind, role, stage, block, ch, hw, ch, hw);
        l.params = params;
        l.paths = pathsOf(role, kind);
        l.elementOps = checkedMul(ch, i64(hw) * hw);
        sink(l);
    };
    auto bn = [&](std::string n, LayerRole role, int stage, int block, int ch, int hw) {
        elementwise(std::move(n), LayerKind::BatchNorm, role, stage, block, ch, hw, 2 * i64(ch));
    };
    auto relu = [&](std::string n, LayerRole role, int stage, int block, int ch, int hw) {
        elementwise(std::move(n), LayerKind::ReLU, role, stage, block, ch, hw, 0);
    };
    // Global average pooling to 1x1 (the head's, and the SE module's squeeze).
    auto avgpool = [&](std::string n, LayerRole role, int stage, int block, int ch, int hw) {
        LayerInfo l = layer(std::move(n), LayerKind::AvgPool, role, stage, block, ch, hw, ch, 1);
        l.kernel = hw;
        l.elementOps = checkedMul(ch, i64(hw) * hw);
        sink(l);
    };

    // Stem.
    const int stemK = s.stem == Stem::ImageNet ? 7 : 3;
    const int stemStride = s.stem == Stem::ImageNet ? 2 : 1;
    const auto Stem = LayerRole::Stem;
    int hw = conv(name("", "conv1"), Stem, 0, -1, s.inChannels, s.inputSize, s.stemChannels, stemK, stemStride, 1);
    bn(name("", "bn1"), Stem, 0, -1, s.stemChannels, hw);
    relu(name("", "relu"), Stem, 0, -1, s.stemChannels, hw);
    if (s.stem == Stem::ImageNet) {
        const int pooled = convOutputSize(hw, 3, 2, 1);
        LayerInfo l = layer(name("", "maxpool"), LayerKind::MaxPool, Stem, 0, -1, s.stemChannels, hw, s.stemChannels,
                            pooled);
        l.kernel = 3;
        l.stride = 2;
        l.padding = 1;
        l.elementOps = checkedMul(checkedMul(s.stemChannels, i64(pooled) * pooled), 3 * 3 - 1);
        sink(l);
        hw = pooled;
    }

    // Stages.
    int inplanes = s.stemChannels;
    for (int st = 0; st < s.numStages(); ++st) {
        const int stage = st + 1;
        const int outCh = s.stageOutChannels(st);
        const int grouped = s.stageGroupedWidth(st);
        for (int b = 0; b < s.layers[st]; ++b) {
            const int stride = b == 0 ? stageStride(st) : 1;
            const std::string p = withNames ? blockName({st, b}) + "." : "";
            int outHw;
            using R = LayerRole;
            if (s.block == BlockKind::Bottleneck) {
                conv(name(p, "conv1"), R::Reduce, stage, b, inplanes, hw, grouped, 1, 1, 1);
                bn(name(p, "bn1"), R::Reduce, stage, b, grouped, hw);
                relu(name(p, "relu1"), R::Reduce, stage, b, grouped, hw);
                outHw = conv(name(p, "conv2"), R::Grouped, stage, b, grouped, hw, grouped, 3, stride, s.cardinality);
                bn(name(p, "bn2"), R::Grouped, stage, b, grouped, outHw);
                relu(name(p, "relu2"), R::Grouped, stage, b, grouped, outHw);
                conv(name(p, "conv3"), R::Expand, stage, b, grouped, outHw, outCh, 1, 1, 1);
                bn(name(p, "bn3"), R::Expand, stage, b, outCh, outHw);
            } else {
                outHw = conv(name(p, "conv1"), R::Grouped, stage, b, inplanes, hw, outCh, 3, stride, 1);
                bn(name(p, "bn1"), R::Grouped, stage, b, outCh, outHw);
                relu(name(p, "relu1"), R::Grouped, stage, b, outCh, outHw);
                conv(name(p, "conv2"), R::Expand, stage, b, outCh, outHw, outCh, 3, 1, 1);
                bn(name(p, "bn2"), R::Expand, stage, b, outCh, outHw);
            }
            if (s.seReduction > 0) {
                // Squeeze-and-excitation (timm's SEModule): mean over the map, 1x1
                // conv down to seChannels with bias, ReLU, 1x1 conv back with bias,
                // sigmoid, and the block's output scaled per channel.
                const int rd = s.seChannels(st);
                avgpool(name(p, "se.pool"), R::Excite, stage, b, outCh, outHw);
                conv(name(p, "se.fc1"), R::Excite, stage, b, outCh, 1, rd, 1, 1, 1, true);
                relu(name(p, "se.act"), R::Excite, stage, b, rd, 1);
                conv(name(p, "se.fc2"), R::Excite, stage, b, rd, 1, outCh, 1, 1, 1, true);
                elementwise(name(p, "se.gate"), LayerKind::Sigmoid, R::Excite, stage, b, outCh, 1, 0);
                elementwise(name(p, "se.scale"), LayerKind::Scale, R::Excite, stage, b, outCh, outHw, 0);
            }
            if (stride != 1 || inplanes != outCh) {
                // A 1x1 projection with the block's stride: torchvision pads 0, so
                // its output size is that of the 3x3 (padding 1) path.
                conv(name(p, "downsample.0"), R::Shortcut, stage, b, inplanes, hw, outCh, 1, stride, 1);
                bn(name(p, "downsample.1"), R::Shortcut, stage, b, outCh, outHw);
            }
            elementwise(name(p, "add"), LayerKind::Add, R::Merge, stage, b, outCh, outHw, 0);
            relu(name(p, "relu"), R::Merge, stage, b, outCh, outHw);
            inplanes = outCh;
            hw = outHw;
        }
    }

    // Head.
    const int head = s.numStages() + 1;
    avgpool(name("", "avgpool"), LayerRole::Head, head, -1, inplanes, hw);
    {
        LayerInfo l = layer(name("", "fc"), LayerKind::Linear, LayerRole::Head, head, -1, inplanes, 1, s.numClasses, 1);
        l.params = checkedAdd(checkedMul(inplanes, s.numClasses), s.numClasses);
        l.macs = checkedMul(inplanes, s.numClasses);
        sink(l);
    }
}

} // namespace resnext::detail
