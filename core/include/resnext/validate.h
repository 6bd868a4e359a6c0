#pragma once
// Checks of run options, in one place, for every front end (CLI, GUI) and for
// the engine itself: each refuses a value that would hang, exhaust memory or
// silently produce garbage (a NaN checkpoint) with a one-line resnext::Error
// "<option>: <problem>" (a SpecError whose field() is the option).

#include "resnext/engine.h"

#include <string>

namespace resnext {

// Limits of the run options (inclusive).
constexpr int kMaxEpochs = 1000;
constexpr int kMaxBatch = 4096;
constexpr double kMaxLearningRate = 10.0;
constexpr double kMaxWeightDecay = 1.0; // SGD's decay multiplies the step; beyond 1 it diverges at once
constexpr int kMaxBenchRuns = 100000;
constexpr int kMaxBenchWarmup = 1000;
constexpr int kMaxProfileRuns = 10000;  // timed passes per row of a cost profile
// The batch every evaluation runs at (test sets, validation, the group analysis):
// large enough to keep the cores busy, small enough for an ImageNet model's activations.
constexpr int kEvalBatch = 500;

// Epochs, batch, learning rate in (0, 10], momentum in [0, 1), weight decay in
// [0, 1], all finite. Does not check the spec (validate(spec) does).
void validateTrainOptions(const TrainOptions &options);

// batch in [1, 4096], runs in [1, 100000], warmup in [0, 1000].
void validateBenchOptions(const BenchOptions &options);

// The batch of an evaluation: [1, 4096] (0 would never advance).
void validateEvalBatch(int batch);

// A command-line number: the whole text must be a finite decimal number
// ("inf", "nan", "1e999" and trailing characters are refused).
double parseFiniteNumber(const std::string &option, const std::string &text);

// Intra-op threads for a process that did not ask for a number: the cores
// minus the 1-minute load average (/proc/loadavg), at least 1, so that several
// runs at once do not each take every core. The cores when the load is unknown.
int defaultThreadCount();

} // namespace resnext
