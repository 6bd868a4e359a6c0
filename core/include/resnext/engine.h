#pragma once
// The model-running side of core: weights, inference, per-group feature maps,
// Grad-CAM, benchmarks, training and evaluation. This header has no LibTorch
// types: the implementation lives in a shared library (libresnext_engine.so)
// that front ends load on first use with loadEngine(), so that commands which
// only count never pay LibTorch's start-up (about a second).

#include "resnext/checkpoint.h"
#include "resnext/dataset.h"
#include "resnext/export.h"
#include "resnext/groups.h"
#include "resnext/image.h"
#include "resnext/spec.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resnext {

// Thrown when a cancel flag was raised during a long computation.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

struct DeviceInfo {
    bool cudaAvailable = false; // LibTorch was built with CUDA and a GPU is visible
    std::string cudaName;       // e.g. "NVIDIA H100 80GB HBM3" when available
    int threads = 1;            // LibTorch intra-op threads in use
    std::string torchVersion;   // e.g. "1.13.1"
    bool fastPath = false;      // this build has the oneDNN inference path (InferencePath::Fast)
    bool bf16 = false;          // ... and this CPU runs its BF16 convolutions natively (AVX-512 BF16, AMX)
};

// How a model on the CPU runs inference for analyze() and bench() (classify,
// features, the window). Grad-CAM, evaluate, profile and training always use
// the plain LibTorch modules.
enum class InferencePath {
    // LibTorch's modules as they are (eager): conv, BN, ReLU one op at a time.
    Plain,
    // oneDNN directly: BatchNorm folded into the convolutions, weights prepacked
    // once, ReLU and the residual sum + ReLU fused, activations kept in oneDNN's
    // blocked layout. The default on the CPU when the build has it.
    Fast,
    // The same in BF16 (weights and activations; bias, pooling and fc in FP32):
    // faster, with its own rounding. Only on CPUs with native BF16; never chosen silently.
    FastBf16,
};
std::string toString(InferencePath path); // "plain", "fast", "fast-bf16"

struct LoadOptions {
    // Load what matches and leave the rest at its initial values instead of refusing.
    bool allowPartial = false;
    // Labels file (one name per line); empty = metadata, else <weights>.labels.txt or
    // labels.txt beside the weights, else ImageNet's for 1000 classes.
    std::string labelsPath;
    // Build the model in this block form (paper Fig. 3); form-(c) weights are
    // sliced per path, so forms (a) and (b) compute the same function.
    std::optional<BlockForm> form;
};

// What a load found: the file against the spec's plan (TensorCheck), and more.
struct LoadReport : TensorCheck {
    std::vector<std::string> dtypes;     // dtypes found in the file, e.g. {"F16"}
    std::size_t loaded = 0;              // tensors copied
    std::size_t nonFinite = 0;           // loaded values that are NaN or infinite
};

struct Prediction {
    int index = 0;
    std::string label;
    double probability = 0;
};

struct Timings {
    double decodeMs = 0;
    double preprocessMs = 0;
    double forwardMs = 0;  // the network, including capturing the chosen block
    double featuresMs = 0; // turning the captured tensors into per-group maps
};

// What the grouped convolution of one block computed, per group.
struct FeatureMaps {
    std::string block;      // "layer2.0"
    BlockForm form = BlockForm::C;
    int cardinality = 1;    // C groups (paths)
    int groupWidth = 0;     // d channels per group at this stage
    int height = 0, width = 0;
    std::vector<float> grouped;     // [C*d][height][width], after the grouped 3x3 conv, BN and ReLU
    int inChannels = 0, inHeight = 0, inWidth = 0;
    std::vector<float> input;       // the block's input [inChannels][inHeight][inWidth]
    int outChannels = 0, outHeight = 0, outWidth = 0;
    std::vector<float> output;      // the merged block output [outChannels][outHeight][outWidth]
    std::vector<double> groupEnergy; // mean squared activation of each group's maps
};

struct Analysis {
    std::vector<Prediction> top;
    std::vector<float> logits; // all classes, before the softmax
    // How unlike the model's training data the image is (Mahalanobis distance of
    // the pooled features, see Model::calibrateOod); only when the checkpoint has the statistics.
    bool oodKnown = false;
    double oodScore = 0;            // squared distance to the nearest class mean
    double oodThreshold = 0;        // scores above it are flagged
    bool outOfDistribution = false; // oodKnown && oodScore > oodThreshold
    RgbImage shown;      // the preprocessed image the network saw (RGB8, for display)
    FeatureMaps features; // empty block name when no block was asked for
    Timings timings;
};

// Grad-CAM of one class on one stage's output, upsampled to the shown image.
struct GradCam {
    int classIndex = 0;
    int stage = 0; // 1-based layer index
    int width = 0, height = 0;
    std::vector<float> heat; // [height][width] in [0, 1]
};

struct BenchOptions {
    int batch = 1;
    int runs = 20;
    int warmup = 3;
    bool half = false;         // FP16 (CUDA only)
    bool channelsLast = false; // NHWC memory format
};

struct BenchResult {
    std::string device;
    std::string path;            // "plain", "fast" or "fast-bf16" (see InferencePath)
    int batch = 1;
    std::vector<double> timesMs; // one per run
    double medianMs = 0;
    double imagesPerSecond = 0;
    // Fast path only (else -1 / 0): layout reorders in the forward, grouped
    // convolutions on the project's own kernel, dense 3x3 convolutions on
    // oneDNN's Winograd kernels, and the best single 1x1
    // convolution's rate (GFLOP/s) with its layer: the practical peak.
    int reorders = -1;
    int ownKernels = -1;
    int winograd = -1;
    double peakGflops = 0;
    std::string peakLayer;
};

// Out-of-distribution statistics fitted by Model::calibrateOod (Lee et al. 2018,
// "A simple unified framework for detecting out-of-distribution samples"):
// class means and one shared covariance of the pooled (pre-fc) features of the
// fit images; an image's score is its smallest squared Mahalanobis distance to a
// class mean; the threshold is the `quantile` of the held-out images' scores.
struct OodCalibration {
    std::size_t fitImages = 0;
    std::size_t heldOutImages = 0;
    int features = 0;           // pooled feature dimensions
    double quantile = 0.95;     // share of held-out images that pass
    double threshold = 0;
    double heldOutPassRate = 0; // share of held-out scores <= threshold
};

struct ProfileOptions {
    int batch = 1;   // images per forward pass, 1 to 4096
    int runs = 10;   // timed passes; every figure is the median over them, 1 to 10000
    int warmup = 2;  // untimed passes first
    // Instead of timing the forward: one training step (train mode, forward,
    // cross-entropy, backward, SGD with momentum 0.9) on random data, to measure
    // its peak memory. It changes the weights and BN statistics: use it on a
    // freshly created random model.
    bool trainStep = false;
};

struct StageTime {
    std::string name;     // "stem", "layer1", ..., "head"
    double medianMs = 0;  // median over the runs (CUDA: synchronised around each stage)
};

struct ProfileResult {
    std::string device;
    int threads = 1;              // LibTorch intra-op threads used
    int batch = 1;
    int runs = 0;
    std::vector<StageTime> stages; // empty for a training step
    double totalMs = 0;           // median of the per-run sums over the stages (training step: its time)
    // Peak resident memory of the process during the measurement (VmHWM, reset
    // just before it when the kernel allows) and the resident memory just
    // before; bytes. CUDA memory is not included.
    std::int64_t peakRssBytes = 0;
    std::int64_t startRssBytes = 0;
};

// Resident memory of this process (Linux /proc/self/status), in bytes: now and
// its high-water mark. 0 where unavailable.
struct ProcessMemory {
    std::int64_t rss = 0;
    std::int64_t peak = 0;
};
ProcessMemory processMemory();
// Resets the high-water mark to the current resident size (writes 5 to
// /proc/self/clear_refs); false when the kernel refuses.
bool resetPeakMemory();

struct EvalResult {
    std::size_t count = 0;
    std::size_t correct = 0;
    double accuracy() const { return count ? static_cast<double>(correct) / static_cast<double>(count) : 0.0; }
    std::vector<std::vector<std::int64_t>> confusion; // [true][predicted]
    double seconds = 0;
};

// A model loaded on a device. Not thread-safe: use it from one worker at a time.
class Model {
public:
    virtual ~Model() = default;
    virtual const ModelInfo &info() const = 0;
    virtual std::string device() const = 0; // "cpu" or "cuda:0 (NAME)"
    // Preprocesses, runs the network once, and, when `block` names one
    // ("layer2.0"), captures its per-group maps in the same pass. Throws Error
    // for an unknown block and Cancelled when *cancel becomes true.
    virtual Analysis analyze(const RgbImage &image, int topk, const std::string &block,
                             const std::atomic<bool> *cancel = nullptr) = 0;
    // Grad-CAM for `classIndex` (-1 = top class) on stage `stage` (1-based).
    virtual GradCam gradCam(const RgbImage &image, int classIndex, int stage) = 0;
    // Median forward time of random input of the spec's size.
    virtual BenchResult bench(const BenchOptions &options, const std::atomic<bool> *cancel = nullptr) = 0;
    // Per-stage forward time of random input (or one training step, see
    // ProfileOptions) and the process's peak memory meanwhile. `progress`
    // (runs done, total) returning false cancels: throws Cancelled.
    virtual ProfileResult profile(const ProfileOptions &options,
                                  const std::function<bool(int done, int total)> &progress = {}) = 0;
    virtual EvalResult evaluate(const ImageSet &data, int batch = 256,
                                const std::function<bool(std::size_t done, std::size_t total)> &progress = {}) = 0;
    // Writes the weights (form (c) names) with the spec, labels and preprocessing in the metadata.
    virtual void save(const std::string &path) const = 0;
    // True while the convolution weights are in channels-last (NHWC) layout.
    virtual bool channelsLast() const = 0;
    // Moves the model to "cpu" or "cuda"; a CUDA failure throws Error and leaves it where it was.
    // On CUDA the plain path runs; back on the CPU the chosen path does again.
    virtual void toDevice(const std::string &device) = 0;
    // Chooses the inference path and prepares it now for batch 1 (folding and
    // prepacking; tens of milliseconds, so call it on a worker). Throws Error and
    // keeps the current path when it is not available (a build without oneDNN, a
    // CPU without BF16 for FastBf16).
    virtual void setInferencePath(InferencePath path) = 0;
    // The chosen path; on CUDA, Plain is what runs whatever was chosen.
    virtual InferencePath inferencePath() const = 0;
    // Milliseconds the last preparation of the fast path took (0 before any).
    virtual double preparationMs() const = 0;
    // CPU float copies of every parameter and buffer with torchvision's names and
    // shapes, in form (c) layout whatever the model's form (per-path tensors of
    // forms (a)/(b) concatenated into the grouped ones): what the exporters read.
    virtual std::vector<NamedTensor> tensors() const = 0;
    // Fits the out-of-distribution statistics on `fit` (labelled, normally the
    // training data) and sets the threshold on `heldOut` (images the model did not
    // train on); save() then stores them ("ood.*" tensors and "ood" metadata).
    virtual OodCalibration calibrateOod(const ImageSet &fit, const ImageSet &heldOut, double quantile = 0.95,
                                        const std::function<bool(std::size_t done, std::size_t total)> &progress = {}) = 0;
    // The calibration this model has (from its checkpoint or calibrateOod), if any.
    virtual std::optional<OodCalibration> ood() const = 0;
    // One score per image of data (see Analysis::oodScore); throws Error without statistics.
    virtual std::vector<double> oodScores(const ImageSet &data,
                                          const std::function<bool(std::size_t done, std::size_t total)> &progress = {}) = 0;
    // One pass over `data` for the group analysis (resnext/groups.h): each
    // image's per-group energy and pooled channels at options.block, the
    // unablated predictions (those of evaluate() at the same batch), and the
    // accuracy with each group zeroed / kept alone (the network before the
    // block runs once per batch). `progress` returning false throws Cancelled.
    virtual GroupActivations groupActivations(const ImageSet &data, const GroupPassOptions &options,
                                              const std::function<bool(std::size_t done, std::size_t total)> &progress = {}) = 0;
};

struct TrainOptions {
    ArchSpec spec;                      // input size, channels and classes must fit the data
    int epochs = 10;
    int batch = 128;
    double learningRate = 0.1;
    double momentum = 0.9;
    double weightDecay = 5e-4;
    enum class Schedule { Cosine, Step } schedule = Schedule::Cosine;
    std::uint64_t seed = 0;
    bool augment = true;                // random crop with 2-pixel padding, horizontal flip
    std::string device = "cpu";
    std::size_t limitTrain = 0;         // use only the first N training images (0 = all)
};

struct TrainProgress {
    int epoch = 0;           // 1-based
    int epochs = 0;
    std::size_t step = 0;    // steps done in this epoch
    std::size_t steps = 0;   // steps per epoch
    double loss = 0;         // loss of the last step
    double trainAccuracy = -1; // set at the end of an epoch
    double valAccuracy = -1;   // set at the end of an epoch
    double epochSeconds = 0;   // set at the end of an epoch
    double imagesPerSecond = 0;
};

struct TrainResult {
    std::unique_ptr<Model> model;
    std::vector<TrainProgress> epochs; // end-of-epoch records
    std::optional<OodCalibration> ood;  // fitted on the training data, threshold on validation (when there is one)
    double seconds = 0;
};

class Engine {
public:
    virtual ~Engine() = default;
    virtual DeviceInfo deviceInfo() = 0;
    virtual void setThreads(int threads) = 0;
    // A model with torchvision's random initialisation, seeded.
    virtual std::unique_ptr<Model> create(const ModelInfo &info, std::uint64_t seed = 0,
                                          const std::string &device = "cpu") = 0;
    // Loads a safetensors checkpoint or a torch.save (.pth) state dict, told apart by
    // content: architecture from the metadata, or inferred from the tensor shapes.
    // Throws Error naming the file and the problem.
    virtual std::unique_ptr<Model> load(const std::string &path, const LoadOptions &options = {},
                                        LoadReport *report = nullptr, const std::string &device = "cpu") = 0;
    // The small Fashion-MNIST model that ships inside the program.
    virtual std::unique_ptr<Model> loadBuiltin(const std::string &device = "cpu") = 0;
    // Trains on `train`, reporting through `progress` (return false to cancel:
    // training stops at the next step and throws Cancelled); validates on `validation`.
    virtual TrainResult train(const TrainOptions &options, const ImageSet &train, const ImageSet &validation,
                              const std::vector<std::string> &labels,
                              const std::function<bool(const TrainProgress &)> &progress = {}) = 0;
};

// The version of the seam between front ends and libresnext_engine.so. Bump it
// whenever this header's classes or structs change: a library of another
// version is refused by name instead of crashing on a mismatched vtable.
constexpr int kEngineApiVersion = 6; // 6: ArchSpec::seReduction, the typed plan

// Loads libresnext_engine.so once per process and returns the engine: from
// $RESNEXT_ENGINE when set (only there), else beside the executable, in the
// build tree (../core) or the installed tree (../lib/resnext-explorer). Checks
// the library's API version. Throws Error naming the file and the problem
// (not found, a missing symbol, another version) when it cannot. LibTorch's
// threads are set to the machine's cores on load.
Engine &loadEngine();

// ImageNet-1k class names (torchvision's), compiled into the program.
const std::vector<std::string> &imagenetClasses();

} // namespace resnext
