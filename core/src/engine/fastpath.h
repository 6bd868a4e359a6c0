#pragma once
// The fast CPU inference path: the network run through oneDNN directly, with
// BatchNorm folded into the convolutions, weights prepacked once in the layout
// oneDNN chooses, ReLU and the residual sum + ReLU fused into the convolutions
// as post-ops, and activations kept in oneDNN's blocked layout from the stem to
// the pooling. Private to libresnext_engine.so (LibTorch types are fine here).
//
// Built only when oneDNN 2.x's headers are found (Debian: libdnnl-dev, the same
// libdnnl.so.2 Debian's LibTorch links); otherwise available() is false and the
// engine uses the plain LibTorch path.

#include "resnext/spec.h"

#include <ATen/ATen.h> // at::Tensor and its factories only: a third of torch/torch.h's compile time

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace resnext::fast {

// True when this build has the oneDNN path.
bool available();
// True when the CPU runs BF16 convolutions natively (AVX-512 BF16 or AMX).
bool bf16Native();

// What to copy out of one block while the network runs (plain NCHW float).
struct Capture {
    int stage = -1; // 0-based stage; -1 = nothing
    int block = -1;
    at::Tensor input, grouped, output; // filled by forward: [N, C, H, W]
};

// What the fast path built from the plan and the tensors, in running order (for
// test_plan, which compares it with the plan).
struct ConvShape {
    std::string name; // the plan's layer name, "layer1.0.conv2"
    std::string slot; // where the net runs it: stem, reduce, grouped, expand, shortcut, excite
    int in = 0, out = 0, kernel = 1, stride = 1, padding = 0, groups = 1;
    bool bias = false;    // its own bias, not a folded BN's (the SE module's)
    bool sigmoid = false; // a sigmoid after it (the SE module's gate)
};
struct NetShape {
    std::vector<ConvShape> convs; // stem, then each block: its convolutions, SE, shortcut
    int poolKernel = 0, poolStride = 0, poolPadding = 0; // the stem's max-pool; 0 = none
    int features = 0, classes = 0;                        // the classifier
};

class Net {
public:
    // `tensors`: the model's parameters and buffers with form (c) names (CPU).
    // Folds, checks and keeps the weights; the per-batch primitives are made on
    // first use of a batch size (prepare() makes them ahead). Throws Error.
    Net(const ArchSpec &spec, const std::map<std::string, at::Tensor> &tensors, bool bf16);
    ~Net();
    Net(const Net &) = delete;
    Net &operator=(const Net &) = delete;

    // Makes (or finds) the primitives and prepacked weights for `batch`.
    void prepare(int batch);
    // x: [N, C, H, W] float CPU. Returns the logits [N, classes] (float); the
    // pooled features [N, D] go to *pooled when given.
    at::Tensor forward(const at::Tensor &x, at::Tensor *pooled = nullptr, Capture *capture = nullptr,
                       const std::atomic<bool> *cancel = nullptr);
    // For the group analysis: the network from one bottleneck block's last
    // convolution (its merge) to the logits, run once per edit of the block's
    // grouped activation. `input` is the block's input and `edited(k)` the
    // grouped convolution's output after BN and ReLU for edit k, both
    // [N, C, H, W] float as a Capture gives them. Returns each edit's logits
    // [N, classes]. Throws Error (Cancelled when `cancel` is set).
    std::vector<at::Tensor> forwardEdits(int stage, int block, const at::Tensor &input, int edits,
                                         const std::function<at::Tensor(int)> &edited,
                                         const std::atomic<bool> *cancel = nullptr);
    bool bf16() const;
    // Images per call that keep one call's activations within about 256 MB
    // (1 to 64): every block's output of a call stays allocated for reuse, so
    // callers with large batches (evaluate, the group analysis) split them.
    int chunk() const;
    // Wall time of the last prepare() that built something (folding counts in the first).
    double prepareMs() const;
    // What runs for `batch` (prepared on first use): the layout reorders between
    // the stem and the pooling, and the best rate of a single 1x1 convolution
    // (each timed alone, best of 5): the machine's practical peak for this net.
    struct KernelStats {
        int reorders = 0;
        int ownKernels = 0; // grouped convolutions on gconv.h's kernel
        int winograd = 0;   // dense 3x3 convolutions on oneDNN's Winograd kernels
        double peakGflops = 0;
        std::string peakLayer;
    };
    KernelStats kernelStats(int batch);
    NetShape shape() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace resnext::fast
