// PyTorch .pth state dicts (torch.save's zip format) read without Python: files
// written by Debian's torch from torchvision's resnext50_32x4d, resnet50 and
// wide_resnet50_2 load with the architecture inferred and reproduce PyTorch's
// logits; F16, plain dicts and nested training checkpoints load; strided views,
// offsets and every dtype come out right; convert writes the same tensors as
// safetensors; hostile and unsupported files are refused with one-line messages;
// weights --list finds what the torchvision and Hugging Face caches hold.
#include "resnext/checkpoint.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/pytorch_file.h"
#include "resnext/safetensors.h"
#include "resnext/weights_cache.h"
#include "deflate.h"
#include "tolerance.h"
#include "test_util.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace resnext;
using testutil::errorMessage;
using testutil::PythonRun;
using testutil::runReferenceScript;

namespace {

void writeAll(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

std::vector<float> jsonFloats(const QString &path, const char *key)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::vector<float> out;
    for (const auto &v : QJsonDocument::fromJson(f.readAll()).object().value(key).toArray())
        out.push_back(static_cast<float>(v.toDouble()));
    return out;
}


template <typename T> std::vector<T> values(const SafetensorsFile &f, const std::string &name)
{
    const TensorRecord *t = f.find(name);
    if (!t)
        throw Error("no tensor " + name);
    std::vector<T> v(static_cast<size_t>(t->end - t->begin) / sizeof(T));
    if (!v.empty())
        std::memcpy(v.data(), f.data(*t), v.size() * sizeof(T));
    return v;
}

// A minimal zip writer (stored entries, or deflated ones) for hand-made archives.
std::string zipOf(const std::vector<std::pair<std::string, std::string>> &files, bool deflated = false)
{
    const auto u16 = [](std::string &s, unsigned v) { s += char(v & 0xFF), s += char((v >> 8) & 0xFF); };
    const auto u32 = [&](std::string &s, std::uint32_t v) { u16(s, v & 0xFFFF), u16(s, v >> 16); };
    std::string out, dir;
    for (const auto &[name, data] : files) {
        std::string body = data;
        if (deflated)
            body = rawDeflated(data, 6);
        const auto crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef *>(data.data()),
                                                          static_cast<uInt>(data.size())));
        const auto offset = static_cast<std::uint32_t>(out.size());
        out += "PK\x03\x04";
        u16(out, 20), u16(out, 0), u16(out, deflated ? 8 : 0), u16(out, 0), u16(out, 0);
        u32(out, crc), u32(out, static_cast<std::uint32_t>(body.size())), u32(out, static_cast<std::uint32_t>(data.size()));
        u16(out, static_cast<unsigned>(name.size())), u16(out, 0);
        out += name + body;
        dir += "PK\x01\x02";
        u16(dir, 20), u16(dir, 20), u16(dir, 0), u16(dir, deflated ? 8 : 0), u16(dir, 0), u16(dir, 0);
        u32(dir, crc), u32(dir, static_cast<std::uint32_t>(body.size())), u32(dir, static_cast<std::uint32_t>(data.size()));
        u16(dir, static_cast<unsigned>(name.size())), u16(dir, 0), u16(dir, 0), u16(dir, 0), u16(dir, 0), u32(dir, 0);
        u32(dir, offset);
        dir += name;
    }
    const auto dirOffset = static_cast<std::uint32_t>(out.size());
    out += dir + "PK\x05\x06";
    u16(out, 0), u16(out, 0), u16(out, static_cast<unsigned>(files.size())), u16(out, static_cast<unsigned>(files.size()));
    u32(out, static_cast<std::uint32_t>(dir.size())), u32(out, dirOffset), u16(out, 0);
    return out;
}

// data.pkl of {"w": tensor} for a FloatStorage of `numel` elements, in protocol 2.
std::string tensorPickle(int numel, int offset, const std::vector<int> &shape, const std::vector<int> &stride,
                         const std::string &storageType = "FloatStorage")
{
    const auto ints = [](const std::vector<int> &v) {
        std::string s = "(";
        for (int x : v)
            s += std::string("J") + std::string(reinterpret_cast<const char *>(&x), 4);
        return s + "t";
    };
    const auto str = [](const std::string &s) {
        const auto n = static_cast<std::uint32_t>(s.size());
        return "X" + std::string(reinterpret_cast<const char *>(&n), 4) + s;
    };
    const auto j = [](int v) { return "J" + std::string(reinterpret_cast<const char *>(&v), 4); };
    return std::string("\x80\x02}(") + str("w") + "ctorch._utils\n_rebuild_tensor_v2\n((" + str("storage") +
           "ctorch\n" + storageType + "\n" + str("0") + str("cpu") + j(numel) + "tQ" + j(offset) + ints(shape) +
           ints(stride) + "\x89" + "}" + "tRu.";
}

} // namespace

class TestPth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void torchvisionLogits_data();
    void torchvisionLogits();
    void headerOnlyGivesTheSpec();
    void viewsAndDtypes();
    void convertWritesTheSameTensors();
    void refusedWithMessages_data();
    void refusedWithMessages();
    void handMadeArchives();
    void cacheListing();
    void cliConvertAndList();

private:
    std::string ref(const char *name) const { return m_dir.filePath(name).toStdString(); }
    QTemporaryDir m_dir;
    bool m_havePython = false;
};

void TestPth::initTestCase()
{
    loadEngine().setThreads(2);
    const PythonRun py = runReferenceScript(
        "pth_reference.py", {m_dir.path(), "resnext50_32x4d", "resnet50:dict", "wide_resnet50_2:f16"});
    if (!py.ok) {
        QVERIFY2(py.missingModule(), qPrintable(py.error));
        return;
    }
    m_havePython = true;
}

void TestPth::torchvisionLogits_data()
{
    testutil::addColumns<QString, QString, QString>("model", "file", "dtype");
    QTest::newRow("resnext50_32x4d OrderedDict") << "resnext50_32x4d" << "resnext50_32x4d.pth" << "F32";
    QTest::newRow("resnext50_32x4d plain dict") << "resnext50_32x4d" << "resnext50_32x4d-dict.pth" << "F32";
    QTest::newRow("resnext50_32x4d F16") << "resnext50_32x4d" << "resnext50_32x4d-f16.pth" << "F16";
    QTest::newRow("resnext50_32x4d nested, module.") << "resnext50_32x4d" << "resnext50_32x4d-nested.pth" << "F32";
    QTest::newRow("resnet50 OrderedDict") << "resnet50" << "resnet50.pth" << "F32";
    QTest::newRow("resnet50 plain dict") << "resnet50" << "resnet50-dict.pth" << "F32";
    QTest::newRow("wide_resnet50_2 OrderedDict") << "wide_resnet50_2" << "wide_resnet50_2.pth" << "F32";
    QTest::newRow("wide_resnet50_2 F16") << "wide_resnet50_2" << "wide_resnet50_2-f16.pth" << "F16";
}

void TestPth::torchvisionLogits()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed; the README's test command installs it");
    QFETCH(QString, model);
    QFETCH(QString, file);
    QFETCH(QString, dtype);
    LoadReport report;
    auto m = loadEngine().load(m_dir.filePath(file).toStdString(), {}, &report);
    QVERIFY(m->info().spec == preset(model.toStdString()).spec);
    QVERIFY(report.missing.empty() && report.unexpected.empty() && report.mismatched.empty());
    QVERIFY(std::find(report.dtypes.begin(), report.dtypes.end(), dtype.toStdString()) != report.dtypes.end());
    QCOMPARE(m->info().labels.size(), size_t(1000));
    QCOMPARE(m->info().labels[0], std::string("tench")); // ImageNet's classes for 1000 outputs
    // The file's weights through LibTorch's modules: PyTorch's logits (tolerance.h, relative).
    const bool fast = m->inferencePath() == InferencePath::Fast;
    m->setInferencePath(InferencePath::Plain);
    const RgbImage img = decodeImage(ref("input.png"));
    const Analysis a = m->analyze(img, 5, "");
    const auto expected = jsonFloats(m_dir.filePath(model + ".json"), dtype == "F16" ? "logits_f16" : "logits");
    const double diff = tolerance::relDiff(a.logits, expected);
    QVERIFY2(diff <= tolerance::kFp32, qPrintable(QString("logits differ from PyTorch's by %1 (relative)").arg(diff)));
    if (!fast)
        return;
    // The default fast path (BatchNorm folded, oneDNN's own summation order), likewise.
    m->setInferencePath(InferencePath::Fast);
    const double rel = tolerance::relDiff(m->analyze(img, 5, "").logits, expected);
    QVERIFY2(rel <= tolerance::kFp32, qPrintable(QString("fast path logits differ from PyTorch's by %1 (relative)").arg(rel)));
}

void TestPth::headerOnlyGivesTheSpec()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    for (const char *name : {"resnext50_32x4d", "resnet50", "wide_resnet50_2"}) {
        const std::string path = ref((std::string(name) + ".pth").c_str());
        const auto records = readPytorchHeader(path);
        QCOMPARE(records.size(), readPytorchFile(path).tensors().size());
        QVERIFY(inferSpec(records, path) == preset(name).spec);
        QVERIFY(inspectWeights(path) == preset(name).spec);
    }
}

void TestPth::viewsAndDtypes()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    const SafetensorsFile f = readWeightsFile(ref("views.pth"));
    QCOMPARE(f.tensors().size(), size_t(10));
    QCOMPARE(values<float>(f, "transposed"), (std::vector<float>{0, 3, 1, 4, 2, 5})); // materialised row-major
    QCOMPARE(f.find("transposed")->shape, (std::vector<std::int64_t>{3, 2}));
    QCOMPARE(values<float>(f, "slice"), (std::vector<float>{3, 4, 5, 6})); // storage offset 3
    QCOMPARE(values<float>(f, "shared").size(), size_t(12));
    QCOMPARE(values<float>(f, "shared")[11], 11.0f);
    const auto half = values<std::uint16_t>(f, "half");
    QVERIFY(f.find("half")->dtype == DType::F16);
    QCOMPARE(halfToFloat(half[0]), 0.5f);
    QCOMPARE(halfToFloat(half[2]), 65504.0f);
    QVERIFY(f.find("bf16")->dtype == DType::BF16);
    QCOMPARE(bfloat16ToFloat(values<std::uint16_t>(f, "bf16")[1]), -3.0f);
    QCOMPARE(values<double>(f, "double"), (std::vector<double>{0.25, 1e100}));
    QCOMPARE(values<std::int64_t>(f, "long"), (std::vector<std::int64_t>{-7, std::int64_t(1) << 40}));
    QCOMPARE(f.find("scalar")->shape.size(), size_t(0));
    QCOMPARE(values<float>(f, "scalar"), (std::vector<float>{3}));
    QCOMPARE(f.find("empty")->shape, (std::vector<std::int64_t>{0, 4}));
    QCOMPARE(values<float>(f, "param"), (std::vector<float>{9, 8})); // nn.Parameter via _rebuild_parameter
}

void TestPth::convertWritesTheSameTensors()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    const std::string out = ref("converted.safetensors");
    const SafetensorsFile in = convertToSafetensors(ref("resnext50_32x4d-f16.pth"), out);
    const SafetensorsFile back = SafetensorsFile::read(out);
    QCOMPARE(back.tensors().size(), in.tensors().size());
    for (const auto &t : in.tensors()) {
        const TensorRecord *b = back.find(t.name);
        QVERIFY(b && b->dtype == t.dtype && b->shape == t.shape);
        QVERIFY(std::memcmp(back.data(*b), in.data(t), t.end - t.begin) == 0);
    }
    QCOMPARE(back.metadata().at("converted_from"), std::string("resnext50_32x4d-f16.pth"));
    QVERIFY(inferSpec(back) == preset("resnext50_32x4d").spec);
    QVERIFY(errorMessage([&] { convertToSafetensors(out, out); }).find("is the input file") != std::string::npos);
}

void TestPth::refusedWithMessages_data()
{
    testutil::addColumns<QString, QString>("file", "message");
    QTest::newRow("other global") << "global.pth"
                                  << "data.pkl: refuses global 'datetime.date' (only what a state dict needs is read; "
                                     "nothing in the file is executed)";
    QTest::newRow("legacy format") << "legacy.pth"
                                   << "a PyTorch file in the legacy format (before PyTorch 1.6), which is not read "
                                      "here; re-save it in the zip format with: python3 -c 'import sys, torch; "
                                      "torch.save(torch.load(sys.argv[1], map_location=\"cpu\"), sys.argv[2])' '";
    QTest::newRow("a list") << "list.pth" << "holds a list, not a state dict";
    QTest::newRow("not only tensors") << "mixed.pth"
                                      << "no state dict of tensors found: entry 'epoch' is not a tensor but an int (keys: epoch, weights)";
    QTest::newRow("TorchScript") << "scripted.pt"
                                 << "is a TorchScript archive (torch.jit.save), not a state dict; save "
                                    "model.state_dict() with torch.save instead";
}

void TestPth::refusedWithMessages()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    QFETCH(QString, file);
    QFETCH(QString, message);
    const std::string path = ref(file.toUtf8().constData());
    const QString expected = QString::fromStdString(path) + ": " + message;
    const QString got = QString::fromStdString(errorMessage([&] { loadEngine().load(path); }));
    QVERIFY2(got.startsWith(expected), qPrintable(got));
    QVERIFY(!got.contains('\n'));
    // Listing reads the same headers and gives the same reason.
    QVERIFY(QString::fromStdString(errorMessage([&] { inspectWeights(path); })).startsWith(expected));
}

void TestPth::handMadeArchives()
{
    const std::vector<float> data{1, 2, 3, 4, 5, 6};
    const std::string bytes(reinterpret_cast<const char *>(data.data()), data.size() * 4);
    const auto archive = [&](const std::string &pkl, const std::string &storage, bool deflate = false) {
        return zipOf({{"archive/data.pkl", pkl}, {"archive/byteorder", "little"}, {"archive/data/0", storage}},
                     deflate);
    };
    const auto message = [&](const std::string &zip) { return errorMessage([&] { parsePytorch(zip, "f.pth"); }); };

    // The hand-made writer is right: a 2x3 view with offset 0 and a deflated copy read back.
    for (bool deflate : {false, true}) {
        const SafetensorsFile f = parsePytorch(archive(tensorPickle(6, 0, {2, 3}, {3, 1}), bytes, deflate), "f.pth");
        QCOMPARE(values<float>(f, "w"), data);
    }
    // A view reaching past its storage, before any byte is copied.
    QCOMPARE(message(archive(tensorPickle(6, 1, {2, 3}, {3, 1}), bytes)),
             std::string("f.pth: tensor 'w': size [2,3], stride [3,1] and offset 1 need 7 elements but storage '0' "
                         "has 6"));
    QCOMPARE(message(archive(tensorPickle(6, 0, {2, 3}, {-3, 1}), bytes)),
             std::string("f.pth: tensor 'w': negative size or stride ([2,3], [-3,1])"));
    QCOMPARE(message(archive(tensorPickle(6, 0, {2, 3}, {1}), bytes)),
             std::string("f.pth: tensor 'w': size [2,3] and stride [1] differ in length"));
    QCOMPARE(message(archive(tensorPickle(6, 0, {1 << 30, 1 << 30, 1 << 30}, {1, 1, 1}), bytes)),
             std::string("f.pth: tensor 'w': size [1073741824,1073741824,1073741824] is too large"));
    // The storage's record is shorter than its declared size.
    QCOMPARE(message(archive(tensorPickle(6, 0, {6}, {1}), bytes.substr(0, 20))),
             std::string("f.pth: storage '0' holds 20 bytes but 6 elements of F32 need 24"));
    QCOMPARE(message(zipOf({{"archive/data.pkl", tensorPickle(6, 0, {6}, {1})}})),
             std::string("f.pth: tensor 'w': storage record '0' is missing from the archive"));
    QCOMPARE(message(archive(tensorPickle(6, 0, {6}, {1}, "ComplexFloatStorage"), bytes)),
             std::string("f.pth: data.pkl: refuses global 'torch.ComplexFloatStorage' (only what a state dict needs "
                         "is read; nothing in the file is executed)"));
    QCOMPARE(message(archive(std::string("\x80\x02}q\x00(X\x01\x00\x00\x00wh\x05u.", 16), bytes)),
             std::string("f.pth: data.pkl: memo entry 5 is read before it is written"));
    QCOMPARE(message(archive("\x80\x02}\x81.", bytes)),
             std::string("f.pth: data.pkl: pickle opcode 0x81 at byte 3 is not part of a state dict"));
    QCOMPARE(message(archive("\x80\x02}(X\xff\xff\xff\x7f", bytes)),
             std::string("f.pth: data.pkl: a 2147483647-byte string at byte 9 runs past the end of the pickle"));
    QCOMPARE(message(archive("\x80\x02}", bytes)), std::string("f.pth: data.pkl: ends without a STOP opcode"));
    QCOMPARE(message(zipOf({{"archive/data.pkl", tensorPickle(6, 0, {6}, {1})}, {"archive/byteorder", "big"}})),
             std::string("f.pth: tensors are stored in 'big' byte order; only little-endian is read"));
    QCOMPARE(message(zipOf({{"archive/version", "3"}})),
             std::string("f.pth: is a zip file without a data.pkl record, so not a file written by torch.save"));
    // The zip structure itself.
    const std::string good = archive(tensorPickle(6, 0, {6}, {1}), bytes);
    QCOMPARE(message(good.substr(0, good.size() - 30)),
             std::string("f.pth: zip end-of-directory record not found (the file is truncated or not a zip file)"));
    std::string corrupt = good;
    corrupt[corrupt.find("archive/data/0") + 14] ^= 0x40; // first byte of the tensor data
    QCOMPARE(message(corrupt),
             std::string("f.pth: zip entry 'archive/data/0': CRC-32 mismatch (the file is corrupt or truncated)"));
    std::string farDirectory = good;
    farDirectory[farDirectory.size() - 3] = '\x7f'; // directory offset beyond the file
    QVERIFY(message(farDirectory).find("zip directory of") != std::string::npos);
}

void TestPth::cacheListing()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    namespace fs = std::filesystem;
    const fs::path root = fs::path(m_dir.path().toStdString()) / "cache";
    const fs::path hub = root / "torch" / "hub" / "checkpoints";
    const fs::path snap = root / "huggingface" / "hub" / "models--timm--resnet50.a1_in1k" / "snapshots" / "0123abc";
    const fs::path blobs = root / "huggingface" / "hub" / "models--timm--resnet50.a1_in1k" / "blobs";
    fs::create_directories(hub);
    fs::create_directories(snap);
    fs::create_directories(blobs);
    fs::create_symlink(ref("resnext50_32x4d.pth"), hub / "resnext50_32x4d-7cdf4587.pth");
    fs::copy_file(ref("views.pth"), hub / "notamodel.pth");
    writeAll((hub / "junk.pth").string(), "PK\x03\x04 is not really a zip archive but a fake");
    writeAll((hub / "readme.txt").string(), "ignored");
    convertToSafetensors(ref("resnet50.pth"), (blobs / "9f8e").string());
    fs::create_symlink("../../blobs/9f8e", snap / "model.safetensors");

    // The folders follow XDG_CACHE_HOME unless TORCH_HOME / HF_HOME say otherwise.
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(root.string()));
    qunsetenv("TORCH_HOME");
    qunsetenv("HF_HOME");
    qunsetenv("HF_HUB_CACHE");
    CacheLocations where = cacheLocations();
    QCOMPARE(where.torchHub, hub.string());
    QCOMPARE(where.huggingFace, (root / "huggingface" / "hub").string());
    qputenv("TORCH_HOME", "/elsewhere/torch");
    qputenv("HF_HOME", "/elsewhere/hf");
    QCOMPARE(cacheLocations().torchHub, std::string("/elsewhere/torch/hub/checkpoints"));
    QCOMPARE(cacheLocations().huggingFace, std::string("/elsewhere/hf/hub"));
    qunsetenv("TORCH_HOME");
    qunsetenv("HF_HOME");

    const auto found = findCachedWeights(where);
    QCOMPARE(found.size(), size_t(4)); // readme.txt is not a weights file
    std::map<std::string, CachedWeights> byName;
    for (const auto &w : found)
        byName[w.name] = w;
    const CachedWeights &tv = byName.at("resnext50_32x4d-7cdf4587.pth");
    QVERIFY(tv.spec && *tv.spec == preset("resnext50_32x4d").spec);
    QCOMPARE(tv.source, std::string("torchvision hub"));
    QCOMPARE(tv.format, std::string("pth"));
    QCOMPARE(tv.bytes, std::uint64_t(fs::file_size(ref("resnext50_32x4d.pth"))));
    const CachedWeights &hf = byName.at("timm/resnet50.a1_in1k/model.safetensors");
    QVERIFY(hf.spec && *hf.spec == preset("resnet50").spec);
    QCOMPARE(hf.source, std::string("Hugging Face hub"));
    QCOMPARE(hf.format, std::string("safetensors"));
    QVERIFY(!byName.at("notamodel.pth").spec);
    QVERIFY2(byName.at("notamodel.pth").problem.find("cannot infer the architecture: no tensor 'conv1.weight'") !=
                 std::string::npos,
             byName.at("notamodel.pth").problem.c_str());
    QVERIFY(!byName.at("junk.pth").spec);
    QVERIFY2(byName.at("junk.pth").problem.find("zip end-of-directory record not found") != std::string::npos,
             byName.at("junk.pth").problem.c_str());
}

void TestPth::cliConvertAndList()
{
    if (!m_havePython)
        QSKIP("python3-torchvision is not installed");
    const auto run = [](const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment()) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(RESNEXT_EXE, args);
        p.waitForFinished(120000);
        return std::make_tuple(p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                               QString::fromUtf8(p.readAllStandardError()));
    };
    const QString out = m_dir.filePath("cli.safetensors");
    auto [rc, stdOut, stdErr] = run({"convert", m_dir.filePath("resnet50.pth"), "--out", out});
    QCOMPARE(rc, 0);
    QVERIFY2(stdOut.contains("wrote " + out + ": 320 tensors (F32, I64)"), qPrintable(stdOut));
    QVERIFY(stdOut.contains("architecture: resnet50"));
    std::tie(rc, stdOut, stdErr) = run({"convert", m_dir.filePath("legacy.pth"), "--out", out});
    QCOMPARE(rc, 2);
    QVERIFY2(stdErr.startsWith("resnext-explorer convert: " + m_dir.filePath("legacy.pth") +
                               ": a PyTorch file in the legacy format"),
             qPrintable(stdErr));
    std::tie(rc, stdOut, stdErr) = run({"convert", m_dir.filePath("resnet50.pth")});
    QCOMPARE(rc, 2);
    QCOMPARE(stdErr, QString("resnext-explorer convert: convert: --out FILE.safetensors is required\n"));

    // weights --list over an empty cache and one with a model in it.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString empty = m_dir.filePath("empty-cache");
    env.insert("XDG_CACHE_HOME", empty);
    env.remove("TORCH_HOME");
    env.remove("HF_HOME");
    env.remove("HF_HUB_CACHE");
    std::tie(rc, stdOut, stdErr) = run({"weights", "--list"}, env);
    QCOMPARE(rc, 0);
    QVERIFY2(stdOut.contains("no ResNet/ResNeXt weights found"), qPrintable(stdOut));
    const QString th = m_dir.filePath("torch-home");
    QDir().mkpath(th + "/hub/checkpoints");
    QVERIFY(QFile::copy(m_dir.filePath("views.pth"), th + "/hub/checkpoints/other.pth"));
    QVERIFY(QFile::link(m_dir.filePath("resnet50.pth"), th + "/hub/checkpoints/resnet50-11ad3fa6.pth"));
    env.insert("TORCH_HOME", th);
    std::tie(rc, stdOut, stdErr) = run({"weights", "--list", "--format", "json"}, env);
    QCOMPARE(rc, 0);
    const QJsonObject j = QJsonDocument::fromJson(stdOut.toUtf8()).object();
    QCOMPARE(j.value("torchvision_hub").toString(), th + "/hub/checkpoints");
    const QJsonArray list = j.value("weights").toArray();
    QCOMPARE(list.size(), 1); // other.pth is not a model: only with --all
    QCOMPARE(list[0].toObject().value("name").toString(), QString("resnet50-11ad3fa6.pth"));
    QCOMPARE(list[0].toObject().value("architecture").toString(), QString("resnet50"));
    QCOMPARE(list[0].toObject().value("source").toString(), QString("torchvision hub"));
    std::tie(rc, stdOut, stdErr) = run({"weights", "--list", "--all"}, env);
    QVERIFY2(stdOut.contains("other.pth") && stdOut.contains("cannot load: cannot infer the architecture"),
             qPrintable(stdOut));
    std::tie(rc, stdOut, stdErr) = run({"weights"}, env);
    QCOMPARE(rc, 2);
    QVERIFY(stdErr.contains("weights: --list is the only action"));
}

QTEST_APPLESS_MAIN(TestPth)
#include "test_pth.moc"
