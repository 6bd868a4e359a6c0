// The window's side of issue 12, offscreen through the real worker thread: the
// first launch says what the built-in model knows, a photo gets the
// "unlike the model's training data" line and a Fashion-MNIST image does not,
// and File -> Open weights lists what the torchvision cache holds.
#include "classifypanel.h"
#include "mainwindow.h"
#include "weightsdialog.h"

#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "started_window.h"
#include "test_util.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest/QtTest>

using namespace resnext;

class TestGuiOod : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void photoFlaggedClothingNot();
    void openWeightsListsTheCache();

private:
    QTemporaryDir m_dir;
};

void TestGuiOod::photoFlaggedClothingNot()
{
    StartedWindow window(m_dir.filePath("a.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr, 60000);
    auto *knows = c->findChild<QLabel *>("builtinNote");
    auto *ood = c->findChild<QLabel *>("oodWarning");
    QVERIFY(knows && ood);
    QVERIFY(knows->isVisibleTo(c));
    QVERIFY(knows->text().startsWith("The built-in model knows only 10 kinds of clothing"));
    QVERIFY(knows->text().contains("File -> Open weights"));
    // The first result is a Fashion-MNIST test image: like the training data.
    QVERIFY(ood->isVisibleTo(c));
    QVERIFY2(ood->text().startsWith("Like the model's training data"), qPrintable(ood->text()));

    const auto first = c->result();
    c->classifyFile(RESNEXT_SOURCE_DIR "/sample_images/photo-chelsea-cat.png");
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != first, 60000);
    QVERIFY(c->result()->analysis.outOfDistribution);
    QVERIFY2(ood->text().startsWith("This image is unlike the model's training data"), qPrintable(ood->text()));
}

void TestGuiOod::openWeightsListsTheCache()
{
    const QString cache = m_dir.filePath("cache");
    const QString hub = cache + "/torch/hub/checkpoints";
    QVERIFY(QDir().mkpath(hub));
    loadEngine().create(testutil::builtinFamilyInfo(), 1)->save((hub + "/small.safetensors").toStdString());
    qputenv("XDG_CACHE_HOME", cache.toUtf8());
    qunsetenv("TORCH_HOME");
    qunsetenv("HF_HOME");
    qunsetenv("HF_HUB_CACHE");

    WeightsDialog d;
    auto *list = d.findChild<QTreeWidget *>("cachedWeights");
    QVERIFY(list);
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(0), QString("small.safetensors"));
    QCOMPARE(list->topLevelItem(0)->text(1), QString::fromStdString(describe(fashionMnistSpec())));
    QCOMPARE(list->topLevelItem(0)->text(3), QString("torchvision hub"));
    auto *buttons = d.findChild<QDialogButtonBox *>();
    QVERIFY(buttons);
    buttons->button(QDialogButtonBox::Open)->click();
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(d.selectedPath(), hub + "/small.safetensors");
}

QTEST_MAIN(TestGuiOod)
#include "test_gui_ood.moc"
