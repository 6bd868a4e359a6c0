#pragma once
// The engine's pass over a data set for the group analysis (resnext/groups.h),
// on the fast or the plain path; called by TorchModel::groupActivations.

#include "engine/fastpath.h"
#include "resnext/dataset.h"
#include "resnext/groups.h"
#include "resnext/model.h"

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace resnext {

// `input(idx)` is the normalised network input of images idx (CPU, float),
// built exactly as evaluate() builds it. `fastNet`, when given (the model's
// fast path in FP32, which evaluate() also runs), runs the whole pass: the
// network once per batch, then the block's merge and the layers after it once
// per edit; otherwise the plain LibTorch modules do.
GroupActivations runGroupPass(ResNet &net, const ArchSpec &spec, const torch::Device &device, const ImageSet &data,
                              const GroupPassOptions &options, fast::Net *fastNet,
                              const std::function<torch::Tensor(const std::vector<std::size_t> &)> &input,
                              const std::function<bool(std::size_t, std::size_t)> &progress);

} // namespace resnext
