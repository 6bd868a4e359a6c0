#include "modelservice.h"

#include "resnext/datasource.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/report.h"

#include <QMetaObject>

#include <chrono>

using namespace resnext;

ModelService::ModelService(QObject *parent) : QObject(parent)
{
    m_thread = std::thread([this] { loop(); });
}

ModelService::~ModelService()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_cancel = true;
    m_wake.notify_all();
    m_thread.join();
}

void ModelService::emitOnGui(std::function<void()> f)
{
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

void ModelService::post(Kind kind, std::function<void()> run)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (kind == Kind::Analyze || kind == Kind::GradCam) {
            // Only the newest image matters: drop older waiting ones of the same kind.
            for (auto it = m_jobs.begin(); it != m_jobs.end();)
                it = it->kind == kind ? m_jobs.erase(it) : std::next(it);
        }
        m_jobs.push_back({kind, std::move(run)});
        m_busy = true;
    }
    Q_EMIT busyChanged(true);
    m_wake.notify_all();
}

void ModelService::loop()
{
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop)
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_running = true;
            m_cancel = false;
        }
        try {
            job.run();
        } catch (const Cancelled &) {
            emitOnGui([this] { Q_EMIT failed(tr("Cancelled.")); });
        } catch (const std::exception &e) {
            std::string what = e.what();
            what = what.substr(0, what.find('\n'));
            const QString msg = QString::fromStdString(what);
            emitOnGui([this, msg] { Q_EMIT failed(msg); });
        }
        bool idle;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_running = false;
            idle = m_jobs.empty();
            if (idle)
                m_busy = false;
        }
        m_wake.notify_all();
        if (idle)
            emitOnGui([this] { Q_EMIT busyChanged(false); });
    }
}

void ModelService::waitIdle()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait(lock, [this] { return m_jobs.empty() && !m_running; });
}

void ModelService::cancel()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_jobs.clear();
    m_cancel = true;
}

Engine &ModelService::engine()
{
    static bool announced = false;
    Engine &e = loadEngine();
    if (!announced) {
        announced = true;
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

void ModelService::setModel(std::shared_ptr<Model> m)
{
    const ModelInfo &info = m->info();
    const QString text = tr("%1 (%2) on %3")
                             .arg(QString::fromStdString(describe(info.spec)), QString::fromStdString(info.source),
                                  QString::fromStdString(m->device()));
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_model = std::move(m);
    }
    emitOnGui([this, text] { Q_EMIT modelChanged(text); });
}

namespace {

// Try the requested device; a CUDA failure falls back to the CPU with a note.
template <typename Make>
std::shared_ptr<Model> onDevice(const QString &device, Make &&make, QString *note)
{
    if (device == "cuda") {
        try {
            return std::shared_ptr<Model>(make("cuda"));
        } catch (const Error &e) {
            *note = QObject::tr("CUDA failed (%1); using the CPU.").arg(QString::fromUtf8(e.what()));
        }
    }
    return std::shared_ptr<Model>(make("cpu"));
}

} // namespace

void ModelService::loadBuiltin(const QString &device)
{
    post(Kind::Model, [this, device] {
        QString note;
        auto m = onDevice(device, [&](const std::string &d) { return engine().loadBuiltin(d); }, &note);
        setModel(std::move(m));
        if (!note.isEmpty())
            emitOnGui([this, note] { Q_EMIT failed(note); });
    });
}

void ModelService::loadWeights(const QString &path, const QString &device, std::optional<BlockForm> form)
{
    post(Kind::Model, [this, path, device, form] {
        QString note;
        LoadOptions o;
        o.form = form;
        auto m = onDevice(device, [&](const std::string &d) { return engine().load(path.toStdString(), o, nullptr, d); },
                          &note);
        setModel(std::move(m));
        if (!note.isEmpty())
            emitOnGui([this, note] { Q_EMIT failed(note); });
    });
}

void ModelService::createRandom(const ArchSpec &spec, const QString &device)
{
    post(Kind::Model, [this, spec, device] {
        QString note;
        ModelInfo info;
        info.spec = spec;
        info.preprocessing = defaultPreprocessing(spec);
        auto m = onDevice(device, [&](const std::string &d) { return engine().create(info, 0, d); }, &note);
        setModel(std::move(m));
        if (!note.isEmpty())
            emitOnGui([this, note] { Q_EMIT failed(note); });
    });
}

void ModelService::useTrained(std::shared_ptr<Model> model)
{
    post(Kind::Model, [this, model] { setModel(model); });
}

void ModelService::runAnalysis(RgbImage image, const QString &name, const QString &block, double decodeMs)
{
    auto m = model();
    if (!m)
        throw Error("no model is loaded yet");
    auto r = std::make_shared<AnalysisResult>();
    r->analysis = m->analyze(image, 5, block.toStdString(), &m_cancel);
    r->analysis.timings.decodeMs = decodeMs;
    r->imageName = name;
    r->image = std::move(image);
    r->device = QString::fromStdString(m->device());
    std::shared_ptr<const AnalysisResult> out = r;
    emitOnGui([this, out] { Q_EMIT analysisReady(out); });
}

void ModelService::analyzeFile(const QString &path, const QString &block)
{
    post(Kind::Analyze, [this, path, block] {
        const auto t0 = std::chrono::steady_clock::now();
        RgbImage img = decodeImage(path.toStdString());
        const double decodeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        runAnalysis(std::move(img), path, block, decodeMs);
    });
}

void ModelService::analyzeImage(const RgbImage &image, const QString &name, const QString &block)
{
    post(Kind::Analyze, [this, image, name, block] { runAnalysis(image, name, block, 0.0); });
}

void ModelService::gradCam(const RgbImage &image, int classIndex, int stage)
{
    post(Kind::GradCam, [this, image, classIndex, stage] {
        auto m = model();
        if (!m)
            return;
        auto cam = std::make_shared<const GradCam>(m->gradCam(image, classIndex, stage));
        emitOnGui([this, cam] { Q_EMIT gradCamReady(cam); });
    });
}

void ModelService::train(const TrainRequest &req)
{
    post(Kind::Train, [this, req] {
        Engine &e = engine();
        const ArchSpec &spec = req.options.spec;
        DataSplit data =
            loadData(req.source.toStdString(), spec.inputSize, spec.inChannels, req.valFraction, req.options.seed);
        if (req.options.limitTrain > 0) {
            // A quick run stays quick: validate and test on at most half as many images, balanced per class.
            const size_t perClass = std::max<size_t>(1, req.options.limitTrain / 2 / std::max<size_t>(1, data.classNames.size()));
            data.validation = firstPerClass(data.validation, perClass);
            data.test = firstPerClass(data.test, perClass);
        }
        std::vector<ArchSpec> specs{spec};
        if (req.compareResnet)
            specs.push_back(matchWidthTo(spec, 1, countTotals(spec)).matched);
        QStringList rows;
        std::shared_ptr<Model> first;
        for (size_t i = 0; i < specs.size(); ++i) {
            TrainOptions o = req.options;
            o.spec = specs[i];
            const int run = static_cast<int>(i);
            auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            TrainResult r = e.train(o, data.train, data.validation, data.classNames, [&](const TrainProgress &p) {
                // Every epoch end, and steps at most ~20 times a second: the GUI stays fluid.
                const auto now = std::chrono::steady_clock::now();
                if (p.valAccuracy >= 0 || now - last > std::chrono::milliseconds(50)) {
                    last = now;
                    emitOnGui([this, run, p] { Q_EMIT trainProgress(run, p); });
                }
                return !m_cancel.load();
            });
            const EvalResult test = r.model->evaluate(data.test);
            double perEpoch = 0;
            for (const auto &p : r.epochs)
                perEpoch += p.epochSeconds;
            perEpoch /= std::max<size_t>(1, r.epochs.size());
            const Totals t = countTotals(o.spec);
            rows << QString("%1\t%2\t%3\t%4\t%5")
                        .arg(QString::fromStdString(describe(o.spec)), QString::fromStdString(withThousands(t.params)),
                             QString::fromStdString(withThousands(t.macs)), QString::number(perEpoch, 'f', 1),
                             QString::number(100.0 * test.accuracy(), 'f', 2));
            if (i == 0)
                first = std::shared_ptr<Model>(std::move(r.model));
        }
        setModel(first);
        const QString summary = rows.join('\n');
        emitOnGui([this, summary] { Q_EMIT trainFinished(summary); });
    });
}

void ModelService::saveModel(const QString &path)
{
    post(Kind::Model, [this, path] {
        auto m = model();
        if (!m)
            throw Error("no model to save");
        m->save(path.toStdString());
        emitOnGui([this, path] { Q_EMIT saved(path); });
    });
}

void ModelService::exportOnnx(const QString &path)
{
    post(Kind::Model, [this, path] {
        auto m = model();
        if (!m)
            throw Error("no model to export: load weights or create one first");
        OnnxOptions o;
        o.docString = "weights: " + m->info().source;
        writeOnnx(path.toStdString(), m->info().spec, m->tensors(), o);
        emitOnGui([this, path] { Q_EMIT saved(path); });
    });
}

void ModelService::analyzeSample(int index, const QString &block)
{
    post(Kind::Analyze, [this, index, block] {
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
        runAnalysis(std::move(img),
                    QString("Fashion-MNIST test image %1 (%2)").arg(index).arg(QString::fromStdString(test.classNames[label])),
                    block, 0.0);
    });
}

void ModelService::toDevice(const QString &device)
{
    post(Kind::Model, [this, device] {
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
        setModel(m);
        if (!note.isEmpty())
            emitOnGui([this, note] { Q_EMIT failed(note); });
    });
}
