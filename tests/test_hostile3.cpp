// Hostile input, round three (issue 28): writes through planted names, memory
// bombs from tiny .pth files, tampered experiment folders, huge video frames,
// names that are not text. Every case runs the real executable in a child with
// a timeout and reads its peak RSS (wait4's ru_maxrss), so a regression to a
// hang, a crash or a memory bomb fails here. Victim files must stay unchanged.
#include "resnext/fileio.h"
#include "resnext/safetensors.h"
#include "resnext/weights_cache.h"

#include "language.h"
#include "mainwindow.h"
#include "deflate.h"
#include "test_util.h"

#include <QApplication>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <zlib.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <malloc.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace resnext;

namespace {

// Peak RSS allowed for any command on a hostile file under 1 MB (issue 28).
constexpr long kMaxPeakKiB = 300 * 1024;

struct Outcome {
    int code = -1;     // exit code; -1: killed by a signal; -2: still running at the timeout
    long peakKiB = 0;  // the child's peak resident set
    QString out, err;
};

QString describe(const Outcome &r)
{
    return QString("exit %1, peak %2 MiB\nstdout: %3\nstderr: %4")
        .arg(r.code)
        .arg(r.peakKiB / 1024)
        .arg(r.out.left(1500), r.err.left(1500));
}

// Runs the executable with extra environment; fileSizeLimit > 0 makes every
// write past it fail with EFBIG (SIGXFSZ ignored): a full disk as write() sees it.
Outcome run(const QStringList &args, const QStringList &env = {}, rlim_t fileSizeLimit = 0, int timeoutMs = 60000)
{
    static QTemporaryDir scratch;
    static int serial = 0;
    const QString outPath = scratch.filePath(QString("out%1").arg(serial));
    const QString errPath = scratch.filePath(QString("err%1").arg(serial++));
    std::vector<std::string> argStore{RESNEXT_EXE};
    for (const QString &a : args)
        argStore.push_back(a.toStdString());
    std::vector<char *> argv;
    for (auto &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> envStore;
    for (const QString &e : env)
        envStore.push_back(e.toStdString());
    const std::string outFile = outPath.toStdString(), errFile = errPath.toStdString();
    const std::string runtimeDir = scratch.path().toStdString();
    // Linux carries a process's peak RSS across exec, and a forked child starts with
    // this process's resident pages: give back the freed heap (the data functions
    // build files of hundreds of MB) so that the child's figure is its own.
    ::malloc_trim(0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
        ::setenv("XDG_RUNTIME_DIR", runtimeDir.c_str(), 1);
        ::setenv("OMP_NUM_THREADS", "1", 1);
        for (const auto &e : envStore)
            ::putenv(const_cast<char *>(e.c_str()));
        const int o = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int e = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(o, 1);
        ::dup2(e, 2);
        if (fileSizeLimit > 0) {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit lim{fileSizeLimit, fileSizeLimit};
            ::setrlimit(RLIMIT_FSIZE, &lim);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    Outcome r;
    int status = 0;
    rusage usage{};
    const auto start = std::chrono::steady_clock::now();
    while (true) {
        const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(timeoutMs)) {
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &usage);
            r.code = -2;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (r.code != -2)
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peakKiB = usage.ru_maxrss;
    QFile fo(outPath), fe(errPath);
    fo.open(QIODevice::ReadOnly);
    fe.open(QIODevice::ReadOnly);
    r.out = QString::fromUtf8(fo.readAll());
    r.err = QString::fromUtf8(fe.readAll());
    return r;
}

// Exit 2, the message on the last line of stderr (status lines such as
// "1 threads, device cpu" may come before it), bounded memory.
#define EXPECT_REFUSED(r, message)                                                                                     \
    do {                                                                                                               \
        QVERIFY2((r).code == 2, qPrintable(describe(r)));                                                              \
        QVERIFY2((r).err.trimmed().split('\n').last().contains(message), qPrintable(describe(r)));                     \
        QVERIFY2((r).peakKiB < kMaxPeakKiB, qPrintable(describe(r)));                                                  \
    } while (0)

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

// ------------------------------------------------------------ hostile .pth files

void put16(std::string &s, unsigned v) { s += char(v & 0xFF), s += char((v >> 8) & 0xFF); }
void put32(std::string &s, std::uint32_t v) { put16(s, v & 0xFFFF), put16(s, v >> 16); }

struct ZipFile {
    std::string name, data;
    bool deflate = false;
    std::int64_t sameAs = -1; // >= 0: the directory entry points at that file's local header (overlap)
};

std::string zipOf(const std::vector<ZipFile> &files)
{
    std::string out, dir;
    std::vector<std::uint32_t> offsets;
    for (const ZipFile &f : files) {
        const auto crc = static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef *>(f.data.data()), static_cast<uInt>(f.data.size())));
        const std::string body = f.deflate ? rawDeflated(f.data, 9) : f.data;
        std::uint32_t offset;
        if (f.sameAs >= 0) {
            offset = offsets[static_cast<std::size_t>(f.sameAs)];
        } else {
            offset = static_cast<std::uint32_t>(out.size());
            out += "PK\x03\x04";
            put16(out, 20), put16(out, 0), put16(out, f.deflate ? 8 : 0), put16(out, 0), put16(out, 0);
            put32(out, crc), put32(out, static_cast<std::uint32_t>(body.size()));
            put32(out, static_cast<std::uint32_t>(f.data.size()));
            put16(out, static_cast<unsigned>(f.name.size())), put16(out, 0);
            out += f.name + body;
        }
        offsets.push_back(offset);
        dir += "PK\x01\x02";
        put16(dir, 20), put16(dir, 20), put16(dir, 0), put16(dir, f.deflate ? 8 : 0), put16(dir, 0), put16(dir, 0);
        put32(dir, crc), put32(dir, static_cast<std::uint32_t>(body.size()));
        put32(dir, static_cast<std::uint32_t>(f.data.size()));
        put16(dir, static_cast<unsigned>(f.name.size())), put16(dir, 0), put16(dir, 0), put16(dir, 0);
        put16(dir, 0), put32(dir, 0), put32(dir, offset);
        dir += f.name;
    }
    const auto dirOffset = static_cast<std::uint32_t>(out.size());
    out += dir + "PK\x05\x06";
    put16(out, 0), put16(out, 0), put16(out, static_cast<unsigned>(files.size()));
    put16(out, static_cast<unsigned>(files.size()));
    put32(out, static_cast<std::uint32_t>(dir.size())), put32(out, dirOffset), put16(out, 0);
    return out;
}

std::string str(const std::string &s)
{
    std::string out = "X";
    put32(out, static_cast<std::uint32_t>(s.size()));
    return out + s;
}
std::string int32(std::int32_t v)
{
    std::string out = "J";
    put32(out, static_cast<std::uint32_t>(v));
    return out;
}

// One tensor entry: name -> _rebuild_tensor_v2(storage(key, numel), 0, shape, stride, False, OrderedDict()).
std::string tensorEntry(const std::string &name, const std::string &key, std::int32_t numel,
                        const std::vector<std::int32_t> &shape, const std::vector<std::int32_t> &stride)
{
    std::string p = str(name) + "ctorch._utils\n_rebuild_tensor_v2\n(";
    p += "(" + str("storage") + "ctorch\nFloatStorage\n" + str(key) + str("cpu") + int32(numel) + "tQ";
    p += int32(0) + "(";
    for (auto d : shape)
        p += int32(d);
    p += "t(";
    for (auto d : stride)
        p += int32(d);
    p += "t\x89" "ccollections\nOrderedDict\n)R" "tRs";
    return p;
}

std::string pickleOf(const std::string &entries) { return std::string("\x80\x02}", 3) + entries + "."; }

std::string pthOf(const std::string &pickle, std::vector<ZipFile> storages, bool deflatePickle = false)
{
    std::vector<ZipFile> files{{"archive/data.pkl", pickle, deflatePickle}, {"archive/byteorder", "little"}};
    for (auto &s : storages) {
        if (s.sameAs >= 0)
            s.sameAs += 2;
        files.push_back(std::move(s));
    }
    return zipOf(files);
}

// A grey PNG of width x height zero pixels, deflated as it is made (16000 x
// 16000 is ~250 KB): an image that is small on disk and huge in memory.
QByteArray greyPng(std::uint32_t width, std::uint32_t height, bool colour = false)
{
    const auto be32 = [](std::string &s, std::uint32_t v) {
        for (int k = 3; k >= 0; --k)
            s += char((v >> (8 * k)) & 0xFF);
    };
    const auto chunk = [&](std::string &out, const char *type, const std::string &data) {
        be32(out, static_cast<std::uint32_t>(data.size()));
        const std::string body = std::string(type, 4) + data;
        out += body;
        be32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef *>(body.data()),
                                                   static_cast<uInt>(body.size()))));
    };
    std::string ihdr;
    be32(ihdr, width), be32(ihdr, height);
    ihdr += std::string(colour ? "\x08\x02\x00\x00\x00" : "\x08\x00\x00\x00\x00", 5);
    z_stream z{};
    deflateInit(&z, 9);
    const std::string row(std::size_t(width) * (colour ? 3 : 1) + 1, '\0');
    std::string idat;
    std::string buf(1 << 16, '\0');
    for (std::uint32_t y = 0; y <= height; ++y) {
        const bool last = y == height;
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(row.data()));
        z.avail_in = last ? 0 : static_cast<uInt>(row.size());
        do {
            z.next_out = reinterpret_cast<Bytef *>(buf.data());
            z.avail_out = static_cast<uInt>(buf.size());
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            idat.append(buf.data(), buf.size() - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    std::string out("\x89PNG\r\n\x1a\n", 8);
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", "");
    return QByteArray::fromStdString(out);
}


// The built-in model's state dict as a .pth of zeros (deflated: a few KB): a file
// whose header names a real architecture (resnext20_8x16d, cifar stem, 10 classes). big
// gives tensors whose storage (or whole view) has that many elements instead.
std::string builtinShapedPth(const std::map<std::string, std::int32_t> &big, int extra = 0, std::int32_t extraNumel = 0)
{
    const SafetensorsFile model = SafetensorsFile::readHeader(RESNEXT_SOURCE_DIR "/resources/fashion_mnist_resnext.safetensors");
    std::string entries;
    std::vector<ZipFile> storages;
    int key = 0;
    const auto add = [&](const std::string &name, const std::vector<std::int32_t> &shape) {
        std::int32_t numel = 1;
        std::vector<std::int32_t> stride(shape.size(), 1);
        for (std::size_t d = shape.size(); d-- > 0;) {
            stride[d] = numel;
            numel *= shape[d];
        }
        const auto it = big.find(name);
        const std::int32_t stored = it == big.end() ? numel : it->second;
        const bool wholeView = it != big.end() && shape.size() == 1; // a 1-D tensor claims the whole storage
        const std::string k = std::to_string(key++);
        entries += tensorEntry(name, k, stored, wholeView ? std::vector<std::int32_t>{stored} : shape, stride);
        storages.push_back({"archive/data/" + k, std::string(std::size_t(stored) * 4, '\0'), true});
    };
    for (const TensorRecord &t : model.tensors())
        add(t.name, std::vector<std::int32_t>(t.shape.begin(), t.shape.end()));
    for (int i = 0; i < extra; ++i)
        add("junk" + std::to_string(i), {extraNumel});
    return pthOf(pickleOf(entries), storages);
}
// What the JSON readers find at a path instead of their file, as data rows
// (kind, message) shared by their tests, and makeNotAFile(kind, path) to put it there.
void addNotAFileRows()
{
    QTest::newRow("FIFO") << "fifo" << "not a regular file (a FIFO)";
    QTest::newRow("/dev/zero") << "zero" << "not a regular file (a character device)";
    QTest::newRow("folder") << "folder" << "not a regular file (a folder)";
    QTest::newRow("deep nesting") << "deep" << "not valid JSON (arrays/objects nested deeper than 64 levels)";
}

bool makeNotAFile(const QString &kind, const QString &path)
{
    if (kind == "fifo")
        return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0;
    if (kind == "zero")
        return QFile::link("/dev/zero", path);
    if (kind == "folder")
        return QDir().mkdir(path);
    if (kind == "deep") {
        writeFile(path, QByteArray(100000, '[') + QByteArray(100000, ']'));
        return true;
    }
    return false;
}

} // namespace

class TestHostile3 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---------------------------------------------------------------- item 2: writes

    void atomicWriterRefusesSymlinkAtFinalName()
    {
        QTemporaryDir dir;
        const QString victim = dir.filePath("victim");
        writeFile(victim, "precious");
        const QString target = dir.filePath("out.txt");
        QVERIFY(QFile::link(victim, target));
        std::string message;
        try {
            writeFileAtomically(target.toStdString(), "evil");
        } catch (const Error &e) {
            message = e.what();
        }
        QCOMPARE(QString::fromStdString(message), target + ": is a symbolic link; not writing through it");
        try {
            AtomicOutputPath p(target.toStdString());
            QFAIL("AtomicOutputPath accepted a symlink");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).endsWith("is a symbolic link; not writing through it"));
        }
        QCOMPARE(readAll(victim), QByteArray("precious"));
        // Nothing is left behind beside it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 2);
    }

    void exportPytorchPlantedNames()
    {
        QTemporaryDir dir;
        const QString victim = dir.filePath("victim");
        writeFile(victim, "precious");
        // The temporary names the old writers used, and any other name nearby.
        for (const char *n : {"model.py.tmp", "train.py.tmp", ".model.py.tmp", ".train.py.tmp"})
            QVERIFY(QFile::link(victim, dir.filePath(n)));
        const Outcome ok = run({"export", "pytorch", "--preset", "resnext50_32x4d", "--out", dir.filePath("model.py"),
                                "--train-script"});
        QVERIFY2(ok.code == 0, qPrintable(describe(ok)));
        QVERIFY(!QFileInfo(dir.filePath("model.py")).isSymLink());
        QVERIFY(readAll(dir.filePath("train.py")).contains("import"));
        QCOMPARE(readAll(victim), QByteArray("precious"));

        // A symlink at a final name is refused, and nothing is written through it.
        QVERIFY(QFile::remove(dir.filePath("train.py")));
        QVERIFY(QFile::link(victim, dir.filePath("train.py")));
        const Outcome refused = run({"export", "pytorch", "--preset", "resnext50_32x4d", "--out",
                                     dir.filePath("model.py"), "--train-script"});
        EXPECT_REFUSED(refused, dir.filePath("train.py") + ": is a symbolic link; not writing through it");
        QCOMPARE(readAll(victim), QByteArray("precious"));

        // --out train.py --train-script: refused before anything is written.
        QTemporaryDir empty;
        const Outcome clash = run({"export", "pytorch", "--preset", "resnext50_32x4d", "--out",
                                   empty.filePath("train.py"), "--train-script"});
        EXPECT_REFUSED(clash, "--out train.py would be overwritten by the training script");
        QVERIFY(!QFileInfo::exists(empty.filePath("train.py")));
    }

    void exportFullDiskKeepsPreviousFile()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("model.py");
        writeFile(out, "previous");
        const Outcome r = run({"export", "pytorch", "--preset", "resnext50_32x4d", "--out", out}, {}, 1000);
        EXPECT_REFUSED(r, out + ": cannot write file (File too large)");
        QCOMPARE(readAll(out), QByteArray("previous"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 1);
    }

    void makeClipPlantedNamesAndFullDisk()
    {
        QTemporaryDir dir;
        const QString victim = dir.filePath("victim");
        writeFile(victim, "precious");
        QVERIFY(QFile::link(victim, dir.filePath(".clip.partial.avi")));
        const QString image = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/photo-coffee.png");
        const QString clip = dir.filePath("clip.avi");
        const QStringList args{"make-clip", image, "--out", clip, "--size", "64", "--fps", "4", "--seconds-per-image", "1"};
        const Outcome ok = run(args);
        QVERIFY2(ok.code == 0, qPrintable(describe(ok)));
        QVERIFY2(ok.out.contains("4 frames"), qPrintable(describe(ok)));
        QCOMPARE(readAll(victim), QByteArray("precious"));
        const QByteArray good = readAll(clip);

        // Full disk: nonzero exit, the previous clip stays, no temporary left.
        const Outcome full = run(args, {}, 4096);
        EXPECT_REFUSED(full, clip + ": cannot write file");
        QCOMPARE(readAll(clip), good);
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 3);

        // A symlink at the final name.
        QVERIFY(QFile::remove(clip));
        QVERIFY(QFile::link(victim, clip));
        EXPECT_REFUSED(run(args), "is a symbolic link; not writing through it");
        QCOMPARE(readAll(victim), QByteArray("precious"));
    }

    // Every other writer: a symlink planted at the final name (and at the old
    // temporary names) is refused and the victim is unchanged.
    void writersRefuseSymlinkAtFinalName_data()
    {
        QTest::addColumn<QStringList>("args"); // "OUT" stands for the output folder
        QTest::addColumn<QString>("planted");   // the final name, relative to OUT
        const QString weights = QStringLiteral(RESNEXT_SOURCE_DIR "/resources/fashion_mnist_resnext.safetensors");
        QTest::newRow("convert") << QStringList{"convert", weights, "--out", "OUT/w.safetensors"} << "w.safetensors";
        QTest::newRow("export onnx") << QStringList{"export", "onnx", "--weights", weights, "--out", "OUT/m.onnx"}
                                     << "m.onnx";
        const QStringList groups{"groups", "--data", "fashion-mnist", "--limit", "40", "--top", "2", "--no-untrained",
                                 "--threads", "1", "--out", "OUT"};
        QTest::newRow("groups selectivity.png") << groups << "selectivity.png";
        QTest::newRow("groups cka.png") << groups << "cka.png";
        QTest::newRow("groups CSV") << groups << "cka.csv";
        const QStringList experiment{"experiment", "cardinality", "--data", "fashion-mnist", "--out", "OUT",
                                     "--depth", "1", "--cardinalities", "1", "--seeds", "1", "--epochs", "1",
                                     "--limit", "40", "--batch", "20", "--test-limit", "20", "--threads", "1"};
        QTest::newRow("experiment summary.json") << experiment << "summary.json";
        QTest::newRow("experiment plot") << (experiment + QStringList{"--plot", "OUT/plot.png"}) << "plot.png";
    }

    void writersRefuseSymlinkAtFinalName()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, planted);
        QTemporaryDir dir;
        const QString victim = dir.filePath("victim");
        writeFile(victim, "precious");
        for (QString &a : args)
            a.replace("OUT", dir.path());
        QVERIFY(QFile::link(victim, dir.filePath(planted)));
        QVERIFY(QFile::link(victim, dir.filePath(planted + ".tmp")));
        QVERIFY(QFile::link(victim, dir.filePath("summary.json.tmp")) || planted == "summary.json");
        const Outcome r = run(args, {}, 0, 120000);
        // These commands train or load a model: the memory bound is for hostile inputs, not checked here.
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.trimmed().split('\n').last().contains(dir.filePath(planted) +
                                                             ": is a symbolic link; not writing through it"),
                 qPrintable(describe(r)));
        QCOMPARE(readAll(victim), QByteArray("precious"));
    }

    // ---------------------------------------------------------------- item 1: .pth memory bombs

    void pthMemoryBombs_data()
    {
        testutil::addColumns<QByteArray, QString>("file", "message");
        const std::string one(4, '\0');
        // A stride-0 view of one element over 2^28 positions (636 bytes in the issue).
        QTest::newRow("stride 0") << QByteArray::fromStdString(
                                         pthOf(pickleOf(tensorEntry("fc.weight", "0", 1, {1 << 28}, {0})),
                                               {{"archive/data/0", one}}))
                                  << "tensor 'fc.weight': a view of 268435456 elements over storage '0' of 1";
        std::string sixteen;
        for (int i = 0; i < 16; ++i)
            sixteen += tensorEntry("t" + std::to_string(i), "0", 1, {1 << 14, 1 << 14}, {0, 0});
        QTest::newRow("16 stride-0 views") << QByteArray::fromStdString(pthOf(pickleOf(sixteen), {{"archive/data/0", one}}))
                                           << "a view of 268435456 elements over storage '0' of 1";
        // 1,000 storages whose directory entries all point at one 600 KB record: 600 MB declared.
        const std::int32_t numel = 600 * 1024 / 4;
        std::string many;
        std::vector<ZipFile> shared;
        for (int i = 0; i < 1000; ++i) {
            many += tensorEntry("t" + std::to_string(i), std::to_string(i), numel, {numel}, {1});
            ZipFile f{"archive/data/" + std::to_string(i), std::string(static_cast<std::size_t>(numel) * 4, '\0')};
            if (i > 0) {
                f.sameAs = 0;
                f.name = "archive/data/" + std::to_string(i);
            }
            shared.push_back(std::move(f));
        }
        QTest::newRow("overlapping entries") << QByteArray::fromStdString(pthOf(pickleOf(many), shared))
                                             << "its data overlaps data already read";
        // One deflated storage of 200 MB of zeros (about 200 KB).
        const std::int32_t big = 50 << 20;
        QTest::newRow("deflate bomb")
            << QByteArray::fromStdString(pthOf(pickleOf(tensorEntry("w", "0", big, {big}, {1})),
                                               {{"archive/data/0", std::string(std::size_t(big) * 4, '\0'), true}}))
            << "which no real weights file needs";
        // data.pkl: 30 MB of MARKs, deflated (~30 KB); and 5,000 stored ones.
        QTest::newRow("deflated MARKs") << QByteArray::fromStdString(
                                               pthOf(std::string("\x80\x02", 2) + std::string(30 << 20, '('), {}, true))
                                        << "which no real weights file needs";
        QTest::newRow("nested MARKs") << QByteArray::fromStdString(
                                             pthOf(std::string("\x80\x02", 2) + std::string(5000, '('), {}))
                                      << "data.pkl: MARKs nested more than 4096 deep";
        // 300,000 small objects (None), stored: 300 KB.
        QTest::newRow("many objects") << QByteArray::fromStdString(
                                             pthOf(std::string("\x80\x02", 2) + std::string(300000, 'N'), {}))
                                      << "data.pkl: more than 262144 objects";
        // DUP: one value referenced 4.5 million times by five lists (deflated: ~5 KB).
        std::string dups("\x80\x02", 2);
        for (int i = 0; i < 5; ++i)
            dups += "(N" + std::string(899999, '2') + "l";
        QTest::newRow("many references") << QByteArray::fromStdString(pthOf(dups, {}, true))
                                         << "containers hold more than 4194304 values";
    }

    void pthMemoryBombs()
    {
        QFETCH(QByteArray, file);
        QFETCH(QString, message);
        QVERIFY2(file.size() < (1 << 20), qPrintable(QString::number(file.size())));
        QTemporaryDir dir;
        const QString path = dir.filePath("bomb.pth");
        writeFile(path, file);
        const QString out = dir.filePath("out.safetensors");
        const Outcome converted = run({"convert", path, "--out", out});
        EXPECT_REFUSED(converted, message);
        QVERIFY(!QFileInfo::exists(out));
        // The listing reads only the header and data.pkl: refuses or names the problem, within bounds.
        QDir(dir.path()).mkpath("hub/checkpoints");
        QVERIFY(QFile::rename(path, dir.filePath("hub/checkpoints/bomb.pth")));
        const Outcome listed = run({"weights", "--list", "--all", "--format", "json"},
                                   {"TORCH_HOME=" + dir.path(), "HF_HUB_CACHE=" + dir.filePath("none")});
        QVERIFY2(listed.code == 0, qPrintable(describe(listed)));
        QVERIFY2(listed.peakKiB < kMaxPeakKiB, qPrintable(describe(listed)));
        const QJsonArray weights = QJsonDocument::fromJson(listed.out.toUtf8()).object()["weights"].toArray();
        QCOMPARE(weights.size(), 1);
        QVERIFY(!weights[0].toObject()["loadable"].toBool());
    }


    // Issue 28, item 1: once the header names the architecture, no tensor, view or
    // storage may be larger than the plan's tensor of that name (others: than the
    // plan's largest tensor), checked before any storage is read. These files are
    // within the file-justified bounds (ratio 32) and were read before.
    void pthBoundedByArchitecture_data()
    {
        testutil::addColumns<QByteArray, QString>("file", "message");
        QTest::newRow("fc.weight over a 12 MB storage")
            << QByteArray::fromStdString(builtinShapedPth({{"fc.weight", 3000000}}))
            << "tensor 'fc.weight': storage '66' holds 3000000 elements, far more than the file's architecture, "
               "resnext20_8x16d (cifar stem), can use (at most 2560)";
        QTest::newRow("extra tensor of 4 MB")
            << QByteArray::fromStdString(builtinShapedPth({}, 1, 1 << 20))
            << "tensor 'junk0': [1048576] holds 1048576 elements, far more than the file's architecture, "
               "resnext20_8x16d (cifar stem), can use (at most 32768)";
        // Each within the largest tensor's size, together far beyond the model.
        QTest::newRow("200 extra tensors of 120 KB")
            << QByteArray::fromStdString(builtinShapedPth({}, 200, 30000))
            << "the state dict holds";
    }

    void pthBoundedByArchitecture()
    {
        QFETCH(QByteArray, file);
        QFETCH(QString, message);
        QVERIFY2(file.size() < (1 << 20), qPrintable(QString::number(file.size())));
        QTemporaryDir dir;
        const QString path = dir.filePath("model.pth");
        writeFile(path, file);
        const std::string p = path.toStdString();
        QCOMPARE(QString::fromStdString(describe(inspectWeights(p))), QString("resnext20_8x16d (cifar stem)")); // header only
        try {
            readModelWeights(p);
            QFAIL("read");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).startsWith(path + ": " + message), e.what());
            QVERIFY(QString(e.what()).contains(", can use (at most "));
        }
        const QString out = dir.filePath("out.safetensors");
        EXPECT_REFUSED(run({"convert", path, "--out", out}), message);
        QVERIFY(!QFileInfo::exists(out));
    }

    // A safetensors file claims its architecture in its metadata: a tensor larger
    // than the plan allows is refused from the header, before its bytes are read.
    void safetensorsBoundedByArchitecture()
    {
        const SafetensorsFile model = SafetensorsFile::read(RESNEXT_SOURCE_DIR "/resources/fashion_mnist_resnext.safetensors");
        std::vector<TensorToWrite> tensors;
        for (const TensorRecord &t : model.tensors())
            tensors.push_back({t.name, t.dtype, t.shape, t.begin == t.end ? nullptr : model.data(t)});
        const std::vector<float> junk(100000, 0.0f);
        tensors.push_back({"junk", DType::F32, {100000}, junk.data()});
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.safetensors").toStdString();
        writeSafetensors(path, tensors, model.metadata());
        try {
            readModelWeights(path);
            QFAIL("read");
        } catch (const Error &e) {
            QCOMPARE(QString(e.what()), QString::fromStdString(path) +
                                            ": tensor 'junk': shape [100000] holds 100000 elements, far more than the "
                                            "file's architecture, resnext20_8x16d (cifar stem), can use (at most 32768)");
        }
        // Without the extra tensor it loads as before, reading only up to the last tensor's bytes.
        tensors.pop_back();
        writeSafetensors(path, tensors, model.metadata());
        QCOMPARE(readModelWeights(path).tensors().size(), model.tensors().size());
    }

    // ---------------------------------------------------------------- item 5: frames and images

    void videoRefusesHugeFramesBeforeDecoding()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath("huge.png");
        writeFile(png, greyPng(16000, 16000));
        QVERIFY(QFileInfo(png).size() < (1 << 20));
        const Outcome r = run({"video", png}, {}, 0, 30000);
        EXPECT_REFUSED(r, png + ": video frames are 16000x16000 = 256.0 megapixels; the limit is 33.2 megapixels (8K UHD)");
    }

    // MP4 and Matroska headers of a few hundred bytes declaring 16000 x 16000 frames
    // (fuzz_video's seeds): refused from the container header, before FFmpeg opens the
    // file, with exit 2, little memory and nothing written into --out.
    void videoContainersDeclaringHugeFrames_data()
    {
        QTest::addColumn<QString>("seed");
        QTest::newRow("MP4") << "huge-v1.mp4";
        QTest::newRow("Matroska") << "huge.mkv";
    }

    void videoContainersDeclaringHugeFrames()
    {
        QFETCH(QString, seed);
        QTemporaryDir dir;
        const QString clip = dir.filePath("clip." + QFileInfo(seed).suffix());
        QVERIFY(QFile::copy(RESNEXT_SOURCE_DIR "/fuzz/corpus-video/" + seed, clip));
        const QString out = dir.filePath("frames");
        const Outcome r = run({"video", clip, "--out", out}, {}, 0, 30000);
        EXPECT_REFUSED(r, clip + ": video frames are 16000x16000 = 256.0 megapixels; the limit is 33.2 megapixels (8K UHD)");
        QVERIFY(!QFileInfo::exists(out) || QDir(out).isEmpty());
    }

    void makeClipHugeImages()
    {
        QTemporaryDir dir;
        const QString wide = dir.filePath("wide.png");
        writeFile(wide, greyPng(1000000, 50));
        const QString clip = dir.filePath("clip.avi");
        const Outcome r = run({"make-clip", wide, "--out", clip, "--size", "64", "--fps", "2", "--seconds-per-image", "1"},
                              {}, 0, 30000);
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.peakKiB < kMaxPeakKiB, qPrintable(describe(r)));
        // A 49-megapixel colour photo: one copy of its pixels (decoded in place), not three.
        const QString photo = dir.filePath("photo.png");
        writeFile(photo, greyPng(7000, 7000, true));
        const Outcome p = run({"make-clip", photo, "--out", dir.filePath("photo.avi"), "--size", "64", "--fps", "2",
                               "--seconds-per-image", "1"},
                              {}, 0, 30000);
        QVERIFY2(p.code == 0, qPrintable(describe(p)));
        QVERIFY2(p.peakKiB < kMaxPeakKiB, qPrintable(describe(p)));
        QVERIFY(QFile::remove(photo) && QFile::remove(dir.filePath("photo.avi")));
        // Above the image limit: refused before decoding, nothing left behind.
        const QString huge = dir.filePath("huge.png");
        writeFile(huge, greyPng(10000, 6000));
        const QString clip2 = dir.filePath("clip2.avi");
        EXPECT_REFUSED(run({"make-clip", huge, "--out", clip2}), "image is 10000x6000 = 60.0 megapixels; the limit is 50 megapixels");
        QVERIFY(!QFileInfo::exists(clip2));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 3);
    }

    // ---------------------------------------------------------------- items 7, 8: numbers and messages

    void numbersAndMessages_data()
    {
        testutil::addColumns<QStringList, QString>("args", "message");
        QTest::newRow("train seed -1") << QStringList{"train", "--data", "fashion-mnist", "--out", "/nonexistent/x.safetensors", "--seed", "-1"}
                                       << "seed: must be 0 or more (got -1)";
        QTest::newRow("val-fraction nan") << QStringList{"experiment", "cardinality", "--data", "fashion-mnist", "--out",
                                                         "/nonexistent/out", "--val-fraction", "nan"}
                                          << "val-fraction";
        QTest::newRow("duplicate C") << QStringList{"experiment", "cardinality", "--data", "fashion-mnist", "--out",
                                                    "/nonexistent/out", "--cardinalities", "1,4,4"}
                                     << "cardinalities: C=4 appears twice";
        QStringList many;
        for (int i = 0; i < 1000; ++i)
            many << "4";
        QTest::newRow("1,000 repeats") << QStringList{"experiment", "cardinality", "--data", "fashion-mnist", "--out",
                                                      "/nonexistent/out", "--cardinalities", many.join(',')}
                                       << "cardinalities: C=4 appears twice";
        QTest::newRow("empty video name") << QStringList{"video", ""} << "video: the video file name is empty";
    }

    void numbersAndMessages()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Outcome r = run(args, {}, 0, 20000);
        EXPECT_REFUSED(r, message);
    }

    // An error after a progress line ends with '\r' starts on a line of its own.
    void errorAfterProgressStartsOnItsOwnLine()
    {
        QTemporaryDir dir;
        // A tiny model driven to NaN by lr * wd = 10 (as test_hostile's divergingTrainingStops), in table format.
        const Outcome r = run({"train", "--data", "fashion-mnist", "--out", dir.filePath("d.safetensors"), "--stem",
                               "cifar", "--layers", "1,1", "--planes", "8,16", "--cardinality", "4", "--input", "28",
                               "--channels", "1", "--classes", "10", "--lr", "10", "--wd", "1", "--momentum", "0.9",
                               "--no-augment", "--limit", "64", "--batch", "8", "--epochs", "20", "--val-fraction", "0",
                               "--threads", "1"},
                              {}, 0, 300000);
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        const QString last = r.err.split('\n', Qt::SkipEmptyParts).last();
        QVERIFY2(last.startsWith("resnext-explorer train: train: the loss became"), qPrintable(describe(r)));
    }

    void labelsCountCheckedForPresets()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("labels.txt"), "a\nb\nc\n");
        const Outcome r = run({"classify", QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/photo-coffee.png"),
                               "--preset", "resnet18", "--labels", dir.filePath("labels.txt")});
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(dir.filePath("labels.txt") + ": 3 labels for a model of 1000 classes"), qPrintable(describe(r)));
    }

    // Item 8: on a full disk (RLIMIT_FSIZE) groups and experiment exit 2 naming the
    // file and leave no truncated output (the issue: a truncated selectivity.png, an
    // empty summary.csv moved into place).
    void fullDiskLeavesNoPartialOutputs_data()
    {
        QTest::addColumn<QStringList>("args"); // "OUT" stands for the output folder
        QTest::addColumn<int>("limit");
        QTest::addColumn<QStringList>("left"); // what may remain in OUT
        QTest::newRow("groups") << QStringList{"groups", "--data", "fashion-mnist", "--limit", "40", "--top", "2",
                                               "--no-untrained", "--threads", "1", "--out", "OUT"}
                                << 4096 << QStringList{};
        QTest::newRow("experiment") << QStringList{"experiment", "cardinality", "--data", "fashion-mnist", "--out", "OUT",
                                                   "--depth", "1", "--cardinalities", "1", "--seeds", "1", "--epochs", "1",
                                                   "--limit", "40", "--batch", "20", "--test-limit", "20", "--threads", "1"}
                                    << 1024 << QStringList{".lock"};
    }

    void fullDiskLeavesNoPartialOutputs()
    {
        QFETCH(QStringList, args);
        QFETCH(int, limit);
        QFETCH(QStringList, left);
        QTemporaryDir dir;
        const QString out = dir.filePath("out");
        QVERIFY(QDir().mkpath(out));
        args.replaceInStrings("OUT", out);
        const Outcome r = run(args, {}, rlim_t(limit));
        if (r.err.contains("dataset-fashion-mnist"))
            QSKIP("Debian's dataset-fashion-mnist is not installed (see .ci/bootstrap)");
        // No RSS bound here: training and the groups analysis are no hostile file.
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.trimmed().split('\n').last().contains("cannot write file (File too large)"), qPrintable(describe(r)));
        QStringList files;
        QDirIterator it(out, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << QFileInfo(it.next()).fileName();
        QCOMPARE(files, left);
    }

    // Item 8: a window settings file that is a FIFO must not block start-up. The
    // language is read from it before the window exists, the rest by the window;
    // both in a child (a regression blocks in open()), which must finish quickly.
    void settingsFifoDoesNotBlockStartUp()
    {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("resnext-explorer.ini");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
            if (!language::savedChoice(fifo).isEmpty())
                ::_exit(3);
            int argc = 1;
            char name[] = "test_hostile3";
            char *argv[] = {name, nullptr};
            QApplication app(argc, argv);
            MainWindow window(fifo);
            ::_exit(window.settingsMessage().contains("is not a regular file; using defaults") ? 0 : 4);
        }
        int status = 0;
        const auto start = std::chrono::steady_clock::now();
        while (::waitpid(pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() - start > std::chrono::seconds(30)) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                QFAIL("start-up blocked on a settings file that is a FIFO");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, qPrintable(QString::number(status)));
    }

    void legacyHintQuotesNames()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("a'$(touch pwned)'.pth");
        const unsigned char legacy[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
        writeFile(path, QByteArray(reinterpret_cast<const char *>(legacy), sizeof legacy));
        const Outcome r = run({"convert", path, "--out", dir.filePath("o.safetensors")});
        const QString quoted = "'" + dir.path() + "/a'\\''$(touch pwned)'\\''.pth'";
        EXPECT_REFUSED(r, "python3 -c 'import sys, torch; torch.save(torch.load(sys.argv[1], map_location=\"cpu\"), "
                          "sys.argv[2])' " + quoted);
    }

    // ---------------------------------------------------------------- item 6: names

    void weightsListEscapesNames()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath("hub/checkpoints");
        const QByteArray name = QByteArray("evil\x1b[31m\r\xff\xfe.pth");
        const QByteArray path = QFile::encodeName(dir.filePath("hub/checkpoints/")) + name;
        {
            std::ofstream f(path.toStdString(), std::ios::binary);
            f << "not weights";
        }
        const QStringList env{"TORCH_HOME=" + dir.path(), "HF_HUB_CACHE=" + dir.filePath("none")};
        const Outcome json = run({"weights", "--list", "--all", "--format", "json"}, env);
        QVERIFY2(json.code == 0, qPrintable(describe(json)));
        const QJsonArray weights = QJsonDocument::fromJson(json.out.toUtf8()).object()["weights"].toArray();
        QCOMPARE(weights.size(), 1);
        QCOMPARE(weights[0].toObject()["name"].toString(), QString("evil\\x1B[31m\\x0D\\xFF\\xFE.pth"));
        const Outcome table = run({"weights", "--list", "--all"}, env);
        QVERIFY2(table.code == 0, qPrintable(describe(table)));
        QVERIFY(!table.out.contains(QChar(0x1b)));
        QVERIFY(!table.out.contains('\r'));
        QVERIFY(table.out.contains("evil\\x1B[31m\\x0D\\xFF\\xFE.pth"));
        ::unlink(path.constData()); // QTemporaryDir cannot name it to remove it
    }

    // ---------------------------------------------------------------- item 3: reading

    void specsFileThatIsNotAFile_data()
    {
        testutil::addColumns<QString, QString>("kind", "message");
        addNotAFileRows();
        QTest::newRow("symlink loop") << "loop" << "cannot open file (Too many levels of symbolic links)";
        QTest::newRow("duplicate key") << "dup" << "not valid JSON (key 'specs' appears twice in one object)";
    }

    void specsFileThatIsNotAFile()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath("specs.json");
        if (kind == "loop")
            QCOMPARE(::symlink(QFile::encodeName(path).constData(), QFile::encodeName(path).constData()), 0);
        else if (kind == "dup")
            writeFile(path, R"({"specs": [], "specs": []})");
        else
            QVERIFY(makeNotAFile(kind, path));
        const Outcome r = run({"experiment", path, "--data", "fashion-mnist", "--out", dir.filePath("out")}, {}, 0,
                              20000);
        EXPECT_REFUSED(r, message);
    }

    // A finished run, then its run file replaced: every case is one line, exit 2.
    void experimentTamperedRunFile_data()
    {
        testutil::addColumns<QString, QString>("kind", "message");
        addNotAFileRows();
        QTest::newRow("float epoch") << "float" << "\"epoch\" must be an integer in range";
        QTest::newRow("summary.json a folder") << "summary" << "summary.json: cannot write file (Is a directory)";
    }

    void experimentTamperedRunFile()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        static QTemporaryDir dir;
        static QString runFile;
        const QStringList args{"experiment", "cardinality", "--data", "fashion-mnist", "--out", dir.path(),
                               "--depth", "1", "--cardinalities", "1", "--seeds", "1", "--epochs", "1",
                               "--limit", "40", "--batch", "20", "--test-limit", "20", "--threads", "1"};
        if (runFile.isEmpty()) {
            const Outcome first = run(args, {}, 0, 120000);
            QVERIFY2(first.code == 0, qPrintable(describe(first)));
            const QStringList runs = QDir(dir.filePath("runs")).entryList({"*.json"}, QDir::Files);
            QCOMPARE(runs.size(), 1);
            runFile = dir.filePath("runs/" + runs.front());
        }
        const QByteArray good = readAll(runFile);
        QVERIFY(good.startsWith("{"));
        QFile::remove(runFile);
        if (kind == "float")
            writeFile(runFile, QByteArray(good).replace("\"epoch\": 1", "\"epoch\": 1e300"));
        else if (kind == "summary")
            writeFile(runFile, good);
        else
            QVERIFY(makeNotAFile(kind, runFile));
        if (kind == "summary") {
            QFile::remove(dir.filePath("summary.json"));
            QVERIFY(QDir(dir.path()).mkdir("summary.json"));
        }
        const Outcome r = run(args, {}, 0, 60000);
        // Put the good run file back for the next row.
        if (kind == "folder")
            QDir().rmdir(runFile);
        else
            QFile::remove(runFile);
        writeFile(runFile, good);
        if (kind == "summary")
            QDir(dir.path()).rmdir("summary.json");
        EXPECT_REFUSED(r, message);
    }

    void experimentFolderLocked()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath("runs"));
        const QString lockPath = dir.filePath(".lock");
        const int fd = ::open(QFile::encodeName(lockPath).constData(), O_RDWR | O_CREAT, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        const Outcome r = run({"experiment", "cardinality", "--data", "fashion-mnist", "--out", dir.path(),
                               "--cardinalities", "1", "--depth", "1", "--seeds", "1"},
                              {}, 0, 20000);
        ::close(fd);
        EXPECT_REFUSED(r, "is in use by another experiment (it holds the lock " + lockPath +
                              "); wait for it to finish or choose another --out");
    }
};

QTEST_APPLESS_MAIN(TestHostile3)
#include "test_hostile3.moc"
