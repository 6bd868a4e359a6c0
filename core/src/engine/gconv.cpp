#include "engine/gconv.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#define RESNEXT_GCONV_X86 1
#include <immintrin.h>
#endif

namespace resnext::gconv {

namespace {

struct Params {
    int channels = 0, c = 1, height = 0, width = 0, stride = 1, block = 16;
    bool relu = true;
    const float *weight = nullptr; // [units][3][3][c][V]
    const float *bias = nullptr;   // [channels]
    const int *index = nullptr;    // [c][V]: lane l of permutation j takes lane (l / c) * c + j
};

} // namespace

#if RESNEXT_GCONV_X86

// Each ISA's code is compiled for that ISA only (the rest of the library for
// plain x86-64) and runs only after cpuIsa() says the CPU has it.
#define RESNEXT_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define RESNEXT_TARGET_BEGIN(isa) RESNEXT_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#define RESNEXT_TARGET_END RESNEXT_PRAGMA(clang attribute pop)
#else
// GCC 12 takes the fully unrolled accumulator arrays for maybe-uninitialised.
#define RESNEXT_TARGET_BEGIN(isa)                                                                                  \
    RESNEXT_PRAGMA(GCC push_options)                                                                               \
    RESNEXT_PRAGMA(GCC target(isa))                                                                                \
    RESNEXT_PRAGMA(GCC diagnostic push)                                                                            \
    RESNEXT_PRAGMA(GCC diagnostic ignored "-Wmaybe-uninitialized")
#define RESNEXT_TARGET_END RESNEXT_PRAGMA(GCC diagnostic pop) RESNEXT_PRAGMA(GCC pop_options)
#endif

// The vector operations the kernel uses that both ISAs spell alike, for vectors
// of BITS bits (_mm256_* on __m256, _mm512_* on __m512); each Ops adds the lane
// index load and permute, which differ, and TILE, the accumulators it keeps.
#define RESNEXT_GCONV_OPS(BITS, TILE)                                                                              \
    using Vec = __m##BITS;                                                                                         \
    using Idx = __m##BITS##i;                                                                                      \
    static constexpr int kWidth = BITS / 32;                                                                       \
    static constexpr int kTile = TILE;                                                                             \
    static inline Vec load(const float *p) { return _mm##BITS##_loadu_ps(p); }                                     \
    static inline void store(float *p, Vec v) { _mm##BITS##_storeu_ps(p, v); }                                     \
    static inline Vec fma(Vec a, Vec b, Vec c) { return _mm##BITS##_fmadd_ps(a, b, c); }                           \
    static inline Vec relu(Vec v) { return _mm##BITS##_max_ps(v, _mm##BITS##_setzero_ps()); }                     \
    static inline Vec zero() { return _mm##BITS##_setzero_ps(); }                                                  \
    static inline Vec set1(float x) { return _mm##BITS##_set1_ps(x); }

RESNEXT_TARGET_BEGIN("avx2,fma")
namespace avx2 {
struct Ops {
    RESNEXT_GCONV_OPS(256, 12) // 12 accumulators + the weight of 16 ymm registers
    static inline Idx index(const int *p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)); }
    static inline Vec permute(Vec v, Idx i) { return _mm256_permutevar8x32_ps(v, i); }
};
#include "engine/gconv_kernel.inc"
} // namespace avx2
RESNEXT_TARGET_END

RESNEXT_TARGET_BEGIN("avx512f,fma")
namespace avx512 {
struct Ops {
    RESNEXT_GCONV_OPS(512, 14) // 56 = 4 x 14; 14 accumulators of 32 zmm registers
    static inline Idx index(const int *p) { return _mm512_loadu_si512(p); }
    static inline Vec permute(Vec v, Idx i) { return _mm512_permutexvar_ps(i, v); }
};
#include "engine/gconv_kernel.inc"
} // namespace avx512
RESNEXT_TARGET_END

#endif // RESNEXT_GCONV_X86

std::string toString(Isa isa)
{
    switch (isa) {
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
    default: return "onednn";
    }
}

Isa cpuIsa()
{
#if RESNEXT_GCONV_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return Isa::Avx2;
#endif
    return Isa::None;
}

Isa requested()
{
    const char *env = std::getenv("RESNEXT_GCONV");
    const std::string want = env ? env : "auto";
    const Isa cpu = cpuIsa();
    if (want == "onednn")
        return Isa::None;
    if (want == "avx2")
        return cpu == Isa::None ? Isa::None : Isa::Avx2;
    if (want == "avx512")
        return cpu == Isa::Avx512 ? Isa::Avx512 : Isa::None;
    return cpu;
}

static int vectorWidth(Isa isa) { return isa == Isa::Avx512 ? 16 : isa == Isa::Avx2 ? 8 : 0; }

std::string unsupported(Isa isa, const Shape &s)
{
    const int V = vectorWidth(isa);
    if (V == 0)
        return "no AVX2 or AVX-512 variant chosen";
    if (s.block != 8 && s.block != 16)
        return "channel block " + std::to_string(s.block) + " (8 or 16 only)";
    if (V > s.block)
        return "a " + std::to_string(V) + "-lane vector does not fit a " + std::to_string(s.block) + "-channel block";
    if (s.groups < 1 || s.channels % s.groups != 0 || s.channels % s.block != 0)
        return "channels " + std::to_string(s.channels) + " not a multiple of the block and the groups";
    const int c = s.channels / s.groups;
    if (c > 16 || (c <= V ? V % c != 0 : c % V != 0))
        return std::to_string(c) + " channels per group (1, 2, 4, 8 or 16 only)";
    if (s.stride != 1 && s.stride != 2)
        return "stride " + std::to_string(s.stride) + " (1 or 2 only)";
    if (s.height < 1 || s.width < 1 || s.batch < 1)
        return "empty shape";
    return {};
}

struct Conv::Impl {
    Isa isa = Isa::None;
    Shape shape;
    Params p;
    std::vector<float> weight, bias;
    std::vector<int> index;
    int rowsPerTask = 1;
};

Conv::Conv(Isa isa, const Shape &shape, const float *weight, const float *bias, bool relu) : m(std::make_unique<Impl>())
{
    if (const std::string why = unsupported(isa, shape); !why.empty())
        throw std::invalid_argument("gconv: " + why);
    m->isa = isa;
    m->shape = shape;
    const int V = vectorWidth(isa), C = shape.channels, c = C / shape.groups, U = C / V;
    // Weights as [unit][kh][kw][j][lane]: lane l of unit u is output channel u·V + l.
    m->weight.resize(static_cast<size_t>(C) * 9 * c);
    for (int u = 0; u < U; ++u)
        for (int k = 0; k < 9; ++k)
            for (int j = 0; j < c; ++j)
                for (int l = 0; l < V; ++l)
                    m->weight[((static_cast<size_t>(u) * 9 + k) * c + j) * V + l] =
                        weight[(static_cast<size_t>(u * V + l) * c + j) * 9 + k];
    m->bias.assign(bias, bias + C);
    m->index.resize(static_cast<size_t>(c) * V);
    for (int j = 0; j < c; ++j)
        for (int l = 0; l < V; ++l)
            m->index[static_cast<size_t>(j) * V + l] = c <= V ? (l / c) * c + j : 0;
    m->p.channels = C;
    m->p.c = c;
    m->p.height = shape.height;
    m->p.width = shape.width;
    m->p.stride = shape.stride;
    m->p.block = shape.block;
    m->p.relu = relu;
    m->p.weight = m->weight.data();
    m->p.bias = m->bias.data();
    m->p.index = m->index.data();
    // Enough tasks for the threads to share evenly (about 16 a thread), rows
    // long enough that the ring's refills at a chunk's start stay few.
    const long rows = static_cast<long>(shape.batch) * U * shape.outHeight();
    const long want = 16L * std::max(1, at::get_num_threads());
    m->rowsPerTask = static_cast<int>(std::clamp<long>(rows / want, 4, shape.outHeight()));
}

Conv::~Conv() = default;

Isa Conv::isa() const { return m->isa; }

void Conv::run(const float *src, float *dst) const
{
#if RESNEXT_GCONV_X86
    const Shape &s = m->shape;
    const int V = vectorWidth(m->isa);
    const int chunks = (s.outHeight() + m->rowsPerTask - 1) / m->rowsPerTask;
    const long tasks = static_cast<long>(s.batch) * (s.channels / V) * chunks;
    const size_t ringFloats = 3 * static_cast<size_t>(m->p.c) * (s.width + 2) * V;
    at::parallel_for(0, tasks, 1, [&](int64_t t0, int64_t t1) {
        thread_local std::vector<float> ring;
        if (ring.size() < ringFloats)
            ring.resize(ringFloats);
        if (m->isa == Isa::Avx512)
            avx512::runTasks(m->p, src, dst, t0, t1, m->rowsPerTask, ring.data());
        else
            avx2::runTasks(m->p, src, dst, t0, t1, m->rowsPerTask, ring.data());
    });
#else
    (void)src;
    (void)dst;
#endif
}

} // namespace resnext::gconv
