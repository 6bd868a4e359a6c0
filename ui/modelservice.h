#pragma once
// Runs the engine (model loading, inference, Grad-CAM, training) on one worker
// thread so that the GUI thread never blocks. Jobs run in order; a new image
// replaces one that is still waiting (only the newest is computed); long jobs
// observe a cancel flag. Results come back as Qt signals on the GUI thread.

#include "resnext/engine.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

struct AnalysisResult {
    resnext::Analysis analysis;
    QString imageName;
    resnext::RgbImage image; // the decoded original, kept for Grad-CAM
    QString device;
};

class ModelService : public QObject {
    Q_OBJECT
public:
    explicit ModelService(QObject *parent = nullptr);
    ~ModelService() override;

    // Model sources. Each replaces the current model when it succeeds; on
    // failure the previous model stays and failed() explains.
    void loadBuiltin(const QString &device);
    void loadWeights(const QString &path, const QString &device, std::optional<resnext::BlockForm> form = {});
    void createRandom(const resnext::ArchSpec &spec, const QString &device);
    void useTrained(std::shared_ptr<resnext::Model> model);

    // Decodes and analyses an image file (or an already decoded image);
    // `block` like "layer2.0" captures its per-group maps in the same pass.
    void analyzeFile(const QString &path, const QString &block);
    void analyzeImage(const resnext::RgbImage &image, const QString &name, const QString &block);
    void gradCam(const resnext::RgbImage &image, int classIndex, int stage);
    // Image `index` of the Fashion-MNIST test set (the first-launch example).
    void analyzeSample(int index, const QString &block);
    // Moves the current model to "cpu" or "cuda" (falls back to the CPU with a note).
    void toDevice(const QString &device);

    struct TrainRequest {
        QString source; // "fashion-mnist" or a folder
        double valFraction = 0.1;
        resnext::TrainOptions options;
        bool compareResnet = false;
    };
    void train(const TrainRequest &request);

    // Writes the current model's weights, spec, labels and preprocessing.
    void saveModel(const QString &path);
    // Writes the current model as ONNX (resnext/export.h); saved(path) when done.
    void exportOnnx(const QString &path);

    // Raises the cancel flag of the running job and drops waiting ones.
    void cancel();
    bool busy() const { return m_busy.load(); }
    // Blocks until the queue is empty (tests and snapshots).
    void waitIdle();

    std::shared_ptr<resnext::Model> model() const;
    resnext::DeviceInfo deviceInfo() const;

Q_SIGNALS:
    void engineReady(const QString &description);
    void modelChanged(const QString &description);
    void analysisReady(std::shared_ptr<const AnalysisResult> result);
    void gradCamReady(std::shared_ptr<const resnext::GradCam> cam);
    void trainProgress(int run, const resnext::TrainProgress &progress);
    void trainFinished(const QString &summary);
    void saved(const QString &path);
    void failed(const QString &message);
    void busyChanged(bool busy);

private:
    enum class Kind { Model, Analyze, GradCam, Train };
    struct Job {
        Kind kind;
        std::function<void()> run;
    };
    void post(Kind kind, std::function<void()> run);
    void loop();
    resnext::Engine &engine(); // loads the shared library on first use (worker thread)
    void setModel(std::shared_ptr<resnext::Model> m);
    // Worker side of every analysis job: run, then hand the result to the GUI.
    void runAnalysis(resnext::RgbImage image, const QString &name, const QString &block, double decodeMs);
    void emitOnGui(std::function<void()> f);

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    bool m_stop = false;
    bool m_running = false;
    std::atomic<bool> m_busy{false};
    std::atomic<bool> m_cancel{false};
    std::shared_ptr<resnext::Model> m_model;
    resnext::DeviceInfo m_device;
    std::thread m_thread;
};
