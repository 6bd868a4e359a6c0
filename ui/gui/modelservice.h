#pragma once
// Runs the engine (model loading, inference, Grad-CAM, training) on one worker
// thread so that the GUI thread never blocks. Every request is a typed job: it
// gets an id, and every result, progress report and error carries the job
// (id and kind) it answers, so a panel shows only what answers its own latest
// request. Jobs run in order; a new image replaces one of the same kind that is
// still waiting (the replaced job finishes as Dropped). Cancel is per job. Each
// posted job ends with exactly one jobFinished(). "Busy" has one source of
// truth: the set of unfinished jobs, kept on the GUI thread.

#include "resnext/engine.h"
#include "resnext/experiment.h"
#include "resnext/groups.h"
#include "resnext/application.h"
#include "resnext/usecases.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

struct AnalysisResult {
    resnext::Analysis analysis;
    QString imageName;
    resnext::RgbImage image; // the decoded original, kept for Grad-CAM
    QString device;
    resnext::InferencePath path = resnext::InferencePath::Plain; // the path that computed it
};

// Forms (a) and (b) against (c) on one image: the largest absolute differences
// and the largest magnitude they are relative to.
struct FormsComparison {
    QString block;
    double logitsAB = 0, logitsAC = 0;  // max |logits(a) - logits(b)|, max |logits(a) - logits(c)|
    double outputAB = 0, outputAC = 0;  // the same for the block's output
    double logitScale = 0, outputScale = 0; // max |logits(c)|, max |output(c)|
};

// A group analysis and the images it ran on (for the top-image strips).
struct GroupsResult {
    resnext::GroupReport report;
    resnext::ImageSet data; // after the request's limit
    QString source;         // "fashion-mnist", the folder, or "images dropped so far"
    QStringList files;      // the dropped images, in data order (empty for the other sources)
};

enum class JobKind { Model, Analyze, GradCam, Train, Save, Profile, Experiment, Groups };
enum class JobOutcome { Done, Failed, Cancelled, Dropped };

// The identity of a request: every signal about it carries this.
struct Job {
    quint64 id = 0; // 0 = no job
    JobKind kind = JobKind::Model;
};

class ModelService : public QObject {
    Q_OBJECT
public:
    explicit ModelService(QObject *parent = nullptr);
    ~ModelService() override;

    // Model sources. Each replaces the current model when it succeeds
    // (modelOpened() carries core's report, and failed() each of its notes as a
    // sentence); on failure the previous model stays and failed() explains.
    Job open(const resnext::ModelRequest &request);
    Job loadBuiltin(const QString &device);
    // A file that does not match its architecture fails with mismatchedWeights()
    // too, so that the GUI can offer `allowPartial` (the CLI's --allow-partial).
    Job loadWeights(const QString &path, const QString &device, std::optional<resnext::BlockForm> form = {},
                    bool allowPartial = false);
    Job createRandom(const resnext::ArchSpec &spec, const QString &device);
    Job useTrained(std::shared_ptr<resnext::Model> model);

    // Decodes and analyses an image file (or an already decoded image);
    // `block` like "layer2.0" captures its per-group maps in the same pass.
    Job analyzeFile(const QString &path, const QString &block);
    Job analyzeImage(const resnext::RgbImage &image, const QString &name, const QString &block);
    // Grad-CAM of `result`'s image; gradCamReady() hands `result` back so the
    // heat map is only ever drawn over the image it was computed for.
    Job gradCam(std::shared_ptr<const AnalysisResult> result, int classIndex, int stage);
    // Image `index` of the Fashion-MNIST test set (the first-launch example).
    Job analyzeSample(int index, const QString &block);
    // Sets LibTorch's intra-op threads, on the worker where the work runs
    // (deviceInfo().threads follows).
    Job setThreads(int threads);
    // Moves the current model to "cpu" or "cuda" (falls back to the CPU with a note).
    Job toDevice(const QString &device);
    // Chooses the inference path of the current model and of every model after
    // it (prepared on the worker). Choosing FastBf16 first measures its agreement
    // with the FP32 fast path on the images in `samplesDir`; inferencePathChanged
    // carries the line. On failure the path stays as it was and failed() explains.
    Job setInferencePath(resnext::InferencePath path, const QString &samplesDir);
    // Trains (and tests) through core's trainAndTest. The first run's model is
    // kept as lastTrained(); with `replaceModel` it also becomes the current model.
    Job train(const resnext::TrainRequest &request, bool replaceModel = true);
    // Writes `model`'s (default: the current model's) weights, spec, labels and preprocessing.
    Job saveModel(const QString &path, std::shared_ptr<resnext::Model> model = nullptr);
    // Writes the current model as ONNX (resnext/export.h); saved(job, path) when done.
    Job exportOnnx(const QString &path);
    // The lesson's step 3: the current model's weights run in forms (a), (b) and
    // (c) (plain path, CPU) on `image`; formsCompared reports the largest
    // differences of their logits and of `block`'s output.
    Job compareForms(const resnext::RgbImage &image, const QString &block);
    // Measures request.spec (or its equal-complexity sweep) with random weights
    // through core's profile(); every row is cached per spec, device, threads,
    // batch and runs, so a repeated request answers from the cache at once.
    // The current model is untouched.
    Job profile(const resnext::ProfileRequest &request);
    // Runs core's runExperiment (specs x seeds, resumable in request.outDir);
    // the current model is left as it is.
    Job experiment(const resnext::ExperimentRequest &request);

    // Runs core's analyzeGroups on the current model (and an untrained one of
    // its spec) over `source`: "fashion-mnist" (the test set) or an image folder.
    // `source` is "fashion-mnist", a folder (with class sub-folders, or without:
    // then unlabelled), or "dropped" for `files`, images without labels.
    Job groups(const QString &source, const resnext::GroupRequest &request, const QStringList &files = {});

    // Cancels one job: a waiting one is removed (it finishes as Cancelled), a
    // running one stops at its next cancel point. Other jobs are untouched.
    void cancel(const Job &job);
    // True while `job` has not finished (GUI thread).
    bool pending(const Job &job) const;
    bool busy() const { return !m_pending.empty(); }
    // Whether cancel() was called for `job`: its "Cancelled." failure is the user's
    // own doing, which a view says once in its status rather than as an error.
    bool wasCancelled(const Job &job) const { return m_cancelled.count(job.id) > 0; }
    // Blocks until the queue is empty (tests and snapshots).
    void waitIdle();

    std::shared_ptr<resnext::Model> model() const;
    // The first run's model of the last finished training job (null until one finished).
    std::shared_ptr<resnext::Model> lastTrained() const;
    resnext::DeviceInfo deviceInfo() const;

Q_SIGNALS:
    void engineReady(const QString &description);
    void modelChanged(const Job &job, const QString &description);
    // What openModel reported for the model `job` opened (after modelChanged).
    void modelOpened(const Job &job, const std::vector<resnext::ModelNote> &notes, const resnext::LoadReport &load);
    // The current model now runs on `path`; `note` says what it cost or how BF16 agrees.
    void inferencePathChanged(const Job &job, resnext::InferencePath path, const QString &note);
    void analysisReady(const Job &job, std::shared_ptr<const AnalysisResult> result);
    void gradCamReady(const Job &job, std::shared_ptr<const AnalysisResult> forResult,
                      std::shared_ptr<const resnext::GradCam> cam);
    void trainProgress(const Job &job, int run, const resnext::TrainProgress &progress);
    // The finished runs, the trained one first.
    void trainFinished(const Job &job, std::shared_ptr<const std::vector<resnext::TrainRunSummary>> runs);
    // Run `run`'s trained model is being tested: `done` of `total` test images.
    void testProgress(const Job &job, int run, qulonglong done, qulonglong total);
    void saved(const Job &job, const QString &path);
    // Row `row` of `rows` is being measured: `done` of `total` passes.
    void profileProgress(const Job &job, int row, int rows, int done, int total);
    // One measured (or cached) row, as soon as it is there.
    void profileRow(const Job &job, const resnext::ProfileRow &row, bool cached);
    void experimentProgress(const Job &job, const resnext::ExperimentProgress &progress);
    void experimentStatus(const Job &job, const QString &line);
    // After every finished run (trained or resumed) and once at the end (`finished` true).
    void experimentUpdated(const Job &job, std::shared_ptr<const resnext::ExperimentResult> result, bool finished);
    // Images done of total (both models) of a group analysis.
    void groupsProgress(const Job &job, qulonglong done, qulonglong total);
    void groupsReady(const Job &job, std::shared_ptr<const GroupsResult> result);
    void formsCompared(const Job &job, std::shared_ptr<const FormsComparison> result);
    // A one-line message about `job`: an error, or a note such as a CUDA fallback.
    void failed(const Job &job, const QString &message);
    void jobFinished(const Job &job, JobOutcome outcome);
    // `job` refused `path` because its tensors do not match; loading it with
    // allowPartial would take what matches.
    void mismatchedWeights(const Job &job, const QString &path);
    void busyChanged(bool busy);

private:
    struct Queued {
        Job job;
        std::function<void()> run;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    Job post(JobKind kind, std::function<void(const Job &, const std::atomic<bool> &)> run);
    void loop();
    void finish(const Job &job, JobOutcome outcome); // GUI thread
    // The window's sentence for one note of openModel's report.
    static QString noteText(const resnext::ModelNote &note, const resnext::ModelRequest &request,
                            const resnext::LoadReport &load);
    resnext::Engine &engine(); // loads the shared library on first use (worker thread)
    void setModel(const Job &job, std::shared_ptr<resnext::Model> m);
    // Puts `m` on m_path (worker thread); the line for inferencePathChanged.
    QString applyPath(resnext::Model &m, resnext::InferencePath path, const std::atomic<bool> *cancel);
    // Worker side of every analysis job: run, then hand the result to the GUI.
    void runAnalysis(const Job &job, const std::atomic<bool> &cancel, resnext::RgbImage image, const QString &name,
                     const QString &block, double decodeMs);
    void emitOnGui(std::function<void()> f);

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Queued> m_jobs;
    std::shared_ptr<std::atomic<bool>> m_runningCancel; // the running job's flag
    quint64 m_runningId = 0;
    bool m_stop = false;
    quint64 m_nextId = 1;
    std::set<quint64> m_pending; // GUI thread only
    std::set<quint64> m_cancelled; // jobs cancel() was called for (GUI thread only)
    std::shared_ptr<resnext::Model> m_model;
    std::shared_ptr<resnext::Model> m_lastTrained;
    resnext::DeviceInfo m_device;
    bool m_announced = false; // engineReady sent (worker thread only)
    // The inference path chosen in the window (worker thread only); unset = each model's default.
    std::optional<resnext::InferencePath> m_path;
    QString m_samplesDir; // worker thread only
    std::map<std::string, resnext::ProfileRow> m_profileCache; // worker thread only
    std::thread m_thread;
};

Q_DECLARE_METATYPE(Job)
