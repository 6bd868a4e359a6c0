// The out-of-distribution warning: Mahalanobis statistics fitted by
// calibrateOod agree with an independent computation, survive save/load as
// "ood.*" tensors that are not reported as unexpected weights, broken statistics
// are refused by name; the built-in model flags the four sample photos and
// passes at least 95% of the Fashion-MNIST test images; classify prints it.
#include "resnext/dataset.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/safetensors.h"
#include "test_util.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstring>

using namespace resnext;
using testutil::errorMessage;

namespace {

const char *kPhotos[] = {"photo-astronaut.png", "photo-chelsea-cat.png", "photo-coffee.png", "photo-rocket.jpg"};

} // namespace

class TestOod : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void calibrationRoundTrip();
    void brokenStatisticsRefused();
    void builtinModelFlagsPhotos();
    void classifyPrintsTheWarning();
    void trainerFitsTheStatistics();
    void calibrateCommand();

private:
    QTemporaryDir m_dir;
    ImageSet m_fit, m_heldOut;
};

void TestOod::initTestCase()
{
    loadEngine().setThreads(2);
    try {
        m_fit = firstPerClass(loadFashionMnist(true), 40);
        m_heldOut = firstPerClass(loadFashionMnist(false), 20);
    } catch (const Error &e) {
        QSKIP(qPrintable(QString("Fashion-MNIST is not installed (%1)").arg(e.what())));
    }
}

void TestOod::calibrationRoundTrip()
{
    auto model = loadEngine().create(testutil::builtinFamilyInfo(), 3);
    QVERIFY(!model->ood());
    QCOMPARE(QString::fromStdString(errorMessage([&] { model->oodScores(m_heldOut); })),
             QString("ood: this model has no out-of-distribution statistics (run calibrate)"));
    QCOMPARE(QString::fromStdString(errorMessage([&] { model->calibrateOod(m_fit, ImageSet{}); })),
             QString("ood: no held-out images to set the threshold on (use a validation split)"));
    QCOMPARE(QString::fromStdString(errorMessage([&] { model->calibrateOod(m_fit, m_heldOut, 1.5); })),
             QString("quantile: must be between 0 and 1 (got 1.500000)"));

    const OodCalibration c = model->calibrateOod(m_fit, m_heldOut, 0.9);
    QCOMPARE(c.fitImages, size_t(400));
    QCOMPARE(c.heldOutImages, size_t(200));
    QCOMPARE(c.features, 256);
    // The threshold is the 90th percentile: exactly 180 of the 200 held-out scores are at or below it.
    const std::vector<double> held = model->oodScores(m_heldOut);
    QCOMPARE(std::count_if(held.begin(), held.end(), [&](double v) { return v <= c.threshold; }), 180L);
    QCOMPARE(c.heldOutPassRate, 0.9);
    // A fit image's score is its distance to the nearest class mean: never negative, and the
    // fit set's mean squared distance to its own class mean is the trace of P * Sigma = D
    // (up to the ridge), so the average of the minimum cannot exceed D.
    const std::vector<double> fit = model->oodScores(m_fit);
    double mean = 0;
    for (double v : fit) {
        QVERIFY(v >= 0);
        mean += v / static_cast<double>(fit.size());
    }
    QVERIFY2(mean <= 256.0 + 1e-3, qPrintable(QString::number(mean)));

    // analyze() gives the same score for an image as oodScores() for the data set.
    RgbImage img;
    img.width = img.height = 28;
    for (int i = 0; i < 28 * 28; ++i)
        for (int k = 0; k < 3; ++k)
            img.pixels.push_back(m_heldOut.image(0)[i]);
    const Analysis a = model->analyze(img, 1, "");
    QVERIFY(a.oodKnown);
    QVERIFY2(std::fabs(a.oodScore - held[0]) <= 1e-3 * std::max(1.0, held[0]),
             qPrintable(QString("%1 vs %2").arg(a.oodScore).arg(held[0])));
    QCOMPARE(a.oodThreshold, c.threshold);
    QCOMPARE(a.outOfDistribution, a.oodScore > c.threshold);

    // Saved and loaded: the statistics come back; they are not unexpected weights.
    const std::string path = m_dir.filePath("small.safetensors").toStdString();
    model->save(path);
    const SafetensorsFile file = SafetensorsFile::read(path);
    QVERIFY(file.find("ood.class_means") && file.find("ood.precision") && file.find("ood.threshold"));
    QVERIFY(file.metadata().at("ood").find("\"quantile\":0.9") != std::string::npos);
    LoadReport report;
    auto again = loadEngine().load(path, {}, &report);
    QVERIFY(report.unexpected.empty());
    QVERIFY(again->ood());
    QVERIFY(std::fabs(again->ood()->threshold - c.threshold) <= 1e-4 * c.threshold);
    QCOMPARE(again->ood()->heldOutImages, size_t(200));
    const std::vector<double> reloaded = again->oodScores(m_heldOut);
    for (size_t i = 0; i < held.size(); ++i)
        QVERIFY(std::fabs(reloaded[i] - held[i]) <= 1e-3 * std::max(1.0, held[i])); // stored as F32
}

void TestOod::brokenStatisticsRefused()
{
    auto model = loadEngine().create(testutil::builtinFamilyInfo(), 4);
    model->calibrateOod(m_fit, m_heldOut);
    const std::string good = m_dir.filePath("calibrated.safetensors").toStdString();
    model->save(good);
    const SafetensorsFile f = SafetensorsFile::read(good);
    const auto rewrite = [&](const std::string &drop, const std::string &reshape) {
        std::vector<TensorToWrite> tensors;
        static std::vector<float> small(4, 1.0f);
        for (const auto &t : f.tensors()) {
            if (t.name == drop)
                continue;
            TensorToWrite w{t.name, t.dtype, t.shape, f.data(t)};
            if (t.name == reshape) {
                w.shape = {2, 2};
                w.data = small.data();
                w.dtype = DType::F32;
            }
            tensors.push_back(w);
        }
        const std::string out = m_dir.filePath("broken.safetensors").toStdString();
        writeSafetensors(out, tensors, f.metadata());
        return QString::fromStdString(errorMessage([&] { loadEngine().load(out); }));
    };
    const QString prefix = m_dir.filePath("broken.safetensors") + ": ";
    QCOMPARE(rewrite("ood.precision", ""),
             prefix + "out-of-distribution statistics are incomplete (no tensor 'ood.precision')");
    QCOMPARE(rewrite("", "ood.class_means"), prefix + "tensor 'ood.class_means' has shape [2,2], expected [10,256]");
    QCOMPARE(rewrite("", "ood.threshold"), prefix + "tensor 'ood.threshold' has shape [2,2], expected []");
}

void TestOod::builtinModelFlagsPhotos()
{
    auto model = loadEngine().loadBuiltin();
    QVERIFY2(model->ood(), "the built-in model has no out-of-distribution statistics");
    const double threshold = model->ood()->threshold;
    for (const char *photo : kPhotos) {
        const Analysis a = model->analyze(decodeImage(std::string(RESNEXT_SOURCE_DIR "/sample_images/") + photo), 5, "");
        QVERIFY(a.oodKnown);
        QVERIFY2(a.outOfDistribution, qPrintable(QString("%1: %2 <= %3").arg(photo).arg(a.oodScore).arg(threshold)));
    }
    // The README's figure: at least 95% of the 10,000 test images are not flagged.
    const std::vector<double> scores = model->oodScores(loadFashionMnist(false));
    QCOMPARE(scores.size(), size_t(10000));
    const auto passed = std::count_if(scores.begin(), scores.end(), [&](double v) { return v <= threshold; });
    QVERIFY2(passed >= 9500, qPrintable(QString("%1 of 10000 test images pass").arg(passed)));
}

void TestOod::classifyPrintsTheWarning()
{
    QProcess p;
    p.start(RESNEXT_EXE, {"classify", RESNEXT_SOURCE_DIR "/sample_images/photo-chelsea-cat.png",
                          RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00002-trouser.png", "--format", "json",
                          "--threads", "2"});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    const QJsonArray results = QJsonDocument::fromJson(p.readAllStandardOutput()).object().value("results").toArray();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[0].toObject().value("out_of_distribution").toBool(), true);
    QCOMPARE(results[1].toObject().value("out_of_distribution").toBool(), false);
    QVERIFY(results[0].toObject().value("ood_score").toDouble() > results[0].toObject().value("ood_threshold").toDouble());
    p.start(RESNEXT_EXE, {"classify", RESNEXT_SOURCE_DIR "/sample_images/photo-coffee.png", "--threads", "2"});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).contains("this image is unlike the model's training data"));
}

void TestOod::trainerFitsTheStatistics()
{
    TrainOptions o;
    o.spec = fashionMnistSpec();
    o.epochs = 1;
    o.batch = 50;
    o.limitTrain = 300;
    const ImageSet train = loadFashionMnist(true);
    TrainResult r = loadEngine().train(o, train, m_heldOut, fashionMnistClasses());
    QVERIFY(r.ood);
    QCOMPARE(r.ood->fitImages, size_t(300));
    QCOMPARE(r.ood->heldOutImages, size_t(200));
    QCOMPARE(r.ood->quantile, 0.95);
    QVERIFY(r.model->ood());
    // Five images cannot hold all ten classes: the model trains, without statistics.
    o.limitTrain = 5;
    r = loadEngine().train(o, train, m_heldOut, fashionMnistClasses());
    QVERIFY(!r.ood);
    QVERIFY(!r.model->ood());
}

void TestOod::calibrateCommand()
{
    // A small image folder: the 40 Fashion-MNIST samples that ship, by class.
    const QDir samples(RESNEXT_SOURCE_DIR "/sample_images");
    const QString root = m_dir.filePath("folder");
    for (const QString &f : samples.entryList({"fmnist-test*.png"})) {
        const QString cls = f.mid(QString("fmnist-test00000-").size()).chopped(4);
        QDir().mkpath(root + "/" + cls);
        QVERIFY(QFile::copy(samples.filePath(f), root + "/" + cls + "/" + f));
    }
    const auto run = [](const QStringList &args) {
        QProcess p;
        p.start(RESNEXT_EXE, args);
        p.waitForFinished(300000);
        return std::make_tuple(p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                               QString::fromUtf8(p.readAllStandardError()));
    };
    const QString out = m_dir.filePath("calibrated-cli.safetensors");
    auto [rc, stdOut, stdErr] = run({"calibrate", "--data", root, "--val-fraction", "0.5", "--out", out, "--format",
                                     "json", "--threads", "2"});
    QCOMPARE(rc, 0);
    const QJsonObject j = QJsonDocument::fromJson(stdOut.toUtf8()).object();
    QCOMPARE(j.value("fit_images").toInt(), 20);
    QCOMPARE(j.value("held_out_images").toInt(), 20);
    QCOMPARE(j.value("features").toInt(), 256);
    QCOMPARE(j.value("held_out_pass_rate").toDouble(), 0.95); // 19 of 20
    auto m = loadEngine().load(out.toStdString());
    QVERIFY(m->ood());
    QVERIFY(std::fabs(m->ood()->threshold - j.value("threshold").toDouble()) <= 1e-3 * m->ood()->threshold);

    std::tie(rc, stdOut, stdErr) = run({"calibrate", "--data", root});
    QCOMPARE(rc, 2);
    QCOMPARE(stdErr, QString("resnext-explorer calibrate: calibrate: --out FILE.safetensors is required\n"));
    std::tie(rc, stdOut, stdErr) = run({"calibrate", "--data", root, "--out", out, "--val-fraction", "0"});
    QCOMPARE(rc, 2);
    QCOMPARE(stdErr, QString("resnext-explorer calibrate: val-fraction: must be in (0, 0.9] (the threshold needs "
                             "held-out images)\n"));
    std::tie(rc, stdOut, stdErr) = run({"calibrate", "--data", root, "--out", out, "--quantile", "x"});
    QCOMPARE(rc, 2);
    QCOMPARE(stdErr, QString("resnext-explorer calibrate: quantile: 'x' is not a number\n"));
}

QTEST_APPLESS_MAIN(TestOod)
#include "test_ood.moc"
