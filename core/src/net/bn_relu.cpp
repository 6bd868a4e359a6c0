#include "bn_relu.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace resnext::detail {

namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kBlockRows = 32; // rows summed in float before they join the double totals
constexpr int64_t kGrain = 512;    // rows per task of the element-wise passes

// Per-channel sums over the rows of an M x C (NHWC) matrix: fn(r0, r1, a, b) adds
// the terms of rows [r0, r1) to a[C] and b[C]. One contiguous range of rows per
// thread, blocks of rows in float (vectorised over C), the totals in double.
template <class RowsFn>
void sumRows(int64_t M, int64_t C, std::vector<double> &sa, std::vector<double> &sb, const RowsFn &fn)
{
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), M / kGrain + 1));
    std::vector<double> acc(static_cast<size_t>(parts * 2 * C), 0.0);
    at::parallel_for(0, parts, 1, [&](int64_t p0, int64_t p1) {
        std::vector<float> a(static_cast<size_t>(C)), b(static_cast<size_t>(C));
        for (int64_t p = p0; p < p1; ++p) {
            double *da = acc.data() + p * 2 * C, *db = da + C;
            const int64_t r0 = M * p / parts, r1 = M * (p + 1) / parts;
            for (int64_t r = r0; r < r1; r += kBlockRows) {
                std::fill(a.begin(), a.end(), 0.f);
                std::fill(b.begin(), b.end(), 0.f);
                fn(r, std::min(r1, r + kBlockRows), a.data(), b.data());
                for (int64_t c = 0; c < C; ++c) {
                    da[c] += a[static_cast<size_t>(c)];
                    db[c] += b[static_cast<size_t>(c)];
                }
            }
        }
    });
    sa.assign(static_cast<size_t>(C), 0.0);
    sb.assign(static_cast<size_t>(C), 0.0);
    for (int64_t p = 0; p < parts; ++p)
        for (int64_t c = 0; c < C; ++c) {
            sa[static_cast<size_t>(c)] += acc[static_cast<size_t>(p * 2 * C + c)];
            sb[static_cast<size_t>(c)] += acc[static_cast<size_t>(p * 2 * C + C + c)];
        }
}

template <class RowsFn>
void eachRows(int64_t M, const RowsFn &fn)
{
    at::parallel_for(0, M, kGrain, fn);
}

// The row kernels, compiled for AVX-512, for AVX2 + FMA and for plain x86-64, one
// chosen at first use by the CPU (or by RESNEXT_FUSED_BN, below); they are bound by
// memory bandwidth more than arithmetic.
using cfp = const float *__restrict;
using fp = float *__restrict;

namespace generic {
#include "bn_relu_rows.inc"
} // namespace generic

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define RESNEXT_BN_ISA_CLONES 1
// The same code generation as GCC's target_clones("arch=..."), but callable by
// name, so a test on an AVX-512 machine also runs the AVX2 kernels.
#pragma GCC push_options
#pragma GCC target("arch=haswell")
namespace avx2 {
#include "bn_relu_rows.inc"
} // namespace avx2
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("arch=skylake-avx512")
namespace avx512 {
#include "bn_relu_rows.inc"
} // namespace avx512
#pragma GCC pop_options
#endif

struct RowKernels {
    decltype(&generic::statsRows) statsRows;
    decltype(&generic::reluRows) reluRows;
    decltype(&generic::maskedSumsRows) maskedSumsRows;
    decltype(&generic::maskedBackRows) maskedBackRows;
    decltype(&generic::outMaskedSumsRows) outMaskedSumsRows;
    decltype(&generic::backRows) backRows;
    decltype(&generic::relu2Rows) relu2Rows;
    decltype(&generic::sumsRows) sumsRows;
    const char *isa;
};

#define RESNEXT_BN_KERNELS(ns)                                                                                     \
    RowKernels                                                                                                     \
    {                                                                                                              \
        ns::statsRows, ns::reluRows, ns::maskedSumsRows, ns::maskedBackRows, ns::outMaskedSumsRows, ns::backRows,   \
            ns::relu2Rows, ns::sumsRows, #ns                                                                       \
    }

// RESNEXT_FUSED_BN=avx512|avx2|generic asks for that variant (the best the CPU has
// at or below it); unset or anything else: the CPU's best. (=0 switches fusion off.)
RowKernels chooseKernels()
{
    const char *env = std::getenv("RESNEXT_FUSED_BN");
    const std::string want = env ? env : "";
    if (want == "generic")
        return RESNEXT_BN_KERNELS(generic);
#ifdef RESNEXT_BN_ISA_CLONES
    __builtin_cpu_init();
    const bool hasAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                         __builtin_cpu_supports("bmi2");
    const bool hasAvx512 = hasAvx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512cd");
    if (hasAvx512 && want != "avx2")
        return RESNEXT_BN_KERNELS(avx512);
    if (hasAvx2)
        return RESNEXT_BN_KERNELS(avx2);
#endif
    return RESNEXT_BN_KERNELS(generic);
}

const RowKernels &kernels()
{
    static const RowKernels k = chooseKernels();
    return k;
}

struct Stats {
    Tensor mean, invstd, scale, shift; // [C] float
};

// Batch statistics of x (M x C), the running statistics updated, and the affine
// transform y = x * scale + shift that normalises x.
Stats forwardStats(const Tensor &x, const Tensor &weight, const Tensor &bias, Tensor &runningMean, Tensor &runningVar,
                   double momentum, double eps)
{
    const int64_t C = x.size(1), M = x.numel() / C;
    const float *px = x.data_ptr<float>();
    // Sums of x - pivot (the first row): no cancellation when |mean| >> std.
    std::vector<float> pivot(px, px + C);
    std::vector<double> s, q;
    sumRows(M, C, s, q, [&](int64_t r0, int64_t r1, float *a, float *b) {
        kernels().statsRows(r0, r1, C, px, pivot.data(), a, b);
    });
    Stats st;
    st.mean = torch::empty({C});
    st.invstd = torch::empty({C});
    st.scale = torch::empty({C});
    st.shift = torch::empty({C});
    auto var = torch::empty({C});
    const float *w = weight.data_ptr<float>(), *b = bias.data_ptr<float>();
    float *pm = st.mean.data_ptr<float>(), *pi = st.invstd.data_ptr<float>(), *ps = st.scale.data_ptr<float>(),
          *pt = st.shift.data_ptr<float>(), *pv = var.data_ptr<float>();
    for (int64_t c = 0; c < C; ++c) {
        const size_t i = static_cast<size_t>(c);
        const double m = s[i] / M;
        const double v = std::max(0.0, q[i] / M - m * m);
        const double mean = pivot[i] + m, inv = 1.0 / std::sqrt(v + eps);
        const double scale = w[c] * inv;
        pm[c] = static_cast<float>(mean);
        pi[c] = static_cast<float>(inv);
        ps[c] = static_cast<float>(scale);
        pt[c] = static_cast<float>(b[c] - mean * scale);
        pv[c] = static_cast<float>(M > 1 ? v * M / (M - 1) : v); // running_var takes the unbiased variance
    }
    if (runningMean.defined()) {
        torch::NoGradGuard ng;
        runningMean.mul_(1 - momentum).add_(st.mean, momentum);
        runningVar.mul_(1 - momentum).add_(var, momentum);
    }
    return st;
}

// The backward of the normalisation given g (the gradient after the ReLU mask):
// with sg = sum g and sgx = sum g (x - mean) per channel,
// dx = scale g + k1 x + k0, k1 = -scale invstd^2 sgx / M, k0 = -scale sg / M - mean k1.
struct Back {
    std::vector<float> k1, k0;
    Tensor dweight, dbias;
};

Back backCoefficients(const std::vector<double> &sg, const std::vector<double> &sgx, const Tensor &mean,
                      const Tensor &invstd, const Tensor &scale, int64_t M)
{
    const int64_t C = mean.size(0);
    const float *m = mean.data_ptr<float>(), *inv = invstd.data_ptr<float>(), *sc = scale.data_ptr<float>();
    Back r;
    r.k1.resize(static_cast<size_t>(C));
    r.k0.resize(static_cast<size_t>(C));
    r.dweight = torch::empty({C});
    r.dbias = torch::empty({C});
    float *dw = r.dweight.data_ptr<float>(), *db = r.dbias.data_ptr<float>();
    for (int64_t c = 0; c < C; ++c) {
        const size_t i = static_cast<size_t>(c);
        const double k1 = -static_cast<double>(sc[c]) * inv[c] * inv[c] * sgx[i] / M;
        r.k1[i] = static_cast<float>(k1);
        r.k0[i] = static_cast<float>(-static_cast<double>(sc[c]) * sg[i] / M - m[c] * k1);
        dw[c] = static_cast<float>(sgx[i] * inv[c]);
        db[c] = static_cast<float>(sg[i]);
    }
    return r;
}

Tensor emptyLike(const Tensor &x) { return torch::empty_like(x, at::MemoryFormat::ChannelsLast); }

// y = relu(x * scale + shift [+ identity]) with the statistics of the forward.
Tensor reluOut(const Tensor &x, const Stats &st, const float *identity)
{
    const int64_t C = x.size(1), M = x.numel() / C;
    Tensor y = emptyLike(x);
    const float *px = x.data_ptr<float>(), *sc = st.scale.data_ptr<float>(), *sh = st.shift.data_ptr<float>();
    float *py = y.data_ptr<float>();
    eachRows(M, [&](int64_t r0, int64_t r1) { kernels().reluRows(r0, r1, C, px, identity, sc, sh, py); });
    return y;
}

// The backward both functions share, for x of M rows of C channels: the sums of
// the masked gradient (`sums(r0, r1, sg, sgx)` adds rows r0..r1's), the
// coefficients, then dx (`apply(r0, r1, k1, k0, dx)` writes rows r0..r1's).
// Returns the coefficients' dweight and dbias with dx.
template <class SumsFn, class ApplyFn>
std::pair<Tensor, Back> normBackward(const Tensor &x, const Tensor &mean, const Tensor &invstd, const Tensor &scale,
                                     const SumsFn &sums, const ApplyFn &apply)
{
    const int64_t C = x.size(1), M = x.numel() / C;
    std::vector<double> sg, sgx;
    sumRows(M, C, sg, sgx, sums);
    Back k = backCoefficients(sg, sgx, mean, invstd, scale, M);
    Tensor dx = emptyLike(x);
    float *pdx = dx.data_ptr<float>();
    const float *k1 = k.k1.data(), *k0 = k.k0.data();
    eachRows(M, [&](int64_t r0, int64_t r1) { apply(r0, r1, k1, k0, pdx); });
    return {dx, std::move(k)};
}

// The backward of relu(bn(x) + ...) with the mask read from its output y: writes g,
// the gradient after the ReLU (what whatever was added receives), and returns bn's
// input gradient and coefficients.
std::pair<Tensor, Back> outMaskedBackward(const Tensor &x, const Tensor &y, const Tensor &dy, const Tensor &mean,
                                          const Tensor &invstd, const Tensor &scale, Tensor &g)
{
    const int64_t C = x.size(1);
    const float *px = x.data_ptr<float>(), *py = y.data_ptr<float>(), *pdy = dy.data_ptr<float>(),
                *pm = mean.data_ptr<float>(), *sc = scale.data_ptr<float>();
    float *pg = g.data_ptr<float>();
    return normBackward(
        x, mean, invstd, scale,
        [&](int64_t r0, int64_t r1, float *a, float *b) { kernels().outMaskedSumsRows(r0, r1, C, px, py, pdy, pm, pg, a, b); },
        [&](int64_t r0, int64_t r1, const float *k1, const float *k0, float *pdx) {
            kernels().backRows(r0, r1, C, px, pg, sc, k1, k0, pdx);
        });
}

// relu(x * scale + shift): the mask is recomputed in the backward from x with the
// same expression, so the output need not be kept.
struct BnReluFn : public torch::autograd::Function<BnReluFn> {
    static Tensor forward(AutogradContext *ctx, const Tensor &x, const Tensor &weight, const Tensor &bias,
                          Tensor runningMean, Tensor runningVar, double momentum, double eps)
    {
        const Stats st = forwardStats(x, weight, bias, runningMean, runningVar, momentum, eps);
        ctx->save_for_backward({x, st.mean, st.invstd, st.scale, st.shift});
        return reluOut(x, st, nullptr);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const Tensor &x = saved[0], &mean = saved[1], &invstd = saved[2], &scale = saved[3], &shift = saved[4];
        const Tensor dy = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        const int64_t C = x.size(1);
        const float *px = x.data_ptr<float>(), *pdy = dy.data_ptr<float>(), *pm = mean.data_ptr<float>(),
                    *sc = scale.data_ptr<float>(), *sh = shift.data_ptr<float>();
        const auto [dx, k] = normBackward(
            x, mean, invstd, scale,
            [&](int64_t r0, int64_t r1, float *a, float *b) {
                kernels().maskedSumsRows(r0, r1, C, px, pdy, sc, sh, pm, a, b);
            },
            [&](int64_t r0, int64_t r1, const float *k1, const float *k0, float *pdx) {
                kernels().maskedBackRows(r0, r1, C, px, pdy, sc, sh, k1, k0, pdx);
            });
        return {dx, k.dweight, k.dbias, Tensor(), Tensor(), Tensor(), Tensor()};
    }
};

// relu(x * scale + shift + identity); the backward reads the mask from the output.
struct BnAddReluFn : public torch::autograd::Function<BnAddReluFn> {
    static Tensor forward(AutogradContext *ctx, const Tensor &x, const Tensor &weight, const Tensor &bias,
                          const Tensor &identity, Tensor runningMean, Tensor runningVar, double momentum, double eps)
    {
        const Stats st = forwardStats(x, weight, bias, runningMean, runningVar, momentum, eps);
        Tensor y = reluOut(x, st, identity.data_ptr<float>());
        ctx->save_for_backward({x, y, st.mean, st.invstd, st.scale});
        return y;
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const Tensor &x = saved[0], &y = saved[1], &mean = saved[2], &invstd = saved[3], &scale = saved[4];
        const Tensor dy = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        Tensor gid = emptyLike(x); // the gradient after the ReLU: the identity's, and the BatchNorm's input
        const auto [dx, k] = outMaskedBackward(x, y, dy, mean, invstd, scale, gid);
        return {dx, k.dweight, k.dbias, gid, Tensor(), Tensor(), Tensor(), Tensor()};
    }
};

// relu(x * scale + shift + xd * scaleD + shiftD): a block's last BatchNorm and its
// downsampling shortcut's, added, with the ReLU; the backward reads the mask from
// the output and both inputs' gradients come from the one masked gradient.
struct BnBnAddReluFn : public torch::autograd::Function<BnBnAddReluFn> {
    static Tensor forward(AutogradContext *ctx, const Tensor &x, const Tensor &weight, const Tensor &bias,
                          const Tensor &xd, const Tensor &weightD, const Tensor &biasD, Tensor runningMean,
                          Tensor runningVar, Tensor runningMeanD, Tensor runningVarD, double momentum, double eps,
                          double momentumD, double epsD)
    {
        const Stats st = forwardStats(x, weight, bias, runningMean, runningVar, momentum, eps);
        const Stats sd = forwardStats(xd, weightD, biasD, runningMeanD, runningVarD, momentumD, epsD);
        const int64_t C = x.size(1), M = x.numel() / C;
        Tensor y = emptyLike(x);
        const float *px = x.data_ptr<float>(), *pxd = xd.data_ptr<float>(), *sc = st.scale.data_ptr<float>(),
                    *sh = st.shift.data_ptr<float>(), *scd = sd.scale.data_ptr<float>(), *shd = sd.shift.data_ptr<float>();
        float *py = y.data_ptr<float>();
        eachRows(M, [&](int64_t r0, int64_t r1) { kernels().relu2Rows(r0, r1, C, px, sc, sh, pxd, scd, shd, py); });
        ctx->save_for_backward({x, xd, y, st.mean, st.invstd, st.scale, sd.mean, sd.invstd, sd.scale});
        return y;
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const Tensor &x = saved[0], &xd = saved[1], &y = saved[2];
        const Tensor dy = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        const int64_t C = x.size(1);
        Tensor g = emptyLike(x); // the gradient after the ReLU: both BatchNorms' output gradient
        const auto [dx, k] = outMaskedBackward(x, y, dy, saved[3], saved[4], saved[5], g);
        const float *pxd = xd.data_ptr<float>(), *pmd = saved[6].data_ptr<float>(), *scd = saved[8].data_ptr<float>(),
                    *pg = g.data_ptr<float>();
        const auto [dxd, kd] = normBackward(
            xd, saved[6], saved[7], saved[8],
            [&](int64_t r0, int64_t r1, float *a, float *b) { kernels().sumsRows(r0, r1, C, pxd, pg, pmd, a, b); },
            [&](int64_t r0, int64_t r1, const float *k1, const float *k0, float *pdx) {
                kernels().backRows(r0, r1, C, pxd, pg, scd, k1, k0, pdx);
            });
        return {dx,       k.dweight, k.dbias,  dxd,      kd.dweight, kd.dbias, Tensor(),
                Tensor(), Tensor(),  Tensor(), Tensor(), Tensor(),   Tensor(), Tensor()};
    }
};

// RESNEXT_FUSED_BN=0 keeps ATen's separate operators (to measure the difference).
bool fusionEnabled()
{
    static const bool on = [] {
        const char *v = std::getenv("RESNEXT_FUSED_BN");
        return !(v && std::string(v) == "0");
    }();
    return on;
}

bool fusable(const torch::nn::BatchNorm2dImpl &bn, const Tensor &x)
{
    const auto &o = bn.options;
    return fusionEnabled() && bn.is_training() && o.affine() && o.track_running_stats() && o.momentum().has_value() &&
           x.device().is_cpu() && x.scalar_type() == torch::kFloat && x.dim() == 4 && x.numel() > 0 &&
           x.is_contiguous(at::MemoryFormat::ChannelsLast) && bn.weight.scalar_type() == torch::kFloat;
}

void countBatch(torch::nn::BatchNorm2dImpl &bn)
{
    torch::NoGradGuard ng;
    bn.num_batches_tracked.add_(1);
}

} // namespace

const char *fusedBnIsa() { return kernels().isa; }

torch::Tensor toChannelsLast(const torch::Tensor &x)
{
    if (x.dim() != 4 || x.suggest_memory_format() == at::MemoryFormat::ChannelsLast)
        return x;
    return torch::empty_like(x, at::MemoryFormat::ChannelsLast).copy_(x);
}

torch::Tensor bnRelu(torch::nn::BatchNorm2dImpl &bn, const torch::Tensor &x)
{
    if (!fusable(bn, x))
        return bn.forward(x).relu_();
    countBatch(bn);
    return BnReluFn::apply(x, bn.weight, bn.bias, bn.running_mean, bn.running_var, *bn.options.momentum(),
                           bn.options.eps());
}

torch::Tensor bnAddRelu(torch::nn::BatchNorm2dImpl &bn, const torch::Tensor &x, const torch::Tensor &identity)
{
    if (!fusable(bn, x) || !identity.is_contiguous(at::MemoryFormat::ChannelsLast) || identity.sizes() != x.sizes() ||
        identity.scalar_type() != torch::kFloat)
        return bn.forward(x).add_(identity).relu_();
    countBatch(bn);
    return BnAddReluFn::apply(x, bn.weight, bn.bias, identity, bn.running_mean, bn.running_var,
                              *bn.options.momentum(), bn.options.eps());
}

torch::Tensor bnAddBnRelu(torch::nn::BatchNorm2dImpl &bn, const torch::Tensor &x, torch::nn::BatchNorm2dImpl &bnD,
                          const torch::Tensor &xd)
{
    if (!fusable(bn, x) || !fusable(bnD, xd) || xd.sizes() != x.sizes())
        return bnAddRelu(bn, x, bnD.forward(xd));
    countBatch(bn);
    countBatch(bnD);
    return BnBnAddReluFn::apply(x, bn.weight, bn.bias, xd, bnD.weight, bnD.bias, bn.running_mean, bn.running_var,
                                bnD.running_mean, bnD.running_var, *bn.options.momentum(), bn.options.eps(),
                                *bnD.options.momentum(), bnD.options.eps());
}

} // namespace resnext::detail
