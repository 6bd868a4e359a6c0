// Model -> Export in the window: the menu actions exist, Copy puts the sliders'
// PyTorch code on the clipboard, and the ONNX export runs on the model worker
// and writes exactly what core's encodeOnnx gives for the classifying model.
#include "classifypanel.h"
#include "mainwindow.h"
#include "modelservice.h"

#include "resnext/export.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace resnext;

class TestGuiExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exportMenu();
    void pytorchFiles();
    void onnxOnTheWorker();
    void onnxWithoutModel();

private:
    QTemporaryDir m_dir;
};

namespace {

QAction *findAction(QWidget &w, const QString &text)
{
    for (QAction *a : w.findChildren<QAction *>())
        if (a->text() == text)
            return a;
    return nullptr;
}

} // namespace

void TestGuiExport::exportMenu()
{
    MainWindow w(m_dir.filePath("a.ini"));
    QAction *exportMenu = findAction(w, "E&xport");
    QVERIFY(exportMenu && exportMenu->menu());
    QStringList texts;
    for (QAction *a : exportMenu->menu()->actions())
        texts << a->text();
    QCOMPARE(texts, QStringList({"&PyTorch code...", "PyTorch code and &training script (torchrun)...",
                                 "&Copy PyTorch code", "&ONNX of the classifying model..."}));
    QAction *copy = findAction(w, "&Copy PyTorch code");
    QVERIFY(copy);
    copy->trigger();
    const QString text = QApplication::clipboard()->text();
    QCOMPARE(text, QString::fromStdString(pytorchModelCode(w.spec())));
    QVERIFY(text.contains("torchvision.models.resnext50_32x4d(weights=None)")); // the window opens on ResNeXt-50
}

void TestGuiExport::pytorchFiles()
{
    MainWindow w(m_dir.filePath("c.ini"));
    const QString path = m_dir.filePath("net.py");
    w.exportPytorch(true, path);
    QCOMPARE(w.statusBar()->currentMessage(), QString("Wrote %1 and train.py beside it").arg(path));
    QFile model(path), train(m_dir.filePath("train.py"));
    QVERIFY(model.open(QIODevice::ReadOnly) && train.open(QIODevice::ReadOnly));
    QCOMPARE(model.readAll().toStdString(), pytorchModelCode(w.spec()));
    QCOMPARE(train.readAll().toStdString(), pytorchTrainScript(w.spec(), "net"));

    // A name Python cannot import: one line in the status bar, nothing written.
    const QString bad = m_dir.filePath("my-net.py");
    w.exportPytorch(true, bad);
    QVERIFY2(w.statusBar()->currentMessage().startsWith("out: 'my-net.py' cannot be imported by train.py"),
             qPrintable(w.statusBar()->currentMessage()));
    QVERIFY(!QFile::exists(bad));
}

void TestGuiExport::onnxOnTheWorker()
{
    MainWindow w(m_dir.filePath("b.ini"));
    w.startInference(); // the built-in model
    QTRY_VERIFY_WITH_TIMEOUT(w.classifyPanel()->result() != nullptr, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
    QSignalSpy saved(w.modelService(), &ModelService::saved);
    const QString path = m_dir.filePath("builtin.onnx");
    w.modelService()->exportOnnx(path);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 60000);
    QCOMPARE(saved.at(0).at(1).toString(), path);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto model = w.modelService()->model();
    OnnxOptions o;
    o.docString = "weights: " + model->info().source;
    const std::string want = encodeOnnx(model->info().spec, model->tensors(), o);
    QCOMPARE(f.readAll(), QByteArray(want.data(), static_cast<int>(want.size())));
}

void TestGuiExport::onnxWithoutModel()
{
    ModelService service;
    QSignalSpy failed(&service, &ModelService::failed);
    service.exportOnnx(m_dir.filePath("none.onnx"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
    QCOMPARE(failed.at(0).at(1).toString(), QString("no model to export: load weights or create one first"));
    QVERIFY(!QFile::exists(m_dir.filePath("none.onnx")));
}

QTEST_MAIN(TestGuiExport)
#include "test_gui_export.moc"
