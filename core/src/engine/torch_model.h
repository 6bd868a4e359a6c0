#pragma once
// The engine's LibTorch classes, private to libresnext_engine.so: TorchModel
// (one loaded or created model) and TorchEngine (the factory). Their members
// are defined by concern: run.cpp (analyze, Grad-CAM, evaluate, features),
// load.cpp (files, labels, partial loads, forms, save), ood.cpp, train.cpp,
// profile.cpp (bench, profile), inference_path.cpp (device and fast path),
// groups.cpp (the group pass) and engine.cpp (the factory).

#include "engine/common.h"
#include "engine/fastpath.h"
#include "resnext/engine.h"
#include "resnext/model.h"
#include "resnext/safetensors.h"

#include <torch/torch.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace resnext {

class TorchModel : public Model {
public:
    TorchModel(ModelInfo info, ResNet net, torch::Device device)
        : m_info(std::move(info)), m_net(std::move(net)), m_device(device)
    {
        m_net->eval();
    }

    const ModelInfo &info() const override { return m_info; }
    ResNet &net() { return m_net; }

    std::string device() const override;

    Analysis analyze(const RgbImage &image, int topk, const std::string &block,
                     const std::atomic<bool> *cancel) override;

    GradCam gradCam(const RgbImage &image, int classIndex, int stage) override;

    BenchResult bench(const BenchOptions &o, const std::atomic<bool> *cancel) override;

    ProfileResult profile(const ProfileOptions &o, const std::function<bool(int, int)> &progress) override;

    EvalResult evaluate(const ImageSet &data, int batch,
                        const std::function<bool(size_t, size_t)> &progress) override;

    void save(const std::string &path) const override;

    bool channelsLast() const override;

    void toDevice(const std::string &device) override;

    void setInferencePath(InferencePath path) override;

    InferencePath inferencePath() const override { return m_path; }
    double preparationMs() const override { return m_prepareMs; }

    std::vector<NamedTensor> tensors() const override;

    // Every parameter and buffer as CPU float tensors with form (c)'s names, in
    // the model's order: form (a)/(b) per-path tensors "X.paths.I.leaf" join into
    // form (c)'s "X.leaf" (outputs concatenate on dim 0, form (a)'s per-path conv3
    // inputs on dim 1).
    std::vector<std::pair<std::string, torch::Tensor>> formCTensors() const;

    OodCalibration calibrateOod(const ImageSet &fit, const ImageSet &heldOut, double quantile,
                                const std::function<bool(size_t, size_t)> &progress) override;

    OodCalibration calibrate(const ImageSet &fit, const ImageSet &heldOut, double quantile,
                             const std::function<bool(size_t, size_t)> &progress, size_t total);

    std::optional<OodCalibration> ood() const override;

    std::vector<double> oodScores(const ImageSet &data, const std::function<bool(size_t, size_t)> &progress) override;

    GroupActivations groupActivations(const ImageSet &data, const GroupPassOptions &options,
                                      const std::function<bool(size_t, size_t)> &progress) override;

    // The statistics from a checkpoint: class means [classes, D], precision [D, D], threshold.
    void setOod(torch::Tensor means, torch::Tensor precision, double threshold, const OodCalibration &info);

private:
    // The fast path of the chosen kind on the CPU, made on first use; null for the plain path.
    fast::Net *fastNet();

    std::unique_ptr<fast::Net> makeFastNet(bool bf16) const;

    struct Ood {
        torch::Tensor means, precision; // double, CPU
        torch::Tensor meansP, meanTerm; // means * P and diag(means P means^T), precomputed
        OodCalibration info;
    };

    void setOod(Ood o);

    // min_k (f - mu_k)^T P (f - mu_k) for each row f, expanded so no B x K x D tensor is formed.
    torch::Tensor oodScoresOf(const torch::Tensor &features) const;

    // Pooled (pre-fc) features of every image, N x D, double on the CPU.
    torch::Tensor featuresOf(const ImageSet &data, const std::function<bool(size_t, size_t)> &progress);

    // Network input for images idx of a data set (resized unless `direct`).
    torch::Tensor inputBatch(const ImageSet &data, const std::vector<size_t> &idx, bool direct) const;

    torch::Tensor stem(torch::Tensor x);

    torch::Tensor head(const torch::Tensor &x);

    std::string labelOf(int index) const;

    // Logits, top-k and the OOD score of one image, and the forward time since t0.
    void finishAnalysis(Analysis &out, const torch::Tensor &rawLogits, const torch::Tensor &pooledFeatures, int topk,
                        Clock::time_point t0) const;

    void fillFeatures(FeatureMaps &f, const std::string &block, const torch::Tensor &in, const torch::Tensor &grouped,
                      const torch::Tensor &out) const;

    ResNet halfCopy();

    ModelInfo m_info;
    ResNet m_net;
    torch::Device m_device;
    std::optional<Ood> m_ood;
    InferencePath m_path = fast::available() ? InferencePath::Fast : InferencePath::Plain;
    std::unique_ptr<fast::Net> m_fast; // for m_path on the CPU; made on first use
    double m_prepareMs = 0;
};

std::vector<std::string> defaultLabels(const ArchSpec &spec);

class TorchEngine : public Engine {
public:
    TorchEngine();

    DeviceInfo deviceInfo() override;

    void setThreads(int threads) override { at::set_num_threads(std::max(1, threads)); }

    std::unique_ptr<Model> create(const ModelInfo &info, std::uint64_t seed, const std::string &device) override;

    std::unique_ptr<Model> load(const std::string &path, const LoadOptions &options, LoadReport *report,
                                const std::string &device) override;

    std::unique_ptr<Model> loadBuiltin(const std::string &device) override;

    TrainResult train(const TrainOptions &o, const ImageSet &train, const ImageSet &val,
                      const std::vector<std::string> &labels,
                      const std::function<bool(const TrainProgress &)> &progress) override;

private:
    std::unique_ptr<Model> loadFrom(const SafetensorsFile &file, const std::string &path, const LoadOptions &options,
                                    LoadReport *reportOut, const std::string &device);

    // The "ood.*" tensors this program's calibrate/train write; all three or none.
    static void readOod(const SafetensorsFile &file, const std::map<std::string, const TensorRecord *> &byName,
                        int classes, int64_t dims, TorchModel &model);
};

} // namespace resnext
