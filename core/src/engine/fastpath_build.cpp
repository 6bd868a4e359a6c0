// The fast path's primitives: Net::Impl builds, for one batch size, the oneDNN
// convolutions (weights prepacked once), pooling and inner product of the whole
// network, with temporaries reused from block to block.

#if defined(RESNEXT_WITH_DNNL)

#include "engine/fastpath_impl.h"

#include <iostream>

namespace resnext::fast {

// A temporary of the block being built (see Built::spare).
memory Net::Impl::temporary(Built &b, const memory::desc &md)
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

void Net::Impl::endBlock(Built &b)
{
    b.spare.insert(b.spare.end(), b.inUse.begin(), b.inUse.end());
    b.inUse.clear();
}

memory Net::Impl::packWeights(const ConvW &c, const memory::desc &want)
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
memory Net::Impl::addConv(Built &b, const ConvW &c, memory src, bool relu, const memory *dst, bool sum,
                          bool persistent)
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
    if (c.sigmoid)
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    auto pd = convDesc(c, src.get_desc(), dstMd, attr);
    if (auto wino = winogradDesc(c, src.get_desc(), dstMd, attr)) {
        pd = *wino;
        ++b.winograd;
    } else if (isReference(pd)) {
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

std::optional<memory> Net::Impl::addGconv(Built &b, const ConvW &c, const memory &src, bool relu, const memory::desc &dstMd)
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
    const auto conv = std::make_shared<gconv::Conv>(isa, s, c.weight.data_ptr<float>(), c.bias.data_ptr<float>(), relu);
    step.own = [conv, src, out] {
        conv->run(static_cast<const float *>(src.get_data_handle()), static_cast<float *>(out.get_data_handle()));
    };
    if (verbose)
        std::cerr << "fast: " << c.name << " resnext:gconv:" << gconv::toString(isa) << " (block " << s.block << ")\n";
    b.steps.push_back(std::move(step));
    ++b.ownKernels;
    return out;
}


// oneDNN's Winograd kernels (FP32, AVX-512 only in oneDNN 2.6: jit_fp32_wino_2x3
// and jit_wino_4x3, which it chooses between) for a dense 3x3 convolution at
// stride 1, reading `src` as it is. They do 2.25-4x fewer multiplications than
// the direct kernel; measured on resnet50 (docs/performance-cpu.md) 0.80x the
// forward's time at batch 1 and 0.77x at batch 8, agreeing with the plain path
// to the tests' FP32 tolerance. None where oneDNN has no such kernel (AVX2,
// BF16, channels not in blocks of 16) or RESNEXT_WINOGRAD=0.
std::optional<dnnl::convolution_forward::primitive_desc>
Net::Impl::winogradDesc(const ConvW &c, const memory::desc &src, const memory::desc &dst, const dnnl::primitive_attr &attr)
{
    if (!winograd || bf16 || c.kernel != 3 || c.stride != 1 || c.padding != 1 || c.groups != 1)
        return std::nullopt;
    try {
        const dnnl::convolution_forward::desc d(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd, src,
            memory::desc({c.out, c.in, 3, 3}, DType::f32, Tag::any), memory::desc({c.out}, DType::f32, Tag::x), dst,
            {1, 1}, {1, 1}, {1, 1});
        return dnnl::convolution_forward::primitive_desc(d, attr, eng);
    } catch (const dnnl::error &) {
        return std::nullopt; // unimplemented here
    }
}

bool Net::Impl::isReference(const dnnl::convolution_forward::primitive_desc &pd)
{
    return std::string(pd.impl_info_str()).rfind("ref", 0) == 0;
}

dnnl::convolution_forward::primitive_desc Net::Impl::convDesc(const ConvW &c, const memory::desc &src,
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
memory::desc Net::Impl::preferredSrc(const ConvW &c, const memory::dims &inDims)
{
    const memory::dim oh = (inDims[2] + 2 * c.padding - c.kernel) / c.stride + 1;
    const memory::dim ow = (inDims[3] + 2 * c.padding - c.kernel) / c.stride + 1;
    return convDesc(c, memory::desc(inDims, act(), Tag::any), memory::desc({inDims[0], c.out, oh, ow}, act(), Tag::any),
                    dnnl::primitive_attr())
        .src_desc();
}

std::unique_ptr<Built> Net::Impl::build(int batch)
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
            const ConvW &last = bw.bottleneck ? bw.c3 : bw.c2;
            if (bw.se.empty())
                addConv(*b, last, bw.bottleneck ? p.mid : t1, true, &y, true);
            else {
                // The block's output in the shortcut's layout: the convolution then
                // runs the kernel it runs without SE (left to choose, oneDNN wrote
                // layer2's in 8-channel blocks with its AVX2 kernel, ~1.5 ms slower each).
                memory e = temporary(*b, y.get_desc());
                addConv(*b, last, bw.bottleneck ? p.mid : t1, false, &e);
                addExcite(*b, bw, e, y);
            }
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

// Squeeze-and-excitation of the block's expanded output `e`, added into the
// shortcut `y` with the ReLU: y = relu(e * sigmoid(fc2(relu(fc1(mean(e))))) + y).
// On excite.h's kernel where it runs the layouts (float, 8- or 16-channel
// blocks); else (BF16, NHWC, or RESNEXT_SE=onednn to compare) in oneDNN: average
// pooling, two 1x1 convolutions with their activations as post-ops, and a
// broadcast multiply with the sum and ReLU as post-ops, which oneDNN 2.6 runs
// slowly (excite.h).
void Net::Impl::addExcite(Built &b, const BlockW &bw, memory e, memory y)
{
    const auto d = e.get_desc().dims();
    const auto blockOf = [&](const memory &mem) {
        if (mem.get_desc() == memory::desc(d, DType::f32, Tag::nChw16c))
            return 16;
        return mem.get_desc() == memory::desc(d, DType::f32, Tag::nChw8c) ? 8 : 0;
    };
    excite::Shape shape;
    shape.batch = static_cast<int>(d[0]);
    shape.channels = static_cast<int>(d[1]);
    shape.reduced = bw.se.at(0).out;
    shape.height = static_cast<int>(d[2]);
    shape.width = static_cast<int>(d[3]);
    shape.srcBlock = blockOf(e);
    shape.dstBlock = blockOf(y);
    const char *env = std::getenv("RESNEXT_SE");
    const std::string why = env && std::string(env) == "onednn" ? "RESNEXT_SE=onednn" : excite::unsupported(shape);
    if (why.empty()) {
        const ConvW &fc1 = bw.se.at(0), &fc2 = bw.se.at(1);
        const auto unit = std::make_shared<excite::Unit>(shape, fc1.weight.data_ptr<float>(), fc1.bias.data_ptr<float>(),
                                                         fc2.weight.data_ptr<float>(), fc2.bias.data_ptr<float>());
        Step step;
        step.own = [unit, e, y] {
            unit->run(static_cast<const float *>(e.get_data_handle()), static_cast<float *>(y.get_data_handle()));
        };
        if (verbose)
            std::cerr << "fast: " << fc1.name.substr(0, fc1.name.rfind(".fc1")) << " resnext:excite (blocks "
                      << shape.srcBlock << ", " << shape.dstBlock << ")\n";
        b.steps.push_back(std::move(step));
        return;
    }
    if (verbose)
        std::cerr << "fast: squeeze-and-excitation in oneDNN: " << why << "\n";
    const dnnl::pooling_forward::desc squeeze(dnnl::prop_kind::forward_inference,
                                              dnnl::algorithm::pooling_avg_exclude_padding, e.get_desc(),
                                              memory::desc({d[0], d[1], 1, 1}, act(), Tag::any), {d[2], d[3]},
                                              {d[2], d[3]}, {0, 0}, {0, 0});
    const dnnl::pooling_forward::primitive_desc spd(squeeze, eng);
    memory pooled = temporary(b, spd.dst_desc());
    b.steps.push_back({dnnl::pooling_forward(spd), {{DNNL_ARG_SRC, e}, {DNNL_ARG_DST, pooled}}});
    memory h = addConv(b, bw.se.at(0), pooled, true);
    memory gate = addConv(b, bw.se.at(1), h, false); // the sigmoid is fc2's post-op
    dnnl::post_ops ops;
    ops.append_sum(1.f);
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    const dnnl::binary::desc mul(dnnl::algorithm::binary_mul, e.get_desc(), gate.get_desc(), y.get_desc());
    try {
        const dnnl::binary::primitive_desc mpd(mul, attr, eng);
        if (verbose)
            std::cerr << "fast: SE scale " << mpd.impl_info_str() << "\n";
        b.steps.push_back({dnnl::binary(mpd), {{DNNL_ARG_SRC_0, e}, {DNNL_ARG_SRC_1, gate}, {DNNL_ARG_DST, y}}});
        return;
    } catch (const dnnl::error &) {
        // No sum post-op for a binary here: scale in place, then add with the ReLU.
    }
    const dnnl::binary::primitive_desc scale(
        dnnl::binary::desc(dnnl::algorithm::binary_mul, e.get_desc(), gate.get_desc(), e.get_desc()), eng);
    b.steps.push_back({dnnl::binary(scale), {{DNNL_ARG_SRC_0, e}, {DNNL_ARG_SRC_1, gate}, {DNNL_ARG_DST, e}}});
    dnnl::post_ops relu;
    relu.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
    dnnl::primitive_attr reluAttr;
    reluAttr.set_post_ops(relu);
    const dnnl::binary::primitive_desc add(
        dnnl::binary::desc(dnnl::algorithm::binary_add, y.get_desc(), e.get_desc(), y.get_desc()), reluAttr, eng);
    b.steps.push_back({dnnl::binary(add), {{DNNL_ARG_SRC_0, y}, {DNNL_ARG_SRC_1, e}, {DNNL_ARG_DST, y}}});
}

Built &Net::Impl::get(int batch)
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

void Net::Impl::copyOut(memory from, at::Tensor &to)
{
    const auto d = from.get_desc().dims();
    to = at::empty({d[0], d[1], d[2], d[3]}, at::kFloat);
    memory user({d, DType::f32, Tag::nchw}, eng, to.data_ptr());
    dnnl::reorder(from, user).execute(strm, from, user);
}

} // namespace resnext::fast

#endif
