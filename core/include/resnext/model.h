#pragma once
// The LibTorch model built from an ArchSpec, with torchvision's module names
// (conv1, bn1, layer1.0.conv2, layer1.0.downsample.0, fc, ...) so that
// torchvision/timm checkpoints load by name. Forms (a) and (b) of the paper's
// Fig. 3 name their per-path modules layerX.Y.paths.I.{conv1,bn1,conv2,bn2[,conv3]}.

#include "resnext/spec.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace resnext {

// One of the C paths of forms (a) and (b): 1x1 -> BN -> ReLU -> 3x3 -> BN [-> 1x1 in form (a)].
class PathImpl : public torch::nn::Module {
public:
    PathImpl(int inplanes, int groupWidth, int outChannels, int stride, bool withConv3);
    // Output after bn2 + ReLU (form b), or after conv3 (form a).
    torch::Tensor forward(const torch::Tensor &x);
    // Output of the path's 3x3 convolution after bn2 + ReLU: the group's d maps.
    torch::Tensor transform(const torch::Tensor &x);

    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
};
TORCH_MODULE(Path);

class BlockImpl : public torch::nn::Module {
public:
    BlockImpl(const ArchSpec &spec, int stage, int inplanes, int stride);
    torch::Tensor forward(const torch::Tensor &x);
    // Same as forward, and stores the split-transform output (after the grouped
    // 3x3 conv, its BN and ReLU; for forms a/b the concatenated path outputs) in
    // *transformed when given. Basic blocks store the output of their first conv.
    torch::Tensor forwardWithTransform(const torch::Tensor &x, torch::Tensor *transformed);
    // The rest of the block from a (possibly edited) split-transform output
    // `transformed` of input x: conv3/BN3 (summed per path in form a), the
    // shortcut, the add and ReLU. merge(x, t) with forwardWithTransform's t is forward(x).
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
    torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(Block);

class ResNetImpl : public torch::nn::Module {
public:
    explicit ResNetImpl(const ArchSpec &spec);
    torch::Tensor forward(torch::Tensor x);
    // Outputs of the stem (after max-pool for the ImageNet stem), of every stage,
    // and the logits last: numStages() + 2 tensors.
    std::vector<torch::Tensor> forwardStages(torch::Tensor x);
    const ArchSpec &spec() const { return m_spec; }
    // Stage i (0-based) as registered under "layer{i+1}".
    torch::nn::Sequential stage(int i) const { return m_stages.at(static_cast<size_t>(i)); }

    torch::nn::Conv2d conv1{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr};
    torch::nn::Linear fc{nullptr};

private:
    ArchSpec m_spec;
    std::vector<torch::nn::Sequential> m_stages;
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
