#include "resnext/plan.h"

#include "plan_walk.h"
#include "resnext/error.h"

#include <cstring>

namespace resnext {

std::vector<LayerInfo> planLayers(const ArchSpec &spec)
{
    validate(spec);
    std::vector<LayerInfo> out;
    detail::walkPlan(spec, true, [&](LayerInfo &l) { out.push_back(std::move(l)); });
    return out;
}

namespace {

void addBatchNorm(std::vector<PlannedTensor> &out, const std::string &prefix, std::int64_t ch)
{
    for (const char *leaf : {"weight", "bias", "running_mean", "running_var"})
        out.push_back({prefix + "." + leaf, {ch}});
    out.push_back({prefix + ".num_batches_tracked", {}});
}

bool endsWith(const std::string &s, const char *suffix)
{
    const size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

} // namespace

std::vector<PlannedTensor> planTensors(const ArchSpec &spec)
{
    std::vector<PlannedTensor> out;
    const bool split = spec.block == BlockKind::Bottleneck && spec.form != BlockForm::C;
    for (const LayerInfo &l : planLayers(spec)) {
        if (l.type == "Linear") {
            out.push_back({l.name + ".weight", {l.channels, l.inChannels}});
            out.push_back({l.name + ".bias", {l.channels}});
            continue;
        }
        const bool conv = l.type == "Conv2d", bn = l.type == "BatchNorm2d";
        if (!conv && !bn)
            continue;
        // Forms (a) and (b): conv1/bn1/conv2/bn2 (and conv3 in form (a)) exist once
        // per path, each with its share of the grouped width.
        const bool perPath = split && l.block >= 0 && !l.name.empty() &&
                             (endsWith(l.name, ".conv1") || endsWith(l.name, ".bn1") || endsWith(l.name, ".conv2") ||
                              endsWith(l.name, ".bn2") || (spec.form == BlockForm::A && endsWith(l.name, ".conv3")));
        if (!perPath) {
            if (conv)
                out.push_back({l.name + ".weight", {l.channels, l.inChannels / l.groups, l.kernel, l.kernel}});
            else
                addBatchNorm(out, l.name, l.channels);
            continue;
        }
        const std::string block = l.name.substr(0, l.name.rfind('.'));
        const std::string leaf = l.name.substr(l.name.rfind('.') + 1);
        const int c = spec.cardinality;
        for (int i = 0; i < c; ++i) {
            const std::string n = block + ".paths." + std::to_string(i) + "." + leaf;
            if (bn) {
                addBatchNorm(out, n, l.channels / c);
            } else if (leaf == "conv1") {
                out.push_back({n + ".weight", {l.channels / c, l.inChannels, 1, 1}});
            } else if (leaf == "conv2") {
                out.push_back({n + ".weight", {l.channels / c, l.inChannels / c, 3, 3}});
            } else { // form (a) conv3: each path projects its d channels to the block's output
                out.push_back({n + ".weight", {l.channels, l.inChannels / c, 1, 1}});
            }
        }
    }
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

bool splitBlockName(const std::string &name, BlockRef *ref, std::string *rest)
{
    // layer<digits>.<digits>[.rest]; at most 6 digits each, so no overflow.
    if (name.compare(0, 5, "layer") != 0)
        return false;
    size_t i = 5;
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
