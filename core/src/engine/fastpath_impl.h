#pragma once
// The fast path's internals (built only with oneDNN): the folded weights, the
// primitives of one batch size and Net::Impl, which builds and keeps them.
// Net::Impl's members that build primitives are in fastpath_build.cpp; the
// folding and running are in fastpath.cpp.

#include "engine/fastpath.h"
#include "engine/excite.h"
#include "engine/gconv.h"

#include "resnext/error.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace resnext::fast {

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
    bool sigmoid = false; // a sigmoid after it (the SE module's gate)
};

struct BlockW {
    bool bottleneck = true;
    ConvW c1, c2, c3; // c3 unused for basic blocks
    std::optional<ConvW> down;
    std::vector<ConvW> se; // squeeze-and-excitation: fc1, fc2 (empty without SE)
};

// oneDNN reports failures as dnnl::error: turn them into one-line Errors at this file's boundary.
template <typename F> auto oneDnn(const char *what, F &&f) -> decltype(f())
{
    try {
        return f();
    } catch (const dnnl::error &e) {
        throw Error(std::string("fast path: ") + what + ": " + e.what());
    }
}

// One primitive to run with its arguments, or one of our own kernels (`own`:
// gconv.h's grouped convolution, excite.h's squeeze-and-excitation).
struct Step {
    Step() = default;
    Step(dnnl::primitive p, std::unordered_map<int, memory> a) : prim(std::move(p)), args(std::move(a)) {}
    dnnl::primitive prim;
    std::unordered_map<int, memory> args;
    std::function<void()> own;
    void run(dnnl::stream &strm)
    {
        if (own)
            own();
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
    int reorders = 0, ownKernels = 0, winograd = 0;
    std::vector<std::tuple<size_t, double, std::string>> oneByOne; // step, FLOPs, layer
};

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
    memory temporary(Built &b, const memory::desc &md);

    void endBlock(Built &b);

    memory packWeights(const ConvW &c, const memory::desc &want);

    // A convolution reading `src`; its output goes to `dst` when given (with the
    // residual sum when `sum`), else to a new memory (kept for the whole pass when
    // `persistent`, else a temporary of the block) in the layout oneDNN picks. When oneDNN has no optimised kernel
    // for `src`'s layout, `src` is reordered into the layout it prefers first.
    memory addConv(Built &b, const ConvW &c, memory src, bool relu, const memory *dst = nullptr, bool sum = false,
                   bool persistent = false);

    static bool isReference(const dnnl::convolution_forward::primitive_desc &pd);

    // Dense 3x3 convolutions at stride 1 on oneDNN's Winograd kernels where it has them.
    bool winograd = [] {
        const char *env = std::getenv("RESNEXT_WINOGRAD");
        return !env || std::string(env) != "0";
    }();
    std::optional<dnnl::convolution_forward::primitive_desc>
    winogradDesc(const ConvW &c, const memory::desc &src, const memory::desc &dst, const dnnl::primitive_attr &attr);

    // The grouped 3x3 convolution of small groups on our own kernel (gconv.h),
    // where it measured faster than oneDNN (fastpath_build.cpp).
    std::optional<memory> addGconv(Built &b, const ConvW &c, const memory &src, bool relu, const memory::desc &dstMd);

    dnnl::convolution_forward::primitive_desc convDesc(const ConvW &c, const memory::desc &src,
                                                       const memory::desc &dst, const dnnl::primitive_attr &attr);

    // The source layout a convolution would like, to have its producer write it directly.
    memory::desc preferredSrc(const ConvW &c, const memory::dims &inDims);

    std::unique_ptr<Built> build(int batch);

    void addExcite(Built &b, const BlockW &bw, memory e, memory y);

    Built &get(int batch);

    void copyOut(memory from, at::Tensor &to);
};

} // namespace resnext::fast
