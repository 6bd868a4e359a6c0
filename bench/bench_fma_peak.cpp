// The machine's FP32 arithmetic peak: independent fused multiply-add chains in
// registers (no memory traffic), on THREADS threads, for each vector ISA the CPU
// has (AVX2 with 8 lanes, AVX-512 with 16). No convolution can run faster than
// this, so it is the ceiling beside `bench`'s achieved GFLOP/s and its best single
// 1x1 convolution (docs/performance-cpu.md §2).
//   bench_fma_peak [THREADS=2] [SECONDS=1] [ROUNDS=3]
// Prints, per ISA, the best of ROUNDS rounds of SECONDS each (2 FLOP per lane per FMA).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define RESNEXT_X86 1
#endif

namespace {

constexpr int kChains = 12; // enough independent chains to cover the FMA latency on 2 pipes
constexpr long kInner = 1 << 14;

#if RESNEXT_X86
// chainsAvx2 / chainsAvx512: `iterations` blocks of kInner x kChains FMAs on
// BITS-bit vectors; each returns the sum of its chains so that they are kept.
#define RESNEXT_FMA_CHAINS(NAME, BITS, TARGET)                                                                    \
    __attribute__((target(TARGET))) float NAME(long iterations)                                                    \
    {                                                                                                              \
        __m##BITS a[kChains];                                                                                      \
        for (int i = 0; i < kChains; ++i)                                                                          \
            a[i] = _mm##BITS##_set1_ps(0.001f * static_cast<float>(i));                                            \
        const __m##BITS b = _mm##BITS##_set1_ps(0.999f), c = _mm##BITS##_set1_ps(1e-4f);                           \
        for (long k = 0; k < iterations * kInner; ++k) {                                                           \
            _Pragma("GCC unroll 12") for (int i = 0; i < kChains; ++i) a[i] = _mm##BITS##_fmadd_ps(a[i], b, c);    \
        }                                                                                                          \
        alignas(64) float out[BITS / 32];                                                                          \
        float sum = 0.f;                                                                                           \
        for (int i = 0; i < kChains; ++i) {                                                                        \
            _mm##BITS##_store_ps(out, a[i]);                                                                       \
            for (float x : out)                                                                                    \
                sum += x;                                                                                          \
        }                                                                                                          \
        return sum;                                                                                                \
    }
RESNEXT_FMA_CHAINS(chainsAvx2, 256, "avx2,fma")
RESNEXT_FMA_CHAINS(chainsAvx512, 512, "avx512f")
#endif

using Chains = float (*)(long);

// GFLOP/s of `threads` threads each running `iterations` blocks, started together.
double measure(Chains chains, int lanes, int threads, long iterations)
{
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<float> sink{0.f};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            ++ready;
            while (!go.load())
                std::this_thread::yield();
            sink = sink + chains(iterations);
        });
    while (ready.load() < threads)
        std::this_thread::yield();
    const auto t0 = std::chrono::steady_clock::now();
    go = true;
    for (auto &th : pool)
        th.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double flop = 2.0 * lanes * kChains * static_cast<double>(kInner) * iterations * threads;
    return flop / s / 1e9;
}

void report(const char *isa, Chains chains, int lanes, int threads, double seconds, int rounds)
{
    // Calibrate: how many blocks one thread runs in `seconds`.
    long iterations = 1;
    for (;;) {
        const auto t0 = std::chrono::steady_clock::now();
        chains(iterations);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (s > 0.05 || iterations > (1L << 30)) {
            iterations = std::max(1L, static_cast<long>(iterations * seconds / s));
            break;
        }
        iterations *= 2;
    }
    double best = 0;
    std::printf("FP32 FMA peak, %s (%d lanes), %d thread%s:", isa, lanes, threads, threads == 1 ? "" : "s");
    for (int r = 0; r < rounds; ++r) {
        const double g = measure(chains, lanes, threads, iterations);
        best = std::max(best, g);
        std::printf(" %.1f", g);
    }
    std::printf("  -> best %.1f GFLOP/s\n", best);
}

} // namespace

int main(int argc, char **argv)
{
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 1.0;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
    if (threads < 1 || seconds <= 0 || rounds < 1) {
        std::fprintf(stderr, "usage: bench_fma_peak [THREADS>=1] [SECONDS>0] [ROUNDS>=1]\n");
        return 2;
    }
#if RESNEXT_X86
    __builtin_cpu_init();
    bool any = false;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        report("AVX2", chainsAvx2, 8, threads, seconds, rounds);
        any = true;
    }
    if (__builtin_cpu_supports("avx512f")) {
        report("AVX-512", chainsAvx512, 16, threads, seconds, rounds);
        any = true;
    }
    if (!any) {
        std::fprintf(stderr, "bench_fma_peak: this CPU has neither AVX2 + FMA nor AVX-512\n");
        return 2;
    }
    return 0;
#else
    std::fprintf(stderr, "bench_fma_peak: x86-64 only\n");
    return 2;
#endif
}
