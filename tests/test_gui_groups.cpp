// The Groups tab on a small analysis of the built-in model (offscreen): both
// models' heat maps, CKA matrices, ablation bars and top strips; a click on a
// top image asks for the Classify tab, which selects that group; bad input is
// shown inline and keeps the previous result. The `groups` subcommand: its
// files and figures, numbers equal to the JSON, and every bad input's message.
#include "classifypanel.h"
#include "cli_process.h"
#include "language.h"
#include "groupspanel.h"
#include "modelservice.h"
#include "plot.h"

#include "resnext/dataset.h"

#include <QRegularExpression>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

namespace {

bool haveFashionMnist() { return QFile::exists(QString(resnext::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"); }

QCPColorMap *colorMapOf(QCustomPlot *plot)
{
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto *m = qobject_cast<QCPColorMap *>(plot->plottable(i)))
            return m;
    return nullptr;
}

// Loads the built-in model into `service` and its blocks into the panel's list;
// false when it did not load within a minute.
bool loadBuiltin(ModelService &service, GroupsPanel &panel)
{
    QSignalSpy loaded(&service, &ModelService::modelChanged);
    service.loadBuiltin("cpu");
    if (!QTest::qWaitFor([&] { return loaded.count() == 1; }, 60000))
        return false;
    panel.setBlocks(service.model()->info().spec);
    return true;
}

} // namespace

class TestGuiGroups : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void panelShowsTrainedAndUntrained()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        ModelService service;
        GroupsPanel panel(&service);
        ClassifyPanel classify(&service);
        connect(&panel, &GroupsPanel::openInClassify, &classify, &ClassifyPanel::classifyImageWithGroup);
        QVERIFY(loadBuiltin(service, panel));
        QCOMPARE(panel.blockCombo()->currentText(), QString("layer2.0"));
        panel.limitSpin()->setValue(120);
        QSignalSpy progress(&service, &ModelService::groupsProgress);
        panel.start();
        QVERIFY(panel.job().id != 0);
        QVERIFY(panel.job().kind == JobKind::Groups);
        QVERIFY(panel.cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 300000);
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        const auto r = panel.result();
        QVERIFY(r);
        QVERIFY(r->report.hasUntrained);
        // --limit 120 is applied once, by core: exactly 120 images for each model
        // (the progress counts both), and the strips index the first 120 loaded.
        QCOMPARE(r->report.trained.count, std::size_t{120});
        QCOMPARE(r->report.untrained.count, std::size_t{120});
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(2).toULongLong(), 240ull);
        QCOMPARE(progress.last().at(1).toULongLong(), 240ull);
        QVERIFY(r->data.count() >= std::size_t{120});
        for (bool untrained : {false, true}) {
            QCPColorMap *heat = colorMapOf(panel.selectivityPlot(untrained));
            QVERIFY(heat);
            QCOMPARE(heat->data()->keySize(), 10);
            QCOMPARE(heat->data()->valueSize(), 8);
            QCPColorMap *cka = colorMapOf(panel.ckaPlot(untrained));
            QVERIFY(cka);
            QCOMPARE(cka->data()->keySize(), 8);
            QCOMPARE(cka->data()->cell(3, 3), 1.0);
            QCOMPARE(panel.ablationPlot(untrained)->plottableCount(), 1);
            QVERIFY(panel.topView(untrained)->sizeHint().height() > 8 * 40);
        }
        // Sorted by selectivity: the first heat-map row is the most selective group.
        const auto &t = r->report.trained;
        const int first = static_cast<int>(std::max_element(t.selectivityIndex.begin(), t.selectivityIndex.end()) -
                                           t.selectivityIndex.begin());
        QCPColorMap *heat = colorMapOf(panel.selectivityPlot(false));
        QCOMPARE(heat->data()->cell(4, 0), t.selectivity[static_cast<size_t>(first)][4]);
        panel.sortCheck()->setChecked(false);
        heat = colorMapOf(panel.selectivityPlot(false));
        QCOMPARE(heat->data()->cell(4, 0), t.selectivity[0][4]);
        QVERIFY(panel.summaryLabel()->text().contains("layer2.0"));

        // A click on group 2's second image (row 2 when unsorted) opens it with group 2 selected.
        QSignalSpy open(&panel, &GroupsPanel::openInClassify);
        TopImagesView *view = panel.topView(false);
        const QPoint at(150 + 44 + 10, 4 + 2 * 44 + 10);
        QCOMPARE(view->imageAt(at).first, 2);
        QCOMPARE(view->imageAt(at).second, t.topImages[2][1]);
        QTest::mouseClick(view, Qt::LeftButton, {}, at);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.at(0).at(2).toString(), QString("layer2.0"));
        QCOMPARE(open.at(0).at(3).toInt(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(classify.result() && !classify.result()->analysis.features.block.empty(), 60000);
        QCOMPARE(classify.block(), QString("layer2.0"));
        QCOMPARE(classify.gridView()->selected(), 2);

        // A folder that does not exist: an inline message, the previous result stays.
        panel.setSource("/nonexistent/folder");
        panel.start();
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 60000);
        QCOMPARE(panel.errorText(), QString("/nonexistent/folder: not found"));
        QCOMPARE(panel.result(), r);
    }

    // The summary's accuracy and CKA in the window's language (decimal comma in Vietnamese).
    void summaryFollowsTheLanguage()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        language::install("vi");
        ModelService service;
        GroupsPanel panel(&service);
        QVERIFY(loadBuiltin(service, panel));
        panel.limitSpin()->setValue(panel.limitSpin()->minimum() > 20 ? panel.limitSpin()->minimum() : 20);
        panel.start();
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 300000);
        const QString summary = panel.summaryLabel()->text();
        language::install("en");
        QVERIFY2(summary.contains(QRegularExpression("\\d,\\d\\d\\d")), qPrintable(summary)); // CKA 0,123
        QVERIFY2(!QString(summary).remove("layer2.0").contains(QRegularExpression("\\d\\.\\d")), qPrintable(summary));
    }

    void droppedImagesAreASource()
    {
        ModelService service;
        GroupsPanel panel(&service);
        QVERIFY(loadBuiltin(service, panel));
        panel.setSource("dropped");
        QCOMPARE(panel.source(), QString("dropped"));
        panel.start(); // nothing dropped yet: said inline, no job
        QCOMPARE(panel.errorText(), QString("data: no images dropped yet; drop or open images in the Classify tab first"));
        QCOMPARE(panel.job().id, quint64(0));

        const QString dir = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/");
        const QStringList files = {dir + "fmnist-test00000-ankle-boot.png", dir + "fmnist-test00002-trouser.png",
                                   dir + "fmnist-test00018-bag.png", dir + "photo-coffee.png"};
        panel.setDroppedImages(files);
        QCOMPARE(panel.dataCombo()->itemText(2), QString("Images dropped so far (4)"));
        panel.untrainedCheck()->setChecked(false);
        panel.start();
        QVERIFY(panel.job().id != 0);
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 120000);
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        const auto r = panel.result();
        QVERIFY(r);
        QVERIFY(r->report.predictedLabels);
        QCOMPARE(r->files, files);
        QCOMPARE(r->data.count(), std::size_t{4});
        QCOMPARE(r->report.trained.accuracy, 1.0); // its own predictions are the labels
        QVERIFY(panel.summaryLabel()->text().contains("the trained model's predictions"));
        QVERIFY(panel.summaryLabel()->text().contains("the 4 images dropped so far"));
        // The heat map has a column per predicted class (and shows one too: QCustomPlot
        // needs two cells, the second lies outside the axis range).
        QCustomPlot *heatPlot = panel.selectivityPlot(false);
        const int classes = static_cast<int>(r->report.trained.classNames.size());
        QCOMPARE(colorMapOf(heatPlot)->data()->keySize(), std::max(2, classes));
        QCOMPARE(heatPlot->xAxis->range().upper, classes - 0.5);
        // A top image opens as its file, by its name.
        QSignalSpy open(&panel, &GroupsPanel::openInClassify);
        TopImagesView *view = panel.topView(false);
        const QPoint at(150 + 10, 4 + 10);
        const auto [group, index] = view->imageAt(at);
        QVERIFY(group >= 0);
        QTest::mouseClick(view, Qt::LeftButton, {}, at);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.at(0).at(1).toString(), QFileInfo(files[static_cast<int>(index)]).fileName());
        QCOMPARE(qvariant_cast<QImage>(open.at(0).at(0)).size(), QImage(files[static_cast<int>(index)]).size());

        // One image: nothing to compare, said inline.
        panel.setDroppedImages({files[0]});
        panel.start();
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 60000);
        QCOMPARE(panel.errorText(), QString("data: 'the image dropped so far' holds one image; the analysis compares "
                                            "images, so it needs at least 2"));
        QCOMPARE(panel.result(), r);
        // A dropped file that has since gone: one line naming it, the result stays.
        panel.setDroppedImages({dir + "no-such-image.png"});
        panel.start();
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 60000);
        QVERIFY2(panel.errorText().startsWith(dir + "no-such-image.png: "), qPrintable(panel.errorText()));
        QCOMPARE(panel.result(), r);
    }

    void runWithoutAModelIsRefusedInline()
    {
        ModelService service;
        GroupsPanel panel(&service);
        panel.start();
        QCOMPARE(panel.errorText(), QString("groups: no model is loaded yet"));
        QCOMPARE(panel.job().id, quint64(0));
    }

    void cliWritesNumbersAndFigures()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        QTemporaryDir dir;
        const Result r = run({"groups", "--data", "fashion-mnist", "--block", "layer3.0", "--limit", "100", "--top", "3",
                              "--keep-only", "--threads", "1", "--format", "json", "--out", dir.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject t = j["trained"].toObject();
        QCOMPARE(t["block"].toString(), QString("layer3.0"));
        QCOMPARE(t["cardinality"].toInt(), 8);
        QCOMPARE(t["count"].toInt(), 100);
        QCOMPARE(t["cka"].toArray().size(), 8);
        QCOMPARE(t["selectivity"].toArray().at(0).toArray().size(), 10);
        QCOMPARE(t["top_images"].toArray().at(0).toArray().size(), 3);
        const QJsonObject ablation = t["ablation"].toArray().at(5).toObject();
        QVERIFY(ablation.contains("zeroed_accuracy") && ablation.contains("kept_only_accuracy"));
        QVERIFY(j.contains("untrained"));
        for (const char *f : {"groups.json", "selectivity.csv", "cka.csv", "ablation.csv", "untrained_cka.csv",
                              "selectivity.png", "cka.png", "ablation.png", "top_images.png",
                              "untrained_top_images.png"})
            QVERIFY2(QFileInfo(dir.filePath(f)).size() > 50, f);
        QImage cka(dir.filePath("cka.png"));
        QCOMPARE(cka.width(), 2 * 620); // trained beside untrained
        // The CSV holds the JSON's numbers.
        QFile csv(dir.filePath("cka.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 9);
        QCOMPARE(lines[0], QString("group,g0,g1,g2,g3,g4,g5,g6,g7"));
        const double fromCsv = lines[2].split(',')[4].toDouble(); // cka[1][3]
        const double fromJson = t["cka"].toArray().at(1).toArray().at(3).toDouble();
        QVERIFY(std::fabs(fromCsv - fromJson) < 1e-8);
    }

    void cliLabelsAFolderWithoutClassesByPrediction()
    {
        QTemporaryDir dir;
        const Result r = run({"groups", "--data", QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images"), "--no-untrained",
                              "--top", "2", "--threads", "1", "--format", "json", "--out", dir.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("has no class folders: each image is labelled with the trained model's prediction"),
                 qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["labels"].toString(), QString("predicted by the trained model"));
        const QJsonObject t = j["trained"].toObject();
        QCOMPARE(t["count"].toInt(), 44);
        QCOMPARE(t["accuracy"].toDouble(), 1.0);
    }

    void cliBadInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList d = {"--data", "fashion-mnist", "--out", QDir::tempPath() + "/resnext_groups_bad"};
        QTest::newRow("no data") << QStringList{"groups", "--out", "/tmp/x"}
                                 << "groups: --data fashion-mnist|DIR is required";
        QTest::newRow("no out") << QStringList{"groups", "--data", "fashion-mnist"}
                                << "groups: --out DIR is required (the figures and numbers go there)";
        QTest::newRow("block") << (QStringList{"groups", "--block", "layer9.0"} + d)
                               << "block: 'layer9.0' does not exist; this model has layer1.0 to layer3.1";
        QTest::newRow("block name") << (QStringList{"groups", "--block", "conv1"} + d)
                                    << "block: 'conv1' is not a block name like layer2.0";
        QTest::newRow("top") << (QStringList{"groups", "--top", "0"} + d) << "top: must be between 1 and 100 (got 0)";
        QTest::newRow("limit") << (QStringList{"groups", "--limit", "-1"} + d)
                               << "limit: must be 0 (all) or a number of images (got -1)";
        QTest::newRow("format") << (QStringList{"groups", "--format", "csv"} + d)
                                << "format: groups supports table or json (got 'csv')";
        QTest::newRow("data") << QStringList{"groups", "--data", "/nonexistent/dir", "--out", "/tmp/x"}
                              << "/nonexistent/dir: not found";
        // A folder of unlabelled images with just one: nothing to compare.
        const QString one = QDir::tempPath() + "/resnext_groups_one";
        QDir(one).removeRecursively();
        QDir().mkpath(one);
        QFile::copy(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/photo-coffee.png"), one + "/a.png");
        QTest::newRow("one image") << QStringList{"groups", "--data", one, "--out", QDir::tempPath() + "/resnext_groups_bad"}
                                   << "data: '" + one + "' holds one image; the analysis compares images, so it needs at least 2";
        QTest::newRow("stray") << (QStringList{"groups", "extra"} + d)
                               << "groups: unexpected argument 'extra' (each option takes one value; lists are "
                                  "comma-separated, e.g. --layers 3,4,6,3)";
    }

    void cliBadInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        expectRefused(args, "resnext-explorer groups: " + message);
    }
};

QTEST_MAIN(TestGuiGroups)
#include "test_gui_groups.moc"
