// Validation of architecture specs: each bad input gets one line naming the
// field and the allowed range.
#include "resnext/accounting.h"
#include "resnext/error.h"
#include "resnext/spec.h"
#include "test_util.h"

#include <QtTest/QtTest>

using namespace resnext;

class TestSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void invalidSpecs_data();
    void invalidSpecs();
    void parsers();
    void presetsAreValid();
    void unknownPreset();
    void derivedWidths();
    void describeNames();
};

void TestSpec::invalidSpecs_data()
{
    testutil::addColumns<QString, QString, int>("field", "message", "which");
    QTest::newRow("C=0") << "cardinality" << "cardinality: must be between 1 and 1024 (got 0)" << 0;
    QTest::newRow("C<0") << "cardinality" << "cardinality: must be between 1 and 1024 (got -3)" << 1;
    QTest::newRow("d=0") << "width" << "width: must be between 1 and 1024 (got 0)" << 2;
    QTest::newRow("empty stages") << "layers" << "layers: the stage list is empty; give 1 to 6 stages, e.g. 3,4,6,3" << 3;
    QTest::newRow("7 stages") << "layers" << "layers: 7 stages given; must be between 1 and 6" << 4;
    QTest::newRow("0 blocks") << "layers" << "layers: must be between 1 and 64 (got 0)" << 5;
    QTest::newRow("input 0") << "input" << "input: must be between 1 and 4096 (got 0)" << 6;
    QTest::newRow("not divisible")
        << "width"
        << "width: stage 1 grouped width planes*d/64*C = 48*5/64*8 is not a whole multiple of C = 8; choose d so "
           "that planes*d is a multiple of 64"
        << 7;
    QTest::newRow("basic with C") << "cardinality"
                                  << "cardinality: basic (two-layer) blocks support only C = 1 (got 4); grouping a "
                                     "2-layer block only makes it wider (paper section 3)"
                                  << 8;
    QTest::newRow("planes count") << "planes" << "planes: 2 values given for 4 stages; give one per stage" << 9;
    QTest::newRow("classes") << "classes" << "classes: must be between 1 and 100000 (got 0)" << 10;
    QTest::newRow("huge grouped")
        << "cardinality" << "cardinality: stage 2 grouped width C*planes*d/64 = 131072 exceeds 65536 channels; lower C or d"
        << 11;
}

void TestSpec::invalidSpecs()
{
    QFETCH(QString, field);
    QFETCH(QString, message);
    QFETCH(int, which);
    ArchSpec s;
    switch (which) {
    case 0: s.cardinality = 0; break;
    case 1: s.cardinality = -3; break;
    case 2: s.width = 0; break;
    case 3: s.layers.clear(); break;
    case 4: s.layers = {1, 1, 1, 1, 1, 1, 1}; break;
    case 5: s.layers = {3, 0, 6, 3}; break;
    case 6: s.inputSize = 0; break;
    case 7: s.planes = {48, 96, 192, 384}; s.cardinality = 8; s.width = 5; break;
    case 8: s.block = BlockKind::Basic; s.cardinality = 4; break;
    case 9: s.planes = {64, 128}; break;
    case 10: s.numClasses = 0; break;
    case 11: s.cardinality = 1024; s.width = 64; break;
    }
    try {
        validate(s);
        QFAIL("validate accepted an invalid spec");
    } catch (const SpecError &e) {
        QCOMPARE(QString::fromStdString(e.field()), field);
        QCOMPARE(QString::fromStdString(e.what()), message);
        QVERIFY(!QString::fromStdString(e.what()).contains('\n'));
    }
    QCOMPARE(QString::fromStdString(validationError(s)), message);
    QVERIFY_THROWS_EXCEPTION(SpecError, summarize(s));
}

void TestSpec::parsers()
{
    QCOMPARE(parseIntList("layers", "3,4,6,3"), (std::vector<int>{3, 4, 6, 3}));
    QVERIFY_THROWS_EXCEPTION(SpecError, parseIntList("layers", "3,x"));
    QVERIFY_THROWS_EXCEPTION(SpecError, parseIntList("layers", ""));
    QVERIFY_THROWS_EXCEPTION(SpecError, parseInt("width", "4d"));
    QVERIFY_THROWS_EXCEPTION(SpecError, parseInt("width", "99999999999999"));
    try {
        parseInt("cardinality", "abc");
        QFAIL("no throw");
    } catch (const SpecError &e) {
        QCOMPARE(QString(e.what()), QString("cardinality: 'abc' is not a whole number"));
    }
    QVERIFY(parseStem("CIFAR") == Stem::Cifar);
    QVERIFY_THROWS_EXCEPTION(SpecError, parseStem("mnist"));
    QVERIFY(parseBlockForm("b") == BlockForm::B);
    QVERIFY_THROWS_EXCEPTION(SpecError, parseBlockForm("d"));
    QVERIFY(parseBlockKind("basic") == BlockKind::Basic);
}

void TestSpec::presetsAreValid()
{
    QCOMPARE(int(presets().size()), 20); // 19 + seresnext50_32x4d
    for (const auto &p : presets())
        QVERIFY2(validationError(p.spec).empty(), p.name.c_str());
}

void TestSpec::unknownPreset()
{
    try {
        preset("resnext51");
        QFAIL("no throw");
    } catch (const SpecError &e) {
        QCOMPARE(QString::fromStdString(e.field()), QString("preset"));
        QVERIFY(QString(e.what()).startsWith("preset: unknown name 'resnext51'; known: resnet18, resnet34"));
    }
    QVERIFY(!findPreset("nope"));
}

void TestSpec::derivedWidths()
{
    const ArchSpec s = preset("resnext50_32x4d").spec;
    QCOMPARE(s.groupWidth(0), 4);
    QCOMPARE(s.stageGroupedWidth(0), 128);
    QCOMPARE(s.stageGroupedWidth(3), 1024);
    QCOMPARE(s.stageOutChannels(3), 2048);
    QCOMPARE(s.depth(), 50);
    QCOMPARE(preset("resnet18").spec.depth(), 18);
    QCOMPARE(preset("resnet152").spec.depth(), 152);
    QVERIFY(baselineOf(s) == preset("resnet50").spec);
}

void TestSpec::describeNames()
{
    QCOMPARE(describe(preset("resnext50_32x4d").spec), std::string("resnext50_32x4d"));
    ArchSpec s = preset("resnet50").spec;
    s.cardinality = 8;
    s.width = 14;
    QCOMPARE(describe(s), std::string("resnext50_8x14d"));
}

QTEST_APPLESS_MAIN(TestSpec)
#include "test_spec.moc"
