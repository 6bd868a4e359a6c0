#pragma once
// Group analysis over a data set: do the C paths of a ResNeXt block specialise?
// Per group of one block's grouped 3x3 convolution (after its BN and ReLU):
// mean activation energy per class and a class-selectivity index, the images
// that drive it hardest, linear CKA between the groups, and the accuracy change
// when the group is zeroed (or is the only one kept). Plain data, no LibTorch:
// the pass over the data runs in the engine (Model::groupActivations), the
// statistics here.

#include "resnext/dataset.h"
#include "resnext/serialize.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace resnext {

class Engine;
class Model;

// What the engine's pass over the data does (Model::groupActivations).
struct GroupPassOptions {
    std::string block = "layer2.0"; // the block whose grouped convolution is analysed
    int batch = 500;                // images per forward pass (1 to 4096); the evaluate command's default
    bool ablateZeroed = true;       // accuracy with each group zeroed in turn
    bool ablateKeptOnly = false;    // accuracy with every group but one zeroed
};

// The raw per-image figures of one pass (engine side), for count images.
struct GroupActivations {
    std::string block;
    int cardinality = 1; // C groups
    int groupWidth = 0;  // d channels per group
    int height = 0, width = 0;
    std::size_t count = 0;
    std::vector<float> energy;          // [count][C]: mean squared activation over the group's d maps
    std::vector<float> pooled;          // [count][C*d]: each channel's spatial mean
    std::vector<std::int64_t> predicted; // [count]: the unablated model's class
    std::size_t correct = 0;             // unablated correct predictions
    std::vector<std::size_t> zeroedCorrect;   // [C] (empty unless ablateZeroed)
    std::vector<std::size_t> keptOnlyCorrect; // [C] (empty unless ablateKeptOnly)
    // Where the pass ran: "fast" (oneDNN, FP32, whenever the model's inference
    // path is fast or fast-bf16 on the CPU) or "plain" (LibTorch's modules).
    std::string path = "plain";
    double seconds = 0;
};

// Linear CKA (Kornblith et al. 2019) of two representations of the same n
// examples, X [n][px] and Y [n][py] row-major, in the feature-space form
// ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) with column-centred Xc, Yc.
// 0 when either is constant. Throws Error on mismatched sizes.
double linearCka(const std::vector<double> &x, std::size_t px, const std::vector<double> &y, std::size_t py,
                 std::size_t n);

// C x C linear CKA between the groups, where group g's representation of an
// image is its d channels' spatial means (columns g*d .. g*d+d-1 of pooled
// [n][C*d]). One (C*d)^2 covariance, so O(n (C d)^2).
std::vector<std::vector<double>> groupCka(const std::vector<float> &pooled, std::size_t n, int cardinality,
                                          int groupWidth);

// The class-selectivity index of one group's per-class means (Morcos et al.
// 2018): (mu_max - mu_rest) / (mu_max + mu_rest), mu_rest the mean of the
// other classes; 0 when all are 0. In [0, 1] for non-negative means.
double selectivityIndex(const std::vector<double> &classMeans);

// The analysis of one model (trained or untrained) on one data set.
struct GroupAnalysis {
    std::string model; // "trained" or "untrained (random init, seed 0)"
    std::string block;
    int cardinality = 1, groupWidth = 0, height = 0, width = 0;
    std::size_t count = 0;
    std::vector<std::string> classNames;
    std::vector<std::vector<double>> selectivity; // [C][classes]: mean energy over the class's images
    std::vector<double> selectivityIndex;         // [C]
    std::vector<int> preferredClass;              // [C]: the class of mu_max
    std::vector<double> meanEnergy;               // [C] over all images
    std::vector<std::vector<std::size_t>> topImages; // [C][k]: data-set indices, strongest first
    std::vector<std::vector<double>> topEnergy;      // [C][k]
    std::vector<std::vector<double>> cka;            // [C][C]
    double meanOffDiagonalCka = 0;
    std::size_t correct = 0;
    double accuracy = 0;                     // unablated, = Model::evaluate's at the same batch
    std::vector<double> zeroedAccuracy;      // [C] accuracy with group g zeroed (empty if not asked)
    std::vector<double> keptOnlyAccuracy;    // [C] accuracy with only group g kept (empty if not asked)
    std::string path;                        // "fast" (oneDNN, FP32) or "plain" (LibTorch)
    // The classes are the trained model's predictions (GroupRequest::predictedLabels):
    // accuracy here means agreement with them.
    bool predictedLabels = false;
    double seconds = 0;                      // the engine pass
};

// Statistics of one pass; topK images per group.
GroupAnalysis summarizeGroups(const GroupActivations &pass, const ImageSet &data, int topK);

struct GroupRequest {
    GroupPassOptions pass;
    int topK = 8;            // images per group in the top strips (1 to 100)
    std::size_t limit = 0;   // use only the first N images (0 = all)
    bool untrained = true;   // also the randomly initialised model of the same spec (seed 0)
    std::uint64_t seed = 0;  // of the untrained model
    // The data has no labels (the images dropped on the window, a folder of
    // photos): label each image with the trained model's own prediction
    // instead. Selectivity is then per predicted class (only the classes
    // predicted at least once), and accuracy, for both models and every
    // ablation, is agreement with the trained model's unablated predictions.
    bool predictedLabels = false;
};

struct GroupReport {
    std::string data;          // "fashion-mnist" or the folder
    GroupAnalysis trained;     // the model as given
    bool predictedLabels = false; // labels are the trained model's predictions (GroupRequest::predictedLabels)
    bool hasUntrained = false;
    GroupAnalysis untrained;   // same spec, torchvision's random initialisation
    double seconds = 0;        // everything, both models
};

struct GroupCallbacks {
    // Images done of total over both models; return false to cancel (throws Cancelled).
    std::function<bool(std::size_t done, std::size_t total)> progress;
};

// Checks the request before any work: block name, batch, topK. Throws Error.
void validateGroupRequest(const GroupRequest &request, const Model &model);

// Runs `model` (and, when asked, a random model of its spec built by `engine`)
// over `data` and summarises both. `data` must already fit the model (see
// loadEvaluationSet); `limit` is applied here.
GroupReport analyzeGroups(Engine &engine, Model &model, const ImageSet &data, const std::string &dataName,
                          const GroupRequest &request, const GroupCallbacks &callbacks = {});

// The report as JSON: per model {block, C, d, count, accuracy, selectivity,
// selectivity_index, preferred_class, mean_energy, top_images, cka,
// mean_off_diagonal_cka, ablation}, keys in that order.
Json groupReportJson(const GroupReport &report);

// CSV tables of one analysis (one header line, then one row per group):
// selectivity (group, class..., selectivity_index), cka (group, g0..gC-1),
// ablation (group, zeroed_accuracy, zeroed_change[, kept_only_accuracy, kept_only_change]).
std::string selectivityCsv(const GroupAnalysis &a);
std::string ckaCsv(const GroupAnalysis &a);
std::string ablationCsv(const GroupAnalysis &a);

// Writes groups.json and selectivity.csv, cka.csv, ablation.csv (and
// untrained_*.csv) into dir, creating it. Throws Error naming a file that
// cannot be written.
std::vector<std::string> writeGroupFiles(const GroupReport &report, const std::string &dir);

} // namespace resnext
