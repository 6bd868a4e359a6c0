#include "resnext/plan.h"

#include "plan_walk.h"
#include "resnext/error.h"

#include <algorithm>


namespace resnext {

std::vector<LayerInfo> planLayers(const ArchSpec &spec)
{
    validate(spec);
    std::vector<LayerInfo> out;
    detail::walkPlan(spec, true, [&](LayerInfo &l) { out.push_back(std::move(l)); });
    return out;
}

const char *kindName(LayerKind kind)
{
    switch (kind) {
    case LayerKind::Conv: return "Conv2d";
    case LayerKind::BatchNorm: return "BatchNorm2d";
    case LayerKind::ReLU: return "ReLU";
    case LayerKind::MaxPool: return "MaxPool2d";
    case LayerKind::AvgPool: return "AdaptiveAvgPool2d";
    case LayerKind::Add: return "Add";
    case LayerKind::Linear: return "Linear";
    case LayerKind::Sigmoid: return "Sigmoid";
    case LayerKind::Scale: return "Mul";
    }
    return "?";
}

const char *roleName(LayerRole role)
{
    switch (role) {
    case LayerRole::Stem: return "stem";
    case LayerRole::Reduce: return "reduce";
    case LayerRole::Grouped: return "grouped";
    case LayerRole::Expand: return "expand";
    case LayerRole::Excite: return "excite";
    case LayerRole::Shortcut: return "shortcut";
    case LayerRole::Merge: return "merge";
    case LayerRole::Head: return "head";
    }
    return "?";
}

namespace {
constexpr const char kPaths[] = ".paths.";
constexpr size_t kPathsLength = sizeof(kPaths) - 1;
} // namespace

std::string pathModuleName(const std::string &layerName, int path)
{
    const auto dot = layerName.rfind('.');
    return layerName.substr(0, dot) + kPaths + std::to_string(path) + layerName.substr(dot);
}

std::string formCName(const std::string &name, int *path)
{
    const auto at = name.find(kPaths);
    const auto dot = at == std::string::npos ? at : name.find('.', at + kPathsLength);
    if (dot == std::string::npos) {
        if (path)
            *path = -1;
        return name;
    }
    if (path) {
        *path = 0;
        for (size_t i = at + kPathsLength; i < dot && i < at + kPathsLength + 6; ++i)
            *path = *path * 10 + (name[i] >= '0' && name[i] <= '9' ? name[i] - '0' : 0);
    }
    return name.substr(0, at + 1) + name.substr(dot + 1);
}

LayerInfo onePath(const LayerInfo &l)
{
    LayerInfo p = l;
    if (l.paths <= 0)
        return p;
    const int c = l.paths;
    if (l.role != LayerRole::Expand)
        p.channels = l.channels / c;
    if (l.role != LayerRole::Reduce)
        p.inChannels = l.inChannels / c;
    p.groups = 1;
    p.paths = 0;
    return p;
}

std::vector<PlannedTensor> layerTensors(const LayerInfo &l)
{
    std::vector<PlannedTensor> out;
    if (l.kind == LayerKind::Linear) {
        out.push_back({l.name + ".weight", {l.channels, l.inChannels}});
        out.push_back({l.name + ".bias", {l.channels}});
        return out;
    }
    if (l.kind != LayerKind::Conv && l.kind != LayerKind::BatchNorm)
        return out;
    // Forms (a) and (b): the layer exists once per path, each with its share.
    const LayerInfo one = onePath(l);
    for (int i = 0; i < std::max(1, l.paths); ++i) {
        const std::string n = l.paths > 0 ? pathModuleName(l.name, i) : l.name;
        const std::int64_t ch = one.channels;
        if (l.kind == LayerKind::Conv) {
            out.push_back({n + ".weight", {ch, one.inChannels / one.groups, one.kernel, one.kernel}});
            if (l.bias)
                out.push_back({n + ".bias", {ch}});
        } else {
            for (const char *leaf : {"weight", "bias", "running_mean", "running_var"})
                out.push_back({n + "." + leaf, {ch}});
            out.push_back({n + ".num_batches_tracked", {}});
        }
    }
    return out;
}

std::vector<PlannedTensor> planTensors(const ArchSpec &spec)
{
    std::vector<PlannedTensor> out;
    for (const LayerInfo &l : planLayers(spec))
        for (PlannedTensor &t : layerTensors(l))
            out.push_back(std::move(t));
    // The order is the plan's (layer by layer), not necessarily the model's
    // registration order: compare by name.
    return out;
}

void checkBuildable(const ArchSpec &spec)
{
    std::int64_t params = 0, activations = 0;
    validate(spec);
    detail::walkPlan(spec, false, [&](const LayerInfo &l) {
        params = detail::checkedAdd(params, l.params);
        activations = detail::checkedAdd(activations, l.activations);
    });
    if (params > kMaxModelParams)
        throw Error("spec: " + describe(spec) + " has " + std::to_string(params) +
                    " parameters; this app builds models of at most " + std::to_string(kMaxModelParams) +
                    " (4 GiB of FP32 weights)");
    if (activations > kMaxModelActivations)
        throw Error("spec: " + describe(spec) + " has " + std::to_string(activations) +
                    " activations per image; this app builds models of at most " +
                    std::to_string(kMaxModelActivations) + " (lower the input size or widths)");
}

std::string stageName(int stage) { return kStagePrefix + std::to_string(stage); }

std::string blockName(const BlockRef &ref) { return stageName(ref.stage + 1) + "." + std::to_string(ref.block); }

std::vector<std::string> blockNames(const ArchSpec &spec)
{
    std::vector<std::string> names;
    for (int s = 0; s < spec.numStages(); ++s)
        for (int b = 0; b < spec.layers[static_cast<size_t>(s)]; ++b)
            names.push_back(blockName({s, b}));
    return names;
}

bool splitBlockName(const std::string &name, BlockRef *ref, std::string *rest)
{
    // layer<digits>.<digits>[.rest]; at most 6 digits each, so no overflow.
    const size_t prefix = std::char_traits<char>::length(kStagePrefix);
    if (name.compare(0, prefix, kStagePrefix) != 0)
        return false;
    size_t i = prefix;
    const auto number = [&](int *value) {
        const size_t start = i;
        long v = 0;
        while (i < name.size() && name[i] >= '0' && name[i] <= '9') {
            if (i - start >= 6)
                return false;
            v = v * 10 + (name[i] - '0');
            ++i;
        }
        *value = static_cast<int>(v);
        return i > start;
    };
    int stage = 0, block = 0;
    if (!number(&stage) || i >= name.size() || name[i] != '.')
        return false;
    ++i;
    if (!number(&block))
        return false;
    if (i < name.size()) {
        if (name[i] != '.')
            return false;
        if (rest)
            *rest = name.substr(i + 1);
    } else if (rest) {
        rest->clear();
    }
    ref->stage = stage - 1;
    ref->block = block;
    return true;
}

BlockRef parseBlockName(const std::string &name)
{
    BlockRef ref;
    std::string rest;
    if (!splitBlockName(name, &ref, &rest) || !rest.empty() || ref.stage < 0) {
        std::string shown = name.size() > 40 ? name.substr(0, 40) + "..." : name;
        for (char &c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                c = '?';
        throw Error("block: '" + shown + "' is not a block name like layer2.0");
    }
    return ref;
}

void checkBlock(const ArchSpec &s, const BlockRef &ref, const std::string &name)
{
    if (ref.stage < 0 || ref.stage >= s.numStages() || ref.block < 0 ||
        ref.block >= s.layers[static_cast<size_t>(ref.stage)])
        throw Error("block: '" + name + "' does not exist; this model has layer1.0 to layer" +
                    std::to_string(s.numStages()) + "." + std::to_string(s.layers.back() - 1));
}

} // namespace resnext
