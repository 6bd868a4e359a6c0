// The headless command line, run as a real process: exact numbers, formats,
// and a one-line message with exit code 2 for every kind of bad input.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Result {
    int code = -1;
    QString out;
    QString err;
};

Result run(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(RESNEXT_EXE), args);
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void summaryJsonExact();
    void summaryFormats();
    void customSpecEqualsPreset();
    void matchTable2();
    void presetsList();
    void badInput_data();
    void badInput();
    void help();
    void snapshotWritesPng();
};

void TestCli::summaryJsonExact()
{
    const Result r = run({"summary", "--preset", "resnext50_32x4d", "--format", "json"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("params").toInteger(), 25028904);
    QCOMPARE(o.value("macs").toInteger(), 4230479872LL);
    QCOMPARE(o.value("flops").toInteger(), 8460959744LL);
    const QJsonArray layers = o.value("layers").toArray();
    QVERIFY(layers.size() > 100);
    QCOMPARE(layers.first().toObject().value("name").toString(), QString("conv1"));
    qint64 sum = 0;
    for (const auto &l : layers)
        sum += l.toObject().value("params").toInteger();
    QCOMPARE(sum, 25028904);
}

void TestCli::summaryFormats()
{
    const Result table = run({"summary", "--preset", "resnet50"});
    QCOMPARE(table.code, 0);
    QVERIFY(table.out.contains("params: 25,557,032 (25.56 M)"));
    QVERIFY(table.out.contains("MACs:   4,089,184,256 (4.09 G)"));
    const Result csv = run({"summary", "--preset", "resnet50", "--format", "csv"});
    QVERIFY(csv.out.startsWith("name,type,stage,"));
    QVERIFY(csv.out.contains("total,,,,,,,,,25557032,4089184256"));
    const Result md = run({"summary", "--preset", "resnet50", "--format=markdown"});
    QVERIFY(md.out.contains("| **total** | | | | **25,557,032** | **4,089,184,256** |"));
    const Result all = run({"summary", "--preset", "resnet50", "--count-all", "--format", "json"});
    QCOMPARE(all.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(all.out.toUtf8()).object();
    QVERIFY(o.value("macs").toInteger() > 4089184256LL);
}

void TestCli::customSpecEqualsPreset()
{
    const Result r = run({"summary", "--layers", "3,4,6,3", "--cardinality", "32", "--width", "4", "--stem",
                          "imagenet", "--block", "bottleneck", "--expansion", "4", "--form", "c", "--input", "224",
                          "--classes", "1000", "--format", "json"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("params").toInteger(), 25028904);
    QCOMPARE(o.value("model").toString(), QString("resnext50_32x4d"));
}

void TestCli::matchTable2()
{
    const int pairs[][2] = {{2, 40}, {4, 24}, {8, 14}, {32, 4}};
    for (const auto &p : pairs) {
        const Result r = run({"match", "--layers", "3,4,6,3", "--cardinality", QString::number(p[0]), "--format", "json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value("width").toInt(), p[1]);
        QCOMPARE(o.value("baseline").toObject().value("params").toInteger(), 25557032);
        QVERIFY(o.value("model").toObject().value("macs").toInteger() > 0);
    }
    const Result t = run({"match", "--layers", "3,4,6,3", "--cardinality", "8"});
    QVERIFY(t.out.contains("C = 8 -> d = 14"));
    const Result byMacs = run({"match", "--layers", "3,4,6,3", "--cardinality", "32", "--by", "macs"});
    QCOMPARE(byMacs.code, 0);
}

void TestCli::presetsList()
{
    const Result r = run({"presets", "--format", "json"});
    QCOMPARE(r.code, 0);
    const QJsonArray a = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(a.size(), 19);
    QCOMPARE(a[0].toObject().value("name").toString(), QString("resnet18"));
    QCOMPARE(a[0].toObject().value("params").toInteger(), 11689512);
}

void TestCli::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const auto row = [](const char *name, QStringList args, const char *msg) {
        QTest::newRow(name) << args << QString(msg);
    };
    row("C=0", {"summary", "--cardinality", "0"}, "resnext-explorer summary: cardinality: must be between 1 and 1024 (got 0)");
    row("d<0", {"summary", "--width", "-4"}, "resnext-explorer summary: width: must be between 1 and 1024 (got -4)");
    row("empty layers", {"summary", "--layers", ""}, "resnext-explorer summary: layers: the list is empty; give comma-separated whole numbers, e.g. 3,4,6,3");
    row("7 stages", {"summary", "--layers", "1,1,1,1,1,1,1"}, "resnext-explorer summary: layers: 7 stages given; must be between 1 and 6");
    row("input 0", {"summary", "--input", "0"}, "resnext-explorer summary: input: must be between 1 and 4096 (got 0)");
    row("not divisible", {"summary", "--planes", "48,96,192,384", "--width", "5", "--cardinality", "8"},
        "resnext-explorer summary: width: stage 1 grouped width planes*d/64*C = 48*5/64*8 is not a whole multiple of C = 8; choose d so that planes*d is a multiple of 64");
    row("unknown preset", {"summary", "--preset", "resnext51"}, "");
    row("non-numeric", {"summary", "--cardinality", "many"}, "resnext-explorer summary: cardinality: 'many' is not a whole number");
    row("non-numeric list", {"match", "--layers", "3,four", "--cardinality", "2"}, "resnext-explorer match: layers: 'four' is not a whole number");
    row("unknown option", {"summary", "--depth", "50"}, "resnext-explorer summary: summary: unknown option --depth (see resnext-explorer --help)");
    row("missing value", {"summary", "--width"}, "resnext-explorer summary: --width: needs a value");
    row("bad format", {"summary", "--format", "xml"}, "resnext-explorer summary: format: unknown value 'xml'; use table, json, csv or markdown");
    row("bad stem", {"summary", "--stem", "mnist"}, "resnext-explorer summary: stem: unknown value 'mnist'; use imagenet or cifar");
    row("match without C", {"match", "--layers", "3,4,6,3"}, "resnext-explorer match: match: --cardinality is required (the C to find d for)");
    row("match basic", {"match", "--preset", "resnet18", "--cardinality", "2"}, "resnext-explorer match: cardinality: basic (two-layer) blocks support only C = 1 (got 2); grouping a 2-layer block only makes it wider (paper section 3)");
    row("unknown command", {"summarize"}, "resnext-explorer: unknown command 'summarize' (see resnext-explorer --help)");
    row("snapshot panel", {"snapshot", "--out", "/tmp/x.png", "--panel", "nope"}, "resnext-explorer snapshot: panel: unknown name 'nope'; use all, architecture, complexity, block, charts, layers");
    row("snapshot suffix", {"snapshot", "--out", "/tmp/x.jpg"}, "resnext-explorer snapshot: out: '/tmp/x.jpg' must end in .png");
    row("snapshot size", {"snapshot", "--out", "/tmp/x.png", "--size", "big"}, "resnext-explorer snapshot: size: 'big' is not WIDTHxHEIGHT, e.g. 1600x1000");
}

void TestCli::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY(r.out.isEmpty());
    const QString err = r.err.trimmed();
    QVERIFY2(!err.contains('\n'), qPrintable(err)); // one line
    QVERIFY(!err.contains("Exception raised from")); // never a LibTorch backtrace
    if (message.isEmpty())
        QVERIFY(err.startsWith("resnext-explorer summary: preset: unknown name 'resnext51'; known: resnet18,"));
    else
        QCOMPARE(err, message);
}

void TestCli::help()
{
    const Result r = run({"--help"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("resnext-explorer summary"));
    QVERIFY(r.out.contains("FLOPs = 2 x MACs"));
}

void TestCli::snapshotWritesPng()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("window.png");
    const Result r = run({"snapshot", "--out", out, "--preset", "resnext50_32x4d", "--size", "1200x800"});
    QCOMPARE(r.code, 0);
    const QImage img(out);
    QCOMPARE(img.size(), QSize(1200, 800));
    const Result panel = run({"snapshot", "--out", dir.filePath("charts.png"), "--panel", "charts"});
    QCOMPARE(panel.code, 0);
    QVERIFY(!QImage(dir.filePath("charts.png")).isNull());
    const Result missingDir = run({"snapshot", "--out", dir.filePath("no/such/dir/x.png")});
    QCOMPARE(missingDir.code, 2);
    QVERIFY(missingDir.err.contains("does not exist"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
