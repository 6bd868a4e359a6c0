#include "engine/fastpath.h"

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
#include "engine/fastpath_impl.h"
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
NetShape Net::shape() const { return {}; }
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

// A convolution with its own bias and no BN (the SE module's fc1 and fc2).
ConvW plain(const std::map<std::string, at::Tensor> &t, const LayerInfo &l)
{
    ConvW c;
    c.name = l.name;
    c.weight = need(t, l.name + ".weight").to(at::kFloat).contiguous();
    c.bias = need(t, l.name + ".bias").to(at::kFloat).contiguous();
    c.out = static_cast<int>(c.weight.size(0)); // shapes from the tensor, geometry from the plan (as fold())
    c.in = static_cast<int>(c.weight.size(1)) * l.groups;
    c.kernel = static_cast<int>(c.weight.size(2));
    c.stride = l.stride;
    c.padding = l.padding;
    c.groups = l.groups;
    return c;
}

} // namespace

Net::Net(const ArchSpec &spec, const std::map<std::string, at::Tensor> &t, bool bf16) : m(std::make_unique<Impl>())
{
    const auto t0 = Clock::now();
    m->spec = spec;
    m->bf16 = bf16;
    if (bf16 && !bf16Native())
        throw Error("bf16: this CPU has no native BF16 convolutions (AVX-512 BF16 or AMX); use FP32");
    // The geometry of every convolution (stride, padding, groups) and of the
    // max-pool comes from the layer plan, the one description of the network.
    const std::vector<LayerInfo> layers = planLayers(spec);
    std::int64_t activations = 0; // convolution outputs per image
    for (const LayerInfo &l : layers)
        activations += l.activations;
    // resnext50_32x4d: 14.4 M floats (58 MB) an image, 4 images a call; the
    // built-in model: 64. Measured on the built-in model's group analysis:
    // 64 images a call as fast as 500 (10.0 vs 10.4 s), 0.5 GB instead of 2.2.
    constexpr std::int64_t kCallBytes = 256ll << 20;
    m->chunk = static_cast<int>(std::clamp<std::int64_t>(kCallBytes / std::max<std::int64_t>(1, 4 * activations), 1, 64));
    // Each convolution with its BN (the next layer of the plan) folded, placed by
    // its role; the SE module's two convolutions keep their biases unfolded.
    const bool bottleneck = spec.block == BlockKind::Bottleneck;
    m->stages.resize(static_cast<size_t>(spec.numStages()));
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerInfo &l = layers[i];
        if (l.kind != LayerKind::Conv)
            continue;
        if (l.dilation != 1)
            throw Error("fast path: dilated convolution '" + l.name + "' is not supported");
        std::vector<BlockW> *stage = l.block >= 0 ? &m->stages.at(static_cast<size_t>(l.stage - 1)) : nullptr;
        if (stage && static_cast<int>(stage->size()) <= l.block) {
            stage->emplace_back();
            stage->back().bottleneck = bottleneck;
        }
        BlockW *b = stage ? &stage->back() : nullptr;
        if (l.role == LayerRole::Excite) {
            ConvW c = plain(t, l);
            c.sigmoid = b->se.size() == 1; // fc2's output goes through the gate
            b->se.push_back(std::move(c));
            continue;
        }
        if (i + 1 >= layers.size() || layers[i + 1].kind != LayerKind::BatchNorm)
            throw Error("fast path: the layer plan has no BN after convolution '" + l.name + "'");
        ConvW c = fold(t, l.name, layers[i + 1].name, l.stride, l.padding, l.groups);
        switch (l.role) {
        case LayerRole::Stem: m->stem = std::move(c); break;
        case LayerRole::Reduce: b->c1 = std::move(c); break;
        case LayerRole::Grouped: (bottleneck ? b->c2 : b->c1) = std::move(c); break;
        case LayerRole::Expand: (bottleneck ? b->c3 : b->c2) = std::move(c); break;
        case LayerRole::Shortcut: b->down = std::move(c); break;
        default: throw Error("fast path: unexpected convolution '" + l.name + "'");
        }
    }
    for (const LayerInfo &l : layers) {
        if (l.kind == LayerKind::MaxPool)
            m->maxPool = {l.kernel, l.stride, l.padding};
        if (l.kind == LayerKind::Linear) {
            m->fcWeight = need(t, l.name + ".weight").to(at::kFloat).contiguous();
            m->fcBias = need(t, l.name + ".bias").to(at::kFloat).contiguous();
        }
    }
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

NetShape Net::shape() const
{
    NetShape n;
    const auto add = [&](const ConvW &c, const char *slot, bool bias) {
        n.convs.push_back({c.name, slot, c.in, c.out, c.kernel, c.stride, c.padding, c.groups, bias, c.sigmoid});
    };
    add(m->stem, "stem", false);
    for (const auto &stage : m->stages)
        for (const BlockW &b : stage) {
            if (b.bottleneck) {
                add(b.c1, "reduce", false);
                add(b.c2, "grouped", false);
                add(b.c3, "expand", false);
            } else {
                add(b.c1, "grouped", false);
                add(b.c2, "expand", false);
            }
            for (const ConvW &c : b.se)
                add(c, "excite", true);
            if (b.down)
                add(*b.down, "shortcut", false);
        }
    if (m->maxPool)
        std::tie(n.poolKernel, n.poolStride, n.poolPadding) = *m->maxPool;
    n.features = static_cast<int>(m->fcWeight.size(1));
    n.classes = static_cast<int>(m->fcWeight.size(0));
    return n;
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
        k.winograd = b.winograd;
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
