#pragma once
// Helpers shared by the test files: data columns, deterministic inputs, the message of a
// refusal, tensors out of a reference file, and the Python reference scripts.

#include "resnext/dataset.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/image.h"
#include "resnext/preprocess.h"
#include "resnext/safetensors.h"

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace testutil {

// The columns of a data-driven test in one line, types then names:
// addColumns<QString, int>("name", "count").
template <typename... Ts, typename... Names>
void addColumns(const Names &...names)
{
    static_assert(sizeof...(Ts) == sizeof...(Names), "one name per column type");
    (QTest::addColumn<Ts>(names), ...);
}

// One column of QSize and a row per screen the window is made for: 1280x720
// (the smallest) and 1920x1080.
inline void addScreenSizes(const char *column)
{
    QTest::addColumn<QSize>(column);
    QTest::newRow("1280x720") << QSize(1280, 720);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

// The built-in family's model description (Fashion-MNIST spec, preprocessing and
// class names): change its spec for checkpoints of another known architecture.
inline resnext::ModelInfo builtinFamilyInfo()
{
    resnext::ModelInfo info;
    info.spec = resnext::fashionMnistSpec();
    info.preprocessing = resnext::fashionMnistPreprocessing();
    info.labels = resnext::fashionMnistClasses();
    return info;
}
// The built-in family with another cardinality C and bottleneck width d.
inline resnext::ModelInfo builtinFamilyInfo(int cardinality, int width)
{
    resnext::ModelInfo info = builtinFamilyInfo();
    info.spec.cardinality = cardinality;
    info.spec.width = width;
    return info;
}

// A w x h RGB image of uniform noise from `seed` (the same on every machine).
inline resnext::RgbImage noiseImage(int w, int h, unsigned seed)
{
    resnext::RgbImage img;
    img.width = w;
    img.height = h;
    img.pixels.resize(static_cast<std::size_t>(w) * h * 3);
    std::mt19937 rng(seed);
    for (auto &p : img.pixels)
        p = static_cast<std::uint8_t>(rng() & 0xff);
    return img;
}

// The F32 tensor `name` of `f` as floats; throws when there is none.
inline std::vector<float> floatsOf(const resnext::SafetensorsFile &f, const std::string &name)
{
    const resnext::TensorRecord *t = f.find(name);
    if (!t || t->dtype != resnext::DType::F32)
        throw resnext::Error("no F32 tensor " + name + " in " + f.label());
    std::vector<float> v(static_cast<std::size_t>(t->numel()));
    std::memcpy(v.data(), f.data(*t), v.size() * 4);
    return v;
}

// The message of the error of type E (a resnext::Error by default) that fn
// throws, or a marker that fails any comparison; another exception propagates.
template <class E = resnext::Error>
std::string errorMessage(const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const E &e) {
        return e.what();
    }
    return "(no error thrown)";
}

template <class E = resnext::Error>
QString errorOf(const std::function<void()> &fn)
{
    return QString::fromStdString(errorMessage<E>(fn));
}

// Runs tests/<script> with the Python of RESNEXT_PYTHON (default /usr/bin/python3).
// ok: it ran and succeeded (`out` is its standard output). Otherwise `error` is its
// standard error; no Python or no torch/torchvision module is a skip
// (missingModule), anything else a failure.
struct PythonRun {
    bool ok = false;
    QString error;
    QByteArray out;
    bool missingModule() const { return error.isEmpty() || error.contains("ModuleNotFoundError"); }
};

inline PythonRun runReferenceScript(const QString &script, const QStringList &args)
{
    QProcess p;
    p.start(qEnvironmentVariable("RESNEXT_PYTHON", "/usr/bin/python3"),
            QStringList{QStringLiteral(RESNEXT_TESTS_DIR "/") + script} + args);
    if (!p.waitForStarted(10000))
        return {};
    p.waitForFinished(600000);
    if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return {true, {}, p.readAllStandardOutput()};
    const QString err = QString::fromUtf8(p.readAllStandardError());
    return {false, err.isEmpty() ? QStringLiteral("(no message)") : err, {}};
}

// Writes `bytes` to `name` in `dir`; returns the path (stops the test when it cannot).
inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write test file %s", qPrintable(path));
    return path;
}

} // namespace testutil
