#pragma once
// How the tests compare FP32 results that reach the same function by another
// road: PyTorch against LibTorch, the fast (oneDNN) path against the plain one,
// form (a)/(b) against (c), AVX2 against AVX-512 kernels, one thread against two.
//
// Such results differ only by summation order. Every output is a sum over K
// products (K up to 4,608 for a 3x3 convolution over 512 channels; BatchNorm
// folded or not), so its rounding error is about sqrt(K) * 2^-24 relative to the
// magnitude of the terms, compounded over ~50 layers: a few 1e-6 of the largest
// value compared, whatever the CPU. An absolute tolerance is not portable — random
// weights give logits near 1,000 (torchvision's resnet50) or near 1 (the built-in
// model) — so every comparison is relative to the largest magnitude it compares.
#include <algorithm>
#include <cmath>
#include <vector>

namespace tolerance {

// FP32 on another road: 1e-4 of the largest magnitude, ~20x the worst seen on
// AVX-512 and AVX2 (ONEDNN_MAX_CPU_ISA=AVX2) machines.
constexpr double kFp32 = 1e-4;

template <typename T> double maxAbsDiff(const std::vector<T> &a, const std::vector<T> &b)
{
    if (a.size() != b.size() || a.empty())
        return 1e9;
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    return m;
}

// max |a - b| / max |b|: the difference relative to the magnitude of the reference.
template <typename T> double relDiff(const std::vector<T> &a, const std::vector<T> &b)
{
    double scale = 0;
    for (T v : b)
        scale = std::max(scale, static_cast<double>(std::fabs(v)));
    return a.empty() || a.size() != b.size() ? 1e9 : maxAbsDiff(a, b) / std::max(scale, 1e-30);
}

// |a - b| <= rel * max(|a|, |b|, floor): scalars (energies, scores, probabilities).
inline bool closeRel(double a, double b, double rel = kFp32, double floor = 1e-30)
{
    return std::fabs(a - b) <= rel * std::max({std::fabs(a), std::fabs(b), floor});
}

} // namespace tolerance
