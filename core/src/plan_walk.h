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
    auto layer = [](std::string n, const char *type, int stage, int block, int in, int inHw, int out, int hw) {
        LayerInfo l;
        l.name = std::move(n);
        l.type = type;
        l.stage = stage;
        l.block = block;
        l.inChannels = in;
        l.inHeight = inHw;
        l.channels = out;
        l.height = l.width = hw;
        return l;
    };
    auto conv = [&](std::string n, int stage, int block, int in, int inHw, int out, int k, int stride, int groups) {
        const int hw = convOutputSize(inHw, k, stride, k / 2);
        LayerInfo l = layer(std::move(n), "Conv2d", stage, block, in, inHw, out, hw);
        l.kernel = k;
        l.stride = stride;
        l.padding = k / 2;
        l.groups = groups;
        l.params = checkedMul(checkedMul(out, in / groups), i64(k) * k);
        l.activations = checkedMul(out, i64(hw) * hw);
        l.macs = checkedMul(l.params, i64(hw) * hw);
        sink(l);
        return hw;
    };
    // BN, ReLU and add: one operation per element under the count-all convention.
    auto elementwise = [&](std::string n, const char *type, int stage, int block, int ch, int hw, i64 params) {
        LayerInfo l = layer(std::move(n), type, stage, block, ch, hw, ch, hw);
        l.params = params;
        l.elementOps = checkedMul(ch, i64(hw) * hw);
        sink(l);
    };
    auto bn = [&](std::string n, int stage, int block, int ch, int hw) {
        elementwise(std::move(n), "BatchNorm2d", stage, block, ch, hw, 2 * i64(ch));
    };
    auto relu = [&](std::string n, int stage, int block, int ch, int hw) {
        elementwise(std::move(n), "ReLU", stage, block, ch, hw, 0);
    };

    // Stem.
    const int stemK = s.stem == Stem::ImageNet ? 7 : 3;
    const int stemStride = s.stem == Stem::ImageNet ? 2 : 1;
    int hw = conv(name("", "conv1"), 0, -1, s.inChannels, s.inputSize, s.stemChannels, stemK, stemStride, 1);
    bn(name("", "bn1"), 0, -1, s.stemChannels, hw);
    relu(name("", "relu"), 0, -1, s.stemChannels, hw);
    if (s.stem == Stem::ImageNet) {
        const int pooled = convOutputSize(hw, 3, 2, 1);
        LayerInfo l = layer(name("", "maxpool"), "MaxPool2d", 0, -1, s.stemChannels, hw, s.stemChannels, pooled);
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
            const std::string p = withNames ? "layer" + std::to_string(stage) + "." + std::to_string(b) + "." : "";
            int outHw;
            if (s.block == BlockKind::Bottleneck) {
                conv(name(p, "conv1"), stage, b, inplanes, hw, grouped, 1, 1, 1);
                bn(name(p, "bn1"), stage, b, grouped, hw);
                relu(name(p, "relu1"), stage, b, grouped, hw);
                outHw = conv(name(p, "conv2"), stage, b, grouped, hw, grouped, 3, stride, s.cardinality);
                bn(name(p, "bn2"), stage, b, grouped, outHw);
                relu(name(p, "relu2"), stage, b, grouped, outHw);
                conv(name(p, "conv3"), stage, b, grouped, outHw, outCh, 1, 1, 1);
                bn(name(p, "bn3"), stage, b, outCh, outHw);
            } else {
                outHw = conv(name(p, "conv1"), stage, b, inplanes, hw, outCh, 3, stride, 1);
                bn(name(p, "bn1"), stage, b, outCh, outHw);
                relu(name(p, "relu1"), stage, b, outCh, outHw);
                conv(name(p, "conv2"), stage, b, outCh, outHw, outCh, 3, 1, 1);
                bn(name(p, "bn2"), stage, b, outCh, outHw);
            }
            if (stride != 1 || inplanes != outCh) {
                // A 1x1 projection with the block's stride: torchvision pads 0, so
                // its output size is that of the 3x3 (padding 1) path.
                conv(name(p, "downsample.0"), stage, b, inplanes, hw, outCh, 1, stride, 1);
                bn(name(p, "downsample.1"), stage, b, outCh, outHw);
            }
            elementwise(name(p, "add"), "Add", stage, b, outCh, outHw, 0);
            relu(name(p, "relu"), stage, b, outCh, outHw);
            inplanes = outCh;
            hw = outHw;
        }
    }

    // Head.
    const int head = s.numStages() + 1;
    {
        LayerInfo l = layer(name("", "avgpool"), "AdaptiveAvgPool2d", head, -1, inplanes, hw, inplanes, 1);
        l.kernel = hw;
        l.elementOps = checkedMul(inplanes, i64(hw) * hw);
        sink(l);
    }
    {
        LayerInfo l = layer(name("", "fc"), "Linear", head, -1, inplanes, 1, s.numClasses, 1);
        l.params = checkedAdd(checkedMul(inplanes, s.numClasses), s.numClasses);
        l.macs = checkedMul(inplanes, s.numClasses);
        sink(l);
    }
}

} // namespace resnext::detail
