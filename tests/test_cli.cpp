// The headless command line, run as a real process: exact numbers, formats,
// and a one-line message with exit code 2 for every kind of bad input.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>

#include <cmath>
#include <QTemporaryDir>
#include "cli_process.h"

#include <QtTest/QtTest>

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
    void classifyBuiltin();
    void classifyBadImages_data();
    void classifyBadImages();
    void classifyBadWeights_data();
    void classifyBadWeights();
    void featuresWritesFiles();
    void benchJson();
    void trainAndEvaluate();
    void engineFlagErrors();
    void builtinAccuracyMatchesReadme();
    void progressPipedAndQuiet();

private:
    QTemporaryDir m_dir;
};

namespace {

const QStringList kTinySpec = {"--stem", "cifar", "--layers", "1,1", "--planes", "8,16", "--cardinality", "4",
                               "--width", "32", "--input", "16", "--classes", "10", "--stem-channels", "8"};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

// A safetensors file: 8-byte little-endian header length, JSON, data.
QByteArray safetensors(const QByteArray &header, const QByteArray &data, qint64 claimedLength = -1)
{
    QByteArray len(8, 0);
    const qint64 n = claimedLength >= 0 ? claimedLength : header.size();
    for (int i = 0; i < 8; ++i)
        len[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return len + header + data;
}

} // namespace

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
    QCOMPARE(a.size(), 20); // with seresnext50_32x4d
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
    row("snapshot panel", {"snapshot", "--out", "/tmp/x.png", "--panel", "nope"}, "resnext-explorer snapshot: panel: unknown name 'nope'; use all, architecture, complexity, lesson, block, charts, layers, classify, train, experiments, groups, cost, paper, or a figure: block-diagram, cardinality, cost, cost-stages, experiment, feature-grid, gradcam, group-energy, groups-ablation-trained, groups-ablation-untrained, groups-cka-trained, groups-cka-untrained, groups-selectivity-trained, groups-selectivity-untrained, groups-top-images-trained, groups-top-images-untrained, paper-table1, paper-table2, paper-table3, paper-tables4-5, stage-macs, stage-params, top5, train-accuracy, train-loss");
    row("snapshot suffix", {"snapshot", "--out", "/tmp/x.jpg"}, "resnext-explorer snapshot: out: '/tmp/x.jpg' must end in .png, .svg or .pdf");
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
    // Every option the commands accept is in the help (--limit was missing from train's line).
    for (const char *option : {"[--limit N]", "--stem-channels 64", "[--panel all|PANEL|FIGURE]", "--allow-partial"})
        QVERIFY2(r.out.contains(option), option);
    // d is the paper's bottleneck width; per-stage channels per group have their own name.
    QVERIFY(r.out.contains("w = d*P/64 channels per group"));
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

void TestCli::classifyBuiltin()
{
    const QString img = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00000-ankle-boot.png");
    const Result r = run({"classify", img, "--format", "json", "--topk", "3"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("model").toString(), QString("resnext20_8x16d (cifar stem)"));
    const QJsonArray results = o.value("results").toArray();
    QCOMPARE(results.size(), 1);
    const QJsonArray top = results[0].toObject().value("top").toArray();
    QCOMPARE(top.size(), 3);
    QCOMPARE(top[0].toObject().value("label").toString(), QString("Ankle boot"));
    QVERIFY(results[0].toObject().value("timings_ms").toObject().value("forward").toDouble() > 0);
    const QString path = o.value("path").toString();
    QVERIFY(path == "fast" || path == "plain");
    if (path == "fast") {
        // BF16 says how far it agrees with FP32 on the sample images before it answers, on stderr.
        const Result b = run({"classify", img, "--format", "json", "--bf16"});
        if (b.code == 2) { // a CPU without native BF16 refuses it by name
            QCOMPARE(b.err.trimmed(), QString("resnext-explorer classify: bf16: this CPU has no native BF16 "
                                              "convolutions (AVX-512 BF16 or AMX); use fast (FP32)"));
            return;
        }
        QCOMPARE(b.code, 0);
        QCOMPARE(QJsonDocument::fromJson(b.out.toUtf8()).object().value("path").toString(), QString("fast-bf16"));
        QVERIFY2(b.err.startsWith("note: bf16: top-1 agrees with fast on ") && b.err.contains("/44 sample images"),
                 qPrintable(b.err));
        QCOMPARE(QJsonDocument::fromJson(b.out.toUtf8())
                     .object()
                     .value("results")[0]
                     .toObject()
                     .value("top")[0]
                     .toObject()
                     .value("label")
                     .toString(),
                 QString("Ankle boot"));
    }
}

void TestCli::classifyBadImages_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("problem");
    const QByteArray png = readFile(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/photo-coffee.png"));
    const QByteArray jpg = readFile(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/photo-rocket.jpg"));
    QTest::newRow("text") << QByteArray("hello, not an image\n")
                          << "not an image (unrecognised format; PNG, JPEG, BMP, WebP and TIFF are supported)";
    QTest::newRow("empty") << QByteArray() << "empty file";
    QTest::newRow("truncated png") << png.left(png.size() / 2) << "truncated PNG (no IEND chunk)";
    QTest::newRow("truncated jpeg") << jpg.left(jpg.size() / 2) << "truncated JPEG (no end-of-image marker)";
    // A PNG header claiming 100000 x 1000 pixels: refused before decoding.
    QByteArray huge = png.left(33);
    const quint32 w = 100000, h = 1000;
    for (int i = 0; i < 4; ++i) {
        huge[16 + i] = static_cast<char>((w >> (24 - 8 * i)) & 0xff);
        huge[20 + i] = static_cast<char>((h >> (24 - 8 * i)) & 0xff);
    }
    QTest::newRow("100 megapixels") << huge << "image is 100000x1000 = 100.0 megapixels; the limit is 50 megapixels";
}

void TestCli::classifyBadImages()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, problem);
    const QString path = m_dir.filePath("bad-input.img");
    writeFile(path, bytes);
    const Result r = run(QStringList{"classify", path} + kTinySpec);
    QCOMPARE(r.code, 2);
    const QStringList lines = r.err.trimmed().split('\n');
    QCOMPARE(lines.last(), "resnext-explorer classify: " + path + ": " + problem);
    QVERIFY(!r.err.contains("Exception raised from"));
}

void TestCli::classifyBadWeights_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("problem");
    const QByteArray t = "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    QTest::newRow("truncated") << QByteArray("\x10\x00\x00", 3)
                               << "not a safetensors file (too short for the 8-byte header length)";
    QTest::newRow("header past end") << safetensors(t, QByteArray(8, 0), 100000)
                                     << "header length 100000 runs past the end of the file";
    QTest::newRow("invalid json") << safetensors("{\"a\": [1, 2", QByteArray()) << "header is not valid JSON";
    QTest::newRow("out of range") << safetensors(t, QByteArray(4, 0)) << "out of range";
    QTest::newRow("overlap")
        << safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                       "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                       QByteArray(12, 0))
        << "overlap";
    QTest::newRow("unknown dtype") << safetensors("{\"a\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                                                  QByteArray(1, 0))
                                   << "tensor 'a': unknown dtype 'F8'";
    QTest::newRow("not a resnet") << safetensors(t, QByteArray(8, 0))
                                  << "cannot infer the architecture: no tensor 'conv1.weight'";
}

void TestCli::classifyBadWeights()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, problem);
    const QString path = m_dir.filePath("bad.safetensors");
    writeFile(path, bytes);
    const QString img = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00001-pullover.png");
    const Result r = run({"classify", img, "--weights", path});
    QCOMPARE(r.code, 2);
    const QString err = r.err.trimmed();
    QVERIFY2(!err.contains('\n'), qPrintable(err));
    QVERIFY2(err.startsWith("resnext-explorer classify: " + path + ": "), qPrintable(err));
    QVERIFY2(err.contains(problem), qPrintable(err));
}

void TestCli::featuresWritesFiles()
{
    const QString out = m_dir.filePath("features");
    const QString img = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00002-trouser.png");
    const Result r = run({"features", img, "--block", "layer2.0", "--out", out, "--norm", "group"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("layer2.0 of resnext20_8x16d (cifar stem): 8 groups of w = 8 maps, 14x14"));
    for (const char *f : {"groups.png", "block_input.png", "block_output.png", "image.png", "gradcam.png"})
        QVERIFY2(!QImage(out + "/" + f).isNull(), f);
    const QList<QByteArray> csv = readFile(out + "/energy.csv").trimmed().split('\n');
    QCOMPARE(csv.size(), 9);
    QCOMPARE(csv[0], QByteArray("group,energy,share"));
    const Result bad = run({"features", img, "--block", "layer7.0", "--out", out});
    QCOMPARE(bad.code, 2);
    QCOMPARE(bad.err.trimmed(), QString("resnext-explorer features: block: 'layer7.0' does not exist; this model has "
                                        "layer1.0 to layer3.1"));
}

void TestCli::benchJson()
{
    const Result r = run(QStringList{"bench", "--runs", "3", "--format", "json", "--threads", "1"} + kTinySpec);
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY(o.value("median_ms").toDouble() > 0);
    QVERIFY(o.value("images_per_s").toDouble() > 0);
    QCOMPARE(o.value("threads").toInt(), 1);
    QCOMPARE(o.value("device").toString(), QString("cpu"));
    // Issue 11: the path is in the output; --plain and --bf16 choose it.
    QCOMPARE(o.value("path").toString(), QString(o.value("prepare_ms").toDouble() > 0 ? "fast" : "plain"));
    QVERIFY(o.value("gflops_per_s").toDouble() > 0);
    const Result plain = run(QStringList{"bench", "--runs", "2", "--format", "json", "--plain"} + kTinySpec);
    QCOMPARE(plain.code, 0);
    QCOMPARE(QJsonDocument::fromJson(plain.out.toUtf8()).object().value("path").toString(), QString("plain"));
    const Result both = run(QStringList{"bench", "--plain", "--bf16"} + kTinySpec);
    QCOMPARE(both.code, 2);
    QCOMPARE(both.err.trimmed(), QString("resnext-explorer bench: plain: --plain and --bf16 exclude each other (--bf16 "
                                         "is the fast path in BF16)"));
    const Result halfBf16 = run(QStringList{"bench", "--half", "--bf16"} + kTinySpec);
    QCOMPARE(halfBf16.code, 2);
    QCOMPARE(halfBf16.err.trimmed(), QString("resnext-explorer bench: bf16: --half and --channels-last run the plain "
                                             "LibTorch modules; --bf16 is the fast path's"));
    const Result cuda = run(QStringList{"bench", "--runs", "1", "--device", "cuda"} + kTinySpec);
    QCOMPARE(cuda.code, 0); // no CUDA here: falls back to the CPU with a note
    QVERIFY(cuda.err.contains("using the CPU") || cuda.out.contains("cuda"));
}

void TestCli::trainAndEvaluate()
{
    const QString out = m_dir.filePath("tiny.safetensors");
    const Result r = run({"train", "--data", "fashion-mnist", "--epochs", "1", "--limit", "400", "--out", out,
                          "--format", "json", "--compare-resnet", "--val-fraction", "0.05", "--test-limit", "200"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const QJsonArray runs = o.value("runs").toArray();
    QCOMPARE(runs.size(), 2);
    QVERIFY(runs[1].toObject().value("model").toString().contains("ResNet, equal params"));
    for (const auto &run : runs) { // learning itself is tested in test_engine; here the report's shape
        const double acc = run.toObject().value("test_accuracy").toDouble(-1);
        QVERIFY(acc >= 0.0 && acc <= 1.0);
        QCOMPARE(run.toObject().value("test_images").toInt(), 200); // --test-limit: 20 of each class
        QCOMPARE(run.toObject().value("epochs").toArray().size(), 1);
        QVERIFY(run.toObject().value("params").toInteger() > 200000);
    }
    QVERIFY(QFile::exists(out));
    QVERIFY(QFile::exists(m_dir.filePath("tiny-resnet.safetensors")));
    // The whole test set is evaluated once in this file (builtinAccuracyMatchesReadme);
    // here the trained file and the table format on the first images.
    const Result e = run({"evaluate", "--weights", out, "--data", "fashion-mnist", "--format", "json", "--limit", "300"});
    QCOMPARE(e.code, 0);
    const QJsonObject eo = QJsonDocument::fromJson(e.out.toUtf8()).object();
    QCOMPARE(eo.value("count").toInt(), 300);
    QCOMPARE(eo.value("confusion").toArray().size(), 10);
    qint64 inMatrix = 0;
    for (const auto &row : eo.value("confusion").toArray())
        for (const auto &v : row.toArray())
            inMatrix += v.toInteger();
    QCOMPARE(inMatrix, 300);
    const Result table = run({"evaluate", "--data", "fashion-mnist", "--limit", "200"});
    QCOMPARE(table.code, 0);
    QVERIFY(table.out.contains("confusion matrix"));
    QVERIFY2(table.out.contains(" / 200 correct"), qPrintable(table.out));
    const Result negative = run({"evaluate", "--data", "fashion-mnist", "--limit", "-1"});
    QCOMPARE(negative.code, 2);
    QCOMPARE(negative.err.trimmed(), QString("resnext-explorer evaluate: evaluate: limit: must be 0 (all) or more (got -1)"));
}

void TestCli::engineFlagErrors()
{
    const QString img = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00001-pullover.png");
    const Result dev = run({"classify", img, "--device", "tpu"});
    QCOMPARE(dev.code, 2);
    QCOMPARE(dev.err.trimmed(), QString("resnext-explorer classify: device: unknown value 'tpu'; use cpu or cuda"));
    const Result topk = run({"classify", img, "--topk", "0"});
    QCOMPARE(topk.code, 2);
    QCOMPARE(topk.err.trimmed(), QString("resnext-explorer classify: topk: must be between 1 and 1000 (got 0)"));
    const Result missing = run({"classify", m_dir.filePath("nope.png")});
    QCOMPARE(missing.code, 2);
    QVERIFY(missing.err.trimmed().endsWith("nope.png: cannot open file (No such file or directory)"));
    const Result noData = run({"train", "--out", m_dir.filePath("x.safetensors")});
    QCOMPARE(noData.code, 2);
    QCOMPARE(noData.err.trimmed(), QString("resnext-explorer train: train: --data fashion-mnist|DIR is required"));
    QDir().mkpath(m_dir.filePath("oneclass/shirt"));
    QFile::copy(img, m_dir.filePath("oneclass/shirt/a.png"));
    const Result oneClass = run({"train", "--data", m_dir.filePath("oneclass"), "--out", m_dir.filePath("x.safetensors")});
    QCOMPARE(oneClass.code, 2);
    // A folder data set with an unreadable image is refused by name.
    QDir().mkpath(m_dir.filePath("twoclass/shirt"));
    QDir().mkpath(m_dir.filePath("twoclass/shoe"));
    QFile::copy(img, m_dir.filePath("twoclass/shirt/a.png"));
    QFile::copy(img, m_dir.filePath("twoclass/shoe/b.png"));
    writeFile(m_dir.filePath("twoclass/shoe/c.png"), "not a png at all");
    const Result unreadable = run({"train", "--data", m_dir.filePath("twoclass"), "--input", "28", "--out",
                                   m_dir.filePath("y.safetensors"), "--val-fraction", "0"});
    QCOMPARE(unreadable.code, 2);
    QCOMPARE(unreadable.err.trimmed().split('\n').last(),
             "resnext-explorer train: " + m_dir.filePath("twoclass/shoe/c.png") +
                 ": not an image (unrecognised format; PNG, JPEG, BMP, WebP and TIFF are supported)");
    QCOMPARE(oneClass.err.trimmed(), "resnext-explorer train: " + m_dir.filePath("oneclass") +
                                         ": found 1 class folder ('shirt'); an image folder needs at least 2 classes, "
                                         "one sub-folder per class");
}

void TestCli::builtinAccuracyMatchesReadme()
{
    // The README (a headline figure) and the training page of the manual (next to
    // the command that trained it) state the built-in model's test accuracy;
    // `evaluate` must recompute it to within 0.1 point.
    const QRegularExpression re("Fashion-MNIST test accuracy of the built-in model: \\*\\*([0-9.]+)%\\*\\*");
    QStringList stated;
    for (const char *doc : {"README.md", "docs/experiments-and-groups.md"}) {
        QFile f(QStringLiteral(RESNEXT_SOURCE_DIR "/") + doc);
        QVERIFY2(f.open(QIODevice::ReadOnly), doc);
        const auto match = re.match(QString::fromUtf8(f.readAll()));
        QVERIFY2(match.hasMatch(),
                 qPrintable(QString("%1 has no 'Fashion-MNIST test accuracy of the built-in model: **NN.NN%**'").arg(doc)));
        stated << match.captured(1);
    }
    const Result r = run({"evaluate", "--data", "fashion-mnist", "--format", "json"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("count").toInt(), 10000);
    const double measured = 100.0 * o.value("accuracy").toDouble();
    for (const QString &figure : stated)
        QVERIFY2(std::fabs(measured - figure.toDouble()) <= 0.1,
                 qPrintable(QString("evaluate gives %1%, the docs say %2%").arg(measured).arg(figure)));
}

// Progress on stderr: plain lines when it is not a terminal (no carriage
// returns in a log), nothing with --quiet; the command's output is unchanged.
void TestCli::progressPipedAndQuiet()
{
    const QStringList args = {"groups", "--data", RESNEXT_SOURCE_DIR "/sample_images", "--limit", "20",
                              "--no-untrained", "--no-ablation", "--threads", "1", "--out"};
    const Result piped = run(args + QStringList{m_dir.filePath("progress-piped")});
    QCOMPARE(piped.code, 0);
    QVERIFY2(piped.err.contains("100% 20 / 20 images\n"), qPrintable(piped.err));
    QVERIFY2(!piped.err.contains('\r'), qPrintable(piped.err));
    const Result quiet = run(args + QStringList{m_dir.filePath("progress-quiet"), "--quiet"});
    QCOMPARE(quiet.code, 0);
    QVERIFY2(!quiet.err.contains("% "), qPrintable(quiet.err));
    // The same output but for the measured time ("analysis of 20 images in 0.1 s ..."), which may differ.
    const auto untimed = [](QString out) {
        return out.remove(QRegularExpression("\\n?analysis of [^\\n]* s on [^\\n]*"));
    };
    QCOMPARE(untimed(quiet.out), untimed(QString(piped.out).replace("progress-piped", "progress-quiet")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
