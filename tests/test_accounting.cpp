// Analytic accounting against torchvision's published figures, the paper's
// Table 2 and internal consistency. No model is built here.
#include "resnext/accounting.h"
#include "resnext/error.h"
#include "resnext/report.h"
#include "test_util.h"

#include <QtTest/QtTest>

using namespace resnext;

class TestAccounting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void torchvisionTotals_data();
    void torchvisionTotals();
    void table2Pairs_data();
    void table2Pairs();
    void matchByMacs();
    void stagesAddUp();
    void countAllAddsElementwise();
    void formsCountTheSame();
    void cifarPresets();
    void layerNamesFollowTorchvision();
    void jsonHasTotals();
};

void TestAccounting::torchvisionTotals_data()
{
    testutil::addColumns<QString, qint64, qint64>("name", "params", "macs");
    // torchvision 0.14 parameter counts and its documented GFLOPS (which are MACs),
    // here to the unit (conv + linear MACs at 224x224, 1000 classes).
    QTest::newRow("resnet50") << "resnet50" << qint64(25557032) << qint64(4089184256);
    QTest::newRow("resnext50_32x4d") << "resnext50_32x4d" << qint64(25028904) << qint64(4230479872);
    QTest::newRow("resnext101_32x8d") << "resnext101_32x8d" << qint64(88791336) << qint64(16414015488);
    QTest::newRow("wide_resnet50_2") << "wide_resnet50_2" << qint64(68883240) << qint64(11398021120);
    // Parameter counts from torchvision.models (sum of p.numel()).
    QTest::newRow("resnet18") << "resnet18" << qint64(11689512) << qint64(-1);
    QTest::newRow("resnet34") << "resnet34" << qint64(21797672) << qint64(-1);
    QTest::newRow("resnet101") << "resnet101" << qint64(44549160) << qint64(-1);
    QTest::newRow("resnet152") << "resnet152" << qint64(60192808) << qint64(-1);
    QTest::newRow("resnext101_64x4d") << "resnext101_64x4d" << qint64(83455272) << qint64(-1);
    QTest::newRow("wide_resnet101_2") << "wide_resnet101_2" << qint64(126886696) << qint64(-1);
}

void TestAccounting::torchvisionTotals()
{
    QFETCH(QString, name);
    QFETCH(qint64, params);
    QFETCH(qint64, macs);
    const Summary s = summarize(preset(name.toStdString()).spec);
    QCOMPARE(qint64(s.params), params);
    if (macs >= 0)
        QCOMPARE(qint64(s.macs), macs);
    QCOMPARE(qint64(s.flops()), 2 * qint64(s.macs));
    const Totals t = countTotals(preset(name.toStdString()).spec);
    QCOMPARE(t.params, s.params);
    QCOMPARE(t.macs, s.macs);
}

void TestAccounting::table2Pairs_data()
{
    testutil::addColumns<int, int>("cardinality", "width");
    // Xie et al. 2017, Table 2: ResNeXt-50 settings that preserve ResNet-50's complexity.
    QTest::newRow("1x64d") << 1 << 64;
    QTest::newRow("2x40d") << 2 << 40;
    QTest::newRow("4x24d") << 4 << 24;
    QTest::newRow("8x14d") << 8 << 14;
    QTest::newRow("32x4d") << 32 << 4;
}

void TestAccounting::table2Pairs()
{
    QFETCH(int, cardinality);
    QFETCH(int, width);
    const MatchResult m = matchWidth(preset("resnet50").spec, cardinality, MatchBy::Params);
    QCOMPARE(m.width, width);
    QCOMPARE(m.matched.cardinality, cardinality);
    QCOMPARE(m.baselineTotals.params, std::int64_t(25557032));
    QCOMPARE(m.matchedTotals.params, countTotals(m.matched).params);
}

void TestAccounting::matchByMacs()
{
    // By MACs the closest d must beat its neighbours by that measure.
    const ArchSpec base = preset("resnet50").spec;
    for (int c : {2, 4, 8, 16, 32}) {
        const MatchResult m = matchWidth(base, c, MatchBy::Macs);
        const auto dist = [&](int d) {
            ArchSpec s = base;
            s.cardinality = c;
            s.width = d;
            return std::llabs(countTotals(s).macs - m.baselineTotals.macs);
        };
        QVERIFY(dist(m.width) <= dist(m.width + 1));
        if (m.width > 1)
            QVERIFY(dist(m.width) <= dist(m.width - 1));
    }
}

void TestAccounting::stagesAddUp()
{
    for (const auto &p : presets()) {
        const Summary s = summarize(p.spec);
        std::int64_t params = 0, macs = 0;
        for (const auto &st : s.stages) {
            params += st.params;
            macs += st.macs;
        }
        QCOMPARE(params, s.params);
        QCOMPARE(macs, s.macs);
        QCOMPARE(int(s.stages.size()), p.spec.numStages() + 2);
    }
}

void TestAccounting::countAllAddsElementwise()
{
    const ArchSpec spec = preset("resnet50").spec;
    CountOptions all;
    all.countAll = true;
    const Summary a = summarize(spec, all);
    const Summary d = summarize(spec);
    QCOMPARE(a.params, d.params);
    std::int64_t extra = 0;
    for (const auto &l : a.layers)
        if (!l.weighted())
            extra += l.macs;
    QVERIFY(extra > 0);
    QCOMPARE(a.macs, d.macs + extra);
    // stem BN: one MAC per element of 64x112x112
    QCOMPARE(a.layers[1].kind, LayerKind::BatchNorm);
    QCOMPARE(a.layers[1].macs, std::int64_t(64) * 112 * 112);
}

void TestAccounting::formsCountTheSame()
{
    ArchSpec s = preset("resnext50_32x4d").spec;
    const Totals c = countTotals(s);
    s.form = BlockForm::A;
    QCOMPARE(countTotals(s).params, c.params);
    s.form = BlockForm::B;
    QCOMPARE(countTotals(s).macs, c.macs);
}

void TestAccounting::cifarPresets()
{
    // Paper Table 7 reports 34.4M and 68.1M parameters for ResNeXt-29 8x64d / 16x64d.
    const Summary a = summarize(preset("resnext29_8x64d").spec);
    const Summary b = summarize(preset("resnext29_16x64d").spec);
    QVERIFY2(std::llabs(a.params - 34400000) < 100000, std::to_string(a.params).c_str());
    QVERIFY2(std::llabs(b.params - 68100000) < 100000, std::to_string(b.params).c_str());
    QCOMPARE(a.layers.back().channels, 10);
    // Grouped widths of the first stage: C*d = 512 and 1024.
    QCOMPARE(a.spec.stageGroupedWidth(0), 512);
    QCOMPARE(b.spec.stageGroupedWidth(0), 1024);
    QCOMPARE(a.spec.depth(), 29);
    // The seed article's resnext26 family: every member has grouped width 128 in
    // stage 1 and output 256; 64x2d really has 64 groups of 2.
    for (const char *n : {"resnext26_2x64d", "resnext26_4x32d", "resnext26_8x16d", "resnext26_16x8d",
                          "resnext26_32x4d", "resnext26_64x2d"}) {
        const ArchSpec s = preset(n).spec;
        QCOMPARE(s.depth(), 26);
        QCOMPARE(s.stageGroupedWidth(0), 128);
        QCOMPARE(s.stageOutChannels(0), 256);
        QCOMPARE(s.stageOutChannels(3), 2048);
    }
    const Summary r64 = summarize(preset("resnext26_64x2d").spec);
    const auto conv2 = std::find_if(r64.layers.begin(), r64.layers.end(),
                                    [](const LayerInfo &l) { return l.name == "layer1.0.conv2"; });
    QVERIFY(conv2 != r64.layers.end());
    QCOMPARE(conv2->groups, 64);
    QCOMPARE(conv2->channels, 128);
}

void TestAccounting::layerNamesFollowTorchvision()
{
    const Summary s = summarize(preset("resnext50_32x4d").spec);
    QCOMPARE(s.layers.front().name, std::string("conv1"));
    QCOMPARE(s.layers.back().name, std::string("fc"));
    const auto find = [&](const std::string &n) {
        return std::find_if(s.layers.begin(), s.layers.end(), [&](const LayerInfo &l) { return l.name == n; });
    };
    QVERIFY(find("layer1.0.downsample.0") != s.layers.end());
    QVERIFY(find("layer1.1.downsample.0") == s.layers.end());
    const auto c2 = find("layer2.0.conv2");
    QCOMPARE(c2->groups, 32);
    QCOMPARE(c2->channels, 256);
    QCOMPARE(c2->height, 28);
    QCOMPARE(c2->stride, 2);
}

void TestAccounting::jsonHasTotals()
{
    const std::string j = formatSummary(summarize(preset("resnext50_32x4d").spec), Format::Json);
    QVERIFY(j.find("\"params\": 25028904") != std::string::npos);
    QVERIFY(j.find("\"macs\": 4230479872") != std::string::npos);
    QVERIFY(j.find("\"flops\": 8460959744") != std::string::npos);
    QVERIFY(j.find("\"layers\": [") != std::string::npos);
    const std::string t = formatSummary(summarize(preset("resnet50").spec), Format::Table);
    QVERIFY(t.find("25,557,032") != std::string::npos);
}

QTEST_APPLESS_MAIN(TestAccounting)
#include "test_accounting.moc"
