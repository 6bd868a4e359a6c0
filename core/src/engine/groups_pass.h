#pragma once
// The engine's pass over a data set for the group analysis (resnext/groups.h),
// on the plain LibTorch model; called by TorchModel::groupActivations.

#include "resnext/dataset.h"
#include "resnext/groups.h"
#include "resnext/model.h"

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace resnext {

// `input(idx)` is the normalised network input of images idx (CPU, float),
// built exactly as evaluate() builds it.
GroupActivations runGroupPass(ResNet &net, const ArchSpec &spec, const torch::Device &device, const ImageSet &data,
                              const GroupPassOptions &options,
                              const std::function<torch::Tensor(const std::vector<std::size_t> &)> &input,
                              const std::function<bool(std::size_t, std::size_t)> &progress);

} // namespace resnext
