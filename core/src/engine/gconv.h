#pragma once
// A grouped 3x3 convolution for small groups (1, 2, 4, 8 or 16 channels per
// group, as many in as out) on oneDNN's blocked activations (nChw8c or
// nChw16c), with the bias (folded BatchNorm) and ReLU fused. oneDNN 2.6 has no
// fast kernel for these: on AVX2 it runs them as im2col + gemm, on AVX-512 it
// wants 4- or 8-channel blocks and so a reorder on each side.
//
// Written with intrinsics for AVX2 and AVX-512, each compiled for its ISA
// alone (target pragmas) and chosen at run time, so the library runs on any
// x86-64. No LibTorch or oneDNN types in this header: the fast path, a test and
// a micro-benchmark call it directly.

#include <memory>
#include <string>

namespace resnext::gconv {

enum class Isa { None, Avx2, Avx512 };

std::string toString(Isa isa);
// The best variant this CPU runs (None off x86-64 or without AVX2 + FMA).
Isa cpuIsa();
// What the fast path should use: RESNEXT_GCONV=auto (default) gives cpuIsa();
// "onednn" gives None (oneDNN's own kernel); "avx2" / "avx512" force that
// variant (None when the CPU lacks it). Read on every call.
Isa requested();

struct Shape {
    int batch = 1, channels = 0, groups = 1; // channels in = channels out
    int height = 0, width = 0;               // input
    int stride = 1;                          // padding is 1
    int block = 16;                          // the layout's channel block: 8 (nChw8c) or 16 (nChw16c)
    int outHeight() const { return (height + 2 - 3) / stride + 1; }
    int outWidth() const { return (width + 2 - 3) / stride + 1; }
};

// Empty when `isa` can run `shape`; else why not (for the fast path's log).
std::string unsupported(Isa isa, const Shape &shape);

class Conv {
public:
    // weight: [channels, channels / groups, 3, 3] float, bias: [channels] (both copied).
    // Throws std::invalid_argument when unsupported(isa, shape) is not empty.
    Conv(Isa isa, const Shape &shape, const float *weight, const float *bias, bool relu);
    ~Conv();
    Conv(const Conv &) = delete;
    Conv &operator=(const Conv &) = delete;
    // src, dst: the whole batch in the blocked layout of shape.block. Runs on
    // ATen's intra-op threads (the OpenMP threads oneDNN uses).
    void run(const float *src, float *dst) const;
    Isa isa() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace resnext::gconv
