// Micro-benchmark: the fast path's grouped 3x3 convolution (core/src/engine/gconv.cpp)
// against what oneDNN 2.6 runs for the same convolution in the fast path, for every
// grouped shape of resnext50_32x4d, resnext101_32x8d, resnext101_64x4d and the
// built-in model. oneDNN's side counts the reorders it needs between the blocked
// layout its 1x1 convolutions produce and the one its grouped kernel wants.
//   build/bench/bench_gconv [BATCH] [THREADS] [RUNS]
// ONEDNN_MAX_CPU_ISA=AVX2 gives oneDNN's AVX2 branch (8-channel blocks; ours then runs AVX2).
#include "engine/gconv.h"

#include <ATen/Parallel.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace resnext;
using dnnl::memory;
using Tag = memory::format_tag;

namespace {

struct GShape {
    std::string where;
    int channels, groups, size, stride;
};

double medianMs(const std::function<void()> &f, int runs)
{
    for (int i = 0; i < 3; ++i)
        f();
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    const int batch = argc > 1 ? std::atoi(argv[1]) : 1;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 30;
    at::set_num_threads(threads);
    (void)at::get_num_threads();
    // Every distinct grouped 3x3 of the four networks: each stage's grouped 3x3 at
    // stride 1 and, from stage 2 on, its first block's at stride 2 on the previous
    // stage's size; channels double and the size halves from stage to stage.
    struct Net {
        const char *name;
        int channels, groups, size, stages; // stage 1's
    };
    const Net nets[] = {{"resnext50_32x4d", 128, 32, 56, 4},
                        {"resnext101_32x8d", 256, 32, 56, 4},
                        {"resnext101_64x4d", 256, 64, 56, 4},
                        {"built-in", 32, 8, 28, 3}};
    std::vector<GShape> shapes;
    for (const Net &n : nets)
        for (int k = 1, C = n.channels, H = n.size; k <= n.stages; ++k, C *= 2, H /= 2) {
            const std::string layer = std::string(n.name) + " layer" + std::to_string(k);
            if (k > 1)
                shapes.push_back({layer + ".0", C, n.groups, 2 * H, 2});
            shapes.push_back({layer, C, n.groups, H, 1});
        }
    dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    dnnl::stream strm(eng);
    std::printf("grouped 3x3 convolutions, batch %d, %d threads, median of %d runs; oneDNN %s\n", batch, threads, runs,
                [] {
                    const auto v = dnnl::version();
                    static char s[32];
                    std::snprintf(s, sizeof s, "%d.%d.%d", v->major, v->minor, v->patch);
                    return s;
                }());
    std::printf("%-27s %5s %3s %4s %2s | %-24s %8s %3s | %-7s %8s | %6s %7s\n", "shape", "C", "c", "HxW", "s",
                "oneDNN kernel", "ms", "reo", "ours", "ms", "speed", "GFLOP/s");
    for (const GShape &g : shapes) {
        const int C = g.channels, c = C / g.groups, H = g.size, s = g.stride, OH = (H - 1) / s + 1;
        const memory::dims in{batch, C, H, H}, out{batch, C, OH, OH};
        // The layout oneDNN's 1x1 convolution writes here (nChw16c with AVX-512, nChw8c with AVX2).
        dnnl::post_ops ops;
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        dnnl::primitive_attr attr;
        attr.set_post_ops(ops);
        const dnnl::convolution_forward::desc d1(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                                 memory::desc({batch, 2 * C, H, H}, memory::data_type::f32, Tag::any),
                                                 memory::desc({C, 2 * C, 1, 1}, memory::data_type::f32, Tag::any),
                                                 memory::desc({C}, memory::data_type::f32, Tag::x),
                                                 memory::desc({batch, C, H, H}, memory::data_type::f32, Tag::any),
                                                 {1, 1}, {0, 0}, {0, 0});
        // The fast path's activations: 16-channel blocks from avx512_core up, 8 below (its 1x1 convolutions' choice).
        const auto cpuIsa = dnnl::get_effective_cpu_isa();
        const int block = cpuIsa == dnnl::cpu_isa::avx2 || cpuIsa == dnnl::cpu_isa::avx2_vnni ? 8 : 16;
        (void)d1;
        const memory::desc blocked(in, memory::data_type::f32, block == 16 ? Tag::nChw16c : Tag::nChw8c);
        const memory::desc blockedOut(out, memory::data_type::f32, block == 16 ? Tag::nChw16c : Tag::nChw8c);
        std::mt19937 rng(static_cast<unsigned>(C * 31 + c));
        std::normal_distribution<float> normal;
        std::vector<float> w(static_cast<size_t>(C) * c * 9), bias(static_cast<size_t>(C));
        for (float &v : w)
            v = normal(rng);
        for (float &v : bias)
            v = normal(rng);
        memory src(blocked, eng), dst(blockedOut, eng);
        std::fill_n(static_cast<float *>(src.get_data_handle()), blocked.get_size() / 4, 0.5f);
        // oneDNN as the fast path runs it: from the blocked layout; a reorder in when its kernel wants another.
        const auto convPd = [&](const memory::desc &srcMd) {
            const dnnl::convolution_forward::desc d(
                dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, srcMd,
                memory::desc({g.groups, c, c, 3, 3}, memory::data_type::f32, Tag::any),
                memory::desc({C}, memory::data_type::f32, Tag::x),
                memory::desc(out, memory::data_type::f32, Tag::any), {s, s}, {1, 1}, {1, 1});
            return dnnl::convolution_forward::primitive_desc(d, attr, eng);
        };
        auto pd = convPd(blocked);
        if (std::string(pd.impl_info_str()).rfind("ref", 0) == 0)
            pd = convPd(memory::desc(in, memory::data_type::f32, Tag::any));
        std::vector<std::pair<dnnl::primitive, std::unordered_map<int, memory>>> steps;
        memory x = src;
        if (pd.src_desc() != blocked) {
            memory moved(pd.src_desc(), eng);
            steps.push_back({dnnl::reorder(src, moved), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, moved}}});
            x = moved;
        }
        memory user({{g.groups, c, c, 3, 3}, memory::data_type::f32, Tag::goihw}, eng, w.data());
        memory wp(pd.weights_desc(), eng);
        dnnl::reorder(user, wp).execute(strm, user, wp);
        memory bm({{C}, memory::data_type::f32, Tag::x}, eng, bias.data());
        memory y(pd.dst_desc(), eng);
        steps.push_back({dnnl::convolution_forward(pd),
                         {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, wp}, {DNNL_ARG_BIAS, bm}, {DNNL_ARG_DST, y}}});
        if (pd.dst_desc() != blockedOut) // the next 1x1 reads the blocked layout
            steps.push_back({dnnl::reorder(y, dst), {{DNNL_ARG_FROM, y}, {DNNL_ARG_TO, dst}}});
        const double oneMs = medianMs(
            [&] {
                for (auto &[p, a] : steps)
                    p.execute(strm, a);
                strm.wait();
            },
            runs);
        gconv::Shape gs;
        gs.batch = batch;
        gs.channels = C;
        gs.groups = g.groups;
        gs.height = gs.width = H;
        gs.stride = s;
        gs.block = block;
        gconv::Isa isa = gconv::requested();
        if (isa == gconv::Isa::Avx512 && block == 8)
            isa = gconv::Isa::Avx2;
        const double flop = 2.0 * batch * C * c * 9 * OH * OH;
        const std::string why = gconv::unsupported(isa, gs);
        const std::string impl = pd.impl_info_str();
        if (!why.empty()) {
            std::printf("%-27s %5d %3d %4d %2d | %-24s %8.3f %3zu | %-7s %8s | %6s %7.1f\n", g.where.c_str(), C, c, H, s,
                        impl.c_str(), oneMs, steps.size() - 1, "-", "-", "-", flop / oneMs / 1e6);
            continue;
        }
        const gconv::Conv conv(isa, gs, w.data(), bias.data(), true);
        const double ourMs = medianMs(
            [&] {
                conv.run(static_cast<const float *>(src.get_data_handle()), static_cast<float *>(dst.get_data_handle()));
            },
            runs);
        std::printf("%-27s %5d %3d %4d %2d | %-24s %8.3f %3zu | %-7s %8.3f | %5.2fx %7.1f\n", g.where.c_str(), C, c, H, s,
                    impl.c_str(), oneMs, steps.size() - 1, gconv::toString(isa).c_str(), ourMs, oneMs / ourMs,
                    flop / ourMs / 1e6);
    }
    return 0;
}
