#pragma once
// The layer plan: the one description of the network. Every view that needs the
// network's structure reads it: the accounting (counts, summaries, curves), the
// layer table, the block diagram's channel numbers, the checks of a weights file
// against a spec (before anything is allocated), and the tests that compare the
// LibTorch model's module tree with it name by name, shape by shape.

#include "resnext/spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

// One layer of the network, in torchvision's order and with torchvision's name.
struct LayerInfo {
    std::string name;  // torchvision's module name, e.g. "layer1.0.conv2"; residual adds are "layerX.Y.add"
    std::string type;  // "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Add", "AdaptiveAvgPool2d", "Linear"
    int stage = 0;     // 0 = stem, 1..N = layer1..layerN, N + 1 = head (pool, fc)
    int block = -1;    // block index within the stage; -1 for the stem and the head
    int inChannels = 0;
    int inHeight = 1;  // input height = width (1 for Linear)
    int channels = 0;  // output channels (Linear: output features)
    int height = 1;    // output height (1 for Linear)
    int width = 1;     // output width (1 for Linear)
    int kernel = 0;    // kernel size of conv/pool, 0 otherwise (AdaptiveAvgPool2d: the pooled size)
    int stride = 1;
    int padding = 0;
    int groups = 1;    // groups of a convolution (the cardinality for conv2 of ResNeXt blocks)
    std::int64_t params = 0;
    // MACs under the default convention (conv and linear only); the count-all
    // convention adds `elementOps` (BN, ReLU, add, pooling).
    std::int64_t macs = 0;
    std::int64_t elementOps = 0;
    // Output elements at batch 1 of a Conv2d (RegNet's "activations"); 0 for other layers.
    std::int64_t activations = 0;
};

// Every layer of `spec` once, including ReLUs and residual adds, with exact
// counts. Validates the spec (throws SpecError); throws SpecError("spec", ...)
// when a count would not fit in 64 bits.
std::vector<LayerInfo> planLayers(const ArchSpec &spec);

// A parameter or buffer of the network as the model's state_dict names it.
struct PlannedTensor {
    std::string name;                // "layer1.0.conv2.weight"
    std::vector<std::int64_t> shape; // [] for num_batches_tracked
};

// The state_dict of the model built from `spec` (names of its block form:
// form (c) is torchvision's; forms (a) and (b) have per-path modules), derived
// from the plan.
std::vector<PlannedTensor> planTensors(const ArchSpec &spec);

// The largest model this app builds: 2^30 parameters (4 GiB of FP32 weights)
// and 2^30 activation elements at batch 1. Above that a file or spec is refused
// before anything is allocated.
constexpr std::int64_t kMaxModelParams = std::int64_t(1) << 30;
constexpr std::int64_t kMaxModelActivations = std::int64_t(1) << 30;
// Throws Error naming the spec, its size and the cap when it exceeds them.
void checkBuildable(const ArchSpec &spec);

// Parses a block name "layerS.B" (S from 1, B from 0) without backtracking;
// throws Error("block: ...") for anything else (also over-long or out-of-range
// numbers). Returns false instead of throwing when `quiet`.
struct BlockRef {
    int stage = 0; // 0-based stage index (layer1 -> 0)
    int block = 0; // 0-based block index
};
BlockRef parseBlockName(const std::string &name);
// The same, without the check against a spec; the name may go on with a '.'
// (e.g. "layer2.0.conv1.weight": *rest receives "conv1.weight"). False when the
// text does not start with a well-formed block name.
bool splitBlockName(const std::string &name, BlockRef *ref, std::string *rest);
// Throws Error naming the valid range when `ref` is not a block of `spec`.
void checkBlock(const ArchSpec &spec, const BlockRef &ref, const std::string &name);

} // namespace resnext
