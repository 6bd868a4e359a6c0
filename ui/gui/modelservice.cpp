#include "modelservice.h"
#include "language.h"

#include "resnext/datasource.h"
#include "resnext/application.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/report.h"
#include "resnext/serialize.h"

#include <QMetaObject>
#include <QTemporaryDir>

#include <chrono>
#include <climits>

using namespace resnext;

namespace {

// A job's failure already worded for the window (translated): shown as it is,
// not framed as one of core's messages.
class WindowMessage : public std::runtime_error {
public:
    explicit WindowMessage(const QString &message) : std::runtime_error(message.toStdString()) {}
};

} // namespace

ModelService::ModelService(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<Job>();
    m_thread = std::thread([this] { loop(); });
}

ModelService::~ModelService()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
        if (m_runningCancel)
            *m_runningCancel = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void ModelService::emitOnGui(std::function<void()> f)
{
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

Job ModelService::post(JobKind kind, std::function<void(const Job &, const std::atomic<bool> &)> run)
{
    const Job job{m_nextId++, kind};
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    std::vector<Job> dropped;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (kind == JobKind::Analyze || kind == JobKind::GradCam) {
            // Only the newest image matters: drop older waiting ones of the same kind.
            for (auto it = m_jobs.begin(); it != m_jobs.end();) {
                if (it->job.kind == kind) {
                    dropped.push_back(it->job);
                    it = m_jobs.erase(it);
                } else {
                    ++it;
                }
            }
        }
        m_jobs.push_back({job, [run, job, cancel] { run(job, *cancel); }, cancel});
    }
    const bool wasIdle = m_pending.empty();
    m_pending.insert(job.id);
    for (const Job &d : dropped)
        finish(d, JobOutcome::Dropped);
    if (wasIdle)
        Q_EMIT busyChanged(true);
    m_wake.notify_all();
    return job;
}

void ModelService::finish(const Job &job, JobOutcome outcome)
{
    if (!m_pending.erase(job.id))
        return;
    Q_EMIT jobFinished(job, outcome);
    if (m_pending.empty())
        Q_EMIT busyChanged(false);
}

void ModelService::loop()
{
    for (;;) {
        Queued q;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop)
                return;
            q = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_runningCancel = q.cancel;
            m_runningId = q.job.id;
        }
        const Job job = q.job;
        JobOutcome outcome = JobOutcome::Done;
        try {
            q.run();
        } catch (const Cancelled &) {
            outcome = JobOutcome::Cancelled;
            emitOnGui([this, job] { Q_EMIT failed(job, tr("Cancelled.")); });
        } catch (const WindowMessage &e) {
            outcome = JobOutcome::Failed;
            const QString msg = QString::fromStdString(e.what());
            emitOnGui([this, job, msg] { Q_EMIT failed(job, msg); });
        } catch (const std::exception &e) {
            outcome = JobOutcome::Failed;
            std::string what = e.what();
            what = what.substr(0, what.find('\n'));
            const QString msg = language::coreMessage(QString::fromStdString(what));
            emitOnGui([this, job, msg] { Q_EMIT failed(job, msg); });
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_runningCancel.reset();
            m_runningId = 0;
        }
        emitOnGui([this, job, outcome] { finish(job, outcome); });
        m_wake.notify_all();
    }
}

void ModelService::cancel(const Job &job)
{
    m_cancelled.insert(job.id);
    bool removed = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (auto it = m_jobs.begin(); it != m_jobs.end(); ++it)
            if (it->job.id == job.id) {
                m_jobs.erase(it);
                removed = true;
                break;
            }
        if (!removed && m_runningId == job.id && m_runningCancel)
            *m_runningCancel = true;
    }
    if (removed) {
        Q_EMIT failed(job, tr("Cancelled."));
        finish(job, JobOutcome::Cancelled);
    }
}

bool ModelService::pending(const Job &job) const { return m_pending.count(job.id) > 0; }

void ModelService::waitIdle()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait(lock, [this] { return m_jobs.empty() && m_runningId == 0; });
}

Engine &ModelService::engine()
{
    Engine &e = loadEngine();
    if (!m_announced) {
        // Once per service (each window's status bar says it), not once per process.
        m_announced = true;
        const DeviceInfo d = e.deviceInfo();
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_device = d;
        }
        const QString text = tr("LibTorch %1, %2 CPU threads%3")
                                 .arg(QString::fromStdString(d.torchVersion))
                                 .arg(d.threads)
                                 .arg(d.cudaAvailable ? tr(", CUDA: %1").arg(QString::fromStdString(d.cudaName))
                                                      : tr(", no CUDA"));
        emitOnGui([this, text] { Q_EMIT engineReady(text); });
    }
    return e;
}

DeviceInfo ModelService::deviceInfo() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_device;
}

std::shared_ptr<Model> ModelService::model() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_model;
}

std::shared_ptr<Model> ModelService::lastTrained() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lastTrained;
}

QString ModelService::applyPath(Model &m, InferencePath path, const std::atomic<bool> *cancel)
{
    if (path != InferencePath::FastBf16) {
        m.setInferencePath(path);
        return path == InferencePath::Plain
                   ? tr("Plain LibTorch modules (eager).")
                   : tr("oneDNN, FP32: prepared in %1 ms (BatchNorm folded, weights prepacked).")
                         .arg(language::decimal(m.preparationMs(), 0));
    }
    if (m_samplesDir.isEmpty()) {
        m.setInferencePath(path);
        return tr("BF16: no sample images found to measure its agreement with FP32.");
    }
    const PathAgreement a = comparePaths(m, InferencePath::Fast, InferencePath::FastBf16,
                                         listImageFiles(m_samplesDir.toStdString()),
                                         [cancel](std::size_t, std::size_t) { return !cancel || !cancel->load(); });
    return tr("BF16: %1.").arg(QString::fromStdString(describe(a)));
}

Job ModelService::setInferencePath(InferencePath path, const QString &samplesDir)
{
    return post(JobKind::Model, [this, path, samplesDir](const Job &job, const std::atomic<bool> &cancel) {
        m_samplesDir = samplesDir;
        auto m = model();
        QString note;
        if (m)
            note = applyPath(*m, path, &cancel); // throws (and keeps the path) when it is not available
        m_path = path;
        emitOnGui([this, job, path, note] { Q_EMIT inferencePathChanged(job, path, note); });
    });
}

void ModelService::setModel(const Job &job, std::shared_ptr<Model> m)
{
    const ModelInfo &info = m->info();
    if (m_path && *m_path != m->inferencePath() && m->device() == "cpu") {
        // The path chosen in the window holds for every model after it.
        try {
            const InferencePath path = *m_path;
            const QString note = applyPath(*m, path, nullptr);
            emitOnGui([this, job, path, note] { Q_EMIT inferencePathChanged(job, path, note); });
        } catch (const Error &e) {
            const QString note = QString::fromUtf8(e.what());
            emitOnGui([this, job, note] { Q_EMIT failed(job, note); });
        }
    }
    // Warm-up: the first forward of a model pays for kernel selection and
    // allocation (about a second for resnext50_32x4d here). Pay it now, on the
    // worker, so that the first image shown reports the steady-state time.
    try {
        RgbImage blank;
        blank.width = blank.height = std::max(8, info.spec.inputSize);
        blank.pixels.assign(static_cast<size_t>(blank.width) * blank.height * 3, 128);
        m->analyze(blank, 1, std::string(), nullptr);
    } catch (const std::exception &) {
        // A model that cannot run an image says so when the first image arrives.
    }
    const QString text = tr("%1 (%2) on %3")
                             .arg(QString::fromStdString(describe(info.spec)), QString::fromStdString(info.source),
                                  QString::fromStdString(m->device()));
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_model = std::move(m);
    }
    emitOnGui([this, job, text] { Q_EMIT modelChanged(job, text); });
}

QString ModelService::noteText(const ModelNote &note, const ModelRequest &request, const LoadReport &load)
{
    switch (note.kind) {
    case ModelNote::Kind::CudaUnavailable:
        return tr("CUDA is not available in this build or on this machine; using the CPU.");
    case ModelNote::Kind::CudaFailed:
        return tr("CUDA failed (%1); using the CPU.").arg(QString::fromStdString(note.detail));
    case ModelNote::Kind::NonFinite:
        return tr("%1: %n weights are NaN or infinite; the outputs are meaningless.", nullptr,
                  static_cast<int>(std::min<std::size_t>(note.count, INT_MAX)))
            .arg(QString::fromStdString(request.weights));
    case ModelNote::Kind::PartialLoad:
        return tr("Loaded only the matching tensors of %1: %2 missing, %3 unexpected, %4 of the wrong shape were "
                  "left at their initial values.")
            .arg(QString::fromStdString(request.weights))
            .arg(load.missing.size())
            .arg(load.unexpected.size())
            .arg(load.mismatched.size());
    }
    return {};
}

Job ModelService::open(const ModelRequest &request)
{
    return post(JobKind::Model, [this, request](const Job &job, const std::atomic<bool> &) {
        OpenedModel opened;
        try {
            opened = openModel(engine(), request);
        } catch (const WeightsMismatch &e) {
            // The window offers the CLI's --allow-partial as a button.
            const QString path = QString::fromStdString(request.weights);
            emitOnGui([this, job, path] { Q_EMIT mismatchedWeights(job, path); });
            throw WindowMessage(
                //: %1 = the weights file, %2 = core's details (English): N missing (names); M unexpected (names)
                tr("%1 does not match the model it describes; \"Load anyway\" loads only the tensors that match. "
                   "Details: %2.")
                    .arg(path, QString::fromStdString(e.what())));
        }
        const std::vector<ModelNote> notes = opened.notes;
        const LoadReport load = opened.load;
        setModel(job, std::shared_ptr<Model>(std::move(opened.model)));
        emitOnGui([this, job, notes, load] { Q_EMIT modelOpened(job, notes, load); });
        for (const ModelNote &n : notes) {
            const QString text = noteText(n, request, load);
            emitOnGui([this, job, text] { Q_EMIT failed(job, text); });
        }
    });
}

Job ModelService::loadBuiltin(const QString &device)
{
    ModelRequest r;
    r.device = device.toStdString();
    return open(r);
}

Job ModelService::loadWeights(const QString &path, const QString &device, std::optional<BlockForm> form,
                              bool allowPartial)
{
    ModelRequest r;
    r.source = ModelRequest::Source::Weights;
    r.weights = path.toStdString();
    r.device = device.toStdString();
    r.form = form;
    r.allowPartial = allowPartial;
    return open(r);
}

Job ModelService::createRandom(const ArchSpec &spec, const QString &device)
{
    ModelRequest r;
    r.source = ModelRequest::Source::Spec;
    r.spec = spec;
    r.device = device.toStdString();
    return open(r);
}

Job ModelService::useTrained(std::shared_ptr<Model> model)
{
    return post(JobKind::Model, [this, model](const Job &job, const std::atomic<bool> &) { setModel(job, model); });
}

void ModelService::runAnalysis(const Job &job, const std::atomic<bool> &cancel, RgbImage image, const QString &name,
                               const QString &block, double decodeMs)
{
    auto m = model();
    if (!m)
        throw Error("no model is loaded yet");
    auto r = std::make_shared<AnalysisResult>();
    r->analysis = m->analyze(image, 5, block.toStdString(), &cancel);
    r->analysis.timings.decodeMs = decodeMs;
    r->imageName = name;
    r->image = std::move(image);
    r->device = QString::fromStdString(m->device());
    r->path = runningPath(*m);
    std::shared_ptr<const AnalysisResult> out = r;
    emitOnGui([this, job, out] { Q_EMIT analysisReady(job, out); });
}

Job ModelService::analyzeFile(const QString &path, const QString &block)
{
    return post(JobKind::Analyze, [this, path, block](const Job &job, const std::atomic<bool> &cancel) {
        const auto t0 = std::chrono::steady_clock::now();
        RgbImage img = decodeImage(path.toStdString());
        const double decodeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        runAnalysis(job, cancel, std::move(img), path, block, decodeMs);
    });
}

Job ModelService::analyzeImage(const RgbImage &image, const QString &name, const QString &block)
{
    return post(JobKind::Analyze, [this, image, name, block](const Job &job, const std::atomic<bool> &cancel) {
        runAnalysis(job, cancel, image, name, block, 0.0);
    });
}

Job ModelService::gradCam(std::shared_ptr<const AnalysisResult> result, int classIndex, int stage)
{
    return post(JobKind::GradCam, [this, result, classIndex, stage](const Job &job, const std::atomic<bool> &) {
        auto m = model();
        if (!m)
            return;
        auto cam = std::make_shared<const GradCam>(m->gradCam(result->image, classIndex, stage));
        emitOnGui([this, job, result, cam] { Q_EMIT gradCamReady(job, result, cam); });
    });
}

Job ModelService::train(const TrainRequest &req, bool replaceModel)
{
    return post(JobKind::Train, [this, req, replaceModel](const Job &job, const std::atomic<bool> &cancel) {
        Engine &e = engine();
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        TrainCallbacks cb;
        cb.progress = [&](int run, const TrainProgress &p) {
            // Every epoch end, and steps at most ~20 times a second: the GUI stays fluid.
            const auto now = std::chrono::steady_clock::now();
            if (p.valAccuracy >= 0 || now - last > std::chrono::milliseconds(50)) {
                last = now;
                emitOnGui([this, job, run, p] { Q_EMIT trainProgress(job, run, p); });
            }
            return !cancel.load();
        };
        auto lastTest = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        cb.testing = [&](int run, size_t done, size_t total) {
            const auto now = std::chrono::steady_clock::now();
            if (done == 0 || done >= total || now - lastTest > std::chrono::milliseconds(100)) {
                lastTest = now;
                const qulonglong d = done, t = total;
                emitOnGui([this, job, run, d, t] { Q_EMIT testProgress(job, run, d, t); });
            }
            return !cancel.load();
        };
        TrainOutcome outcome = trainAndTest(e, req, cb);
        auto rows = std::make_shared<const std::vector<TrainRunSummary>>(summarize(outcome));
        std::shared_ptr<Model> trained(std::move(outcome.runs.front().result.model));
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_lastTrained = trained;
        }
        if (replaceModel)
            setModel(job, trained);
        emitOnGui([this, job, rows] { Q_EMIT trainFinished(job, rows); });
    });
}

Job ModelService::experiment(const ExperimentRequest &req)
{
    return post(JobKind::Experiment, [this, req](const Job &job, const std::atomic<bool> &cancel) {
        Engine &e = engine();
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        ExperimentCallbacks cb;
        cb.status = [&](const std::string &line) {
            const QString text = QString::fromStdString(line);
            emitOnGui([this, job, text] { Q_EMIT experimentStatus(job, text); });
        };
        cb.progress = [&](const ExperimentProgress &p) {
            // Epoch ends and run starts always, steps at most ~20 times a second.
            const auto now = std::chrono::steady_clock::now();
            if (p.train.trainAccuracy >= 0 || p.train.steps == 0 || now - last > std::chrono::milliseconds(50)) {
                last = now;
                emitOnGui([this, job, p] { Q_EMIT experimentProgress(job, p); });
            }
            return !cancel.load();
        };
        cb.runFinished = [&](const ExperimentResult &r) {
            auto copy = std::make_shared<const ExperimentResult>(r);
            emitOnGui([this, job, copy] { Q_EMIT experimentUpdated(job, copy, false); });
        };
        auto result = std::make_shared<const ExperimentResult>(runExperiment(e, req, cb));
        emitOnGui([this, job, result] { Q_EMIT experimentUpdated(job, result, true); });
    });
}

Job ModelService::groups(const QString &source, const GroupRequest &request, const QStringList &files)
{
    return post(JobKind::Groups, [this, source, request, files](const Job &job, const std::atomic<bool> &cancel) {
        Engine &e = engine();
        const std::shared_ptr<Model> m = model();
        if (!m)
            throw Error("groups: no model is loaded yet");
        validateGroupRequest(request, *m);
        auto result = std::make_shared<GroupsResult>();
        result->source = source;
        GroupRequest req = request;
        if (source == "dropped") {
            if (files.isEmpty())
                throw Error("data: no images dropped yet; drop or open images in the Classify tab first");
            std::vector<std::string> paths;
            for (const QString &f : files)
                paths.push_back(f.toStdString());
            result->source = files.size() == 1 ? tr("the image dropped so far")
                                               : tr("the %1 images dropped so far").arg(files.size());
            result->files = files;
            result->data = loadUnlabelledImages(paths, m->info().spec);
            req.predictedLabels = true;
        } else {
            AnalysisImages images = loadAnalysisImages(source.toStdString(), m->info().spec);
            for (const std::string &p : images.files)
                result->files << QString::fromStdString(p);
            result->data = std::move(images.data);
            req.predictedLabels = !images.labelled;
        }
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        GroupCallbacks cb;
        cb.progress = [&](std::size_t done, std::size_t total) {
            const auto now = std::chrono::steady_clock::now();
            if (done == total || now - last > std::chrono::milliseconds(50)) {
                last = now;
                emitOnGui([this, job, done, total] { Q_EMIT groupsProgress(job, done, total); });
            }
            return !cancel.load();
        };
        // analyzeGroups applies req.limit: it analyses the first `limit` images, so the
        // strips' indices name the same images in result->data and result->files.
        result->report = analyzeGroups(e, *m, result->data, result->source.toStdString(), req, cb);
        std::shared_ptr<const GroupsResult> done = result;
        emitOnGui([this, job, done] { Q_EMIT groupsReady(job, done); });
    });
}

Job ModelService::profile(const ProfileRequest &request)
{
    return post(JobKind::Profile, [this, request](const Job &job, const std::atomic<bool> &cancel) {
        Engine &e = engine();
        ProfileRequest req = request;
        if (req.device == "cuda" && !e.deviceInfo().cudaAvailable) {
            req.device = "cpu";
            emitOnGui([this, job] { Q_EMIT failed(job, tr("CUDA is not available; measuring on the CPU.")); });
        }
        const std::vector<ArchSpec> specs = profileSpecs(req);
        const int n = static_cast<int>(specs.size());
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        for (int i = 0; i < n; ++i) {
            if (cancel.load())
                throw Cancelled();
            const ArchSpec &spec = specs[static_cast<size_t>(i)];
            const std::string key = dumpJson(specJson(spec), false) + "|" + req.device + "|" +
                                    std::to_string(e.deviceInfo().threads) + "|" + std::to_string(req.options.batch) +
                                    "|" + std::to_string(req.options.runs) + "|" + std::to_string(req.bytesPerElement);
            const auto hit = m_profileCache.find(key);
            if (hit != m_profileCache.end()) {
                const ProfileRow row = hit->second;
                emitOnGui([this, job, row] { Q_EMIT profileRow(job, row, true); });
                continue;
            }
            ProfileRequest one = req;
            one.spec = spec;
            one.sweepCardinality = false;
            ProfileCallbacks cb;
            cb.progress = [&](int, int, int done, int total) {
                const auto now = std::chrono::steady_clock::now();
                if (done == total || now - last > std::chrono::milliseconds(50)) {
                    last = now;
                    emitOnGui([this, job, i, n, done, total] { Q_EMIT profileProgress(job, i, n, done, total); });
                }
                return !cancel.load();
            };
            const ProfileRow row = resnext::profile(e, one, cb).front();
            m_profileCache[key] = row;
            emitOnGui([this, job, row] { Q_EMIT profileRow(job, row, false); });
        }
    });
}

Job ModelService::saveModel(const QString &path, std::shared_ptr<Model> which)
{
    return post(JobKind::Save, [this, path, which](const Job &job, const std::atomic<bool> &) {
        auto m = which ? which : model();
        if (!m)
            throw Error("no model to save");
        m->save(path.toStdString());
        emitOnGui([this, job, path] { Q_EMIT saved(job, path); });
    });
}

Job ModelService::compareForms(const RgbImage &image, const QString &block)
{
    return post(JobKind::Analyze, [this, image, block](const Job &job, const std::atomic<bool> &cancel) {
        auto m = model();
        if (!m)
            throw Error("no model is loaded yet: classify an image first");
        // The model's own weights, reloaded in each form (form (c) names are sliced per path).
        QTemporaryDir dir;
        const std::string path = dir.filePath("forms.safetensors").toStdString();
        m->save(path);
        std::vector<Analysis> runs;
        for (BlockForm form : {BlockForm::A, BlockForm::B, BlockForm::C}) {
            LoadOptions o;
            o.form = form;
            auto f = engine().load(path, o, nullptr, "cpu");
            f->setInferencePath(InferencePath::Plain); // the form as built, one module at a time
            runs.push_back(f->analyze(image, 1, block.toStdString(), &cancel));
        }
        const auto maxDiff = [](const std::vector<float> &x, const std::vector<float> &y) {
            double d = 0;
            for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
                d = std::max(d, std::abs(static_cast<double>(x[i]) - y[i]));
            return d;
        };
        const auto maxAbs = [](const std::vector<float> &x) {
            double d = 0;
            for (float v : x)
                d = std::max(d, std::abs(static_cast<double>(v)));
            return d;
        };
        auto r = std::make_shared<FormsComparison>();
        r->block = block;
        r->logitsAB = maxDiff(runs[0].logits, runs[1].logits);
        r->logitsAC = maxDiff(runs[0].logits, runs[2].logits);
        r->outputAB = maxDiff(runs[0].features.output, runs[1].features.output);
        r->outputAC = maxDiff(runs[0].features.output, runs[2].features.output);
        r->logitScale = maxAbs(runs[2].logits);
        r->outputScale = maxAbs(runs[2].features.output);
        emitOnGui([this, job, r] { Q_EMIT formsCompared(job, r); });
    });
}

Job ModelService::exportOnnx(const QString &path)
{
    return post(JobKind::Save, [this, path](const Job &job, const std::atomic<bool> &) {
        auto m = model();
        if (!m)
            throw Error("no model to export: load weights or create one first");
        OnnxOptions o;
        o.docString = "weights: " + m->info().source;
        writeOnnx(path.toStdString(), m->info().spec, m->tensors(), o);
        emitOnGui([this, job, path] { Q_EMIT saved(job, path); });
    });
}

Job ModelService::analyzeSample(int index, const QString &block)
{
    return post(JobKind::Analyze, [this, index, block](const Job &job, const std::atomic<bool> &cancel) {
        static const ImageSet test = loadFashionMnist(false); // throws a clear message if not installed
        if (index < 0 || static_cast<size_t>(index) >= test.count())
            throw Error("sample: index out of range");
        RgbImage img;
        img.width = test.width;
        img.height = test.height;
        img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
        const std::uint8_t *px = test.image(static_cast<size_t>(index));
        for (size_t i = 0; i < static_cast<size_t>(img.width) * img.height; ++i)
            img.pixels[i * 3] = img.pixels[i * 3 + 1] = img.pixels[i * 3 + 2] = px[i];
        const auto label = static_cast<size_t>(test.labels[static_cast<size_t>(index)]);
        runAnalysis(job, cancel, std::move(img),
                    tr("Fashion-MNIST test image %1 (%2)").arg(index).arg(QString::fromStdString(test.classNames[label])),
                    block, 0.0);
    });
}

Job ModelService::toDevice(const QString &device)
{
    return post(JobKind::Model, [this, device](const Job &job, const std::atomic<bool> &) {
        auto m = model();
        if (!m)
            return;
        QString note;
        try {
            m->toDevice(device.toStdString());
        } catch (const Error &e) {
            if (device == "cpu")
                throw;
            note = tr("%1 failed (%2); staying on the CPU.").arg(device, QString::fromUtf8(e.what()));
            m->toDevice("cpu");
        }
        setModel(job, m);
        if (!note.isEmpty())
            emitOnGui([this, job, note] { Q_EMIT failed(job, note); });
    });
}

Job ModelService::setThreads(int threads)
{
    return post(JobKind::Model, [this, threads](const Job &, const std::atomic<bool> &) {
        Engine &e = engine();
        e.setThreads(threads);
        const DeviceInfo d = e.deviceInfo();
        std::lock_guard<std::mutex> lock(m_mutex);
        m_device = d;
    });
}
