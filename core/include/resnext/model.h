#pragma once
// The LibTorch model built from an ArchSpec, with torchvision's module names
// (conv1, bn1, layer1.0.conv2, layer1.0.downsample.0, fc, ...) so that
// torchvision/timm checkpoints load by name. Forms (a) and (b) of the paper's
// Fig. 3 name their per-path modules layerX.Y.paths.I.{conv1,bn1,conv2,bn2[,conv3]}
// (pathModuleName). Built from the layer plan (resnext/plan.h).

#include "resnext/plan.h"
#include "resnext/spec.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace resnext {

// The points of the forward where a hook is called: like llama.cpp's graph
// callback cb(cur, name, il), a hook sees the tensor at a named node of the
// plan (with its stage and block) and may replace it. Analyses capture what
// they need through hooks instead of walking the network themselves.
enum class Tap {
    Stem,     // the stem's output (after the max-pool of the ImageNet stem)
    BlockIn,  // a block's input
    Grouped,  // a block's split-transform output: after the grouped 3x3 conv, its BN and ReLU
              // (forms a/b: the paths' outputs concatenated; basic blocks: after conv1, BN, ReLU)
    BlockOut, // a block's output, after the add and ReLU
    Stage,    // a stage's output (its last block's output)
    Pooled,   // the pooled features [N, D] before fc
    Logits    // fc's output
};
struct TapSite {
    Tap tap = Tap::Stem;
    int stage = -1; // 0-based (layer1 -> 0); -1 for the stem and the head
    int block = -1; // 0-based within the stage; -1 outside blocks
};
// Called at every tap of a forward when set: may read `t`, or assign it to
// replace the tensor the network goes on with.
using ForwardHook = std::function<void(torch::Tensor &t, const TapSite &site)>;

namespace detail {
// A module of the plan's layer `l` (convolution or BN; one path's share when
// `perPath`), with its geometry from the plan.
torch::nn::Conv2d convOf(const LayerInfo &l, bool perPath = false);
torch::nn::BatchNorm2d bnOf(const LayerInfo &l, bool perPath = false);
} // namespace detail

// One of the C paths of forms (a) and (b): 1x1 -> BN -> ReLU -> 3x3 -> BN [-> 1x1 in form (a)].
class PathImpl : public torch::nn::Module {
public:
    // The block's layers of the plan (its per-path ones give this path's share).
    explicit PathImpl(const std::vector<LayerInfo> &blockLayers);
    // Output after bn2 + ReLU (form b), or after conv3 (form a).
    torch::Tensor forward(const torch::Tensor &x);
    // Output of the path's 3x3 convolution after bn2 + ReLU: the group's d maps.
    torch::Tensor transform(const torch::Tensor &x);

    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
};
TORCH_MODULE(Path);

// Squeeze-and-excitation as timm's SEModule (its names fc1, fc2): the map's mean,
// 1x1 conv with bias, ReLU, 1x1 conv with bias, sigmoid; the input scaled per channel.
class SqueezeExciteImpl : public torch::nn::Module {
public:
    explicit SqueezeExciteImpl(const std::vector<LayerInfo> &blockLayers);
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::Conv2d fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SqueezeExcite);

class BlockImpl : public torch::nn::Module {
public:
    // Built from the block's layers of the plan (stage, block, role, geometry).
    BlockImpl(const ArchSpec &spec, const std::vector<LayerInfo> &layers);
    torch::Tensor forward(const torch::Tensor &x);
    // The forward with `hook` called at Tap::Grouped (it may replace the
    // split-transform output) with this block's `site`. (Not an overload of
    // forward: Sequential needs one forward.)
    torch::Tensor forwardTapped(const torch::Tensor &x, const ForwardHook &hook, TapSite site);
    // The rest of the block from a (possibly edited) split-transform output
    // `transformed` of input x: conv3/BN3 (summed per path in form a), SE, the
    // shortcut, the add and ReLU. merge(x, t) with the Grouped tap's t is forward(x).
    // `identity`, when defined, is shortcut(x) computed once by the caller.
    torch::Tensor merge(const torch::Tensor &x, const torch::Tensor &transformed, const torch::Tensor &identity = {});
    // The shortcut branch: x, or the downsampling projection of x.
    torch::Tensor shortcut(const torch::Tensor &x);

    BlockKind kind;
    BlockForm form;
    int cardinality = 1;
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
    torch::nn::ModuleList paths{nullptr};
    SqueezeExcite se{nullptr};
    torch::nn::Sequential downsample{nullptr};

private:
    torch::Tensor transform(const torch::Tensor &x, std::vector<torch::Tensor> *parts);
};
TORCH_MODULE(Block);

// The network built from the layer plan: every module's name, kind and geometry
// come from planLayers(spec).
class ResNetImpl : public torch::nn::Module {
public:
    explicit ResNetImpl(const ArchSpec &spec);
    torch::Tensor forward(torch::Tensor x);
    // The one forward: `hook`, when set, is called at every tap (see Tap).
    torch::Tensor forward(torch::Tensor x, const ForwardHook &hook);
    // The network after block (stage, block), from that block's output to the logits.
    torch::Tensor forwardAfter(int stage, int block, torch::Tensor x, const ForwardHook &hook = {});
    // Outputs of the stem (after max-pool for the ImageNet stem), of every stage,
    // and the logits last: numStages() + 2 tensors.
    std::vector<torch::Tensor> forwardStages(torch::Tensor x);
    // The three parts of the forward: stem, stage i (0-based, "layer{i+1}"), head
    // (global average pool and fc; Pooled and Logits taps).
    torch::Tensor stem(torch::Tensor x);
    torch::nn::Sequential stage(int i) const { return m_stages.at(static_cast<size_t>(i)); }
    torch::Tensor head(const torch::Tensor &x, const ForwardHook &hook = {});
    const ArchSpec &spec() const { return m_spec; }

    torch::nn::Conv2d conv1{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr};
    torch::nn::Linear fc{nullptr};

private:
    torch::Tensor runStage(int i, int firstBlock, torch::Tensor x, const ForwardHook &hook);

    ArchSpec m_spec;
    std::vector<torch::nn::Sequential> m_stages;
    bool m_maxPool = false;
    int m_poolKernel = 0, m_poolStride = 1, m_poolPadding = 0; // the stem's max-pool, from the plan
};
TORCH_MODULE(ResNet);

// Validates the spec and builds the model with torchvision's initialisation
// (Kaiming-normal fan-out convs, BN weight 1 / bias 0). Throws SpecError or Error.
ResNet buildModel(const ArchSpec &spec);

// Copies the weights and BN statistics of a form-(c) model into a model of the
// same spec in form (a), (b) or (c), slicing the grouped tensors per path, so
// that both compute the same function. Throws Error on mismatching models.
void copyFromFormC(const ResNet &source, ResNet &target);

// Sum of the sizes of all parameters (not buffers), as torchvision counts.
std::int64_t parameterCount(const torch::nn::Module &module);

} // namespace resnext
