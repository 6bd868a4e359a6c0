#pragma once
// Spatial arithmetic shared by validation, accounting and the model (private).

#include "resnext/spec.h"

namespace resnext::detail {

// PyTorch's output size of a conv/pool: floor((n + 2p - k) / s) + 1.
inline int convOutputSize(int n, int kernel, int stride, int padding)
{
    const int span = n + 2 * padding - kernel;
    return span < 0 ? 0 : span / stride + 1;
}

// Stride of stage i: 1 for the first stage, 2 for the others (torchvision).
inline int stageStride(int stage) { return stage == 0 ? 1 : 2; }

inline int stemConvOutputSize(Stem stem, int n)
{
    return stem == Stem::ImageNet ? convOutputSize(n, 7, 2, 3) : convOutputSize(n, 3, 1, 1);
}

inline int stemOutputSize(Stem stem, int n)
{
    const int c = stemConvOutputSize(stem, n);
    return stem == Stem::ImageNet ? convOutputSize(c, 3, 2, 1) : c;
}

inline int stageOutputSize(int stage, int n) { return convOutputSize(n, 3, stageStride(stage), 1); }

} // namespace resnext::detail
