#pragma once
// Cost beyond FLOPs, analytic and exact, from the layer plan alone: output
// activations (RegNet's definition), memory access per layer (bytes read and
// written), arithmetic intensity (MACs per byte), and the memory an inference
// and a training step need. Equal MACs are not equal cost: grouped convolutions
// move many bytes per MAC (ShuffleNet V2, guideline 2), and activations predict
// run time better than FLOPs (Radosavovic et al., 2020).
//
// Formulas (e = bytes per element, N = batch; element counts from the plan):
//   Conv2d     read  N*in*inH*inH*e + params*e      written N*out*H*W*e
//   Linear     read  N*in*e + params*e              written N*out*e
//   BatchNorm  read  N*C*H*W*e + 4*C*e (weight, bias, running mean, var)
//              written N*C*H*W*e
//   ReLU, pools read N*in*inH*inH*e                 written N*out*H*W*e
//   Add        read  2*N*C*H*W*e                    written N*C*H*W*e
//   intensity = N*MACs / (read + written)   (0 for layers without MACs)
// Inference memory = weights (params + BN buffers) + input
//                    + the largest set of tensors live at once: a layer's input
//                    and output, plus the block input held for the shortcut
//                    (and, at the downsample, the main path's output).
// Training memory  = weights + gradients (= params)
//                    + max(SGD momentum (= params, made in step() after the
//                          backward freed the graph),
//                          what autograd saves for backward: the input image, every
//                    convolution's output (BN's input), every ReLU's output
//                    (torchvision's ReLUs and the residual add work in place on
//                    the BN output, so this is one tensor each), the max-pool's
//                    output and its int64 indices, the fc's input
//                    + the backward's working set: one gradient per convolution
//                    output. The backward frees saved tensors from the small
//                    (late) to the large (early) stages while it allocates
//                    gradients of growing size, so on the CPU the gradients do
//                    not fit into the freed memory; measured with LibTorch and
//                    with PyTorch (README), the peak grows by about this much.)
// Everything is exact arithmetic on the plan; how close the training estimate
// comes to LibTorch's measured peak is in the README.

#include "resnext/plan.h"
#include "resnext/spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

struct CostOptions {
    int batch = 1;           // images per step (N); 1 to 4096
    int bytesPerElement = 4; // size of one tensor element: 4 = FP32 (default), 2 = FP16/BF16, 8 = FP64
};

// Throws SpecError naming the field when batch or bytesPerElement is out of range.
void validate(const CostOptions &options);
// "fp32", "fp16", "fp64" -> bytes per element; throws SpecError("dtype", ...) otherwise.
int parseDtype(const std::string &text);

struct MemoryAccess {
    std::int64_t read = 0;    // bytes read: inputs and weights
    std::int64_t written = 0; // bytes written: outputs
    std::int64_t total() const { return read + written; }
};

// Bytes one layer reads and writes at `options` (formulas above).
MemoryAccess memoryAccess(const LayerInfo &layer, const CostOptions &options = {});
// MACs per byte moved (batch N MACs over the layer's bytes); 0 without MACs.
double arithmeticIntensity(const LayerInfo &layer, const CostOptions &options = {});

// Memory of one step, in bytes, by what it holds.
struct MemoryEstimate {
    std::int64_t weights = 0;     // parameters and BN running statistics
    std::int64_t gradients = 0;   // training: one gradient per parameter
    std::int64_t optimizer = 0;   // training: SGD's momentum buffer, one per parameter
    std::int64_t activations = 0; // inference: input + peak live tensors; training: saved for backward
    std::int64_t workspace = 0;   // training: the backward's gradients of the activations
    // The peak: SGD creates its momentum buffers in step(), after the backward
    // has freed the graph, so they take the activations' place, not more.
    std::int64_t total() const
    {
        return weights + gradients + (optimizer > activations + workspace ? optimizer : activations + workspace);
    }
};

// Per-stage and total memory traffic and memory, fed one plan layer at a time
// (every layer, ReLU and add included, whatever the MAC convention lists), so
// that summarize() derives it in its single walk of the plan.
class CostAccumulator {
public:
    CostAccumulator(int stages, const CostOptions &options);
    void add(const LayerInfo &layer);

    const CostOptions &options() const { return m_options; }
    const std::vector<std::int64_t> &stageBytes() const { return m_stageBytes; }
    std::int64_t bytes() const { return m_bytes; }
    MemoryEstimate inference() const;
    MemoryEstimate training() const;

private:
    CostOptions m_options;
    std::vector<std::int64_t> m_stageBytes;
    std::int64_t m_bytes = 0;
    // In elements at batch 1 (scaled by N*e at the end).
    std::int64_t m_weights = 0;   // params + BN running mean/var
    std::int64_t m_params = 0;
    std::int64_t m_input = 0;     // the image
    std::int64_t m_peakLive = 0;  // inference: largest live set
    std::int64_t m_saved = 0;     // training: saved for backward (FP elements)
    std::int64_t m_indices = 0;   // training: max-pool indices (int64 elements)
    std::int64_t m_gradients = 0; // training: gradients of the conv outputs (backward working set)
    std::int64_t m_blockIn = 0;   // elements of the current block's input
    int m_stage = -1, m_block = -2;
    bool m_firstInBlock = false;
    std::int64_t m_lastOut = 0;   // output of the previous layer
    std::int64_t m_mainOut = 0;   // the main path's output while the downsample runs
    bool m_lastWasBatchNorm = false;
};

} // namespace resnext
