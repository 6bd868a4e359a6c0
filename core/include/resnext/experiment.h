#pragma once
// The paper's experiments in miniature: a list of specs x seeds, trained one
// after another on one data set with one schedule through Engine::train (the
// one training code), each run's curves and test figures kept. Results are
// stored as one JSON per finished run in the output folder, so a restarted
// experiment with the same settings skips what is done. Statistics over seeds:
// mean, std, min, max and the paired difference to the reference point with a
// Student-t 95% interval. No LibTorch here.

#include "resnext/accounting.h"
#include "resnext/engine.h"
#include "resnext/serialize.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace resnext {

enum class ExperimentKind {
    Cardinality, // C = 1, 2, 4, 8, 16, 32 with the solver's d at the ResNet's complexity (Table 3)
    Double,      // twice the ResNet's complexity: deeper, wider d, more C (Table 4)
    Custom       // a list of specs from a JSON file
};
std::string toString(ExperimentKind kind);
// "cardinality", "double" or "custom"; throws Error naming the value otherwise.
ExperimentKind parseExperimentKind(const std::string &text);

struct ExperimentRequest {
    ExperimentKind kind = ExperimentKind::Cardinality;
    // The family: stem, planes, input, channels. Its layers are replaced by `depth`;
    // its classes by the data's. Default: the built-in Fashion-MNIST architecture.
    ArchSpec base;
    // Blocks per stage for every stage (1..64), or 26/50/101/152 for four-stage
    // bottleneck specs (torchvision's 2,2,2,2 / 3,4,6,3 / 3,4,23,3 / 3,8,36,3). 0 = keep base.layers.
    int depth = 0;
    // The C's of the cardinality sweep (each with the solver's d).
    std::vector<int> cardinalities{1, 2, 4, 8, 16, 32};
    // Whether the solver matches parameters or MACs.
    MatchBy by = MatchBy::Params;
    // The specs of a custom experiment (the first is the reference point).
    std::vector<ArchSpec> customSpecs;
    // Seeds 0 .. seeds-1 for every point; runs differ only in seed and spec.
    int seeds = 3;
    // "fashion-mnist" or an image folder root/<class>/*.
    std::string data = "fashion-mnist";
    // Held out of the training images for per-epoch validation, split with
    // splitSeed (fixed, independent of the training seeds).
    double valFraction = 0.1;
    std::uint64_t splitSeed = 0;
    // The schedule shared by every run: epochs, batch, lr, momentum, wd,
    // augmentation, device and the training-image limit (0 = all). spec and
    // seed are set per run.
    TrainOptions schedule;
    // With schedule.limitTrain: validate on at most limitTrain / 2 images,
    // balanced per class. Test accuracy is always on the whole test set.
    bool quickValidation = true;
    // Test on a fixed, class-balanced subset: the first testLimit / classes
    // test images of each class (0 = the whole test set). Same for every run.
    std::size_t testLimit = 0;
    // Folder for the per-run JSON files and the summary; empty = keep nothing on disk.
    std::string outDir;
};

// One point of the experiment: a spec and its complexity.
struct ExperimentPoint {
    std::string label; // "C=4 (4x24d)", "deeper (1x64d, 4,4,4)", ...
    ArchSpec spec;
    Totals totals;
    double x = 0; // C for the cardinality sweep, the index otherwise
};

struct RunRecord {
    int point = 0;
    std::uint64_t seed = 0;
    std::vector<TrainProgress> epochs; // end-of-epoch records
    std::vector<double> epochLoss;     // mean training loss over each epoch's steps
    double testAccuracy = 0;
    double finalLoss = 0;              // epochLoss of the last epoch
    double trainSeconds = 0;
    double testSeconds = 0;
    bool resumed = false; // read from the output folder instead of trained
};

// A run file's content (runJson's output) as a RunRecord (resumed = true);
// throws Error "<file>: ..." for a missing, mistyped or out-of-range field.
RunRecord runFromJson(const Json &j, const std::string &file);
// parseJson (depth, size and duplicate-key limits) then runFromJson.
RunRecord parseRunFile(const std::string &text, const std::string &label);

struct PointStats {
    int n = 0;
    double mean = 0, stddev = 0, min = 0, max = 0;
    // Paired by seed against the reference point (point 0): mean difference and its 95% interval.
    double diffMean = 0, diffLow = 0, diffHigh = 0;
    bool hasDiff = false; // false for the reference itself and with fewer than 2 pairs
};

struct ExperimentResult {
    std::string name;            // "cardinality at equal params, depth 2"
    std::string dataDescription; // split sizes and the split seed
    std::vector<ExperimentPoint> points;
    std::vector<RunRecord> runs; // finished runs, point-major, seed-minor
    int plannedRuns = 0;
    double wallSeconds = 0;      // this invocation, including resumed reads
    // Test accuracy (fraction) and last-epoch mean training loss of each point.
    std::vector<PointStats> accuracy;
    std::vector<PointStats> loss;
};

struct ExperimentProgress {
    int run = 0;  // 0-based index of the run being trained
    int runs = 0; // planned runs
    int done = 0; // finished (trained or resumed)
    int point = 0;
    std::uint64_t seed = 0;
    TrainProgress train; // the current run's progress
    bool testing = false; // the run is being tested (train holds its last epoch)
};

struct ExperimentCallbacks {
    std::function<void(const std::string &line)> status;
    // Return false to cancel: the current run is abandoned (its file is not
    // written), finished runs stay stored, and Cancelled is thrown.
    std::function<bool(const ExperimentProgress &)> progress;
    // After every finished run (trained or resumed), with the statistics so far.
    std::function<void(const ExperimentResult &)> runFinished;
};

// The points of the request (no training): specs with the solver's d etc. Throws Error for bad input.
std::vector<ExperimentPoint> experimentPoints(const ExperimentRequest &request, int numClasses);
// The request's layers for `depth` on `spec` (see ExperimentRequest::depth).
ArchSpec withDepth(const ArchSpec &spec, int depth);
// Reads a custom experiment: {"specs": [specJson, ...]} or a bare array. Throws Error naming the file.
std::vector<ArchSpec> readCustomSpecs(const std::string &path);

// Runs every (point, seed) not already stored in outDir, in order. Bad input throws Error before any training.
ExperimentResult runExperiment(Engine &engine, const ExperimentRequest &request,
                               const ExperimentCallbacks &callbacks = {});

// Mean, std, etc. of the finished runs (fills result.accuracy and result.loss).
void computeStatistics(ExperimentResult &result);

// Statistics helpers.
double mean(const std::vector<double> &values);
double sampleStddev(const std::vector<double> &values); // n - 1 in the denominator; 0 for n < 2
// Student's t distribution: P(T <= t) with `df` degrees of freedom, and its inverse.
double studentTCdf(double t, double df);
double studentTQuantile(double p, double df);
struct Interval {
    double mean = 0, low = 0, high = 0;
};
// Paired difference a[i] - b[i] with its two-sided `level` interval (t, n - 1 df). Needs n >= 2.
Interval pairedDifference(const std::vector<double> &a, const std::vector<double> &b, double level = 0.95);

// The summary as JSON (settings, points, runs, statistics) and as CSV (one row per point).
Json experimentJson(const ExperimentResult &result);
std::string experimentCsv(const ExperimentResult &result);
// The identity of one run in the output folder (canonical JSON of everything that decides it).
std::string runKey(const ExperimentRequest &request, const ArchSpec &spec, std::uint64_t seed);

} // namespace resnext
