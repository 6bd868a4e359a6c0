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

// What a layer computes. kindName() gives each kind's PyTorch module name
// (Conv2d, BatchNorm2d, ...), the one place those names are written.
enum class LayerKind {
    Conv,      // Conv2d (bias only in the squeeze-excitation's fc1/fc2)
    BatchNorm, // BatchNorm2d
    ReLU,
    MaxPool,   // MaxPool2d (the ImageNet stem's)
    AvgPool,   // AdaptiveAvgPool2d to 1x1 (the head's, and the squeeze of an SE module)
    Add,       // the residual sum
    Linear,    // the classifier
    Sigmoid,   // the SE module's gate
    Scale      // the SE module's excitation: the block's output times the gate, per channel
};

// The layer's place in the network. In basic blocks the first 3x3 is Grouped
// (a group of one) and the second Expand.
enum class LayerRole {
    Stem,     // conv1, bn1, relu, maxpool
    Reduce,   // a bottleneck's conv1, bn1, relu1: 1x1 down to the grouped width
    Grouped,  // conv2, bn2, relu2: the 3x3 with C groups (the split-transform's output)
    Expand,   // conv3, bn3: 1x1 back up to the block's output (the merge)
    Excite,   // se.*: squeeze-and-excitation after the expand, before the add
    Shortcut, // downsample.0, downsample.1
    Merge,    // add, relu: the residual sum and its ReLU
    Head      // avgpool, fc
};

const char *kindName(LayerKind kind);
const char *roleName(LayerRole role);

// One layer of the network, in torchvision's order and with torchvision's name.
struct LayerInfo {
    std::string name;  // torchvision's module name, e.g. "layer1.0.conv2"; residual adds are "layerX.Y.add"
    LayerKind kind = LayerKind::Conv;
    LayerRole role = LayerRole::Stem;
    int stage = 0;     // 0 = stem, 1..N = layer1..layerN, N + 1 = head (pool, fc)
    int block = -1;    // block index within the stage; -1 for the stem and the head
    // Forms (a) and (b): the layer exists once per path (C copies, named
    // "layerX.Y.paths.I.<leaf>", each with 1/C of the channels; also for C = 1);
    // 0 when it is not split.
    int paths = 0;
    int inChannels = 0;
    int inHeight = 1;  // input height = width (1 for Linear)
    int channels = 0;  // output channels (Linear: output features)
    int height = 1;    // output height (1 for Linear)
    int width = 1;     // output width (1 for Linear)
    int kernel = 0;    // kernel size of conv/pool, 0 otherwise (AdaptiveAvgPool2d: the pooled size)
    int stride = 1;
    int padding = 0;
    int dilation = 1;
    int groups = 1;    // groups of a convolution (the cardinality for conv2 of ResNeXt blocks)
    bool bias = false; // a convolution with a bias (the SE module's); Linear always has one
    std::int64_t params = 0;
    // MACs under the default convention (conv and linear only); the count-all
    // convention adds `elementOps` (BN, ReLU, add, pooling, gate, scale).
    std::int64_t macs = 0;
    std::int64_t elementOps = 0;
    // Output elements at batch 1 of a convolution (RegNet's "activations"); 0 for other layers.
    std::int64_t activations = 0;

    bool weighted() const { return kind == LayerKind::Conv || kind == LayerKind::Linear; }
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
// The tensors of one layer of the plan, with their state_dict names: the one
// function that names tensors (the builder registers modules under the same
// names, and the tests compare the two).
std::vector<PlannedTensor> layerTensors(const LayerInfo &layer);
// One path's share of a per-path layer (forms (a) and (b)): a reduce keeps its
// input and gives channels / C, a grouped conv or BN takes and gives 1/C (groups
// 1), form (a)'s expand takes 1/C and gives all; `paths` becomes 1. Others unchanged.
LayerInfo onePath(const LayerInfo &layer);
// The module name of path `path` of a per-path layer (forms (a) and (b)):
// "layer1.0.conv2" -> "layer1.0.paths.3.conv2".
std::string pathModuleName(const std::string &layerName, int path);
// The form (c) name of a tensor or module of any form: "layer1.0.paths.3.conv2.weight"
// -> "layer1.0.conv2.weight", with *path = 3 (-1, and the name unchanged, when it
// has no path).
std::string formCName(const std::string &name, int *path = nullptr);

// A stage's module name, as torchvision names it: stage 1 (LayerInfo::stage counts
// from 1) -> "layer1". Every stage, block and tensor name starts with kStagePrefix.
constexpr const char *kStagePrefix = "layer";
std::string stageName(int stage);

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
// "layerS.B", the inverse of parseBlockName; and every block of `spec`, in order.
std::string blockName(const BlockRef &ref);
std::vector<std::string> blockNames(const ArchSpec &spec);

} // namespace resnext
