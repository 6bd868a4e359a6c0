#include "engine/fastpath.h"
#include "engine/gconv.h"

#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/plan.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>

#if defined(RESNEXT_WITH_DNNL)
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace resnext::fast {

#if !defined(RESNEXT_WITH_DNNL)

bool available() { return false; }
bool bf16Native() { return false; }

struct Net::Impl {};
Net::Net(const ArchSpec &, const std::map<std::string, at::Tensor> &, bool)
{
    throw Error("fast path: this build has no oneDNN (install libdnnl-dev and rebuild); use the plain path");
}
Net::~Net() = default;
void Net::prepare(int) {}
at::Tensor Net::forward(const at::Tensor &, at::Tensor *, Capture *, const std::atomic<bool> *) { return {}; }
std::vector<at::Tensor> Net::forwardEdits(int, int, const at::Tensor &, int, const std::function<at::Tensor(int)> &,
                                          const std::atomic<bool> *)
{
    return {};
}
bool Net::bf16() const { return false; }
Net::KernelStats Net::kernelStats(int) { return {}; }
int Net::chunk() const { return 1; }
double Net::prepareMs() const { return 0; }

#else

bool available() { return true; }

bool bf16Native()
{
    // oneDNN dispatches BF16 convolutions to native kernels from avx512_core_bf16
    // (AVX-512 BF16) up; below that it emulates them, slower than FP32.
    const auto isa = dnnl::get_effective_cpu_isa();
    return isa == dnnl::cpu_isa::avx512_core_bf16 || isa == dnnl::cpu_isa::avx512_core_amx;
}

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
using DType = memory::data_type;
using Clock = std::chrono::steady_clock;

// A convolution with BatchNorm folded in: w' = w * g / sqrt(v + eps), b' = beta - m * g / sqrt(v + eps).
struct ConvW {
    std::string name; // "layer1.0.conv2"
    int in = 0, out = 0, kernel = 1, stride = 1, padding = 0, groups = 1;
    at::Tensor weight; // [out, in / groups, k, k] float
    at::Tensor bias;   // [out] float
};

struct BlockW {
    bool bottleneck = true;
    ConvW c1, c2, c3; // c3 unused for basic blocks
    std::optional<ConvW> down;
};

const at::Tensor &need(const std::map<std::string, at::Tensor> &t, const std::string &name)
{
    const auto it = t.find(name);
    if (it == t.end())
        throw Error("fast path: the model has no tensor '" + name + "'");
    return it->second;
}

ConvW fold(const std::map<std::string, at::Tensor> &t, const std::string &conv, const std::string &bn, int stride,
           int padding, int groups)
{
    ConvW c;
    c.name = conv;
    const auto &w = need(t, conv + ".weight");
    const auto gamma = need(t, bn + ".weight").to(at::kDouble);
    const auto beta = need(t, bn + ".bias").to(at::kDouble);
    const auto mean = need(t, bn + ".running_mean").to(at::kDouble);
    const auto var = need(t, bn + ".running_var").to(at::kDouble);
    const auto scale = gamma / (var + 1e-5).sqrt(); // torchvision's BatchNorm2d eps
    // The per-channel factors in double, the product in float: one rounding, like the plain path's BN.
    c.weight = (w.to(at::kFloat) * scale.to(at::kFloat).view({-1, 1, 1, 1})).contiguous();
    c.bias = (beta - mean * scale).to(at::kFloat).contiguous();
    c.out = static_cast<int>(w.size(0));
    c.in = static_cast<int>(w.size(1)) * groups;
    c.kernel = static_cast<int>(w.size(2));
    c.stride = stride;
    c.padding = padding;
    c.groups = groups;
    return c;
}

// oneDNN reports failures as dnnl::error: turn them into one-line Errors at this file's boundary.
template <typename F> auto oneDnn(const char *what, F &&f) -> decltype(f())
{
    try {
        return f();
    } catch (const dnnl::error &e) {
        throw Error(std::string("fast path: ") + what + ": " + e.what());
    }
}

// One primitive to run with its arguments, or one of our own kernels (`own`).
struct Step {
    Step() = default;
    Step(dnnl::primitive p, std::unordered_map<int, memory> a) : prim(std::move(p)), args(std::move(a)) {}
    dnnl::primitive prim;
    std::unordered_map<int, memory> args;
    std::shared_ptr<gconv::Conv> own;
    memory ownSrc, ownDst;
    void run(dnnl::stream &strm)
    {
        if (own)
            own->run(static_cast<const float *>(ownSrc.get_data_handle()), static_cast<float *>(ownDst.get_data_handle()));
        else
            prim.execute(strm, args);
    }
};

// Where one block's tensors are, for capturing them.
struct BlockPoints {
    size_t first = 0;   // index of the block's first step
    size_t grouped = 0; // index of the grouped convolution's step (conv2)
    size_t last = 0;    // index of its last step
    memory in, mid, out;
};

// The primitives for one batch size.
struct Built {
    int batch = 0;
    memory input;        // user memory, NCHW f32 (its handle is set per call)
    std::vector<Step> steps;
    std::vector<std::vector<BlockPoints>> blocks;
    memory pooledUser;   // [N, D, 1, 1] f32 plain
    memory logitsUser;   // [N, classes] f32 plain
    memory fcWeights;    // fc's weights in the layout the inner product wants
    int features = 0;
    int classes = 0;
    // Temporaries of a block (conv1/conv2 outputs, reorders) are dead once it
    // ends: later blocks reuse them, so the activations stay few and in cache.
    std::vector<memory> spare, inUse;
    int reorders = 0, ownKernels = 0;
    std::vector<std::tuple<size_t, double, std::string>> oneByOne; // step, FLOPs, layer
};

} // namespace

struct Net::Impl {
    ArchSpec spec;
    bool bf16 = false;
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
    ConvW stem;
    std::optional<std::tuple<int, int, int>> maxPool; // kernel, stride, padding (the ImageNet stem's)
    std::vector<std::vector<BlockW>> stages;
    at::Tensor fcWeight, fcBias;
    std::vector<std::unique_ptr<Built>> built; // a few batch sizes, most recent last
    // Prepacked weights, shared by the batch sizes whose primitives want the same layout.
    std::vector<std::tuple<const ConvW *, memory::desc, memory>> packed;
    double prepareMs = 0;
    int chunk = 64; // see Net::chunk()
    bool verbose = std::getenv("RESNEXT_FAST_VERBOSE") != nullptr;

    DType act() const { return bf16 ? DType::bf16 : DType::f32; }
    // Activations in the layout oneDNN picks (nChw16c here). NHWC with its brgconv
    // kernels measured the same for resnext50_32x4d (RESNEXT_FAST_NHWC=1 to compare).
    bool nhwc = std::getenv("RESNEXT_FAST_NHWC") != nullptr;
    Tag actTag() const { return nhwc ? Tag::nhwc : Tag::any; }

    memory allocate(const memory::desc &md) { return memory(md, eng); }

    // A temporary of the block being built (see Built::spare).
    memory temporary(Built &b, const memory::desc &md)
    {
        for (size_t i = 0; i < b.spare.size(); ++i)
            if (b.spare[i].get_desc() == md) {
                memory m = b.spare[i];
                b.spare.erase(b.spare.begin() + static_cast<std::ptrdiff_t>(i));
                b.inUse.push_back(m);
                return m;
            }
        b.inUse.push_back(allocate(md));
        return b.inUse.back();
    }

    void endBlock(Built &b)
    {
        b.spare.insert(b.spare.end(), b.inUse.begin(), b.inUse.end());
        b.inUse.clear();
    }

    memory packWeights(const ConvW &c, const memory::desc &want)
    {
        for (const auto &[conv, desc, mem] : packed)
            if (conv == &c && desc == want)
                return mem;
        memory::dims dims = c.groups > 1 ? memory::dims{c.groups, c.out / c.groups, c.in / c.groups, c.kernel, c.kernel}
                                         : memory::dims{c.out, c.in, c.kernel, c.kernel};
        memory user({dims, DType::f32, c.groups > 1 ? Tag::goihw : Tag::oihw}, eng, c.weight.data_ptr());
        memory dst = allocate(want);
        dnnl::reorder(user, dst).execute(strm, user, dst);
        strm.wait();
        packed.emplace_back(&c, want, dst);
        return dst;
    }

    // A convolution reading `src`; its output goes to `dst` when given (with the
    // residual sum when `sum`), else to a new memory (kept for the whole pass when
    // `persistent`, else a temporary of the block) in the layout oneDNN picks. When oneDNN has no optimised kernel
    // for `src`'s layout, `src` is reordered into the layout it prefers first.
    memory addConv(Built &b, const ConvW &c, memory src, bool relu, const memory *dst = nullptr, bool sum = false,
                   bool persistent = false)
    {
        const auto inDims = src.get_desc().dims();
        const memory::dim oh = (inDims[2] + 2 * c.padding - c.kernel) / c.stride + 1;
        const memory::dim ow = (inDims[3] + 2 * c.padding - c.kernel) / c.stride + 1;
        const memory::desc dstMd =
            dst ? dst->get_desc() : memory::desc({inDims[0], c.out, oh, ow}, act(), actTag());
        if (!dst && !sum)
            if (auto own = addGconv(b, c, src, relu, dstMd))
                return *own;
        dnnl::post_ops ops;
        if (sum)
            ops.append_sum(1.f);
        if (relu)
            ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        dnnl::primitive_attr attr;
        attr.set_post_ops(ops);
        auto pd = convDesc(c, src.get_desc(), dstMd, attr);
        if (isReference(pd)) {
            auto any = convDesc(c, memory::desc(inDims, act(), Tag::any), dstMd, attr);
            if (!isReference(any)) {
                memory moved = temporary(b, any.src_desc());
                b.steps.push_back({dnnl::reorder(src, moved), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, moved}}});
                ++b.reorders;
                src = moved;
                pd = any;
            }
        }
        if (verbose)
            std::cerr << "fast: " << c.name << " " << pd.impl_info_str() << "\n";
        memory out = dst ? *dst : persistent ? allocate(pd.dst_desc()) : temporary(b, pd.dst_desc());
        memory w = packWeights(c, pd.weights_desc());
        memory bias({{c.out}, DType::f32, Tag::x}, eng, c.bias.data_ptr());
        b.steps.push_back({dnnl::convolution_forward(pd),
                           {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, out}}});
        if (c.kernel == 1)
            b.oneByOne.emplace_back(b.steps.size() - 1, 2.0 * inDims[0] * c.out * c.in * oh * ow, c.name);
        return out;
    }

    // The grouped 3x3 convolution of small groups on our own kernel (gconv.h),
    // reading and writing `src`'s blocked layout, where oneDNN would run it as
    // im2col + gemm (AVX2), with its reference kernel, or after a reorder
    // (AVX-512 wants 4- or 8-channel blocks): RESNEXT_GCONV=auto. Forced
    // (avx2 / avx512) on every convolution the kernel takes; "onednn" never.
    std::optional<memory> addGconv(Built &b, const ConvW &c, const memory &src, bool relu, const memory::desc &dstMd)
    {
        if (c.groups == 1 || c.kernel != 3 || c.padding != 1 || c.in != c.out || bf16)
            return std::nullopt;
        const auto d = src.get_desc().dims();
        gconv::Shape s;
        s.batch = static_cast<int>(d[0]);
        s.channels = c.in;
        s.groups = c.groups;
        s.height = static_cast<int>(d[2]);
        s.width = static_cast<int>(d[3]);
        s.stride = c.stride;
        if (src.get_desc() == memory::desc(d, DType::f32, Tag::nChw16c))
            s.block = 16;
        else if (src.get_desc() == memory::desc(d, DType::f32, Tag::nChw8c))
            s.block = 8;
        else
            return std::nullopt;
        const char *env = std::getenv("RESNEXT_GCONV");
        const bool forced = env && std::string(env) != "auto";
        const int perGroup = c.in / c.groups;
        gconv::Isa isa = gconv::requested();
        if (!forced && isa == gconv::Isa::Avx512 && s.block == 8)
            isa = gconv::Isa::Avx2; // oneDNN limited to AVX2 (ONEDNN_MAX_CPU_ISA) chose 8-channel blocks
        if (!gconv::unsupported(isa, s).empty())
            return std::nullopt;
        if (!forced) {
            dnnl::post_ops ops;
            if (relu)
                ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
            dnnl::primitive_attr attr;
            attr.set_post_ops(ops);
            // What oneDNN would run: its best kernel for any source layout (after a reorder when that differs).
            const auto best = convDesc(c, memory::desc(d, act(), Tag::any), dstMd, attr);
            const std::string impl = best.impl_info_str();
            const bool slow = impl.rfind("ref", 0) == 0 || impl.find("gemm") != std::string::npos;
            // Measured (bench_gconv, docs/performance-cpu.md): ours beats im2col + gemm
            // everywhere (3-8x) and oneDNN's direct kernel + its two reorders only for
            // 4-channel groups at stride 1 (1.1-1.8x); elsewhere oneDNN's stays faster.
            const bool reorders = best.src_desc() != src.get_desc();
            if (!slow && !(reorders && perGroup <= 4 && c.stride == 1))
                return std::nullopt;
        }
        memory out = temporary(b, memory::desc({s.batch, c.out, s.outHeight(), s.outWidth()}, DType::f32,
                                               s.block == 16 ? Tag::nChw16c : Tag::nChw8c));
        Step step;
        step.own = std::make_shared<gconv::Conv>(isa, s, c.weight.data_ptr<float>(), c.bias.data_ptr<float>(), relu);
        step.ownSrc = src;
        step.ownDst = out;
        if (verbose)
            std::cerr << "fast: " << c.name << " resnext:gconv:" << gconv::toString(isa) << " (block " << s.block << ")\n";
        b.steps.push_back(std::move(step));
        ++b.ownKernels;
        return out;
    }

    static bool isReference(const dnnl::convolution_forward::primitive_desc &pd)
    {
        return std::string(pd.impl_info_str()).rfind("ref", 0) == 0;
    }

    dnnl::convolution_forward::primitive_desc convDesc(const ConvW &c, const memory::desc &src,
                                                       const memory::desc &dst, const dnnl::primitive_attr &attr)
    {
        const memory::dims wdims = c.groups > 1
                                       ? memory::dims{c.groups, c.out / c.groups, c.in / c.groups, c.kernel, c.kernel}
                                       : memory::dims{c.out, c.in, c.kernel, c.kernel};
        const dnnl::convolution_forward::desc d(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src,
            memory::desc(wdims, act(), Tag::any), memory::desc({c.out}, DType::f32, Tag::x), dst,
            {c.stride, c.stride}, {c.padding, c.padding}, {c.padding, c.padding});
        return dnnl::convolution_forward::primitive_desc(d, attr, eng);
    }

    // The source layout a convolution would like, to have its producer write it directly.
    memory::desc preferredSrc(const ConvW &c, const memory::dims &inDims)
    {
        const memory::dim oh = (inDims[2] + 2 * c.padding - c.kernel) / c.stride + 1;
        const memory::dim ow = (inDims[3] + 2 * c.padding - c.kernel) / c.stride + 1;
        return convDesc(c, memory::desc(inDims, act(), Tag::any), memory::desc({inDims[0], c.out, oh, ow}, act(), Tag::any),
                        dnnl::primitive_attr())
            .src_desc();
    }

    std::unique_ptr<Built> build(int batch)
    {
        auto b = std::make_unique<Built>();
        b->batch = batch;
        const int size = spec.inputSize;
        const memory::dims inDims{batch, spec.inChannels, size, size};
        b->input = memory({inDims, DType::f32, Tag::nchw}, eng, nullptr);
        memory x = b->input;
        if (bf16) {
            memory cast({inDims, DType::bf16, Tag::nchw}, eng);
            b->steps.push_back({dnnl::reorder(x, cast), {{DNNL_ARG_FROM, x}, {DNNL_ARG_TO, cast}}});
            x = cast;
        }
        x = addConv(*b, stem, x, true, nullptr, false, true);
        if (maxPool) {
            const auto [k, st, pad] = *maxPool;
            const auto d = x.get_desc().dims();
            const memory::dim oh = (d[2] + 2 * pad - k) / st + 1, ow = (d[3] + 2 * pad - k) / st + 1;
            const dnnl::pooling_forward::desc pdsc(dnnl::prop_kind::forward_inference,
                                                  dnnl::algorithm::pooling_max, x.get_desc(),
                                                  memory::desc({d[0], d[1], oh, ow}, act(), actTag()), {st, st},
                                                  {k, k}, {pad, pad}, {pad, pad});
            const dnnl::pooling_forward::primitive_desc pd(pdsc, eng);
            memory y = allocate(pd.dst_desc());
            b->steps.push_back({dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}}});
            x = y;
        }
        b->blocks.resize(stages.size());
        for (size_t s = 0; s < stages.size(); ++s) {
            for (const BlockW &bw : stages[s]) {
                BlockPoints p;
                p.first = b->steps.size();
                p.in = x;
                memory t1 = addConv(*b, bw.c1, x, true);
                // The block's output: a new memory after a downsample, else its input,
                // which the last convolution adds into in place (a capture copies it first).
                // (addConv may put a reorder before its convolution: the convolution is the last step.)
                if (bw.bottleneck)
                    p.mid = addConv(*b, bw.c2, t1, true);
                else
                    p.mid = t1; // basic blocks show their first convolution
                p.grouped = b->steps.size() - 1;
                memory y = bw.down ? addConv(*b, *bw.down, x, false, nullptr, false, true) : x;
                addConv(*b, bw.bottleneck ? bw.c3 : bw.c2, bw.bottleneck ? p.mid : t1, true, &y, true);
                p.last = b->steps.size() - 1;
                p.out = y;
                endBlock(*b);
                b->blocks[s].push_back(p);
                x = y;
            }
        }
        const auto d = x.get_desc().dims();
        b->features = static_cast<int>(d[1]);
        const dnnl::pooling_forward::desc avg(dnnl::prop_kind::forward_inference,
                                              dnnl::algorithm::pooling_avg_exclude_padding, x.get_desc(),
                                              memory::desc({d[0], d[1], 1, 1}, act(), Tag::any), {d[2], d[3]},
                                              {d[2], d[3]}, {0, 0}, {0, 0});
        const dnnl::pooling_forward::primitive_desc apd(avg, eng);
        memory pooled(apd.dst_desc(), eng);
        b->steps.push_back({dnnl::pooling_forward(apd), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, pooled}}});
        b->pooledUser = memory({{d[0], d[1], 1, 1}, DType::f32, Tag::nchw}, eng);
        b->steps.push_back({dnnl::reorder(pooled, b->pooledUser), {{DNNL_ARG_FROM, pooled}, {DNNL_ARG_TO, b->pooledUser}}});
        // fc as oneDNN's inner product too: no LibTorch op (and no other thread pool) inside the forward.
        b->classes = static_cast<int>(fcWeight.size(0));
        const memory::desc src2({d[0], d[1]}, DType::f32, Tag::ab);
        const memory::desc dst2({d[0], b->classes}, DType::f32, Tag::ab);
        const dnnl::inner_product_forward::desc ipd(dnnl::prop_kind::forward_inference, src2,
                                                    memory::desc({b->classes, d[1]}, DType::f32, Tag::any),
                                                    memory::desc({b->classes}, DType::f32, Tag::x), dst2);
        const dnnl::inner_product_forward::primitive_desc ippd(ipd, eng);
        memory wUser({{b->classes, d[1]}, DType::f32, Tag::ab}, eng, fcWeight.data_ptr());
        b->fcWeights = memory(ippd.weights_desc(), eng);
        dnnl::reorder(wUser, b->fcWeights).execute(strm, wUser, b->fcWeights);
        strm.wait();
        memory src2m(src2, eng, b->pooledUser.get_data_handle());
        memory biasm({{b->classes}, DType::f32, Tag::x}, eng, fcBias.data_ptr());
        b->logitsUser = memory(dst2, eng);
        b->steps.push_back({dnnl::inner_product_forward(ippd),
                            {{DNNL_ARG_SRC, src2m},
                             {DNNL_ARG_WEIGHTS, b->fcWeights},
                             {DNNL_ARG_BIAS, biasm},
                             {DNNL_ARG_DST, b->logitsUser}}});
        return b;
    }

    Built &get(int batch)
    {
        for (size_t i = 0; i < built.size(); ++i)
            if (built[i]->batch == batch)
                return *built[i];
        const auto t0 = Clock::now();
        if (built.size() >= 3)
            built.erase(built.begin());
        built.push_back(build(batch));
        prepareMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        return *built.back();
    }

    void copyOut(memory from, at::Tensor &to)
    {
        const auto d = from.get_desc().dims();
        to = at::empty({d[0], d[1], d[2], d[3]}, at::kFloat);
        memory user({d, DType::f32, Tag::nchw}, eng, to.data_ptr());
        dnnl::reorder(from, user).execute(strm, from, user);
    }
};

Net::Net(const ArchSpec &spec, const std::map<std::string, at::Tensor> &t, bool bf16) : m(std::make_unique<Impl>())
{
    const auto t0 = Clock::now();
    m->spec = spec;
    m->bf16 = bf16;
    if (bf16 && !bf16Native())
        throw Error("bf16: this CPU has no native BF16 convolutions (AVX-512 BF16 or AMX); use FP32");
    // The geometry of every convolution (stride, padding, groups) and of the
    // max-pool comes from the layer plan, the one description of the network;
    // each Conv2d is followed by its BatchNorm2d there.
    std::map<std::string, const LayerInfo *> plan;
    const std::vector<LayerInfo> layers = planLayers(spec);
    std::int64_t activations = 0; // convolution outputs per image
    for (const LayerInfo &l : layers) {
        plan[l.name] = &l;
        activations += l.activations;
    }
    // resnext50_32x4d: 14.4 M floats (58 MB) an image, 4 images a call; the
    // built-in model: 64. Measured on the built-in model's group analysis:
    // 64 images a call as fast as 500 (10.0 vs 10.4 s), 0.5 GB instead of 2.2.
    constexpr std::int64_t kCallBytes = 256ll << 20;
    m->chunk = static_cast<int>(std::clamp<std::int64_t>(kCallBytes / std::max<std::int64_t>(1, 4 * activations), 1, 64));
    const auto conv = [&](const std::string &name, const std::string &bn) {
        const auto it = plan.find(name);
        if (it == plan.end() || it->second->type != "Conv2d")
            throw Error("fast path: the layer plan has no convolution '" + name + "'");
        const LayerInfo &l = *it->second;
        return fold(t, name, bn, l.stride, l.padding, l.groups);
    };
    m->stem = conv("conv1", "bn1");
    if (const auto pool = plan.find("maxpool"); pool != plan.end())
        m->maxPool = {pool->second->kernel, pool->second->stride, pool->second->padding};
    const bool bottleneck = spec.block == BlockKind::Bottleneck;
    for (int s = 0; s < spec.numStages(); ++s) {
        std::vector<BlockW> blocks;
        for (int i = 0; i < spec.layers[static_cast<size_t>(s)]; ++i) {
            const std::string p = "layer" + std::to_string(s + 1) + "." + std::to_string(i) + ".";
            BlockW b;
            b.bottleneck = bottleneck;
            b.c1 = conv(p + "conv1", p + "bn1");
            b.c2 = conv(p + "conv2", p + "bn2");
            if (bottleneck)
                b.c3 = conv(p + "conv3", p + "bn3");
            if (plan.count(p + "downsample.0"))
                b.down = conv(p + "downsample.0", p + "downsample.1");
            blocks.push_back(std::move(b));
        }
        m->stages.push_back(std::move(blocks));
    }
    m->fcWeight = need(t, "fc.weight").to(at::kFloat).contiguous();
    m->fcBias = need(t, "fc.bias").to(at::kFloat).contiguous();
    m->prepareMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

Net::~Net() = default;

void Net::prepare(int batch)
{
    // oneDNN's OpenMP threads follow LibTorch's setting: ATen initialises each
    // thread's OpenMP count once, lazily (not init_num_threads() per call: that
    // also rebuilds LibTorch's pthreadpool, a new spinning thread every time).
    (void)at::get_num_threads();
    oneDnn("preparing", [&] { return &m->get(batch); });
}

at::Tensor Net::forward(const at::Tensor &x, at::Tensor *pooled, Capture *capture, const std::atomic<bool> *cancel)
{
    return oneDnn("running", [&] {
        (void)at::get_num_threads(); // see prepare()
        const auto in = x.scalar_type() == at::kFloat && x.is_contiguous() ? x : x.to(at::kFloat).contiguous();
        Built &b = m->get(static_cast<int>(in.size(0)));
        b.input.set_data_handle(in.data_ptr());
        BlockPoints *cap = nullptr;
        if (capture && capture->stage >= 0)
            cap = &b.blocks.at(static_cast<size_t>(capture->stage)).at(static_cast<size_t>(capture->block));
        for (size_t i = 0; i < b.steps.size(); ++i) {
            if (cancel && cancel->load())
                throw Cancelled();
            if (cap && i == cap->first)
                m->copyOut(cap->in, capture->input);
            b.steps[i].run(m->strm);
            if (cap && i == cap->grouped)
                m->copyOut(cap->mid, capture->grouped);
            if (cap && i == cap->last)
                m->copyOut(cap->out, capture->output);
        }
        m->strm.wait();
        if (pooled) {
            *pooled = at::empty({b.batch, b.features}, at::kFloat);
            std::memcpy(pooled->data_ptr<float>(), b.pooledUser.get_data_handle(), sizeof(float) * pooled->numel());
        }
        auto logits = at::empty({b.batch, b.classes}, at::kFloat);
        std::memcpy(logits.data_ptr<float>(), b.logitsUser.get_data_handle(), sizeof(float) * logits.numel());
        return logits;
    });
}

std::vector<at::Tensor> Net::forwardEdits(int stage, int block, const at::Tensor &input, int edits,
                                          const std::function<at::Tensor(int)> &edited,
                                          const std::atomic<bool> *cancel)
{
    return oneDnn("running", [&] {
        (void)at::get_num_threads(); // see prepare()
        if (stage < 0 || static_cast<size_t>(stage) >= m->stages.size() || block < 0 ||
            static_cast<size_t>(block) >= m->stages[static_cast<size_t>(stage)].size())
            throw Error("fast path: no block " + std::to_string(block) + " in stage " + std::to_string(stage + 1));
        const BlockW &bw = m->stages[static_cast<size_t>(stage)][static_cast<size_t>(block)];
        if (!bw.bottleneck)
            throw Error("fast path: the edits start at a bottleneck block's merge; this block is a basic block");
        const auto in =
            input.scalar_type() == at::kFloat && input.is_contiguous() ? input : input.to(at::kFloat).contiguous();
        Built &b = m->get(static_cast<int>(in.size(0)));
        BlockPoints &p = b.blocks[static_cast<size_t>(stage)][static_cast<size_t>(block)];
        const auto sameDims = [](const memory &mem, const at::Tensor &t) {
            const auto d = mem.get_desc().dims();
            return t.dim() == 4 && std::equal(d.begin(), d.end(), t.sizes().begin());
        };
        if (!sameDims(p.in, in))
            throw Error("fast path: the block input's shape does not match the network's");
        // The block's input in the network's own layout, once: without a
        // downsample the merge adds into it in place, so each edit starts from
        // this copy.
        const auto inDims = p.in.get_desc().dims();
        memory user({inDims, DType::f32, Tag::nchw}, m->eng, in.data_ptr());
        memory saved(p.in.get_desc(), m->eng);
        dnnl::reorder(user, saved).execute(m->strm, user, saved);
        std::vector<at::Tensor> out;
        for (int k = 0; k < edits; ++k) {
            if (cancel && cancel->load())
                throw Cancelled();
            at::Tensor g = edited(k);
            if (g.scalar_type() != at::kFloat || !g.is_contiguous())
                g = g.to(at::kFloat).contiguous();
            if (!sameDims(p.mid, g))
                throw Error("fast path: the edited grouped activation's shape does not match the block's");
            memory gu({p.mid.get_desc().dims(), DType::f32, Tag::nchw}, m->eng, g.data_ptr());
            if (!bw.down || k == 0)
                dnnl::reorder(saved, p.in).execute(m->strm, saved, p.in);
            dnnl::reorder(gu, p.mid).execute(m->strm, gu, p.mid);
            for (size_t i = p.grouped + 1; i < b.steps.size(); ++i)
                b.steps[i].run(m->strm);
            m->strm.wait();
            auto logits = at::empty({b.batch, b.classes}, at::kFloat);
            std::memcpy(logits.data_ptr<float>(), b.logitsUser.get_data_handle(), sizeof(float) * logits.numel());
            out.push_back(std::move(logits));
        }
        return out;
    });
}

bool Net::bf16() const { return m->bf16; }
int Net::chunk() const { return m->chunk; }
double Net::prepareMs() const { return m->prepareMs; }

Net::KernelStats Net::kernelStats(int batch)
{
    return oneDnn("measuring", [&] {
        (void)at::get_num_threads(); // see prepare()
        Built &b = m->get(batch);
        KernelStats k;
        k.reorders = b.reorders;
        k.ownKernels = b.ownKernels;
        // Each 1x1 convolution alone on the activations the last forward left
        // (the sums add into their destination; the next forward recomputes it).
        for (const auto &[index, flops, name] : b.oneByOne) {
            double best = 1e30;
            for (int i = 0; i < 5; ++i) {
                const auto t0 = Clock::now();
                b.steps[index].run(m->strm);
                m->strm.wait();
                best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
            const double gflops = flops / (best * 1e6);
            if (gflops > k.peakGflops) {
                k.peakGflops = gflops;
                k.peakLayer = name;
            }
        }
        return k;
    });
}

#endif

} // namespace resnext::fast
