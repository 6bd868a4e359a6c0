// Hostile input, round two (issue 9): every case here once crashed, hung, ate
// memory, wrote through a symlink, left a partial file or exited 0/1 with a
// wrong answer. Each test names the item it guards. Process tests run
// the real executable with a timeout, so a regression to a hang fails instead
// of blocking the suite.
#include "resnext/checkpoint.h"
#include "resnext/fileio.h"
#include "resnext/image.h"
#include "resnext/safetensors.h"
#include "resnext/validate.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <csignal>
#include <cstring>
#include <limits>
#include <thread>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace resnext;

namespace {

struct Result {
    int code = -1; // -2: still running at the timeout (killed)
    QString out;
    QString err;
};

// Runs the executable; a child that is still running after timeoutMs is killed
// and reported as code -2. fileSizeLimit > 0 caps the files it may write
// (RLIMIT_FSIZE, with SIGXFSZ ignored): a full disk as write() sees it.
Result run(const QStringList &args, int timeoutMs = 60000, rlim_t fileSizeLimit = 0)
{
    // Qt warns on stderr when XDG_RUNTIME_DIR is unset; give it one so that stderr holds only our line.
    static QTemporaryDir runtimeDir;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_RUNTIME_DIR", runtimeDir.path());
    p.setProcessEnvironment(env);
    if (fileSizeLimit > 0)
        p.setChildProcessModifier([fileSizeLimit] {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit lim{fileSizeLimit, fileSizeLimit};
            ::setrlimit(RLIMIT_FSIZE, &lim);
        });
    p.start(QStringLiteral(RESNEXT_EXE), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return {-2, QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString describe(const Result &r)
{
    return QString("exit %1\nstdout: %2\nstderr: %3").arg(r.code).arg(r.out.left(2000), r.err.left(2000));
}

#define EXPECT_BAD_INPUT(r, message)                                                                                   \
    do {                                                                                                               \
        QVERIFY2((r).code == 2, qPrintable(describe(r)));                                                              \
        const QString err_ = (r).err.trimmed();                                                                        \
        QVERIFY2(!err_.contains('\n'), qPrintable(err_));                                                              \
        QVERIFY2(err_.contains(message), qPrintable(err_));                                                            \
    } while (0)

const QString kImage = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00000-ankle-boot.png");
const std::string kBuiltin = RESNEXT_SOURCE_DIR "/resources/fashion_mnist_resnext.safetensors";

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

// The built-in model's tensors (all F32 or I64), renamed, edited or extended by
// the caller, written as a new weights file.
struct Weights {
    SafetensorsFile file = SafetensorsFile::read(kBuiltin);
    std::vector<TensorToWrite> tensors;
    std::map<std::string, std::string> metadata = file.metadata();
    std::vector<std::vector<float>> owned;

    Weights()
    {
        for (const auto &t : file.tensors())
            tensors.push_back({t.name, t.dtype, t.shape, file.data(t)});
    }
    TensorToWrite &find(const std::string &name)
    {
        for (auto &t : tensors)
            if (t.name == name)
                return t;
        qFatal("no tensor %s", name.c_str());
    }
    // Replaces an F32 tensor's values with value.
    void fill(const std::string &name, float value)
    {
        TensorToWrite &t = find(name);
        std::int64_t n = 1;
        for (auto d : t.shape)
            n *= d;
        owned.emplace_back(static_cast<size_t>(n), value);
        t.data = owned.back().data();
    }
    void save(const QString &path) const { writeSafetensors(path.toStdString(), tensors, metadata); }
    // Adds a copy of tensor `of` named `name`.
    void addCopy(const std::string &of, const std::string &name)
    {
        TensorToWrite copy = find(of);
        copy.name = name;
        tensors.push_back(copy);
    }
};

// The built-in weights with tensor `of` saved again as `name`, written to `path` and classified.
Result classifyWithCopy(const QString &path, const std::string &of, const std::string &name)
{
    Weights w;
    w.addCopy(of, name);
    w.save(path);
    return run({"classify", kImage, "--weights", path});
}

int makeFifo(const QString &path)
{
    return ::mkfifo(QFile::encodeName(path).constData(), 0600);
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace

class TestHostile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // 3. no write through a planted symlink, no partial file on a full disk
    void checkpointTempSymlinkIsNotFollowed();
    void checkpointStaleFifoPartIsIgnored();
    void snapshotFullDiskLeavesNoFile();
    void featuresFullDiskLeavesNoPartialFiles();
    // 4. no hang, no endless read
    void fifoInputsAreRefused_data();
    void fifoInputsAreRefused();
    void sidecarLabelsFifoIsRefused();
    void devicesAreRefused_data();
    void devicesAreRefused();
    void prefixStrippingIsLinear();
    void oversizedFilesAreRefusedBeforeReading();
    void endlessLoopsAreRefused_data();
    void endlessLoopsAreRefused();
    // 5. no wrong answer with exit 0
    void nonFiniteWeightsWarnAndKeepJsonValid();
    void nonFiniteHyperparametersAreRefused_data();
    void nonFiniteHyperparametersAreRefused();
    void divergingTrainingStops();
    void strayArgumentsAreRefused_data();
    void strayArgumentsAreRefused();
    void snapshotBadInputWritesNothing_data();
    void snapshotBadInputWritesNothing();
    void labelsWithoutWeightsAreRefused();
    void duplicateCanonicalNamesAreRefused();
    // 6. output checked before training
    void trainOutputCheckedFirst_data();
    void trainOutputCheckedFirst();
    // 7. exit 2, not 1
    void exitTwoNotOne_data();
    void exitTwoNotOne();
    void outOfRangeBlockNames_data(); // parser: lead's item 1
    void outOfRangeBlockNames();
    // 8. control characters escaped
    void controlCharactersInValues();
    void controlCharactersInTensorNames();
    void controlCharactersInLabels();
    void controlCharactersInClassFolders();
    // 9. TIFF tile buffers under the pixel guard
    void tiledTiffTileBufferIsCapped();
    void oneStripTiffDecodes();
    // Also: --threads
    void benchPrintsThreads();

private:
    QTemporaryDir m_dir;
};

// ---- 3 -------------------------------------------------------------------------------------

void TestHostile::checkpointTempSymlinkIsNotFollowed()
{
    QTemporaryDir dir;
    const QString victim = dir.filePath("victim.txt");
    writeBytes(victim, "precious");
    const QString out = dir.filePath("model.safetensors");
    QVERIFY(QFile::link(victim, out + ".part"));
    const float v[2] = {1, 2};
    writeSafetensors(out.toStdString(), {{"a", DType::F32, {2}, v}});
    QFile f(victim);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("precious"));
    QVERIFY(!QFileInfo(out).isSymLink());
    QVERIFY(QFileInfo(out).isFile());
    QCOMPARE(SafetensorsFile::read(out.toStdString()).tensors().size(), size_t(1));
    // A symlink at the target itself is refused (issue 28), never written through.
    const QString out2 = dir.filePath("second.safetensors");
    QVERIFY(QFile::link(victim, out2));
    QString message;
    try {
        writeSafetensors(out2.toStdString(), {{"a", DType::F32, {2}, v}});
    } catch (const Error &e) {
        message = e.what();
    }
    QCOMPARE(message, out2 + ": is a symbolic link; not writing through it");
    QVERIFY(QFileInfo(out2).isSymLink());
    QVERIFY(f.seek(0));
    QCOMPARE(f.readAll(), QByteArray("precious"));
}

void TestHostile::checkpointStaleFifoPartIsIgnored()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("model.safetensors");
    QCOMPARE(makeFifo(out + ".part"), 0);
    // Held open for reading and writing so that a regression (opening the FIFO)
    // shows as a FIFO renamed to the output rather than as a hang.
    const int keep = ::open(QFile::encodeName(out + ".part").constData(), O_RDWR | O_NONBLOCK);
    QVERIFY(keep >= 0);
    const float v[2] = {1, 2};
    writeSafetensors(out.toStdString(), {{"a", DType::F32, {2}, v}});
    ::close(keep);
    QVERIFY(QFileInfo(out).isFile());
    QCOMPARE(SafetensorsFile::read(out.toStdString()).tensors().size(), size_t(1));
}

void TestHostile::snapshotFullDiskLeavesNoFile()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("window.png");
    const Result r = run({"snapshot", "--out", out, "--panel", "architecture", "--size", "800x600"}, 120000, 4096);
    EXPECT_BAD_INPUT(r, "window.png: cannot write file (File too large)");
    QVERIFY2(filesIn(dir.path()).isEmpty(), qPrintable(filesIn(dir.path()).join(", ")));
}

void TestHostile::featuresFullDiskLeavesNoPartialFiles()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("maps");
    const Result r = run({"features", kImage, "--block", "layer1.0", "--out", out}, 120000, 4096);
    QVERIFY2(r.code == 2, qPrintable(describe(r)));
    // Whatever was written is whole (each file is complete or absent), and no temporary file is left.
    for (const QString &name : filesIn(out)) {
        QVERIFY2(!name.endsWith(".part"), qPrintable(name));
        if (name.endsWith(".png"))
            QVERIFY2(!QImage(QDir(out).filePath(name)).isNull(), qPrintable(name));
    }
}

// ---- 4 -------------------------------------------------------------------------------------

void TestHostile::fifoInputsAreRefused_data()
{
    QTest::addColumn<QStringList>("args"); // FIFO is replaced by the FIFO's path
    QTest::newRow("--weights") << QStringList{"classify", kImage, "--weights", "FIFO"};
    QTest::newRow("image") << QStringList{"classify", "FIFO"};
    QTest::newRow("--labels") << QStringList{"classify", kImage, "--weights", QString::fromStdString(kBuiltin),
                                             "--labels", "FIFO"};
    QTest::newRow("snapshot --image") << QStringList{"snapshot", "--out", "OUT", "--image", "FIFO"};
    QTest::newRow("evaluate --weights") << QStringList{"evaluate", "--data", "fashion-mnist", "--weights", "FIFO"};
}

void TestHostile::fifoInputsAreRefused()
{
    QFETCH(QStringList, args);
    QTemporaryDir dir;
    const QString fifo = dir.filePath("pipe");
    QCOMPARE(makeFifo(fifo), 0);
    args.replaceInStrings(QRegularExpression("^FIFO$"), fifo);
    args.replaceInStrings(QRegularExpression("^OUT$"), dir.filePath("x.png"));
    const Result r = run(args, 30000);
    EXPECT_BAD_INPUT(r, fifo + ": not a regular file (a FIFO)");
    QVERIFY(!QFile::exists(dir.filePath("x.png")));
}

void TestHostile::sidecarLabelsFifoIsRefused()
{
    QTemporaryDir dir;
    Weights w;
    w.metadata.erase("labels"); // so that the sidecar labels.txt is consulted
    const QString weights = dir.filePath("model.safetensors");
    w.save(weights);
    QCOMPARE(makeFifo(dir.filePath("labels.txt")), 0);
    const Result r = run({"classify", kImage, "--weights", weights}, 30000);
    EXPECT_BAD_INPUT(r, dir.filePath("labels.txt") + ": not a regular file (a FIFO)");
}

void TestHostile::devicesAreRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("/dev/zero as weights") << QStringList{"classify", kImage, "--weights", "/dev/zero"}
                                          << "/dev/zero: not a regular file (a character device)";
    QTest::newRow("/dev/urandom as labels")
        << QStringList{"classify", kImage, "--weights", QString::fromStdString(kBuiltin), "--labels", "/dev/urandom"}
        << "/dev/urandom: not a regular file (a character device)";
    QTest::newRow("/dev/zero as image") << QStringList{"classify", "/dev/zero"}
                                        << "/dev/zero: not a regular file (a character device)";
    QTest::newRow("folder as weights") << QStringList{"classify", kImage, "--weights", "/tmp"}
                                       << "/tmp: not a regular file (a folder)";
}

void TestHostile::devicesAreRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args, 30000);
    EXPECT_BAD_INPUT(r, message);
}

void TestHostile::prefixStrippingIsLinear()
{
    // 1.5 million "module." prefixes (10.5 MB): the old substr loop ran past 90 s.
    std::string name;
    for (int i = 0; i < 1500000; ++i)
        name += "module.";
    name += "model.fc.weight";
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(QString::fromStdString(canonicalTensorName(name)), QString("fc.weight"));
    // A hang guard, not a benchmark: linear work takes milliseconds.
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed()) + " ms"));
    QCOMPARE(QString::fromStdString(canonicalTensorName("module.model.layer1.0.conv1.weight")),
             QString("layer1.0.conv1.weight"));
    QCOMPARE(QString::fromStdString(canonicalTensorName("modelx.fc.weight")), QString("modelx.fc.weight"));
}

void TestHostile::oversizedFilesAreRefusedBeforeReading()
{
    // Sparse files: the size is refused from fstat, before a byte is read.
    QTemporaryDir dir;
    const QString labels = dir.filePath("labels.txt");
    {
        QFile f(labels);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(17) << 20));
    }
    QString message;
    try {
        readLabelsFile(labels.toStdString());
    } catch (const Error &e) {
        message = e.what();
    }
    QCOMPARE(message, labels + ": labels file is too large (17825792 bytes; the limit is 16 MiB)");
    const QString weights = dir.filePath("huge.safetensors");
    {
        QFile f(weights);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize((qint64(8) << 30) + 1));
    }
    message.clear();
    try {
        SafetensorsFile::read(weights.toStdString());
    } catch (const Error &e) {
        message = e.what();
    }
    QCOMPARE(message, weights + ": weights file is too large (8589934593 bytes; the limit is 8192 MiB)");
}

void TestHostile::endlessLoopsAreRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("evaluate --batch 0") << QStringList{"evaluate", "--data", "fashion-mnist", "--batch", "0"}
                                        << "batch: must be between 1 and 4096 (got 0)";
    QTest::newRow("bench --warmup 2e9") << QStringList{"bench", "--warmup", "2000000000"}
                                        << "warmup: must be between 0 and 1000 (got 2000000000)";
    QTest::newRow("bench --runs 0") << QStringList{"bench", "--runs", "0"} << "runs: must be between 1 and 100000";
}

void TestHostile::endlessLoopsAreRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args, 60000);
    EXPECT_BAD_INPUT(r, message);
}

// ---- 5 -------------------------------------------------------------------------------------

void TestHostile::nonFiniteWeightsWarnAndKeepJsonValid()
{
    QTemporaryDir dir;
    Weights w;
    w.fill("fc.bias", std::numeric_limits<float>::quiet_NaN());
    const QString weights = dir.filePath("poisoned.safetensors");
    w.save(weights);
    const Result r = run({"classify", kImage, "--weights", weights, "--format", "json", "--topk", "2"});
    QVERIFY2(r.code == 0, qPrintable(describe(r)));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + "\n" + r.out));
    const QJsonArray top = doc.object().value("results").toArray().at(0).toObject().value("top").toArray();
    QCOMPARE(top.size(), 2);
    QVERIFY(top.at(0).toObject().value("probability").isNull());
    QVERIFY2(r.err.contains(weights + ": 10 weights are NaN or infinite"), qPrintable(r.err));
    const Result table = run({"classify", kImage, "--weights", weights});
    QCOMPARE(table.code, 0);
    QVERIFY2(!table.out.contains("nan"), qPrintable(table.out));
    QVERIFY(table.out.contains("n/a"));
}

void TestHostile::nonFiniteHyperparametersAreRefused_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("message");
    QTest::newRow("--wd inf") << QStringList{"--wd", "inf"} << "wd: 'inf' is not a finite number in range";
    QTest::newRow("--momentum inf") << QStringList{"--momentum", "inf"}
                                    << "momentum: 'inf' is not a finite number in range";
    QTest::newRow("--lr nan") << QStringList{"--lr", "nan"} << "lr: 'nan' is not a finite number in range";
    QTest::newRow("--momentum 1") << QStringList{"--momentum", "1"} << "momentum: must be in [0, 1) (got 1)";
    QTest::newRow("--wd -1") << QStringList{"--wd", "-1"} << "wd: must be in [0, 1] (got -1)";
}

void TestHostile::nonFiniteHyperparametersAreRefused()
{
    QFETCH(QStringList, extra);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString out = dir.filePath("m.safetensors");
    const Result r = run(QStringList{"train", "--data", "fashion-mnist", "--epochs", "1", "--limit", "256", "--out",
                                     out} +
                         extra);
    EXPECT_BAD_INPUT(r, "resnext-explorer train: " + message);
    QVERIFY(!QFile::exists(out));
    // The engine refuses them too, whoever calls it.
    TrainOptions o;
    o.weightDecay = std::numeric_limits<double>::infinity();
    QVERIFY_THROWS_EXCEPTION(SpecError, validateTrainOptions(o));
    o = TrainOptions();
    o.momentum = std::numeric_limits<double>::quiet_NaN();
    QVERIFY_THROWS_EXCEPTION(SpecError, validateTrainOptions(o));
}

void TestHostile::divergingTrainingStops()
{
    // Finite but reckless: a decay step of lr * wd = 10 multiplies the weights by
    // -9 each step, so the logits overflow within a few dozen steps.
    QTemporaryDir dir;
    const QString out = dir.filePath("diverged.safetensors");
    const Result r = run({"train", "--data", "fashion-mnist", "--out", out, "--lr", "10", "--wd", "1", "--momentum",
                          "0.9", "--no-augment", "--limit", "64", "--batch", "8", "--epochs", "5", "--val-fraction",
                          "0", "--format", "json"},
                         600000);
    QVERIFY2(r.code == 2, qPrintable(describe(r)));
    QVERIFY2(QRegularExpression("^resnext-explorer train: train: the loss became (NaN|infinite) at epoch [0-9]+, step "
                                "[0-9]+; lower --lr or --wd$")
                 .match(r.err.trimmed())
                 .hasMatch(),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
}

void TestHostile::strayArgumentsAreRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("summary --layers 3 4 6 3")
        << QStringList{"summary", "--layers", "3", "4", "6", "3"}
        << "resnext-explorer summary: summary: unexpected argument '4' (each option takes one value; lists are "
           "comma-separated, e.g. --layers 3,4,6,3)";
    QTest::newRow("presets extra") << QStringList{"presets", "all"} << "presets: unexpected argument 'all'";
    QTest::newRow("match extra") << QStringList{"match", "--cardinality", "32", "x"} << "match: unexpected argument 'x'";
    QTest::newRow("bench extra") << QStringList{"bench", "fast"} << "bench: unexpected argument 'fast'";
    QTest::newRow("evaluate extra") << QStringList{"evaluate", "--data", "fashion-mnist", "500"}
                                    << "evaluate: unexpected argument '500'";
    QTest::newRow("train extra") << QStringList{"train", "--data", "fashion-mnist", "--out", "/tmp/x.safetensors",
                                                "--epochs", "1", "2"}
                                 << "train: unexpected argument '2'";
    QTest::newRow("export-samples extra") << QStringList{"export-samples", "--out", "/tmp/none", "junk"}
                                          << "export-samples: unexpected argument 'junk'";
}

void TestHostile::strayArgumentsAreRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    EXPECT_BAD_INPUT(r, message);
    QVERIFY(r.out.isEmpty());
}

void TestHostile::snapshotBadInputWritesNothing_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad --image") << "--image" << QByteArray("not an image") << "not an image";
    QTest::newRow("bad --weights") << "--weights" << QByteArray(16, 'x') << "header length";
    QTest::newRow("missing --image") << "--image" << QByteArray() << "cannot open file (No such file or directory)";
}

void TestHostile::snapshotBadInputWritesNothing()
{
    QFETCH(QString, option);
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString input = dir.filePath("input.bin");
    if (!content.isEmpty())
        writeBytes(input, content);
    const QString out = dir.filePath("shot.png");
    const Result r = run({"snapshot", "--out", out, "--panel", "classify", option, input}, 120000);
    EXPECT_BAD_INPUT(r, message);
    QVERIFY(!QFile::exists(out));
}

void TestHostile::labelsWithoutWeightsAreRefused()
{
    QTemporaryDir dir;
    const QString labels = dir.filePath("labels.txt");
    writeBytes(labels, "a\nb\nc\n");
    const Result r = run({"classify", kImage, "--labels", labels});
    EXPECT_BAD_INPUT(r, "labels: --labels names the classes of --weights FILE (or of a spec)");
    QVERIFY(r.out.isEmpty());
}

void TestHostile::duplicateCanonicalNamesAreRefused()
{
    QTemporaryDir dir;
    const QString weights = dir.filePath("dup.safetensors");
    const Result r = classifyWithCopy(weights, "fc.bias", "module.fc.bias");
    EXPECT_BAD_INPUT(r, weights + ": tensors 'fc.bias' and 'module.fc.bias' both name the model's 'fc.bias'");
    const Result allowPartial = run({"classify", kImage, "--weights", weights, "--allow-partial"});
    QCOMPARE(allowPartial.code, 2);
    QVERIFY_THROWS_EXCEPTION(Error, canonicalTensors(SafetensorsFile::read(weights.toStdString())));
}

// ---- 6 -------------------------------------------------------------------------------------

void TestHostile::trainOutputCheckedFirst_data()
{
    QTest::addColumn<QString>("out"); // DIR is replaced by a temporary folder
    QTest::addColumn<QString>("message");
    QTest::newRow("existing folder") << "DIR" << "out: 'DIR' is a folder; give a file name";
    QTest::newRow("unwritable folder") << "/proc/model.safetensors" << "out: cannot write in folder '/proc'";
    QTest::newRow("missing folder") << "DIR/no/such/m.safetensors" << "out: folder 'DIR/no/such' does not exist";
}

void TestHostile::trainOutputCheckedFirst()
{
    QFETCH(QString, out);
    QFETCH(QString, message);
    QTemporaryDir dir;
    out.replace("DIR", dir.path());
    message.replace("DIR", dir.path());
    // 100 epochs of the whole set would take hours: only a check before the first step can pass in time.
    const Result r = run({"train", "--data", "fashion-mnist", "--epochs", "100", "--out", out}, 120000);
    EXPECT_BAD_INPUT(r, "resnext-explorer train: " + message);
    QVERIFY2(!r.err.contains("epoch"), qPrintable(r.err));
}

// ---- 7 -------------------------------------------------------------------------------------

void TestHostile::exitTwoNotOne_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString file = m_dir.filePath("plain-file");
    writeBytes(file, "x");
    QTest::newRow("export-samples --out under a file")
        << QStringList{"export-samples", "--out", file + "/sub"} << "out: cannot create folder '" + file + "/sub' (";
    QTest::newRow("export-samples --out ''") << QStringList{"export-samples", "--out", ""}
                                             << "out: the folder name is empty";
    QTest::newRow("train --out ''") << QStringList{"train", "--data", "fashion-mnist", "--out", ""}
                                    << "out: the file name is empty";
    QTest::newRow("train --wd 1e308") << QStringList{"train", "--data", "fashion-mnist", "--out",
                                                     m_dir.filePath("m.safetensors"), "--wd", "1e308"}
                                      << "wd: must be in [0, 1] (got 1e+308)";
    QTest::newRow("train --lr 1e999") << QStringList{"train", "--data", "fashion-mnist", "--out",
                                                     m_dir.filePath("m.safetensors"), "--lr", "1e999"}
                                      << "lr: '1e999' is not a finite number in range";
    QTest::newRow("features --block ''") << QStringList{"features", kImage, "--block", "", "--out",
                                                        m_dir.filePath("maps")}
                                         << "block: empty; name a residual block like layer2.0";
    QTest::newRow("features --out under a file")
        << QStringList{"features", kImage, "--out", file + "/maps"} << "out: cannot create folder '" + file + "/maps' (";
}

void TestHostile::exitTwoNotOne()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args, 120000);
    EXPECT_BAD_INPUT(r, message);
}

// Out-of-range numbers in block and tensor names are bad input (exit 2), parsed
// without a regex and without std::stoi's out_of_range.
void TestHostile::outOfRangeBlockNames_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("--block layer99999999999.0") << "block";
    QTest::newRow("tensor layer99999999999.0.conv1.weight") << "tensor";
}

void TestHostile::outOfRangeBlockNames()
{
    QFETCH(QString, kind);
    QTemporaryDir dir;
    Result r;
    if (kind == "block") {
        r = run({"features", kImage, "--block", "layer99999999999.0", "--out", dir.filePath("maps")});
    } else {
        Weights w;
        w.metadata.erase("spec"); // so that the spec is inferred from the names
        w.addCopy("layer1.0.conv1.weight", "layer99999999999.0.conv1.weight");
        w.save(dir.filePath("w.safetensors"));
        r = run({"classify", kImage, "--weights", dir.filePath("w.safetensors")});
    }
    QCOMPARE(r.code, 2);
}

// ---- 8 -------------------------------------------------------------------------------------

void TestHostile::controlCharactersInValues()
{
    const Result r = run({"summary", "--preset", "evil\nline\x1b[31m"});
    QCOMPARE(r.code, 2);
    const QString err = r.err.trimmed();
    QVERIFY2(!err.contains('\n') && !err.contains('\x1b'), qPrintable(err));
    QVERIFY2(err.startsWith("resnext-explorer summary: preset: unknown name 'evil\\x0Aline\\x1B[31m'"), qPrintable(err));
    const Result cmd = run({"sum\nmary"});
    QCOMPARE(cmd.code, 2);
    QCOMPARE(cmd.err.trimmed(), QString("resnext-explorer: unknown command 'sum\\x0Amary' (see resnext-explorer --help)"));
}

void TestHostile::controlCharactersInTensorNames()
{
    QTemporaryDir dir;
    const Result r = classifyWithCopy(dir.filePath("names.safetensors"), "fc.bias", "evil\nname\x1b[2J");
    EXPECT_BAD_INPUT(r, "1 unexpected (evil\\x0Aname\\x1B[2J)");
    QVERIFY(!r.err.contains('\x1b'));
}

void TestHostile::controlCharactersInLabels()
{
    QTemporaryDir dir;
    QByteArray labels;
    for (int i = 0; i < 10; ++i)
        labels += "class\x1b[31m" + QByteArray::number(i) + "\x07\n";
    writeBytes(dir.filePath("labels.txt"), labels);
    const Result r = run({"classify", kImage, "--weights", QString::fromStdString(kBuiltin), "--labels",
                          dir.filePath("labels.txt")});
    QVERIFY2(r.code == 0, qPrintable(describe(r)));
    QVERIFY2(!r.out.contains('\x1b') && !r.out.contains('\x07'), qPrintable(r.out));
    QVERIFY2(r.out.contains("class\\x1B[31m9\\x07"), qPrintable(r.out));
    // JSON keeps the label itself, escaped by JSON's rules.
    const Result json = run({"classify", kImage, "--weights", QString::fromStdString(kBuiltin), "--labels",
                             dir.filePath("labels.txt"), "--format", "json"});
    QCOMPARE(json.code, 0);
    const QJsonArray top =
        QJsonDocument::fromJson(json.out.toUtf8()).object().value("results").toArray().at(0).toObject().value("top").toArray();
    QCOMPARE(top.at(0).toObject().value("label").toString(), QString("class\x1b[31m9\x07"));
}

void TestHostile::controlCharactersInClassFolders()
{
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath("data/bad\nclass\x1b[0m")));
    QVERIFY(QDir().mkpath(dir.filePath("data/shoe")));
    QVERIFY(QFile::copy(kImage, dir.filePath("data/shoe/a.png")));
    const Result r = run({"evaluate", "--data", dir.filePath("data")});
    EXPECT_BAD_INPUT(r, "bad\\x0Aclass\\x1B[0m: no image files");
}

// ---- 9 -------------------------------------------------------------------------------------

namespace {

// A little-endian TIFF of width x height 8-bit grey (black) pixels, uncompressed:
// tiled (tileWidth x tileLength, one tile's bytes) when tileWidth > 0, else one
// strip with RowsPerStrip = rowsPerStrip.
std::string greyTiff(std::uint32_t width, std::uint32_t height, std::uint32_t tileWidth, std::uint32_t tileLength,
                     std::uint32_t rowsPerStrip = 0xFFFFFFFF)
{
    const bool tiled = tileWidth > 0;
    const std::uint32_t dataBytes = tiled ? 16 : width * height;
    const std::uint32_t entries = 11;
    const std::uint32_t dataOffset = 8 + 2 + entries * 12 + 4;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> tags = {
        {256, width}, {257, height}, {258, 8}, {259, 1}, {262, 1}, {277, 1}, {284, 1}};
    if (tiled)
        tags.insert(tags.end(), {{322, tileWidth}, {323, tileLength}, {324, dataOffset}, {325, dataBytes}});
    else
        tags.insert(tags.end(), {{273, dataOffset}, {278, rowsPerStrip}, {279, dataBytes}, {274, 1}});
    std::sort(tags.begin(), tags.end());
    std::string b;
    const auto u16 = [&](std::uint32_t v) { b.push_back(char(v & 0xFF)); b.push_back(char((v >> 8) & 0xFF)); };
    const auto u32 = [&](std::uint32_t v) { u16(v & 0xFFFF); u16(v >> 16); };
    b += "II";
    u16(42);
    u32(8);
    u16(entries);
    for (const auto &[tag, value] : tags) {
        u16(tag);
        u16(4); // LONG
        u32(1);
        u32(value);
    }
    u32(0); // no next IFD
    b.append(dataBytes, '\0');
    return b;
}

} // namespace

void TestHostile::tiledTiffTileBufferIsCapped()
{
    // One pixel, one 16384x16384 tile: 268 megapixels of tile buffer (the fuzz saw 1.2 GB).
    const std::string tiff = greyTiff(1, 1, 16384, 16384);
    QCOMPARE(QString::fromStdString(probeImage(tiff, "t.tif").format), QString("tiff"));
    QString message;
    try {
        decodeImageBytes(tiff, "t.tif");
    } catch (const Error &e) {
        message = e.what();
    }
    QCOMPARE(message, QString("t.tif: TIFF tiles or strips of 268435456 pixels exceed the limit of 50 megapixels "
                              "(the image is 1x1)"));
}

void TestHostile::oneStripTiffDecodes()
{
    // The guard leaves ordinary files alone: RowsPerStrip 2^32 - 1 means "one
    // strip", which libtiff reads as the image's own rows.
    const RgbImage img = decodeImageBytes(greyTiff(9, 7, 0, 0), "strip.tif");
    QCOMPARE(img.width, 9);
    QCOMPARE(img.height, 7);
    QCOMPARE(int(img.pixels.at(0)), 0);
}

// ---- Also: threads -------------------------------------------------------------------------

void TestHostile::benchPrintsThreads()
{
    const Result r = run({"bench", "--preset", "resnet18", "--input", "32", "--runs", "1", "--warmup", "0",
                          "--threads", "1", "--format", "json"});
    QVERIFY2(r.code == 0, qPrintable(describe(r)));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value("threads").toInt(), 1);
    const int n = defaultThreadCount();
    QVERIFY(n >= 1 && n <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

QTEST_APPLESS_MAIN(TestHostile)
#include "test_hostile.moc"
