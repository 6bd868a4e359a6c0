#pragma once
// Training-mode BatchNorm fused with the ReLU after it (and, for a block's last
// BatchNorm, with the residual add before that ReLU), for FP32 channels-last CPU
// tensors. ATen runs these as three to five separate passes over each activation
// (statistics, normalise, add, ReLU; in the backward threshold_backward and two
// BatchNorm passes); memory traffic, not arithmetic, is what they cost, and the
// fused forms make two passes each way. Same arithmetic as ATen's in FP32
// (statistics accumulated in double); the running statistics and
// num_batches_tracked are updated as torch::nn::BatchNorm2d does.

#include <torch/nn/modules/batchnorm.h>

namespace resnext::detail {

// relu(bn(x)). Falls back to ATen's modules unless bn is training and x is a
// 4-D FP32 channels-last CPU tensor.
torch::Tensor bnRelu(torch::nn::BatchNorm2dImpl &bn, const torch::Tensor &x);

// relu(bn(x) + identity), same conditions (identity of x's shape and layout).
torch::Tensor bnAddRelu(torch::nn::BatchNorm2dImpl &bn, const torch::Tensor &x, const torch::Tensor &identity);

// relu(bn(x) + bnD(xd)): a block's last BatchNorm and its downsampling shortcut's
// BatchNorm, fused under the same conditions for both (else bnAddRelu with ATen's bnD).
torch::Tensor bnAddBnRelu(torch::nn::BatchNorm2dImpl &bn, const torch::Tensor &x, torch::nn::BatchNorm2dImpl &bnD,
                          const torch::Tensor &xd);

// x with NHWC strides, the layout the fused forms (and oneDNN's convolutions)
// want. Unlike x.contiguous(ChannelsLast), also for one channel: that leaves a
// [N, 1, H, W] tensor's NCHW strides (both layouts hold it), from which ATen
// infers NCHW for the convolution after it and everything downstream.
torch::Tensor toChannelsLast(const torch::Tensor &x);

// The row kernels' variant in use: "avx512", "avx2" or "generic" (plain x86-64 or
// another CPU). The CPU's best, unless RESNEXT_FUSED_BN names a lower one.
const char *fusedBnIsa();

} // namespace resnext::detail
