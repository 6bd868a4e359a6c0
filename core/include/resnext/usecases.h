#pragma once
// The use cases that the CLI and the GUI share, as core functions with options
// structs and progress/cancel callbacks: train (optionally against the ResNet
// of equal size) and test, and resolving a data source for evaluation. Front
// ends only call these and present the results. No LibTorch here: the work goes
// through the Engine interface.

#include "resnext/accounting.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace resnext {

// The images to evaluate a model of `spec` on: Fashion-MNIST's 10,000 test
// images for "fashion-mnist", every image of a folder otherwise, at the
// model's input size and channels. Throws Error naming the source.
ImageSet loadEvaluationSet(const std::string &source, const ArchSpec &spec);

// Images with no labels (the ones dropped on the window, a folder of photos),
// decoded and resized like loadEvaluationSet's folder images: every label is 0,
// of one class "unlabelled". Throws Error naming an unreadable file, or when
// `files` is empty.
ImageSet loadUnlabelledImages(const std::vector<std::string> &files, const ArchSpec &spec);

// True when `source` is a folder with image files directly in it and no
// sub-folders holding images: a folder of unlabelled images, not one with a
// sub-folder per class.
bool isUnlabelledFolder(const std::string &source);

// The images of `source` for an analysis that can do without labels (the group
// analysis): loadEvaluationSet's, or, for a folder of images with no class
// folders, those images unlabelled (labelled = false, `files` their paths in
// data order).
struct AnalysisImages {
    ImageSet data;
    std::vector<std::string> files;
    bool labelled = true;
};
AnalysisImages loadAnalysisImages(const std::string &source, const ArchSpec &spec);

struct TrainRequest {
    std::string data = "fashion-mnist"; // "fashion-mnist" or an image folder root/<class>/*
    double valFraction = 0.1;           // held out of the training images for per-epoch validation
    TrainOptions options;               // the spec, schedule, seed, device, training-image limit
    // Also train the ResNet (C = 1) whose parameter count is closest to the
    // spec's, with the same seed, data and schedule (the paper's comparison).
    bool compareResnet = false;
    // With options.limitTrain: validate and test on at most limitTrain / 2
    // images, balanced per class, so that a quick run stays quick.
    bool quickEvaluation = false;
    // With options.limitTrain: validate on at most limitTrain / 2 images, balanced
    // per class (as `experiment` does); the test set stays whole unless testLimit.
    bool quickValidation = false;
    // Test on the first testLimit / classes images of each class (0 = all).
    std::size_t testLimit = 0;
};

struct TrainRun {
    std::string name; // "resnext29_8x16d", "... (ResNet, equal params)"
    ArchSpec spec;
    Totals totals;
    TrainResult result; // the model and its per-epoch records
    EvalResult test;    // the trained model on the test images
    double secondsPerEpoch() const;
};

struct TrainOutcome {
    std::string dataDescription; // "Fashion-MNIST: 54000 train, 6000 validation, 10000 test"
    std::vector<TrainRun> runs;  // the requested model first, then the ResNet when compared
};

struct TrainCallbacks {
    // One line before each run ("training X: N params, ...") and after loading the data.
    std::function<void(const std::string &line)> status;
    // Training progress of run `run` (0-based); return false to cancel (throws Cancelled).
    std::function<bool(int run, const TrainProgress &progress)> progress;
    // Test-set evaluation after run `run`; return false to cancel.
    std::function<bool(int run, std::size_t done, std::size_t total)> testing;
};

// Loads the data, trains every run in turn and tests each. Bad input (data,
// spec, options) throws Error before the first step.
TrainOutcome trainAndTest(Engine &engine, const TrainRequest &request, const TrainCallbacks &callbacks = {});

struct ProfileRequest {
    ArchSpec spec;
    // Profile the equal-complexity curve instead of `spec` alone: for each of
    // `cardinalities` the solver's d (matchWidth by `by`), skipping C's without one.
    bool sweepCardinality = false;
    std::vector<int> cardinalities = {1, 2, 4, 8, 16, 32, 64};
    MatchBy by = MatchBy::Params;
    ProfileOptions options;      // batch, runs, warm-up (the training step is not swept)
    std::string device = "cpu";  // "cpu" or "cuda"
    int bytesPerElement = 4;     // dtype of the analytic bytes and memory (the models run in FP32)
};

struct ProfileRow {
    ArchSpec spec;
    Summary summary;         // analytic: counts per image, bytes and memory at the request's batch
    ProfileResult measured;  // on the engine, random weights (seed 0)
};

// The specs a request profiles, in order (cheap: no model is built).
std::vector<ArchSpec> profileSpecs(const ProfileRequest &request);

struct ProfileCallbacks {
    // Progress of row `row` of `rows` (runs done of total); return false to cancel (throws Cancelled).
    std::function<bool(int row, int rows, int done, int total)> progress;
    // Each row as soon as it is measured (charts fill in as the sweep goes).
    std::function<void(const ProfileRow &row)> rowDone;
};

// Builds each spec with random weights on the device and profiles it. Bad
// input throws Error before the first model is built.
std::vector<ProfileRow> profile(Engine &engine, const ProfileRequest &request, const ProfileCallbacks &callbacks = {});

// How far another inference path agrees with a reference path over some images
// (issue 11: BF16 against FP32 on the sample images; never chosen silently).
struct PathAgreement {
    InferencePath reference = InferencePath::Fast;
    InferencePath other = InferencePath::FastBf16;
    std::size_t images = 0;
    std::size_t top1Agree = 0;        // images whose top class is the same on both paths
    double maxRelativeLogitDiff = 0;  // max over images of max|a - b| / max|b| of the logits
    std::vector<std::string> differ;  // the files whose top class differs
};

// Classifies every file on both paths and leaves the model on `other`. Files
// that cannot be decoded are skipped. `progress` (done, total) returning false
// cancels: throws Cancelled, with the model back on the path it had.
PathAgreement comparePaths(Model &model, InferencePath reference, InferencePath other,
                           const std::vector<std::string> &files,
                           const std::function<bool(std::size_t done, std::size_t total)> &progress = {});

// "top-1 agrees with fast on 44/44 sample images; logits within 1.2% (relative)"
std::string describe(const PathAgreement &agreement);

} // namespace resnext
