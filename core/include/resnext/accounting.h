#pragma once
// Exact, analytic parameter and multiply-accumulate (MAC) accounting from an
// ArchSpec alone: no model is built. The default convention is torchvision's /
// fvcore's: only convolutions and linear layers cost MACs; BatchNorm, ReLU,
// pooling and the residual add count 0. FLOPs are reported as 2 x MACs.

#include "resnext/cost.h"
#include "resnext/plan.h"
#include "resnext/spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

struct CountOptions {
    // Also count BatchNorm (1 MAC per output element: folded scale+shift), ReLU
    // and the residual add (1 op per element), max-pool (k*k-1 comparisons per
    // output element) and average pooling (1 add per input element) as MACs.
    bool countAll = false;
};

struct StageCost {
    std::string name; // "stem", "layer1", ..., "head"
    std::int64_t params = 0;
    std::int64_t macs = 0;
    std::int64_t activations = 0; // output elements of the stage's convolutions (batch 1)
    std::int64_t bytes = 0;       // memory access of every layer of the stage at Summary::cost (bytes)
};

struct Summary {
    ArchSpec spec;
    CountOptions options;
    std::vector<LayerInfo> layers; // the plan's layers that the convention lists (ReLU/add only with countAll)
    std::vector<StageCost> stages;
    std::int64_t params = 0;
    std::int64_t macs = 0;
    std::int64_t activations = 0;
    // Beyond FLOPs (cost.h): at `cost` (batch, dtype), bytes read and written by
    // every layer (ReLU and add included whatever the convention lists), and the
    // memory of an inference and of a training step.
    CostOptions cost;
    std::int64_t bytes = 0;
    MemoryEstimate inference;
    MemoryEstimate training;
    std::int64_t flops() const { return 2 * macs; }
    // Conv/linear MACs (batch N) per byte moved.
    double intensity() const;
};

struct Totals {
    std::int64_t params = 0;
    std::int64_t macs = 0;
};

// Validates the spec (throws SpecError) and returns the per-layer accounting.
// `cost` sets the batch and dtype of the memory figures (batch 1, FP32 by
// default); the counts themselves are per image.
Summary summarize(const ArchSpec &spec, const CountOptions &options = {}, const CostOptions &cost = {});
// Totals only, without building the layer list (for solvers and curves).
Totals countTotals(const ArchSpec &spec, const CountOptions &options = {});

enum class MatchBy { Params, Macs };
std::string toString(MatchBy by);
MatchBy parseMatchBy(const std::string &text);

struct MatchResult {
    int width = 0;      // the integer d whose complexity is closest to the baseline's
    ArchSpec matched;   // spec with the requested C and that d
    ArchSpec baseline;  // the plain ResNet of that depth: C = 1, d = 64
    Totals matchedTotals;
    Totals baselineTotals;
};

// Equal-complexity solver: for the depth, stem and planes of `spec` and the given
// cardinality, the integer d whose parameter count (or MACs) is closest to the
// plain ResNet of that depth (C = 1, d = 64). Ties go to the smaller d.
// For ResNet-50 by parameters this reproduces the paper's Table 2.
MatchResult matchWidth(const ArchSpec &spec, int cardinality, MatchBy by = MatchBy::Params);
// The same search against any target: the d for `cardinality` whose totals are
// closest to `target` (e.g. the ResNet, C = 1, of a given ResNeXt's complexity).
// result.baseline is `spec` itself and baselineTotals the target.
MatchResult matchWidthTo(const ArchSpec &spec, int cardinality, const Totals &target, MatchBy by = MatchBy::Params);

struct CurvePoint {
    int cardinality = 0;
    int width = 0;
    Totals totals;
};

// Totals of `spec` with C = 1..maxC at its own d (invalid C's are skipped).
std::vector<CurvePoint> cardinalityCurve(const ArchSpec &spec, int maxC, const CountOptions &options = {});
// The solver's equal-complexity pair (C, d*(C)) for C = 1..maxC and its totals.
std::vector<CurvePoint> equalComplexityCurve(const ArchSpec &spec, int maxC, MatchBy by = MatchBy::Params,
                                             const CountOptions &options = {});

} // namespace resnext
