// SE-ResNeXt (squeeze-and-excitation, Hu et al. 2018, as timm builds it) through
// every consumer of the layer plan: the counts equal a PyTorch model's (built in
// se_reference.py with Debian's torch, independently of the app); a .pth and a
// safetensors file saved with timm's names load with the spec inferred from
// their shapes and reproduce PyTorch's logits on the plain and the fast path;
// the exported model.py builds the plan's state_dict.
#include "resnext/accounting.h"
#include "resnext/checkpoint.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/image.h"
#include "resnext/plan.h"
#include "test_util.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>

using namespace resnext;
using testutil::PythonRun;
using testutil::runReferenceScript;

namespace {

// Logits are compared relative to the largest logit (1e-4): the fast path folds
// BN and sums in oneDNN's order, and CPUs differ (AVX2 / AVX-512).
constexpr double kRelative = 1e-4;

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

double relativeDiff(const std::vector<float> &got, const QJsonArray &want)
{
    if (got.size() != static_cast<size_t>(want.size()) || got.empty())
        return 1e9;
    double diff = 0, scale = 0;
    for (int i = 0; i < want.size(); ++i) {
        diff = std::max(diff, std::fabs(got[static_cast<size_t>(i)] - want[i].toDouble()));
        scale = std::max(scale, std::fabs(want[i].toDouble()));
    }
    return diff / scale;
}

} // namespace

class TestSe : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void countsMatchPyTorch();
    void timmFilesLoadAndReproduceLogits_data();
    void timmFilesLoadAndReproduceLogits();
    void exportedModelHasThePlansTensors();
    void ratioInferredExactlyFromShapes();

private:
    QTemporaryDir m_dir;
    bool m_havePython = false;
};

void TestSe::initTestCase()
{
    loadEngine().setThreads(2);
    const PythonRun py = runReferenceScript("se_reference.py", {m_dir.path()});
    if (!py.ok) {
        QVERIFY2(py.missingModule(), qPrintable(py.error));
        return;
    }
    m_havePython = true;
}

void TestSe::countsMatchPyTorch()
{
    const ArchSpec spec = preset("seresnext50_32x4d").spec;
    QCOMPARE(spec.seReduction, 16);
    QCOMPARE(describe(spec), std::string("seresnext50_32x4d"));
    // timm's make_divisible(c / 16, 8): 256 -> 16, ..., 2048 -> 128; never below 8.
    QCOMPARE(spec.seChannels(0), 16);
    QCOMPARE(spec.seChannels(3), 128);
    ArchSpec tiny = spec;
    tiny.seReduction = 64;
    QCOMPARE(tiny.seChannels(0), 8);
    std::int64_t seParams = 0;
    for (const LayerInfo &l : planLayers(spec))
        if (l.role == LayerRole::Excite)
            seParams += l.params;
    const Totals t = countTotals(spec);
    if (!m_havePython) {
        QCOMPARE(t.params, std::int64_t(27559896)); // timm's seresnext50_32x4d
        QSKIP("python3-torch is not installed: only the stored parameter count is checked");
    }
    const QJsonObject ref = readJson(m_dir.filePath("counts.json"));
    QCOMPARE(t.params, std::int64_t(ref["params"].toDouble()));
    QCOMPARE(t.macs, std::int64_t(ref["macs"].toDouble()));
    QCOMPARE(seParams, std::int64_t(ref["se_params"].toDouble()));
    const QJsonArray widths = ref["se_widths"].toArray();
    for (int s = 0; s < 4; ++s)
        QCOMPARE(spec.seChannels(s), widths[s].toInt());
}

void TestSe::timmFilesLoadAndReproduceLogits_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("torch.save") << "seresnext26.pth";
    QTest::newRow("safetensors") << "seresnext26.safetensors";
}

void TestSe::timmFilesLoadAndReproduceLogits()
{
    if (!m_havePython)
        QSKIP("python3-torch is not installed");
    QFETCH(QString, file);
    LoadReport report;
    auto m = loadEngine().load(m_dir.filePath(file).toStdString(), {}, &report);
    const ArchSpec &s = m->info().spec;
    QCOMPARE(s.seReduction, 16);
    QCOMPARE(s.cardinality, 32);
    QCOMPARE(s.width, 4);
    QCOMPARE(s.layers, std::vector<int>({2, 2, 2, 2}));
    QVERIFY(report.missing.empty() && report.unexpected.empty() && report.mismatched.empty());
    const QJsonArray want = readJson(m_dir.filePath("seresnext26.json"))["logits"].toArray();
    const RgbImage img = decodeImage(m_dir.filePath("input.png").toStdString());
    const bool fast = m->inferencePath() == InferencePath::Fast;
    m->setInferencePath(InferencePath::Plain);
    const double plain = relativeDiff(m->analyze(img, 5, "layer2.0").logits, want);
    QVERIFY2(plain <= kRelative, qPrintable(QString("plain path: %1 relative").arg(plain)));
    if (!fast)
        return;
    m->setInferencePath(InferencePath::Fast);
    const Analysis a = m->analyze(img, 5, "layer2.0");
    const double rel = relativeDiff(a.logits, want);
    QVERIFY2(rel <= kRelative, qPrintable(QString("fast path: %1 relative").arg(rel)));
    QCOMPARE(a.features.cardinality, 32); // the block's maps come out of the fast path too
}

void TestSe::exportedModelHasThePlansTensors()
{
    if (!m_havePython)
        QSKIP("python3-torch is not installed");
    ArchSpec spec = preset("resnext26_4x32d").spec; // a CIFAR spec: small and quick to build
    spec.seReduction = 8;
    const QString path = m_dir.filePath("model.py");
    std::ofstream(path.toStdString()) << pytorchModelCode(spec);
    QProcess p;
    p.start(qEnvironmentVariable("RESNEXT_PYTHON", "/usr/bin/python3"),
            {"-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import model; "
                   "print(json.dumps({k: list(v.shape) for k, v in model.build_model().state_dict().items()}))",
             m_dir.path()});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QJsonObject got = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    const auto planned = planTensors(spec);
    QCOMPARE(got.size(), static_cast<int>(planned.size()));
    for (const PlannedTensor &t : planned) {
        QVERIFY2(got.contains(QString::fromStdString(t.name)), t.name.c_str());
        const QJsonArray shape = got[QString::fromStdString(t.name)].toArray();
        QCOMPARE(shape.size(), static_cast<int>(t.shape.size()));
        for (int i = 0; i < shape.size(); ++i)
            QCOMPARE(std::int64_t(shape[i].toInt()), t.shape[static_cast<size_t>(i)]);
    }
}

// The SE ratio comes from the shapes exactly: se.fc1's weight is [rd, channels],
// channels the block's output width and rd timm's make_divisible(channels * (1/r),
// 8) in Python's doubles. For 588 channels and r = 49 that is
// max(8, int(588 * (1. / 49) + 4) // 8 * 8) = 8 (python3 prints it), not the 16
// of the exact quotient 12: the file's 8 gives r = 49 back, not 50.
void TestSe::ratioInferredExactlyFromShapes()
{
    const auto recordsOf = [](const ArchSpec &s) {
        std::vector<TensorRecord> records;
        for (const PlannedTensor &t : planTensors(s)) {
            TensorRecord r;
            r.name = t.name; // timm's names: layerX.Y.se.fc1.weight, ...
            r.shape = t.shape;
            records.push_back(r);
        }
        return records;
    };
    ArchSpec odd = preset("resnext26_4x32d").spec;
    odd.layers = {1};
    odd.planes = {147};
    odd.cardinality = 1;
    odd.width = 64;
    odd.seReduction = 49;
    QVERIFY2(validationError(odd).empty(), validationError(odd).c_str());
    QCOMPARE(odd.stageOutChannels(0), 588);
    QCOMPARE(odd.seChannels(0), 8);
    ArchSpec inferred = inferSpec(recordsOf(odd), "odd");
    QCOMPARE(inferred.seReduction, 49); // the smallest r that gives 8; 16 gives 40
    QVERIFY(inferred == odd);
    // Every r in the range that fits builds the same tensors; timm's 16 when it fits.
    const ArchSpec se50 = preset("seresnext50_32x4d").spec;
    QCOMPARE(inferSpec(recordsOf(se50), "se50").seReduction, 16);
    ArchSpec r15 = se50;
    r15.seReduction = 15; // 256/15 + 4 = 21.07 -> 16, 512 -> 32, 1024 -> 72: not 16's widths
    QCOMPARE(inferSpec(recordsOf(r15), "r15").seReduction, 15);
    // Widths no ratio gives, and an fc1 that does not take the block's channels.
    std::vector<TensorRecord> bad = recordsOf(se50);
    for (TensorRecord &r : bad)
        if (r.name == "layer1.0.se.fc1.weight")
            r.shape[0] = 24; // layer1 then wants r in 10..12, layer4's 128 wants 16
    try {
        inferSpec(bad, "bad.pth");
        QFAIL("widths no ratio gives were accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("bad.pth: cannot infer the architecture: the squeeze-and-excitation "
                                            "widths [24,32,64,128] are not timm's make_divisible(channels / r, "
                                            "8) for any ratio r up to 1024"));
    }
    bad = recordsOf(se50);
    for (TensorRecord &r : bad)
        if (r.name == "layer2.0.se.fc1.weight")
            r.shape[1] = 256;
    try {
        inferSpec(bad, "bad.pth");
        QFAIL("an fc1 with the wrong input width was accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("bad.pth: cannot infer the architecture: 'layer2.0.se.fc1.weight' has "
                                            "shape [32,256,1,1]: its input should be the block's 512 channels"));
    }
}

QTEST_APPLESS_MAIN(TestSe)
#include "test_se.moc"
