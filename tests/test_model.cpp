// The LibTorch model against the analytic accounting, and the equivalence of
// the paper's three block forms.
#include "resnext/accounting.h"
#include "resnext/error.h"
#include "resnext/model.h"
#include "test_util.h"
#include "tolerance.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <map>
#include <random>

using namespace resnext;

class TestModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void presetsParamsEqualModel();
    void perLayerParamsMatchByName();
    void randomSweep();
    void formsAreEquivalent_data();
    void formsAreEquivalent();
    void formNames();
    void copyRejectsMismatch();
    void badSpecDoesNotBuild();
};

void TestModel::initTestCase()
{
    torch::manual_seed(0);
    at::set_num_threads(2);
}

void TestModel::presetsParamsEqualModel()
{
    for (const auto &p : presets()) {
        if (p.name == "wide_resnet101_2" || p.name == "resnet152" || p.name == "resnext101_32x8d")
            continue; // the biggest three are covered by per-layer checks in the torchvision test
        ResNet m = buildModel(p.spec);
        QCOMPARE(parameterCount(*m), countTotals(p.spec).params);
    }
}

void TestModel::perLayerParamsMatchByName()
{
    const ArchSpec spec = preset("resnext50_32x4d").spec;
    ResNet m = buildModel(spec);
    std::map<std::string, std::int64_t> byModule;
    for (const auto &p : m->named_parameters(true)) {
        const std::string key = p.key().substr(0, p.key().rfind('.'));
        byModule[key] += p.value().numel();
    }
    const Summary s = summarize(spec);
    std::size_t withParams = 0;
    for (const auto &l : s.layers) {
        if (l.params == 0)
            continue;
        ++withParams;
        QVERIFY2(byModule.count(l.name), l.name.c_str());
        QCOMPARE(byModule[l.name], l.params);
    }
    QCOMPARE(withParams, byModule.size());
}

// At least 200 seeded random specs: both stems, all forms, both block kinds,
// odd input sizes. Analytic totals and shapes must equal the built model's.
void TestModel::randomSweep()
{
    torch::NoGradGuard guard;
    std::mt19937 rng(20170517);
    const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    int built = 0;
    for (int i = 0; i < 220; ++i) {
        ArchSpec s;
        s.stem = pick(0, 1) ? Stem::Cifar : Stem::ImageNet;
        s.block = pick(0, 3) == 0 ? BlockKind::Basic : BlockKind::Bottleneck;
        s.layers.assign(pick(1, 4), 1);
        for (int &n : s.layers)
            n = pick(1, 2);
        const int base = 4 * pick(1, 4); // small planes keep the sweep fast
        s.planes.clear();
        for (int k = 0; k < s.numStages(); ++k)
            s.planes.push_back(base << k);
        s.form = static_cast<BlockForm>(pick(0, 2));
        if (s.block == BlockKind::Bottleneck) {
            s.cardinality = 1 << pick(0, 3);
            s.width = 16 * pick(1, 8); // base*d must be a multiple of 64
            s.expansion = pick(1, 4);
        }
        s.stemChannels = 4 * pick(1, 4);
        s.inChannels = pick(1, 3);
        s.inputSize = pick(5, 70) | 1; // odd sizes
        s.numClasses = pick(2, 17);
        if (!validationError(s).empty())
            continue;
        ++built;
        const Summary sum = summarize(s);
        ResNet m = buildModel(s);
        m->eval();
        QCOMPARE(parameterCount(*m), sum.params);
        const auto outs = m->forwardStages(torch::randn({2, s.inChannels, s.inputSize, s.inputSize}));
        QCOMPARE(int(outs.size()), s.numStages() + 2);
        // Each stage's last layer in the analytic list has that stage's output shape.
        for (int st = 0; st <= s.numStages(); ++st) {
            const LayerInfo *last = nullptr;
            for (const auto &l : sum.layers)
                if (l.stage == st && l.kind != LayerKind::ReLU)
                    last = &l;
            QVERIFY(last);
            const auto &t = outs[st];
            const QString where = QString("spec %1 stage %2").arg(i).arg(st);
            QVERIFY2(t.size(1) == last->channels && t.size(2) == last->height && t.size(3) == last->width,
                     qPrintable(where));
        }
        QCOMPARE(outs.back().size(1), int64_t(s.numClasses));
    }
    QVERIFY2(built >= 200, qPrintable(QString("only %1 valid specs").arg(built)));
}

void TestModel::formsAreEquivalent_data()
{
    QTest::addColumn<int>("form");
    QTest::addColumn<QString>("preset");
    QTest::newRow("a, resnext26_8x16d") << 0 << "resnext26_8x16d";
    QTest::newRow("b, resnext26_8x16d") << 1 << "resnext26_8x16d";
    QTest::newRow("a, resnext26_32x4d") << 0 << "resnext26_32x4d";
    QTest::newRow("b, resnext26_64x2d") << 1 << "resnext26_64x2d";
}

void TestModel::formsAreEquivalent()
{
    QFETCH(int, form);
    QFETCH(QString, preset);
    torch::NoGradGuard guard;
    ArchSpec spec = resnext::preset(preset.toStdString()).spec;
    spec.inputSize = 16;
    ResNet c = buildModel(spec);
    // Non-trivial BN statistics and affine parameters so that slicing errors show.
    for (auto &m : c->modules(false))
        if (auto *bn = m->as<torch::nn::BatchNorm2dImpl>()) {
            bn->running_mean.uniform_(-0.5, 0.5);
            bn->running_var.uniform_(0.5, 1.5);
            bn->weight.uniform_(0.5, 1.5);
            bn->bias.uniform_(-0.2, 0.2);
        }
    c->eval();
    ArchSpec other = spec;
    other.form = static_cast<BlockForm>(form);
    ResNet o = buildModel(other);
    copyFromFormC(c, o);
    o->eval();
    const auto x = torch::randn({2, 3, 16, 16});
    const auto yc = c->forward(x);
    const auto yo = o->forward(x);
    // FP32 by another road: relative to the largest output (tests/tolerance.h).
    const double diff = ((yc - yo).abs().max() / yc.abs().max()).item<double>();
    QVERIFY2(diff <= tolerance::kFp32, qPrintable(QString("max relative diff %1").arg(diff)));
    QVERIFY(yc.abs().max().item<double>() > 1e-3); // not trivially zero
    QCOMPARE(parameterCount(*o), parameterCount(*c));
    // The grouped-conv output equals the concatenated path outputs.
    torch::Tensor tc, to;
    auto blockC = c->stage(1)->ptr<BlockImpl>(0);
    auto blockO = o->stage(1)->ptr<BlockImpl>(0);
    const auto in = torch::randn({1, spec.stageOutChannels(0), 8, 8});
    blockC->forwardTapped(in, [&](torch::Tensor &t, const TapSite &) { tc = t; }, {});
    blockO->forwardTapped(in, [&](torch::Tensor &t, const TapSite &) { to = t; }, {});
    QVERIFY(((tc - to).abs().max() / tc.abs().max()).item<double>() <= tolerance::kFp32);
}

void TestModel::formNames()
{
    ArchSpec s = preset("resnext26_4x32d").spec;
    s.form = BlockForm::A;
    ResNet a = buildModel(s);
    std::set<std::string> names;
    for (const auto &p : a->named_parameters(true))
        names.insert(p.key());
    QVERIFY(names.count("layer1.0.paths.3.conv1.weight"));
    QVERIFY(names.count("layer1.0.paths.3.conv3.weight"));
    QVERIFY(!names.count("layer1.0.conv3.weight"));
    QVERIFY(names.count("layer1.0.bn3.weight"));
    s.form = BlockForm::B;
    ResNet b = buildModel(s);
    names.clear();
    for (const auto &p : b->named_parameters(true))
        names.insert(p.key());
    QVERIFY(names.count("layer1.0.paths.0.conv2.weight"));
    QVERIFY(!names.count("layer1.0.paths.0.conv3.weight"));
    QVERIFY(names.count("layer1.0.conv3.weight"));
    QVERIFY(names.count("layer1.0.downsample.0.weight"));
}

void TestModel::copyRejectsMismatch()
{
    ResNet src = buildModel(preset("resnext26_2x64d").spec);
    ResNet dst = buildModel(preset("resnext26_4x32d").spec);
    try {
        copyFromFormC(src, dst);
        QFAIL("no throw");
    } catch (const Error &e) {
        QVERIFY(QString(e.what()).startsWith("copy: source and target specs differ"));
    }
}

void TestModel::badSpecDoesNotBuild()
{
    ArchSpec s;
    s.cardinality = 0;
    QCOMPARE(testutil::errorOf<SpecError>([&] { buildModel(s); }),
             QString("cardinality: must be between 1 and 1024 (got 0)"));
}

QTEST_APPLESS_MAIN(TestModel)
#include "test_model.moc"
