// The LibTorch engine, loaded the way the app loads it (loadEngine): weights
// from torchvision reproduce PyTorch's logits and grouped activations, the
// architecture is inferred from the shapes, F16/BF16 load, partial and
// mismatching files are refused by name, features, Grad-CAM, bench, training.
#include "resnext/checkpoint.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/featureview.h"
#include "resnext/safetensors.h"

#include "tolerance.h"
#include "test_util.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstring>

using namespace resnext;
using testutil::noiseImage;
using testutil::floatsOf;
using testutil::PythonRun;
using testutil::runReferenceScript;
using tolerance::relDiff;

namespace {

// The fast path against the plain one on one image: logits, and the block's
// input, grouped maps and output. Leaves the model on the fast path.
void compareFastWithPlain(Model &m, const RgbImage &img, const std::string &block,
                          double tolerance = tolerance::kFp32)
{
    m.setInferencePath(InferencePath::Plain);
    const Analysis plain = m.analyze(img, 5, block);
    m.setInferencePath(InferencePath::Fast);
    QVERIFY(m.inferencePath() == InferencePath::Fast);
    const Analysis fast = m.analyze(img, 5, block);
    const auto check = [&](const char *what, const std::vector<float> &a, const std::vector<float> &b) {
        const double d = relDiff(a, b);
        qInfo("%s %s: fast vs plain %.3g (relative)", block.c_str(), what, d);
        QVERIFY2(d <= tolerance, qPrintable(QString("%1 %2: fast differs from plain by %3 (relative)")
                                                .arg(QString::fromStdString(block), what)
                                                .arg(d)));
    };
    check("logits", fast.logits, plain.logits);
    check("block input", fast.features.input, plain.features.input);
    check("grouped maps", fast.features.grouped, plain.features.grouped);
    check("block output", fast.features.output, plain.features.output);
    QCOMPARE(fast.features.cardinality, plain.features.cardinality);
    QCOMPARE(fast.features.groupWidth, plain.features.groupWidth);
    QCOMPARE(fast.top.front().index, plain.top.front().index);
}

using testutil::builtinFamilyInfo;

// A built-in family model made with `seed`, saved to `path` and read back.
SafetensorsFile savedBuiltinFamily(int seed, const std::string &path)
{
    loadEngine().create(builtinFamilyInfo(), seed)->save(path);
    return SafetensorsFile::read(path);
}

} // namespace

class TestEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void torchvisionReproduced_data();
    void torchvisionReproduced();
    void halfPrecisionWeights();
    void mismatchRefusedByName();
    void partialLoadOnRequest();
    void badWeightFiles();
    void checkpointRoundTrip();
    void formAGroupsArePaths();
    void gradCamAndRendering();
    void benchAndErrors();
    void shortTrainingBeatsChance();
    void trainingIsRepeatableAndCancellable();
    void builtinModelLoads();
    void cancelledBenchRestoresLayout();
    void fastPathMatchesPlain();
    void fastPathErrorsAndCancel();
    void isaDecidesBf16();

private:
    QTemporaryDir m_dir;
    QString m_refDir; // the torchvision references (read only: shared with the AVX2 run)
    bool m_havePython = false;
};

void TestEngine::initTestCase()
{
    Engine &e = loadEngine();
    QVERIFY(e.deviceInfo().threads >= 1);
    // The references come from Debian's python3-torchvision (installed by the README's test command).
    // Under ctest a fixture writes them once for this test and its AVX2 run (RESNEXT_TORCHVISION_REFS);
    // run alone, or when the fixture could not write them, this test writes its own.
    const QString shared = qEnvironmentVariable("RESNEXT_TORCHVISION_REFS");
    if (!shared.isEmpty() && QFile::exists(shared + "/resnext50_32x4d-reference.safetensors") &&
        QFile::exists(shared + "/resnet50-reference.safetensors")) {
        m_refDir = shared;
        m_havePython = true;
        return;
    }
    m_refDir = m_dir.path();
    const PythonRun py = runReferenceScript("torchvision_reference.py", {m_refDir, "resnext50_32x4d", "resnet50"});
    if (!py.ok) {
        QVERIFY2(py.missingModule(), qPrintable(py.error));
        return;
    }
    m_havePython = true;
}

void TestEngine::torchvisionReproduced_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("cardinality");
    QTest::addColumn<int>("width");
    QTest::newRow("resnext50_32x4d") << "resnext50_32x4d" << 32 << 4;
    QTest::newRow("resnet50") << "resnet50" << 1 << 64;
}

void TestEngine::torchvisionReproduced()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed; the README's test command installs it");
    QFETCH(QString, name);
    QFETCH(int, cardinality);
    QFETCH(int, width);
    const std::string base = QDir(m_refDir).filePath(name).toStdString();
    // The architecture comes from the shapes alone.
    const ArchSpec inferred = inferSpec(SafetensorsFile::read(base + ".safetensors"));
    QCOMPARE(inferred.cardinality, cardinality);
    QCOMPARE(inferred.width, width);
    QVERIFY(inferred == preset(name.toStdString()).spec);

    auto model = loadEngine().load(base + ".safetensors");
    QCOMPARE(model->info().labels.size(), size_t(1000));
    QCOMPARE(model->info().labels[0], std::string("tench"));
    // The plain LibTorch path against PyTorch (tolerance.h: relative to the largest value); the fast path below.
    const bool fast = model->inferencePath() == InferencePath::Fast;
    model->setInferencePath(InferencePath::Plain);
    const Analysis a = model->analyze(decodeImage(base + ".png"), 5, "layer2.0");
    const SafetensorsFile ref = SafetensorsFile::read(base + "-reference.safetensors");
    const double logitDiff = relDiff(a.logits, floatsOf(ref, "logits"));
    qInfo("plain path vs PyTorch: logits %.3g, layer2.0 grouped maps %.3g (relative)", logitDiff,
          relDiff(a.features.grouped, floatsOf(ref, "grouped")));
    QVERIFY2(logitDiff <= tolerance::kFp32, qPrintable(QString("logits differ by %1 (relative)").arg(logitDiff)));
    const double actDiff = relDiff(a.features.grouped, floatsOf(ref, "grouped"));
    QVERIFY2(actDiff <= tolerance::kFp32,
             qPrintable(QString("layer2.0 grouped activations differ by %1 (relative)").arg(actDiff)));
    QCOMPARE(a.features.cardinality, cardinality);
    QCOMPARE(a.features.groupWidth, 128 * width / 64);
    QCOMPARE(a.features.height, 28);
    QCOMPARE(int(a.features.groupEnergy.size()), cardinality);
    if (!loadEngine().deviceInfo().fastPath)
        QSKIP("this build has no oneDNN fast path");
    // Issue 11: the fast path (the default after a load) equals PyTorch and the
    // plain path (tolerance.h) on real weights, for the logits and every captured map.
    QVERIFY(fast);
    const RgbImage img = decodeImage(base + ".png");
    model->setInferencePath(InferencePath::Fast);
    const Analysis f = model->analyze(img, 5, "layer2.0");
    QVERIFY2(relDiff(f.logits, floatsOf(ref, "logits")) <= tolerance::kFp32,
             qPrintable(QString("fast logits differ from PyTorch's by %1 (relative)").arg(relDiff(f.logits, floatsOf(ref, "logits")))));
    QVERIFY(relDiff(f.features.grouped, floatsOf(ref, "grouped")) <= tolerance::kFp32);
    for (const char *block : {"layer1.0", "layer2.0", "layer3.5", "layer4.2"})
        compareFastWithPlain(*model, img, block);
    // Which kernels were compared: resnet50's 13 dense 3x3 convolutions at stride 1 run on
    // oneDNN's Winograd kernels where it has them (AVX-512; not when held to AVX2), resnext50's
    // grouped ones never do.
    BenchOptions once;
    once.runs = 1;
    const int winograd = model->bench(once).winograd;
    const QString isa = qEnvironmentVariable("ONEDNN_MAX_CPU_ISA").toUpper();
    const bool avx512 = __builtin_cpu_supports("avx512bw") && (isa.isEmpty() || isa.startsWith("AVX512") || isa == "ALL");
    qInfo("dense 3x3 convolutions on Winograd: %d", winograd);
    QCOMPARE(winograd, name == "resnet50" && avx512 && qEnvironmentVariable("RESNEXT_WINOGRAD") != "0" ? 13 : 0);
    model->setInferencePath(InferencePath::Fast);
    if (loadEngine().deviceInfo().bf16) {
        // BF16 keeps about 3 significant digits: it reports its own agreement, here the top class.
        model->setInferencePath(InferencePath::FastBf16);
        const Analysis b = model->analyze(img, 5, "layer2.0");
        QCOMPARE(b.top.front().index, a.top.front().index);
        QVERIFY2(relDiff(b.logits, a.logits) < 0.1, qPrintable(QString("bf16 logits off by %1").arg(relDiff(b.logits, a.logits))));
    }
}

void TestEngine::halfPrecisionWeights()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    const std::string base = QDir(m_refDir).filePath("resnext50_32x4d").toStdString();
    const RgbImage img = decodeImage(base + ".png");
    const std::vector<float> ref = floatsOf(SafetensorsFile::read(base + "-reference.safetensors"), "logits");
    for (const char *tag : {"-f16", "-bf16"}) {
        LoadReport report;
        auto m = loadEngine().load(base + tag + ".safetensors", {}, &report);
        QVERIFY(std::find(report.dtypes.begin(), report.dtypes.end(), std::string(tag == std::string("-f16") ? "F16" : "BF16")) !=
                report.dtypes.end());
        const Analysis a = m->analyze(img, 1, "");
        // Rounded weights: the same function up to the precision of the format (F16
        // keeps 11 bits, BF16 8: ~5e-4 and ~4e-3 per weight; measured 7e-4 and 6e-3 of the
        // largest logit on resnext50_32x4d, so 4x that).
        qInfo("%s weights: logits %.3g from FP32's (relative)", tag, relDiff(a.logits, ref));
        QVERIFY2(relDiff(a.logits, ref) < (tag == std::string("-f16") ? 3e-3 : 2.5e-2), qPrintable(QString("%1: %2").arg(tag).arg(relDiff(a.logits, ref))));
        QCOMPARE(a.top[0].index, int(std::max_element(ref.begin(), ref.end()) - ref.begin()));
    }
}

void TestEngine::mismatchRefusedByName()
{
    // A checkpoint whose spec says 8x16d but whose fc has the wrong shape.
    const SafetensorsFile f = savedBuiltinFamily(1, m_dir.filePath("small.safetensors").toStdString());
    std::vector<TensorToWrite> tensors;
    std::vector<std::vector<float>> keep;
    for (const auto &t : f.tensors()) {
        if (t.name == "layer1.0.conv1.weight")
            continue; // missing
        TensorToWrite w{t.name, t.dtype, t.shape, f.data(t)};
        if (t.name == "fc.bias") {
            keep.emplace_back(7, 0.0f);
            w.shape = {7};
            w.data = keep.back().data();
        }
        tensors.push_back(w);
    }
    keep.emplace_back(3, 1.0f);
    tensors.push_back({"extra.weight", DType::F32, {3}, keep.back().data()});
    const std::string bad = m_dir.filePath("bad.safetensors").toStdString();
    writeSafetensors(bad, tensors, f.metadata());
    try {
        loadEngine().load(bad);
        QFAIL("a mismatching checkpoint was accepted");
    } catch (const WeightsMismatch &e) { // typed: each front end adds its own way to load anyway
        const QString msg = e.what();
        QVERIFY2(msg.startsWith(QString::fromStdString(bad) + ": does not match resnext20_8x16d"), qPrintable(msg));
        QVERIFY(msg.contains("1 missing (layer1.0.conv1.weight)"));
        QVERIFY(msg.contains("1 unexpected (extra.weight)"));
        QVERIFY(msg.contains("1 of the wrong shape (fc.bias: file [7] vs model [10])"));
        QVERIFY(!msg.contains("--allow-partial")); // the CLI's words, not the engine's
        QVERIFY(!msg.contains('\n'));
    }
}

void TestEngine::partialLoadOnRequest()
{
    const std::string path = m_dir.filePath("partial.safetensors").toStdString();
    const SafetensorsFile f = savedBuiltinFamily(2, path);
    std::vector<TensorToWrite> tensors;
    for (const auto &t : f.tensors())
        if (t.name != "fc.weight")
            tensors.push_back({t.name, t.dtype, t.shape, f.data(t)});
    writeSafetensors(path, tensors, f.metadata());
    LoadOptions o;
    o.allowPartial = true;
    LoadReport r;
    auto m = loadEngine().load(path, o, &r);
    QCOMPARE(r.missing, std::vector<std::string>{"fc.weight"});
    QVERIFY(r.unexpected.empty());
    QVERIFY(r.loaded > 50);
}

void TestEngine::badWeightFiles()
{
    const auto expect = [&](const QByteArray &bytes, const QString &suffix) {
        const QString path = m_dir.filePath("broken.safetensors");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();
        try {
            loadEngine().load(path.toStdString());
            QFAIL("accepted a broken file");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).startsWith(path + ": "), e.what());
            QVERIFY2(QString(e.what()).contains(suffix), e.what());
        }
    };
    expect(QByteArray(), "too short");
    QByteArray header("{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
    QByteArray len(8, 0);
    len[0] = static_cast<char>(header.size());
    expect(len + header + QByteArray(4, 0), "out of range");
    // A well-formed file that is not a ResNet.
    expect(len + header + QByteArray(8, 0), "cannot infer the architecture: no tensor 'conv1.weight'");
}

void TestEngine::checkpointRoundTrip()
{
    auto model = loadEngine().create(builtinFamilyInfo(), 3);
    const std::string path = m_dir.filePath("roundtrip.safetensors").toStdString();
    model->save(path);
    auto again = loadEngine().load(path);
    QVERIFY(again->info().spec == model->info().spec);
    QVERIFY(again->info().preprocessing == model->info().preprocessing);
    QCOMPARE(again->info().labels, model->info().labels);
    const RgbImage img = noiseImage(28, 28, 5);
    const Analysis a = model->analyze(img, 3, "layer3.1");
    const Analysis b = again->analyze(img, 3, "layer3.1");
    QCOMPARE(a.logits, b.logits); // identical outputs
    QCOMPARE(a.features.grouped, b.features.grouped);
}

void TestEngine::formAGroupsArePaths()
{
    // The teaching point of the feature view: in form (a) the C paths' outputs
    // are exactly the C groups of form (c)'s grouped convolution.
    auto c = loadEngine().create(builtinFamilyInfo(), 4);
    const std::string path = m_dir.filePath("formc.safetensors").toStdString();
    c->save(path);
    const RgbImage img = noiseImage(28, 28, 6);
    const Analysis ac = c->analyze(img, 1, "layer2.1");
    QCOMPARE(ac.features.cardinality, 8);
    QCOMPARE(ac.features.groupWidth, 8); // planes 32 * d 16 / 64
    QCOMPARE(ac.features.height, 14);
    for (BlockForm form : {BlockForm::A, BlockForm::B}) {
        LoadOptions o;
        o.form = form;
        auto other = loadEngine().load(path, o);
        QVERIFY(other->info().spec.form == form);
        const Analysis ao = other->analyze(img, 1, "layer2.1");
        QVERIFY(relDiff(ao.features.grouped, ac.features.grouped) <= tolerance::kFp32); // path i == group i
        QVERIFY(relDiff(ao.logits, ac.logits) <= tolerance::kFp32);
        QVERIFY(ao.features.form == form);
        if (loadEngine().deviceInfo().fastPath) // the fast path of forms (a)/(b) shows the same tiles as their modules
            compareFastWithPlain(*other, img, "layer2.1");
    }
    try {
        c->analyze(img, 1, "layer9.0");
        QFAIL("unknown block accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("block: 'layer9.0' does not exist; this model has layer1.0 to layer3.1"));
    }
    try {
        c->analyze(img, 1, "conv1");
        QFAIL("bad block name accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("block: 'conv1' is not a block name like layer2.0"));
    }
}

void TestEngine::gradCamAndRendering()
{
    auto m = loadEngine().create(builtinFamilyInfo(), 7);
    const RgbImage img = noiseImage(40, 30, 8); // resized to 28x28 by the preprocessing
    const GradCam cam = m->gradCam(img, -1, 3);
    QCOMPARE(cam.width, 28);
    QCOMPARE(int(cam.heat.size()), 28 * 28);
    const auto [lo, hi] = std::minmax_element(cam.heat.begin(), cam.heat.end());
    QVERIFY(*lo >= 0.0f && *hi <= 1.0f);
    const Analysis a = m->analyze(img, 3, "layer1.0");
    QCOMPARE(a.shown.width, 28);
    const RgbImage grid = renderGroups(a.features, Colormap::Viridis, Normalization::Group);
    const GridGeometry g = gridGeometry(8, 4, 28, 28);
    QCOMPARE(grid.width, g.width);
    QCOMPARE(g.tileAt(g.tileX(5) + 1, g.tileY(5) + 1), 5);
    QCOMPARE(overlayHeat(a.shown, cam.heat, cam.width, cam.height).width, 28);
    QVERIFY(energyCsv(a.features).rfind("group,energy,share\n0,", 0) == 0);
    try {
        m->gradCam(img, -1, 4);
        QFAIL("stage 4 of a 3-stage model accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("grad-cam: stage must be between 1 and 3 (got 4)"));
    }
}

void TestEngine::benchAndErrors()
{
    auto m = loadEngine().create(builtinFamilyInfo(), 0);
    BenchOptions o;
    o.runs = 3;
    const BenchResult r = m->bench(o);
    QCOMPARE(int(r.timesMs.size()), 3);
    QVERIFY(r.medianMs > 0 && r.imagesPerSecond > 0);
    o.batch = 0;
    try {
        m->bench(o);
        QFAIL("batch 0 accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("batch: must be between 1 and 4096 (got 0)"));
    }
    o.batch = 1;
    o.half = true;
    try {
        m->bench(o);
        QFAIL("fp16 on cpu accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("half: FP16 inference needs --device cuda"));
    }
    std::atomic<bool> cancel{true};
    o.half = false;
    QVERIFY_THROWS_EXCEPTION(Cancelled, m->bench(o, &cancel));
    QVERIFY_THROWS_EXCEPTION(Cancelled, m->analyze(noiseImage(28, 28, 1), 1, "", &cancel));
    if (!loadEngine().deviceInfo().cudaAvailable) {
        try {
            loadEngine().create(builtinFamilyInfo(), 0, "cuda");
            QFAIL("cuda accepted without CUDA");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).startsWith("device: CUDA is not available"));
        }
    }
}

void TestEngine::shortTrainingBeatsChance()
{
    // 3000 Fashion-MNIST images, 2 epochs: far above the 10% of chance. Where it
    // lands depends on the seed and on the order of every FP32 sum (oneDNN's ISA,
    // the fused BatchNorm's variant): seeds 0-5 with oneDNN on AVX-512 and on AVX2
    // reached 0.53 to 0.67 on 1,000 test images (0.56 for seed 0 on AVX2), so the
    // bar is 4x chance, below all of them, not a figure inside that spread.
    const DataSplit d = loadData("fashion-mnist", 28, 1, 0.1, 0);
    TrainOptions o;
    o.spec = fashionMnistSpec();
    o.epochs = 2;
    o.limitTrain = 3000;
    std::vector<TrainProgress> seen;
    TrainResult r = loadEngine().train(o, d.train, firstPerClass(d.validation, 50), d.classNames,
                                       [&](const TrainProgress &p) {
                                           seen.push_back(p);
                                           return true;
                                       });
    QCOMPARE(int(r.epochs.size()), 2);
    QVERIFY(!seen.empty() && seen.front().loss > 0);
    const EvalResult test = r.model->evaluate(firstPerClass(d.test, 100));
    QVERIFY2(test.accuracy() > 0.4, qPrintable(QString("accuracy %1").arg(test.accuracy())));
    QCOMPARE(test.count, size_t(1000));
    // Checkpoint round trip of a trained model: identical outputs, labels and preprocessing.
    const std::string path = m_dir.filePath("trained.safetensors").toStdString();
    r.model->save(path);
    auto again = loadEngine().load(path);
    QCOMPARE(again->info().labels[9], std::string("Ankle boot"));
    QCOMPARE(again->evaluate(firstPerClass(d.test, 20)).correct, r.model->evaluate(firstPerClass(d.test, 20)).correct);
}

void TestEngine::trainingIsRepeatableAndCancellable()
{
    const ImageSet all = loadFashionMnist(false);
    const ImageSet small = firstPerClass(all, 30);
    TrainOptions o;
    o.spec = fashionMnistSpec();
    o.epochs = 1;
    o.batch = 50;
    o.seed = 11;
    const auto run = [&] {
        std::vector<double> losses;
        loadEngine().train(o, small, {}, all.classNames, [&](const TrainProgress &p) {
            losses.push_back(p.loss);
            return true;
        });
        return losses;
    };
    loadEngine().setThreads(1); // same thread count, same arithmetic
    const auto a = run();
    const auto b = run();
    loadEngine().setThreads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    QCOMPARE(a, b);
    int calls = 0;
    QVERIFY_THROWS_EXCEPTION(Cancelled, loadEngine().train(o, small, {}, all.classNames, [&](const TrainProgress &) {
        return ++calls < 2;
    }));
    QCOMPARE(calls, 2);
    o.spec.inputSize = 32;
    try {
        loadEngine().train(o, small, {}, all.classNames, {});
        QFAIL("wrong input size accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("input: the data is 28x28 but the model's input is 32; use --input 28"));
    }
}

void TestEngine::builtinModelLoads()
{
    std::unique_ptr<Model> m;
    try {
        m = loadEngine().loadBuiltin();
    } catch (const Error &e) {
        QFAIL(e.what()); // the repository ships the model; a build without it is a broken build
    }
    QCOMPARE(m->info().labels[0], std::string("T-shirt/top"));
    // Its accuracy against the README's figure is checked through the `evaluate` command (test_cli).
    QCOMPARE(m->info().spec.numClasses, 10);
    QVERIFY(m->info().spec == fashionMnistSpec()); // trained by `train --data fashion-mnist` with the default spec
    const Preprocessing &p = m->info().preprocessing;
    QVERIFY(p.kind == PreprocessKind::Small && p.size == 28 && p.channels == 1);
    QVERIFY(std::fabs(p.mean[0] - 0.286f) < 0.001f && std::fabs(p.std[0] - 0.353f) < 0.001f); // Fashion-MNIST's own
}

void TestEngine::cancelledBenchRestoresLayout()
{
    // bench --channels-last converts the shared model's weights for the run; a
    // cancelled run used to leave them in channels-last for every later job.
    auto m = loadEngine().create(builtinFamilyInfo(), 1);
    QVERIFY(!m->channelsLast());
    BenchOptions o;
    o.channelsLast = true;
    o.warmup = 1;
    o.runs = 5;
    std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(Cancelled, m->bench(o, &cancel));
    QVERIFY(!m->channelsLast());
    cancel = false;
    const BenchResult r = m->bench(o, &cancel);
    QCOMPARE(r.timesMs.size(), size_t(5));
    QVERIFY(!m->channelsLast());
}

void TestEngine::fastPathMatchesPlain()
{
    if (!loadEngine().deviceInfo().fastPath)
        QSKIP("this build has no oneDNN fast path");
    // The built-in model: real BatchNorm statistics to fold, the CIFAR stem, 28x28 grey input.
    auto builtin = loadEngine().loadBuiltin();
    QVERIFY(builtin->inferencePath() == InferencePath::Fast);
    QVERIFY(builtin->preparationMs() > 0); // prepared at load, not at the first image
    for (const char *block : {"layer1.0", "layer2.0", "layer3.1"})
        compareFastWithPlain(*builtin, noiseImage(28, 28, 3), block);
    // Basic blocks (ResNet-18 shape, identity and downsample blocks), an odd input size,
    // and a bottleneck of one group; random weights.
    ArchSpec twoGroups = preset("resnext50_32x4d").spec;
    twoGroups.layers = {2, 2, 2, 2};
    twoGroups.cardinality = 2;
    twoGroups.width = 40;
    for (ArchSpec spec : {preset("resnet18").spec, twoGroups}) {
        ModelInfo info;
        spec.inputSize = 67;
        info.spec = spec;
        info.preprocessing = defaultPreprocessing(spec);
        auto m = loadEngine().create(info, 3);
        for (const char *block : {"layer1.0", "layer2.0", "layer2.1", "layer4.1"})
            compareFastWithPlain(*m, noiseImage(80, 70, 5), block);
    }
}

void TestEngine::fastPathErrorsAndCancel()
{
    if (!loadEngine().deviceInfo().fastPath)
        QSKIP("this build has no oneDNN fast path");
    auto m = loadEngine().create(builtinFamilyInfo(), 2);
    std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(Cancelled, m->analyze(noiseImage(28, 28, 1), 1, "layer2.0", &cancel));
    cancel = false;
    const Analysis a = m->analyze(noiseImage(28, 28, 1), 1, "layer2.0", &cancel); // still usable
    QCOMPARE(a.features.block, std::string("layer2.0"));
    BenchOptions o;
    o.runs = 2;
    o.batch = 3; // another batch size: primitives made on first use
    QCOMPARE(m->bench(o).path, std::string("fast"));
    m->setInferencePath(InferencePath::Plain);
    QCOMPARE(m->bench(o).path, std::string("plain"));
    if (!loadEngine().deviceInfo().bf16) {
        try {
            m->setInferencePath(InferencePath::FastBf16);
            QFAIL("bf16 accepted on a CPU without it");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).startsWith("bf16: this CPU has no native BF16"));
            QVERIFY(m->inferencePath() == InferencePath::Plain); // unchanged
        }
    }
}

// Each kind of CPU tests its own branch: BF16 is offered exactly when the CPU
// has AVX-512 BF16 and oneDNN may use it. ctest runs the fast-path functions of
// this file a second time with ONEDNN_MAX_CPU_ISA=AVX2 (test_engine_avx2), so an
// AVX-512 machine also covers the AVX2 branch (BF16 refused by name, FP32 kernels).
void TestEngine::isaDecidesBf16()
{
    const DeviceInfo d = loadEngine().deviceInfo();
    if (!d.fastPath)
        QSKIP("this build has no oneDNN fast path");
    QFile cpuinfo("/proc/cpuinfo");
    QVERIFY(cpuinfo.open(QIODevice::ReadOnly));
    const bool cpuHasBf16 = cpuinfo.readAll().contains(" avx512_bf16");
    const QString cap = qEnvironmentVariable("ONEDNN_MAX_CPU_ISA").toUpper();
    const bool capped = !cap.isEmpty() && !cap.startsWith("AVX512_CORE_BF16") && !cap.startsWith("AVX512_CORE_AMX") &&
                        cap != "ALL";
    qInfo("CPU %s AVX-512 BF16; ONEDNN_MAX_CPU_ISA=%s; engine offers BF16: %s", cpuHasBf16 ? "has" : "lacks",
          cap.isEmpty() ? "(unset)" : qPrintable(cap), d.bf16 ? "yes" : "no");
    QCOMPARE(d.bf16, cpuHasBf16 && !capped);
}

QTEST_APPLESS_MAIN(TestEngine)
#include "test_engine.moc"
