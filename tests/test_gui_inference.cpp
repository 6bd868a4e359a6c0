// The inference and training side of the window, offscreen, through the real
// worker thread: first launch shows the built-in model's result and feature
// maps, bad files are explained inline and change nothing, weights set the
// sliders, training runs with live curves and compare mode, and cancels.
#include "architecturepanel.h"
#include "classifypanel.h"
#include "groupspanel.h"
#include "language.h"
#include "mainwindow.h"
#include "modelservice.h"
#include "plot.h"
#include "trainpanel.h"

#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/image.h"
#include "resnext/safetensors.h"
#include "started_window.h"
#include "test_util.h"

#include <QRegularExpression>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>

#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace resnext;

class TestGuiInference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstLaunchShowsBuiltinResult();
    void numbersFollowTheLanguage();
    void badImageExplainedInline();
    void newestImageWins();
    void weightsSetTheSliders();
    void badWeightsKeepTheModel();
    void trainCompareAndCancel();
    void startupLoadDoesNotTakeTheFilesPlace();
    void gradCamOnlyOverItsImage();
    void cancelIsPerJob();
    void cancelWhileQueuedResetsThePanel();
    void modelChangeRerunsTheShownImage();
    void firstLaunchSaysWhichModelClassifies();
    void mismatchedWeightsOfferLoadAnyway();
    void severalImagesMakeAStrip();
    void failedRerunClearsTheView();
    void imageOpenedAtStartShowsItsMaps();
    void torchVersionWrittenOneWay();
    void inferencePathChosenInTheWindow();

private:
    QTemporaryDir m_dir;
};

void TestGuiInference::firstLaunchShowsBuiltinResult()
{
    StartedWindow window(m_dir.filePath("a.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr, 60000);
    const auto r = c->result();
    QCOMPARE(r->analysis.top.size(), size_t(5));
    QVERIFY(r->imageName.startsWith("Fashion-MNIST test image 0"));
    QCOMPARE(r->analysis.top.front().label, std::string("Ankle boot")); // the trained model gets it right
    QVERIFY(!r->analysis.features.block.empty());
    QCOMPARE(r->analysis.features.cardinality, fashionMnistSpec().cardinality);
    QVERIFY(c->topChart()->plottableCount() == 1);
    QCOMPARE(c->energyChart()->plottable(0)->interface1D()->dataCount(), 8);
    // Clicking a tile selects that group.
    FeatureGridView *grid = c->gridView();
    grid->resize(400, 400);
    QPoint hit;
    for (int y = 0; y < 400 && hit.isNull(); y += 4)
        for (int x = 0; x < 400; x += 4)
            if (grid->tileAt({x, y}) == 3) {
                hit = {x, y};
                break;
            }
    QVERIFY(!hit.isNull());
    QTest::mouseClick(grid, Qt::LeftButton, {}, hit);
    QCOMPARE(grid->selected(), 3);
    QVERIFY(c->errorText().isEmpty());
}

// The classify panel's probabilities, timings and group energy in the
// window's language: 99,7% and 1,2 ms in Vietnamese.
void TestGuiInference::numbersFollowTheLanguage()
{
    language::install("vi");
    StartedWindow window(m_dir.filePath("vi.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr, 60000);
    const QString title = c->titleLabel()->text(), timings = c->timingsLabel()->text();
    QString preprocessing; // core's describe() is English; the window says it in its language
    for (const QLabel *l : c->findChildren<QLabel *>())
        if (l->text().startsWith(QString::fromUtf8("Tiền xử lý: ")))
            preprocessing = l->text();
    language::install("en");
    QCOMPARE(preprocessing, QString::fromUtf8("Tiền xử lý: ảnh nhỏ: đổi kích thước về 28x28, ảnh xám, trung bình 0,286, "
                                              "độ lệch chuẩn 0,353"));
    QVERIFY2(title.contains(QRegularExpression("\\(\\d+,\\d%\\)")), qPrintable(title));
    QVERIFY2(timings.contains(QRegularExpression("^giải mã \\d+,\\d ms \\+ tiền xử lý \\d+,\\d ms")), qPrintable(timings));
    QVERIFY2(!timings.contains(QRegularExpression("\\d\\.\\d")), qPrintable(timings));
    QVERIFY2(timings.endsWith(QString::fromUtf8("đường nhanh")), qPrintable(timings)); // the path's name too
}

void TestGuiInference::badImageExplainedInline()
{
    MainWindow w(m_dir.filePath("b.ini"));
    w.startInference();
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr, 60000);
    const auto before = c->result();
    const QString text = m_dir.filePath("notes.png");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("these are not pixels");
    f.close();
    w.openPaths({text});
    QTRY_VERIFY_WITH_TIMEOUT(!c->errorText().isEmpty(), 30000);
    QCOMPARE(c->errorText(), text + ": not an image (unrecognised format; PNG, JPEG, BMP, WebP and TIFF are supported)");
    QCOMPARE(c->result(), before); // the previous result stays
}

void TestGuiInference::newestImageWins()
{
    MainWindow w(m_dir.filePath("c.ini"));
    w.startInference();
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
    QSignalSpy spy(w.modelService(), &ModelService::analysisReady);
    QStringList files;
    for (const char *name : {"fmnist-test00000-ankle-boot.png", "fmnist-test00001-pullover.png",
                             "fmnist-test00002-trouser.png", "fmnist-test00003-trouser.png",
                             "fmnist-test00004-shirt.png", "fmnist-test00005-trouser.png"})
        files << QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/") + name;
    w.openPaths(files); // dropped faster than computed
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy() && c->result()->imageName == files.last(), 60000);
    QVERIFY2(spy.count() < files.size(), qPrintable(QString("%1 analyses for %2 drops").arg(spy.count()).arg(files.size())));
    // Every dropped image is a data source of the Groups tab.
    QCOMPARE(w.groupsPanel()->droppedImages(), files);
    QCOMPARE(w.groupsPanel()->dataCombo()->itemText(2), QString("Images dropped so far (6)"));
}

void TestGuiInference::weightsSetTheSliders()
{
    // A checkpoint of another architecture: the sliders follow it when opened.
    const ModelInfo info = testutil::builtinFamilyInfo(4, 32);
    const QString path = m_dir.filePath("c4.safetensors");
    loadEngine().create(info, 3)->save(path.toStdString());
    MainWindow w(m_dir.filePath("d.ini"));
    w.show();
    QCOMPARE(w.spec().cardinality, 32); // resnext50_32x4d on a fresh start
    w.openWeights(path);
    QTRY_COMPARE_WITH_TIMEOUT(w.spec().cardinality, 4, 60000);
    QCOMPARE(w.spec().width, 32);
    QCOMPARE(w.architecturePanel()->cardinalitySlider()->value(), 4);
    QVERIFY(w.spec() == info.spec);
}

void TestGuiInference::badWeightsKeepTheModel()
{
    MainWindow w(m_dir.filePath("e.ini"));
    // Wait for the window to have handled the built-in model's modelChanged (the
    // spy is connected after the window, so it fires after the window's slot):
    // model() is set on the worker before that queued signal arrives, and a
    // model that arrives after openWeights() would be adopted as if it were the
    // file's. (That race is MainWindow's m_adoptNextModelSpec; it shows when the
    // engine loads faster than the test polls.)
    QSignalSpy changed(w.modelService(), &ModelService::modelChanged);
    w.startInference();
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 1 && w.modelService()->model() != nullptr, 60000);
    const auto before = w.modelService()->model();
    const ArchSpec spec = w.spec();
    const QString path = m_dir.filePath("broken.safetensors");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray("\xff\xff\xff\x00\x00\x00\x00\x00{}", 10));
    f.close();
    w.openWeights(path);
    QTRY_VERIFY_WITH_TIMEOUT(!w.classifyPanel()->errorText().isEmpty(), 30000);
    QVERIFY2(w.classifyPanel()->errorText().startsWith(path + ": header length"), qPrintable(w.classifyPanel()->errorText()));
    QCOMPARE(w.modelService()->model(), before);
    QVERIFY(w.spec() == spec);
}

void TestGuiInference::trainCompareAndCancel()
{
    MainWindow w(m_dir.filePath("f.ini"));
    w.show();
    QVERIFY(w.applySpec(fashionMnistSpec()));
    TrainPanel *t = w.trainPanel();
    t->epochsSpin()->setValue(1);
    t->limitSpin()->setValue(600);
    t->compareCheck()->setChecked(true);
    const TrainRequest req = t->request();
    QCOMPARE(req.options.spec.inputSize, 28);
    QCOMPARE(req.options.spec.inChannels, 1);
    QVERIFY(req.compareResnet);
    // Training defaults to the built-in family and asks before replacing the classifier.
    QCOMPARE(t->architectureCombo()->currentData().toString(), QString("builtin"));
    QVERIFY(req.options.spec == fashionMnistSpec());
    QVERIFY(!t->replaceCheck()->isChecked());
    QVERIFY2(t->afterLabel()->text().contains("still classifies"), qPrintable(t->afterLabel()->text()));
    t->replaceCheck()->setChecked(true);
    QVERIFY2(t->afterLabel()->text().contains("(the first row, not the ResNet) classifies"),
             qPrintable(t->afterLabel()->text()));
    t->replaceCheck()->setChecked(false);
    w.startInference();
    QTRY_VERIFY_WITH_TIMEOUT(w.modelService()->model() != nullptr, 60000);
    const auto classifier = w.modelService()->model();
    QSignalSpy testing(w.modelService(), &ModelService::testProgress);
    QStringList statuses;
    connect(w.modelService(), &ModelService::testProgress, this,
            [&] { statuses << t->statusLabel()->text() + " | " + t->progressBar()->text(); });
    t->start();
    // The previous run's curves and axes are gone at once.
    QCOMPARE(t->accuracyPlot()->graph(1)->dataCount(), 0);
    QVERIFY(t->accuracyPlot()->yAxis->range() == QCPRange(0, 100));
    QTRY_VERIFY_WITH_TIMEOUT(t->results()->rowCount() == 2 || !t->errorText().isEmpty(), 300000);
    QCOMPARE(t->errorText(), QString());
    // Testing reported its own progress, per run, up to the whole test set.
    QVERIFY(testing.count() >= 2);
    QCOMPARE(testing.last().at(2), testing.last().at(3));
    QVERIFY2(statuses.last().contains("evaluating on the test set") && statuses.last().contains("testing 100%"),
             qPrintable(statuses.last()));
    // Not asked to replace the classifier: it stays, and a button offers the trained model.
    QCOMPARE(w.modelService()->model(), classifier);
    QVERIFY(t->statusLabel()->text().contains("The classifier is unchanged"));
    QVERIFY(t->useTrainedButton()->isEnabled());
    t->useTrainedButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(w.modelService()->model(), w.modelService()->lastTrained(), 30000);
    QVERIFY(t->results()->item(0, 0)->text().startsWith("resnext20_8x16d"));
    QVERIFY(t->results()->item(1, 0)->text().startsWith("resnet")); // the equal-complexity ResNet
    QVERIFY(t->lossPlot()->graph(0)->dataCount() > 0);
    QCOMPARE(t->accuracyPlot()->graph(1)->dataCount(), 1); // validation point of epoch 1
    // The legend sits above the plot, never over its points.
    QVERIFY(t->accuracyPlot()->legend->visible());
    QVERIFY(!t->accuracyPlot()->legend->outerRect().intersects(t->accuracyPlot()->axisRect()->outerRect()));
    QVERIFY(t->errorText().isEmpty());
    // Cancelling a run stops it and says so.
    t->limitSpin()->setValue(0);
    t->compareCheck()->setChecked(false);
    t->epochsSpin()->setValue(5);
    t->start();
    QTest::qWait(1500);
    QVERIFY(t->cancelButton()->isEnabled());
    t->cancelButton()->click();
    // Said once, in the status line (not as an error); no time left is shown for a run that stopped.
    QTRY_COMPARE_WITH_TIMEOUT(t->statusLabel()->text(), QString("Training cancelled; the classifier is unchanged."), 120000);
    QVERIFY(t->errorText().isEmpty());
    QCOMPARE(t->progressBar()->value(), 0);
}

void TestGuiInference::startupLoadDoesNotTakeTheFilesPlace()
{
    // Start-up loads the built-in model; a file given on the command line is
    // opened right after. Only the file's model may set the sliders.
    const ModelInfo info = testutil::builtinFamilyInfo(2, 64);
    const QString path = m_dir.filePath("c2.safetensors");
    loadEngine().create(info, 5)->save(path.toStdString());
    MainWindow w(m_dir.filePath("race.ini"));
    w.startInference();
    w.openPaths({path});
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
    QVERIFY2(w.spec() == info.spec, qPrintable(QString::fromStdString(describe(w.spec()))));
    QVERIFY(w.modelService()->model()->info().spec == info.spec);
}

void TestGuiInference::gradCamOnlyOverItsImage()
{
    MainWindow w(m_dir.filePath("cam.ini"));
    w.startInference();
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() && c->gradCam(), 60000);
    const auto first = c->result();
    c->classifyFile(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00001-pullover.png"));
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != first && c->gradCam() && !w.modelService()->busy(), 60000);
    const auto shownCam = c->gradCam();
    // A heat map that answers the panel's latest Grad-CAM request but was
    // computed for another image is never drawn over this one.
    auto stale = std::make_shared<const GradCam>(*shownCam);
    Q_EMIT w.modelService()->gradCamReady(c->camJob(), first, stale);
    QCOMPARE(c->gradCam(), shownCam);
    // Nor one that answers an older request.
    Q_EMIT w.modelService()->gradCamReady(Job{c->camJob().id - 1, JobKind::GradCam}, c->result(), stale);
    QCOMPARE(c->gradCam(), shownCam);
}

void TestGuiInference::cancelIsPerJob()
{
    StartedWindow window(m_dir.filePath("g.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr && !w.modelService()->busy(), 60000);
    QVERIFY(!c->cancelButton()->isEnabled());
    QVERIFY(w.applySpec(fashionMnistSpec()));
    TrainPanel *t = w.trainPanel();
    t->epochsSpin()->setValue(1);
    t->limitSpin()->setValue(600);
    t->compareCheck()->setChecked(false);
    t->start();
    QVERIFY(w.modelService()->pending(t->job()));
    // An image queued behind the training run; cancelling it leaves the run alone.
    QSignalSpy analyses(w.modelService(), &ModelService::analysisReady);
    c->classifyFile(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00002-trouser.png"));
    const Job cancelled = c->analysisJob();
    QVERIFY(c->cancelButton()->isEnabled());
    QVERIFY(t->cancelButton()->isEnabled());
    c->cancelButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(c->errorText(), QString("Cancelled."), 10000);
    QVERIFY(!c->cancelButton()->isEnabled());
    QVERIFY(w.modelService()->pending(t->job()));
    QVERIFY(t->cancelButton()->isEnabled()); // the Train panel's Cancel stays usable while its job runs
    QTRY_VERIFY_WITH_TIMEOUT(t->results()->rowCount() == 1 || !t->errorText().isEmpty(), 300000);
    QCOMPARE(t->errorText(), QString());
    QVERIFY(!t->cancelButton()->isEnabled());
    for (const auto &args : analyses) // the cancelled request never ran
        QVERIFY(args.at(0).value<Job>().id != cancelled.id);
}

void TestGuiInference::cancelWhileQueuedResetsThePanel()
{
    MainWindow w(m_dir.filePath("h.ini"));
    w.show();
    QVERIFY(w.applySpec(fashionMnistSpec()));
    TrainPanel *t = w.trainPanel();
    t->epochsSpin()->setValue(1);
    t->limitSpin()->setValue(600);
    // A slow job first, so that the training run waits in the queue.
    w.modelService()->createRandom(preset("resnext101_32x8d").spec, "cpu");
    t->start();
    QVERIFY(t->cancelButton()->isEnabled());
    t->cancelButton()->click();
    // One message, in the status line: not an error, not the status bar too.
    QTRY_COMPARE_WITH_TIMEOUT(t->statusLabel()->text(), QString("Training cancelled; the classifier is unchanged."), 10000);
    QVERIFY(t->errorText().isEmpty());
    QVERIFY(w.statusBar()->currentMessage() != "Cancelled.");
    QTRY_VERIFY_WITH_TIMEOUT(!t->cancelButton()->isEnabled(), 10000);
    QVERIFY(!w.modelService()->pending(t->job()));
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
}

void TestGuiInference::modelChangeRerunsTheShownImage()
{
    MainWindow w(m_dir.filePath("rerun.ini"));
    w.startInference();
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() && !w.modelService()->busy(), 60000);
    const QString shirt = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00004-shirt.png");
    c->classifyFile(shirt);
    QTRY_VERIFY_WITH_TIMEOUT(c->result()->imageName == shirt && !w.modelService()->busy(), 60000);
    // An empty file: explained, and the shirt stays on screen.
    const QString empty = m_dir.filePath("empty.png");
    QFile f(empty);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    w.openPaths({empty});
    QTRY_VERIFY_WITH_TIMEOUT(!c->errorText().isEmpty() && !w.modelService()->busy(), 30000);
    const auto before = c->result();
    QCOMPARE(before->imageName, shirt);
    // The model changes (Model -> random weights; a finished training run does the same).
    ArchSpec spec = fashionMnistSpec();
    spec.cardinality = 4;
    spec.width = 32;
    w.modelService()->createRandom(spec, "cpu");
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != before && !w.modelService()->busy(), 60000);
    // The shown image was re-run on the new model; the empty file's error is gone for good.
    QCOMPARE(c->result()->imageName, shirt);
    QVERIFY2(c->errorText().isEmpty(), qPrintable(c->errorText()));
    QVERIFY(c->modelLabel()->text().remove(QChar(0x200B)).contains(QString::fromStdString(describe(spec))));
    const Analysis direct = w.modelService()->model()->analyze(decodeImage(shirt.toStdString()), 5, "");
    QCOMPARE(c->result()->analysis.top.size(), direct.top.size());
    for (size_t i = 0; i < direct.top.size(); ++i) {
        QCOMPARE(c->result()->analysis.top[i].index, direct.top[i].index);
        QVERIFY(std::abs(c->result()->analysis.top[i].probability - direct.top[i].probability) < 1e-5);
    }
    QVERIFY(c->timingsLabel()->text().startsWith("decode"));
}

void TestGuiInference::firstLaunchSaysWhichModelClassifies()
{
    StartedWindow window(m_dir.filePath("which.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(c->result() && !w.modelService()->busy(), 60000);
    // Sliders on resnext50_32x4d, the built-in model classifying: both views say so.
    QVERIFY(w.spec() == preset("resnext50_32x4d").spec);
    QVERIFY(c->modelLabel()->text().remove(QChar(0x200B)).contains("resnext20_8x16d"));
    QVERIFY(!c->showInExplorerButton()->isHidden()); // on the classify tab, which need not be current
    QLabel *note = w.architecturePanel()->runningNote();
    QVERIFY(!note->isHidden());
    QVERIFY2(note->text().contains("resnext20_8x16d (cifar stem)"), qPrintable(note->text()));
    c->showInExplorerButton()->click();
    QVERIFY(w.spec() == fashionMnistSpec());
    QVERIFY(note->isHidden());
    QVERIFY(c->showInExplorerButton()->isHidden());
    // Another block form is the same model: no note.
    ArchSpec formA = fashionMnistSpec();
    formA.form = BlockForm::A;
    QVERIFY(w.applySpec(formA));
    QVERIFY(note->isHidden());
    // The note's link does the same as the button.
    QVERIFY(w.applySpec(preset("resnet50").spec));
    QVERIFY(!note->isHidden());
    Q_EMIT note->linkActivated("show");
    QVERIFY(w.spec() == fashionMnistSpec());
}

void TestGuiInference::mismatchedWeightsOfferLoadAnyway()
{
    // A checkpoint with one tensor its architecture does not have.
    ModelInfo info;
    info.spec = fashionMnistSpec();
    info.preprocessing = fashionMnistPreprocessing();
    info.labels = fashionMnistClasses();
    const QString good = m_dir.filePath("good.safetensors");
    loadEngine().create(info, 7)->save(good.toStdString());
    const SafetensorsFile file = SafetensorsFile::read(good.toStdString());
    std::vector<TensorToWrite> tensors;
    for (const TensorRecord &t : file.tensors())
        tensors.push_back({t.name, t.dtype, t.shape, file.data(t)});
    const float extra[2] = {1, 2};
    tensors.push_back({"extra.weight", DType::F32, {2}, extra});
    const QString path = m_dir.filePath("extra.safetensors");
    writeSafetensors(path.toStdString(), tensors, file.metadata());

    StartedWindow window(m_dir.filePath("partial.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(w.modelService()->model() && !w.modelService()->busy(), 60000);
    const auto before = w.modelService()->model();
    w.openWeights(path);
    QTRY_VERIFY_WITH_TIMEOUT(!c->errorText().isEmpty() && !w.modelService()->busy(), 60000);
    // The GUI names no command-line flag; it offers the choice as a button.
    QVERIFY2(c->errorText().contains("1 unexpected (extra.weight)"), qPrintable(c->errorText()));
    QVERIFY2(!c->errorText().contains("--allow-partial"), qPrintable(c->errorText()));
    QCOMPARE(w.modelService()->model(), before);
    // In Vietnamese the window words the typed error itself, core's details after it.
    language::install("vi");
    w.openWeights(path);
    QTRY_VERIFY_WITH_TIMEOUT(c->errorText().contains("không khớp với mô hình") && !w.modelService()->busy(), 60000);
    QVERIFY2(c->errorText().contains("1 unexpected (extra.weight)"), qPrintable(c->errorText()));
    language::install("en");
    QVERIFY(c->loadAnywayButton()->isVisible());
    c->loadAnywayButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.modelService()->model() != before && !w.modelService()->busy(), 60000);
    QVERIFY(!c->loadAnywayButton()->isVisible());
    QVERIFY(w.modelService()->model()->info().spec == info.spec);
}

void TestGuiInference::severalImagesMakeAStrip()
{
    StartedWindow window(m_dir.filePath("strip.ini"));
    auto &[w, p, c] = window;
    QTRY_VERIFY_WITH_TIMEOUT(c->result() && !w.modelService()->busy(), 60000);
    QStringList files;
    for (const char *name : {"fmnist-test00001-pullover.png", "fmnist-test00002-trouser.png", "fmnist-test00004-shirt.png"})
        files << QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/") + name;
    w.openPaths(files); // as from the command line
    QCOMPARE(c->strip()->count(), 3);
    QVERIFY(c->strip()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(c->result()->imageName == files.last() && !w.modelService()->busy(), 60000);
    // Every one of them is a click away.
    QListWidgetItem *first = c->strip()->item(0);
    QCOMPARE(first->text(), QString("fmnist-test00001-pullover.png"));
    const QRect r = c->strip()->visualItemRect(first);
    QTest::mouseClick(c->strip()->viewport(), Qt::LeftButton, {}, r.center());
    QTRY_VERIFY_WITH_TIMEOUT(c->result()->imageName == files.first() && !w.modelService()->busy(), 60000);
}

void TestGuiInference::failedRerunClearsTheView()
{
    MainWindow w(m_dir.filePath("cleared.ini"));
    w.startInference();
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() && !w.modelService()->busy(), 60000);
    // A shown image that is gone by the time the model changes.
    const QString copy = m_dir.filePath("gone.png");
    QVERIFY(QFile::copy(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00002-trouser.png"), copy));
    c->classifyFile(copy);
    QTRY_VERIFY_WITH_TIMEOUT(c->result()->imageName == copy && !w.modelService()->busy(), 60000);
    QVERIFY(QFile::remove(copy));
    ArchSpec spec = fashionMnistSpec();
    spec.cardinality = 2;
    spec.width = 64;
    w.modelService()->createRandom(spec, "cpu");
    QTRY_VERIFY_WITH_TIMEOUT(c->result() == nullptr && !w.modelService()->busy(), 60000);
    // No old top-5 under the new model's name: the view is cleared and says why.
    QVERIFY2(c->errorText().startsWith("The new model could not classify gone.png: "), qPrintable(c->errorText()));
    QCOMPARE(c->topChart()->plottableCount(), 0);
    QVERIFY(c->timingsLabel()->text().isEmpty());
}

void TestGuiInference::imageOpenedAtStartShowsItsMaps()
{
    // A file on the command line is requested before the model has loaded: it
    // is asked again once the model is there, so its feature maps show too.
    MainWindow w(m_dir.filePath("atstart.ini"));
    w.startInference();
    const QString shirt = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00004-shirt.png");
    w.openPaths({shirt});
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() && c->gradCam() && !w.modelService()->busy(), 60000);
    QCOMPARE(c->result()->imageName, shirt);
    QCOMPARE(c->result()->analysis.features.block, std::string("layer2.0"));
}

void TestGuiInference::torchVersionWrittenOneWay()
{
    // The library's own version, in the status bar and in the README alike.
    const QString version = QString::fromStdString(loadEngine().deviceInfo().torchVersion);
    QVERIFY(QRegularExpression("^\\d+\\.\\d+\\.\\d+$").match(version).hasMatch());
    MainWindow w(m_dir.filePath("version.ini"));
    QSignalSpy ready(w.modelService(), &ModelService::engineReady);
    w.startInference();
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);
    QVERIFY2(ready.first().at(0).toString().startsWith("LibTorch " + version + ","),
             qPrintable(ready.first().at(0).toString()));
    // The front page and the performance page name the version their figures were measured with.
    for (const char *doc : {"README.md", "docs/performance.md"}) {
        QFile readme(QStringLiteral(RESNEXT_SOURCE_DIR "/") + doc);
        QVERIFY2(readme.open(QIODevice::ReadOnly), doc);
        const QString text = QString::fromUtf8(readme.readAll());
        QVERIFY2(text.contains("LibTorch " + version + " from Debian"), qPrintable(QString(doc) + ": " + version));
        QRegularExpression other("LibTorch (\\d+\\.\\d+\\.\\d+)");
        for (auto it = other.globalMatch(text); it.hasNext();) {
            const QString v = it.next().captured(1);
            QVERIFY2(v == version, qPrintable(QString(doc) + " names LibTorch " + v + "; the library says " + version));
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
}

void TestGuiInference::inferencePathChosenInTheWindow()
{
    // Issue 11: the window offers the fast (oneDNN) path by default, BF16 only with
    // its agreement figure, and the plain path; each choice re-runs the image shown.
    MainWindow w(m_dir.filePath("path.ini"));
    w.startInference();
    ClassifyPanel *c = w.classifyPanel();
    QTRY_VERIFY_WITH_TIMEOUT(c->result() != nullptr, 60000);
    auto *combo = c->findChild<QComboBox *>("pathCombo");
    QVERIFY(combo);
    const DeviceInfo d = loadEngine().deviceInfo();
    if (!d.fastPath) {
        QCOMPARE(combo->count(), 1); // plain only
        return;
    }
    QVERIFY(c->result()->path == InferencePath::Fast);
    const std::string before = c->result()->analysis.top.front().label;
    const auto choose = [&](InferencePath path) {
        const int i = combo->findData(static_cast<int>(path));
        QVERIFY(i >= 0);
        combo->setCurrentIndex(i);
        Q_EMIT combo->activated(i);
        QTRY_VERIFY_WITH_TIMEOUT(c->result() && c->result()->path == path, 60000);
    };
    choose(InferencePath::Plain);
    QCOMPARE(c->result()->analysis.top.front().label, before);
    QCOMPARE(c->pathNote(), QString("Plain LibTorch modules (eager)."));
    if (d.bf16) {
        choose(InferencePath::FastBf16);
        QVERIFY2(c->pathNote().startsWith("BF16: top-1 agrees with fast on "), qPrintable(c->pathNote()));
        QVERIFY(c->pathNote().contains(" sample images; logits within "));
    }
    choose(InferencePath::Fast);
    QVERIFY(c->pathNote().startsWith("oneDNN, FP32: prepared in "));
    QVERIFY(c->errorText().isEmpty());

    // The choice is remembered: the next start runs its first model on it.
    choose(InferencePath::Plain);
    w.close(); // closeEvent saves
    {
        MainWindow again(m_dir.filePath("path.ini"));
        again.startInference();
        ClassifyPanel *c2 = again.classifyPanel();
        QTRY_VERIFY_WITH_TIMEOUT(c2->result() != nullptr && !again.modelService()->busy(), 60000);
        QVERIFY(again.modelService()->model()->inferencePath() == InferencePath::Plain);
        auto *combo2 = c2->findChild<QComboBox *>("pathCombo");
        QCOMPARE(combo2->currentData().toInt(), static_cast<int>(InferencePath::Plain));
    }
    // A value that is no path: said, and the default kept.
    {
        QSettings s(m_dir.filePath("path.ini"), QSettings::IniFormat);
        s.setValue("inference/path", "warp");
    }
    MainWindow third(m_dir.filePath("path.ini"));
    QVERIFY2(third.statusBar()->currentMessage().contains("inference/path 'warp' is not fast, fast-bf16 or plain"),
             qPrintable(third.statusBar()->currentMessage()));
    third.startInference();
    QTRY_VERIFY_WITH_TIMEOUT(third.modelService()->model() && !third.modelService()->busy(), 60000);
    QVERIFY(third.modelService()->model()->inferencePath() == InferencePath::Fast);
}

QTEST_MAIN(TestGuiInference)
#include "test_gui_inference.moc"
