// The application layer under both front ends (issue 25): what a path is, by
// content; and opening a model, where the CLI and the window must report the
// same things about the same bad or odd weights file.
#include "classifypanel.h"
#include "groupspanel.h"
#include "mainwindow.h"
#include "modelservice.h"

#include "resnext/application.h"
#include "resnext/engine.h"
#include "resnext/safetensors.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace resnext;

namespace {

const QString kBuiltin = RESNEXT_SOURCE_DIR "/resources/fashion_mnist_resnext.safetensors";
const QString kImage = RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00001-pullover.png";

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

struct CliRun {
    int code = -1;
    QString err;
};

CliRun classify(const QStringList &extra)
{
    QProcess p;
    p.start(RESNEXT_EXE, QStringList{"classify"} + extra + QStringList{kImage});
    p.waitForFinished(120000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardError())};
}

// What the window's service reported for one request: the error, or the notes.
struct GuiRun {
    QString error;
    std::vector<ModelNote> notes;
    bool mismatch = false;
};

GuiRun open(ModelService &service, const ModelRequest &r)
{
    GuiRun out;
    bool done = false;
    QMetaObject::Connection c1 = QObject::connect(&service, &ModelService::failed, [&](const Job &, const QString &m) {
        if (out.error.isEmpty() && out.notes.empty())
            out.error = m;
    });
    QMetaObject::Connection c2 = QObject::connect(
        &service, &ModelService::modelOpened,
        [&](const Job &, const std::vector<ModelNote> &notes, const LoadReport &) { out.notes = notes; });
    QMetaObject::Connection c3 = QObject::connect(&service, &ModelService::mismatchedWeights,
                                                  [&](const Job &, const QString &) { out.mismatch = true; });
    QMetaObject::Connection c4 =
        QObject::connect(&service, &ModelService::jobFinished, [&](const Job &, JobOutcome) { done = true; });
    service.open(r);
    for (int waited = 0; !done && waited < 120000; waited += 50)
        QTest::qWait(50);
    if (!done)
        out.error = "timed out";
    for (const auto &c : {c1, c2, c3, c4})
        QObject::disconnect(c);
    if (!out.notes.empty())
        out.error.clear(); // failed() carried the first note, not an error
    return out;
}

} // namespace

class TestGuiOpenModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void classifyPathByContent_data();
    void classifyPathByContent();
    void sameReportBothWays();
    void droppedWeightsAreNotImages();

private:
    QTemporaryDir m_dir;
    QString m_extra, m_nan;
};

void TestGuiOpenModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const SafetensorsFile file = SafetensorsFile::read(kBuiltin.toStdString());
    std::vector<TensorToWrite> tensors;
    for (const TensorRecord &t : file.tensors())
        tensors.push_back({t.name, t.dtype, t.shape, file.data(t)});
    // One tensor the architecture does not have: a mismatch, offered as a partial load.
    std::vector<TensorToWrite> extra = tensors;
    const float two[2] = {1, 2};
    extra.push_back({"extra.weight", DType::F32, {2}, two});
    m_extra = m_dir.filePath("extra.safetensors");
    writeSafetensors(m_extra.toStdString(), extra, file.metadata());
    // The fc bias NaN: loads, with a warning on both sides.
    std::vector<TensorToWrite> nan = tensors;
    std::vector<float> bias;
    for (TensorToWrite &t : nan)
        if (t.name == "fc.bias") {
            bias.assign(static_cast<std::size_t>(t.shape[0]), std::numeric_limits<float>::quiet_NaN());
            t.data = bias.data();
        }
    QVERIFY(!bias.empty());
    m_nan = m_dir.filePath("nan.safetensors");
    writeSafetensors(m_nan.toStdString(), nan, file.metadata());
}

void TestGuiOpenModel::classifyPathByContent_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes"); // empty: copy `source`
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("kind");
    QTest::newRow("png") << "a.png" << QByteArray() << kImage << int(PathKind::Image);
    QTest::newRow("png named .pth") << "model.pth" << QByteArray() << kImage << int(PathKind::Image);
    QTest::newRow("safetensors") << "w.safetensors" << QByteArray() << kBuiltin << int(PathKind::Weights);
    QTest::newRow("safetensors named .jpg") << "w.jpg" << QByteArray() << kBuiltin << int(PathKind::Weights);
    QTest::newRow("torch.save zip named .pth") << "m.pth" << QByteArray("PK\x03\x04rest", 8) << QString()
                                              << int(PathKind::Weights);
    QTest::newRow("torch.save zip named .png") << "m.png" << QByteArray("PK\x03\x04rest", 8) << QString()
                                              << int(PathKind::Weights);
    QTest::newRow("avi named .bin") << "v.bin" << QByteArray("RIFF\x10\0\0\0AVI LIST", 16) << QString()
                                   << int(PathKind::Video);
    QTest::newRow("mp4") << "v.dat" << QByteArray("\0\0\0\x18" "ftypmp42", 12) << QString() << int(PathKind::Video);
    QTest::newRow("text") << "notes.txt" << QByteArray("hello\n") << QString() << int(PathKind::Other);
    QTest::newRow("empty") << "empty.png" << QByteArray("") << QString() << int(PathKind::Other);
}

void TestGuiOpenModel::classifyPathByContent()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, source);
    QFETCH(int, kind);
    const QString path = m_dir.filePath("kinds/" + name);
    QDir().mkpath(m_dir.filePath("kinds"));
    QFile::remove(path);
    if (source.isEmpty())
        writeBytes(path, bytes);
    else
        QVERIFY(QFile::copy(source, path));
    QCOMPARE(toString(classifyPath(path.toStdString())), toString(PathKind(kind)));
    QCOMPARE(classifyPath(m_dir.path().toStdString()), PathKind::Folder);
    QCOMPARE(classifyPath(m_dir.filePath("no-such-file").toStdString()), PathKind::Missing);
}

// The same bad or odd files opened by the CLI and by the window's service: the
// same error (the CLI adds its flag, the window its button), the same notes.
void TestGuiOpenModel::sameReportBothWays()
{
    ModelService service;
    ModelRequest r;
    r.source = ModelRequest::Source::Weights;

    // A mismatch: the same message; the CLI names --allow-partial, the window offers it.
    r.weights = m_extra.toStdString();
    CliRun cli = classify({"--weights", m_extra});
    GuiRun gui = open(service, r);
    QCOMPARE(cli.code, 2);
    QVERIFY(gui.mismatch);
    QVERIFY2(gui.error.endsWith('.'), qPrintable(gui.error));
    // The window says what happened in the user's language, then core's report as "Details: ...".
    QVERIFY2(gui.error.contains("Details: "), qPrintable(gui.error));
    const QString common = gui.error.section("Details: ", 1).chopped(1);
    QVERIFY2(common.contains("1 unexpected (extra.weight)"), qPrintable(common));
    QVERIFY2(cli.err.contains(common + "; load anyway with --allow-partial"), qPrintable(cli.err + "\n" + common));

    // Loaded anyway: both report the partial load.
    r.allowPartial = true;
    cli = classify({"--weights", m_extra, "--allow-partial"});
    gui = open(service, r);
    QCOMPARE(cli.code, 0);
    QVERIFY2(gui.error.isEmpty(), qPrintable(gui.error));
    QCOMPARE(gui.notes.size(), std::size_t(1));
    QCOMPARE(gui.notes[0].kind, ModelNote::Kind::PartialLoad);
    QVERIFY2(cli.err.contains("note: partial load: "), qPrintable(cli.err));

    // NaN weights: both warn, with the same count (the window used to notice only a NaN probability).
    r.weights = m_nan.toStdString();
    r.allowPartial = false;
    cli = classify({"--weights", m_nan});
    gui = open(service, r);
    QCOMPARE(gui.notes.size(), std::size_t(1));
    QCOMPARE(gui.notes[0].kind, ModelNote::Kind::NonFinite);
    QCOMPARE(gui.notes[0].count, std::size_t(10));
    QVERIFY2(cli.err.contains(QString(": %1 weights are NaN or infinite").arg(gui.notes[0].count)), qPrintable(cli.err));

    // Not a weights file at all: the same message.
    r.weights = kImage.toStdString();
    cli = classify({"--weights", kImage});
    gui = open(service, r);
    QCOMPARE(cli.code, 2);
    QVERIFY(!gui.error.isEmpty());
    QVERIFY2(cli.err.contains(gui.error), qPrintable(cli.err + "\n" + gui.error));
}

// A weights file dropped with an image loads as weights and never lands in the
// image strip or the Groups tab's dropped images, whatever its name says.
void TestGuiOpenModel::droppedWeightsAreNotImages()
{
    const QString pth = m_dir.filePath("model.pth"); // safetensors content, a .pth name
    QFile::remove(pth);
    QVERIFY(QFile::copy(kBuiltin, pth));
    MainWindow w(m_dir.filePath("drop.ini"));
    w.show();
    w.startInference();
    QTRY_VERIFY_WITH_TIMEOUT(w.modelService()->model() && !w.modelService()->busy(), 60000);
    const auto before = w.modelService()->model();
    w.openPaths({kImage, pth});
    QCOMPARE(w.classifyPanel()->openedImages(), QStringList{kImage});
    QCOMPARE(w.groupsPanel()->droppedImages(), QStringList{kImage});
    QTRY_VERIFY_WITH_TIMEOUT(w.modelService()->model() != before && !w.modelService()->busy(), 60000);
    QCOMPARE(QString::fromStdString(w.modelService()->model()->info().source), pth);
}

QTEST_MAIN(TestGuiOpenModel)
#include "test_gui_openmodel.moc"
