// The main window, offscreen: sliders, the hold-complexity walk through the
// paper's Table 2, exact labels, inline errors, settings, compare and export.
#include "architecturepanel.h"
#include "blockdiagram.h"
#include "chartspanel.h"
#include "complexitypanel.h"
#include "layertable.h"
#include "mainwindow.h"
#include "plot.h"

#include "resnext/report.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include "resnext/serialize.h"
#include "resnext/datasource.h"
#include "classifypanel.h"

#include <QMimeData>

#include <QtTest/QtTest>

using namespace resnext;

class TestGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void holdWalksTable2();
    void labelsShowExactCoreNumbers();
    void widthSliderUpdatesEverything();
    void invalidLayersExplainedInline();
    void basicBlocksDisableCardinality();
    void presetPickerShowsPresetAsIs();
    void seControlFlowsThroughTheSpec();
    void settingsPersistAcrossRestart();
    void corruptSettingsFallBack_data();
    void corruptSettingsFallBack();
    void pinCompares();
    void tableSortsAndExports();
    void chartsExport();
    void exportsRefuseSymlinks(); // issue 9 item 3, issue 28 item 2
    void diagramElidesWideCardinality();
    void holdByMacsSurvivesRestart();
    void typedValuesAreNotCut();
    void widthStepsOnlyThroughValidValues();
    void presetNameKeptAcrossBlockForms();
    void perStageWidthHasItsOwnName();
    void pastedPathsOpenFiles();
    void fileDialogsStartInSamplesThenRemember();

private:
    QString settingsPath() const { return m_dir->filePath("settings.ini"); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestGui::init() { m_dir = std::make_unique<QTemporaryDir>(); }

void TestGui::holdWalksTable2()
{
    MainWindow w(settingsPath());
    w.show();
    QVERIFY(w.applySpec(preset("resnet50").spec));
    ArchitecturePanel *a = w.architecturePanel();
    QCheckBox *hold = a->holdCheck();
    QTest::mouseClick(hold, Qt::LeftButton, {}, QPoint(8, hold->height() / 2));
    QVERIFY(hold->isChecked());
    QVERIFY(!a->widthSlider()->isEnabled()); // d follows the solver
    QCOMPARE(w.spec().width, 64);
    const int table2[][2] = {{1, 64}, {2, 40}, {4, 24}, {8, 14}, {32, 4}};
    for (const auto &p : table2) {
        a->cardinalitySlider()->setValue(p[0]);
        QCOMPARE(w.spec().cardinality, p[0]);
        QCOMPARE(w.spec().width, p[1]);
        QCOMPARE(a->widthSpin()->value(), p[1]);
    }
    // Keyboard on the slider: one step right from C = 32 is 33 with its own matched d.
    a->cardinalitySlider()->setFocus();
    QTest::keyClick(a->cardinalitySlider(), Qt::Key_Right);
    QCOMPARE(w.spec().cardinality, 33);
    QCOMPARE(w.spec().width, matchWidth(preset("resnet50").spec, 33).width);
}

void TestGui::labelsShowExactCoreNumbers()
{
    MainWindow w(settingsPath());
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    ComplexityPanel *c = w.complexityPanel();
    QVERIFY(c->valueLabel("params", "current")->text().contains("25,028,904"));
    QVERIFY(c->valueLabel("macs", "current")->text().contains("4,230,479,872"));
    QVERIFY(c->valueLabel("flops", "current")->text().contains("8,460,959,744"));
    QVERIFY(c->valueLabel("params", "baseline")->text().contains("25,557,032"));
    QVERIFY(c->valueLabel("macs", "baseline")->text().contains("4,089,184,256"));
    QVERIFY(c->valueLabel("params", "diff")->text().contains("-2.07%"));
    QVERIFY(c->valueLabel("macs", "diff")->text().contains("+3.46%"));
    QVERIFY(w.layerTable()->findChild<QLabel *>("layerTotals")->text().contains("25,028,904"));
}

void TestGui::widthSliderUpdatesEverything()
{
    MainWindow w(settingsPath());
    w.resize(2400, 1000); // wide enough for 8 legible paths per form
    w.show();
    QVERIFY(w.applySpec(preset("resnet50").spec));
    w.architecturePanel()->cardinalitySpin()->setValue(32);
    w.architecturePanel()->widthSlider()->setValue(4);
    QVERIFY(w.spec() == preset("resnext50_32x4d").spec);
    QVERIFY(w.complexityPanel()->valueLabel("params", "current")->text().contains("25,028,904"));
    QCOMPARE(w.layerTable()->model()->rowCount(), int(summarize(w.spec()).layers.size()));
    QCOMPARE(w.blockDiagram()->drawnPaths(), 4);
    // The current-point marker of the C curve sits at C = 32.
    QCPGraph *marker = w.chartsPanel()->curvePlot()->graph(4);
    QCOMPARE(marker->dataCount(), 1);
    QCOMPARE(marker->data()->at(0)->key, 32.0);
    QVERIFY(w.windowTitle().startsWith("resnext50_32x4d"));
}

void TestGui::invalidLayersExplainedInline()
{
    MainWindow w(settingsPath());
    w.show();
    const ArchSpec before = w.spec();
    QLineEdit *edit = w.architecturePanel()->layersEdit();
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, "1,1,1,1,1,1,1");
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(w.architecturePanel()->errorText(), QString("layers: 7 stages given; must be between 1 and 6"));
    QVERIFY(w.spec() == before);
    edit->selectAll();
    QTest::keyClicks(edit, "2,x");
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(w.architecturePanel()->errorText(), QString("layers: 'x' is not a whole number"));
    QVERIFY(w.spec() == before);
    // A valid edit clears the message.
    edit->selectAll();
    QTest::keyClicks(edit, "2,2,2,2");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(w.architecturePanel()->errorText().isEmpty());
    QCOMPARE(w.spec().layers, (std::vector<int>{2, 2, 2, 2}));
    // Input spin box range keeps impossible values out; core explains the rest.
    QCOMPARE(w.findChild<QSpinBox *>("inputSpin")->minimum(), 1);
}

void TestGui::basicBlocksDisableCardinality()
{
    MainWindow w(settingsPath());
    w.show();
    QComboBox *block = w.architecturePanel()->blockCombo();
    block->setCurrentIndex(1);
    Q_EMIT block->activated(1);
    QVERIFY(w.spec().block == BlockKind::Basic);
    QCOMPARE(w.spec().cardinality, 1);
    QVERIFY(!w.architecturePanel()->cardinalitySlider()->isEnabled());
    QVERIFY(w.architecturePanel()->errorText().isEmpty());
    // A spec that core refuses leaves the window on the previous one.
    ArchSpec bad = w.spec();
    bad.cardinality = 8;
    QVERIFY(!w.applySpec(bad));
    QVERIFY(w.architecturePanel()->errorText().startsWith("cardinality: basic (two-layer) blocks support only C = 1"));
    QCOMPARE(w.spec().cardinality, 1);
}

void TestGui::presetPickerShowsPresetAsIs()
{
    MainWindow w(settingsPath());
    w.setHoldComplexity(true);
    QComboBox *combo = w.architecturePanel()->presetCombo();
    const int i = combo->findText("resnext101_32x8d");
    QVERIFY(i > 0);
    combo->setCurrentIndex(i);
    Q_EMIT combo->activated(i);
    QVERIFY(w.spec() == preset("resnext101_32x8d").spec);
    QVERIFY(!w.architecturePanel()->holdComplexity());
}

// Squeeze-and-excitation is one field of the spec: the check box and the ratio
// edit it, and the counts, the layer table and the diagram follow; the preset
// seresnext50_32x4d is picked like any other.
void TestGui::seControlFlowsThroughTheSpec()
{
    MainWindow w(settingsPath());
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    ArchitecturePanel *a = w.architecturePanel();
    QVERIFY(!a->seCheck()->isChecked());
    QVERIFY(!a->seRatioSpin()->isEnabled());
    QCOMPARE(a->seRatioSpin()->value(), 16); // timm's default
    a->seCheck()->click();
    QVERIFY(w.spec() == preset("seresnext50_32x4d").spec);
    QVERIFY(a->seRatioSpin()->isEnabled());
    QCOMPARE(a->presetCombo()->currentText(), QString("seresnext50_32x4d"));
    QVERIFY(w.complexityPanel()->valueLabel("params", "current")->text().contains("27,559,896"));
    QVERIFY(w.layerTable()->findChild<QLabel *>("layerTotals")->text().contains("27,559,896"));
    QCOMPARE(w.layerTable()->model()->rowCount(), int(summarize(w.spec()).layers.size()));
    a->seRatioSpin()->setValue(8);
    QCOMPARE(w.spec().seReduction, 8);
    a->seCheck()->click();
    QVERIFY(w.spec() == preset("resnext50_32x4d").spec);
    QCOMPARE(a->seRatioSpin()->value(), 8); // kept for the next time it is switched on
    QComboBox *combo = a->presetCombo();
    const int i = combo->findText("seresnext50_32x4d");
    QVERIFY(i > 0);
    combo->setCurrentIndex(i);
    Q_EMIT combo->activated(i);
    QVERIFY(w.spec() == preset("seresnext50_32x4d").spec);
    QVERIFY(a->seCheck()->isChecked());
    QCOMPARE(a->seRatioSpin()->value(), 16);
}

void TestGui::settingsPersistAcrossRestart()
{
    ArchSpec spec = preset("resnext29_8x64d").spec;
    spec.form = BlockForm::B;
    // Every field away from its default survives (the stem width once did not).
    ArchSpec current = preset("resnext50_32x4d").spec;
    current.stemChannels = 48;
    current.inChannels = 1;
    current.numClasses = 37;
    current.inputSize = 160;
    current.planes = {32, 64, 128, 256};
    current.expansion = 2;
    current.cardinality = 8;
    current.width = 16;
    current.form = BlockForm::A;
    {
        MainWindow w(settingsPath());
        QVERIFY(w.applySpec(spec));
        w.pinCurrent();
        QVERIFY(w.applySpec(current));
        QVERIFY(w.spec() == current);
        w.setHoldComplexity(true);
        w.showPanel("layers");
        w.close(); // closeEvent saves
    }
    MainWindow again(settingsPath());
    QVERIFY(again.settingsMessage().isEmpty());
    QVERIFY2(again.spec() == current, specToJson(again.spec()).c_str());
    QCOMPARE(again.spec().stemChannels, 48);
    QVERIFY(again.pinned() && *again.pinned() == spec);
    QVERIFY(again.architecturePanel()->holdComplexity());
    QCOMPARE(again.findChild<QTabWidget *>("tabs")->currentIndex(), 2);
}

void TestGui::corruptSettingsFallBack_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad value")
        << QByteArray("[General]\nversion=2\nspec=\"{\\\"stem\\\": \\\"imagenet\\\", \\\"block\\\": \\\"bottleneck\\\", "
                      "\\\"cardinality\\\": \\\"banana\\\"}\"\n")
        << "spec: 'cardinality' must be a whole number; using defaults.";
    QTest::newRow("invalid spec")
        << QByteArray("[General]\nversion=2\nspec=\"{\\\"stem\\\": \\\"imagenet\\\", \\\"block\\\": \\\"bottleneck\\\", "
                      "\\\"layers\\\": [1,1,1,1,1,1,1,1]}\"\n")
        << "layers: 8 stages given; must be between 1 and 6; using defaults.";
    QTest::newRow("not JSON") << QByteArray("[General]\nversion=2\nspec=cardinality\n")
                              << "spec: not valid JSON (syntax error while parsing value - invalid literal; last read: "
                                 "'c' at byte 0); using defaults.";
    QTest::newRow("old version") << QByteArray("[General]\nversion=0\n[spec]\ncardinality=4\n")
                                 << "is from another version (0; this program writes 2); using defaults.";
    QTest::newRow("garbage") << QByteArray("\x01\x02\xff\xfe garbage = [[[\n\x00\x00", 22)
                             << "is not a ResNeXt Explorer settings file (no version number); using defaults.";
    QTest::newRow("version not a number") << QByteArray("[General]\nversion=banana\n")
                                          << "is not a ResNeXt Explorer settings file (no version number); using defaults.";
}

void TestGui::corruptSettingsFallBack()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QFile f(settingsPath());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    MainWindow w(settingsPath());
    QVERIFY2(w.settingsMessage().endsWith(message), qPrintable(w.settingsMessage()));
    QVERIFY(w.settingsMessage().contains(settingsPath()));
    QVERIFY(w.spec() == preset("resnext50_32x4d").spec); // defaults
    QCOMPARE(w.architecturePanel()->errorText(), w.settingsMessage()); // shown inline, no dialog
}

void TestGui::pinCompares()
{
    MainWindow w(settingsPath());
    QVERIFY(w.applySpec(preset("wide_resnet50_2").spec));
    w.pinCurrent();
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    QVERIFY(w.complexityPanel()->valueLabel("params", "pinned")->text().contains("68,883,240"));
    QCOMPARE(w.chartsPanel()->paramsPlot()->plottableCount(), 3);
    w.clearPin();
    QVERIFY(w.complexityPanel()->valueLabel("params", "pinned")->text().isEmpty());
    QCOMPARE(w.chartsPanel()->paramsPlot()->plottableCount(), 2);
}

void TestGui::tableSortsAndExports()
{
    MainWindow w(settingsPath());
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    QTableView *view = w.layerTable()->view();
    view->sortByColumn(LayerModel::Params, Qt::DescendingOrder);
    const Summary s = summarize(w.spec());
    const auto biggest = std::max_element(s.layers.begin(), s.layers.end(),
                                          [](const LayerInfo &a, const LayerInfo &b) { return a.params < b.params; });
    QCOMPARE(view->model()->index(0, LayerModel::Name).data().toString(), QString::fromStdString(biggest->name));
    const QString csv = m_dir->filePath("layers.csv");
    QString error;
    QVERIFY(w.layerTable()->exportTo(csv, &error));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().toStdString(), formatSummary(s, Format::Csv));
    QVERIFY(w.layerTable()->exportTo(m_dir->filePath("layers.md"), &error));
    QVERIFY(!w.layerTable()->exportTo(m_dir->filePath("layers.xls"), &error));
    QVERIFY(error.endsWith("unknown table format '.xls'; use .csv or .md"));
    QVERIFY(w.layerTable()->selectionAsText().count('\n') == int(s.layers.size()) + 1);
}

void TestGui::chartsExport()
{
    MainWindow w(settingsPath());
    w.show();
    QString error;
    const QStringList png = w.chartsPanel()->exportAll(m_dir->filePath("charts.png"), &error);
    QCOMPARE(png.size(), 3);
    for (const QString &f : png)
        QVERIFY2(!QImage(f).isNull(), qPrintable(f));
    const QStringList pdf = w.chartsPanel()->exportAll(m_dir->filePath("charts.pdf"), &error);
    QCOMPARE(pdf.size(), 3);
    QFile f(pdf.first());
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(4) == "%PDF");
    QVERIFY(!ChartsPanel::exportChart(w.chartsPanel()->curvePlot(), m_dir->filePath("c.gif"), &error));
    QVERIFY(error.contains("unsupported figure format '.gif'"));
}

void TestGui::diagramElidesWideCardinality()
{
    MainWindow w(settingsPath());
    w.resize(2400, 1000);
    w.show();
    ArchSpec s = preset("resnet50").spec;
    for (int c : {1, 4, 8, 9, 32, 64}) {
        s.cardinality = c;
        s.width = 4;
        QVERIFY(w.applySpec(s));
        // Up to 4 paths always; wider C draws as many as fit (at most 8) and counts the rest.
        const int drawn = w.blockDiagram()->drawnPaths();
        QVERIFY2(c <= 4 ? drawn == c : drawn >= 4 && drawn <= std::min(c, 8), qPrintable(QString::number(drawn)));
        QImage img(w.blockDiagram()->size(), QImage::Format_ARGB32);
        w.blockDiagram()->render(&img); // paints without crashing for every C
    }
    // A narrow window draws fewer, still legible paths and counts the rest.
    w.resize(1000, 800);
    QApplication::processEvents();
    s.cardinality = 8;
    QVERIFY(w.applySpec(s));
    QVERIFY(w.blockDiagram()->drawnPaths() < 8);
    QVERIFY(w.blockDiagram()->drawnPaths() >= 2);
}

// A symlink planted at an export's path is refused, never written through (the
// exports go to a fresh temporary file renamed into place).
void TestGui::exportsRefuseSymlinks()
{
    MainWindow w(settingsPath());
    w.show();
    QTemporaryDir dir;
    const QString victim = dir.filePath("victim.txt");
    {
        QFile f(victim);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("precious");
    }
    QString error;
    for (const QString &name : {QString("layers.csv"), QString("chart.png"), QString("chart.pdf")}) {
        const QString path = dir.filePath(name);
        QVERIFY(QFile::link(victim, path));
        const bool ok = name.startsWith("layers") ? w.layerTable()->exportTo(path, &error)
                                                  : ChartsPanel::exportChart(w.chartsPanel()->curvePlot(), path, &error);
        // A symlink at the target is refused, never written through (issue 28).
        QVERIFY2(!ok, qPrintable(name));
        QVERIFY2(error.contains(path + ": is a symbolic link; not writing through it"), qPrintable(name + ": " + error));
        QVERIFY2(QFileInfo(path).isSymLink(), qPrintable(name));
        QFile f(victim);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("precious"));
    }
    const QStringList left = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    QCOMPARE(left.size(), 4); // victim and the three planted links, no temporary file
}

void TestGui::holdByMacsSurvivesRestart()
{
    // By MACs, C = 8 gives d = 13 (by parameters it would be 14).
    ArchSpec base = preset("resnet50").spec;
    QCOMPARE(matchWidth(base, 8, MatchBy::Macs).width, 13);
    QCOMPARE(matchWidth(base, 8, MatchBy::Params).width, 14);
    {
        MainWindow w(settingsPath());
        QVERIFY(w.applySpec(base));
        w.architecturePanel()->setMatchBy(MatchBy::Macs);
        w.setHoldComplexity(true);
        w.architecturePanel()->cardinalitySpin()->setValue(8);
        QCOMPARE(w.spec().width, 13);
        w.close();
    }
    MainWindow again(settingsPath());
    QVERIFY(again.architecturePanel()->holdComplexity());
    QVERIFY(again.architecturePanel()->matchBy() == MatchBy::Macs);
    QCOMPARE(again.spec().cardinality, 8);
    QCOMPARE(again.spec().width, 13);
    QCOMPARE(again.architecturePanel()->widthSpin()->value(), 13);
}

void TestGui::typedValuesAreNotCut()
{
    MainWindow w(settingsPath());
    w.show();
    QVERIFY(w.applySpec(preset("resnet50").spec));
    QSpinBox *c = w.architecturePanel()->cardinalitySpin();
    const auto type = [](QSpinBox *box, const QString &text) {
        box->setFocus();
        box->selectAll();
        QTest::keyClicks(box, text);
        QTest::keyClick(box, Qt::Key_Return);
    };
    // Core accepts C up to 1024: so does the box (it once capped at 64 and cut 128 to 12).
    type(c, "128");
    QCOMPARE(w.spec().cardinality, 128);
    QVERIFY(w.architecturePanel()->errorText().isEmpty());
    QCOMPARE(c->value(), 128);
    QCOMPARE(w.architecturePanel()->cardinalitySlider()->value(), 64); // the slider's end; the box says 128
    // Beyond core's limit: refused with core's message, the model stays.
    type(c, "2000");
    QCOMPARE(w.architecturePanel()->errorText(), QString("cardinality: must be between 1 and 1024 (got 2000)"));
    QCOMPARE(w.spec().cardinality, 128);
    QCOMPARE(c->value(), 128);
    // d: 999 is core's business too (it once became 99), and 2000 is refused, not cut to 20.
    QSpinBox *d = w.architecturePanel()->widthSpin();
    type(c, "1");
    type(d, "999");
    QCOMPARE(w.spec().width, 999);
    type(d, "2000");
    QCOMPARE(w.architecturePanel()->errorText(), QString("width: must be between 1 and 1024 (got 2000)"));
    QCOMPARE(w.spec().width, 999);
}

void TestGui::widthStepsOnlyThroughValidValues()
{
    MainWindow w(settingsPath());
    w.show();
    // The built-in family has 16 planes in stage 1: d must be a multiple of 4.
    QVERIFY(w.applySpec(fashionMnistSpec()));
    QCOMPARE(w.spec().width, 16);
    QSpinBox *d = w.architecturePanel()->widthSpin();
    d->stepUp();
    QCOMPARE(w.spec().width, 20);
    d->stepDown();
    d->stepDown();
    QCOMPARE(w.spec().width, 12);
    QVERIFY(w.architecturePanel()->errorText().isEmpty());
    // The slider lands on valid widths as well, moving on in the direction it was moved.
    w.architecturePanel()->widthSlider()->setValue(13);
    QCOMPARE(w.spec().width, 16);
    QCOMPARE(w.architecturePanel()->widthSlider()->value(), 16);
    w.architecturePanel()->widthSlider()->setValue(15);
    QCOMPARE(w.spec().width, 12);
    QVERIFY(w.architecturePanel()->errorText().isEmpty());
    // A typed invalid width is explained, not silently changed.
    d->setValue(13);
    QVERIFY2(w.architecturePanel()->errorText().startsWith("width: stage 1 grouped width"),
             qPrintable(w.architecturePanel()->errorText()));
    QCOMPARE(w.spec().width, 12);
    QCOMPARE(d->value(), 12);
}

void TestGui::presetNameKeptAcrossBlockForms()
{
    MainWindow w(settingsPath());
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    QComboBox *combo = w.architecturePanel()->presetCombo();
    QCOMPARE(combo->currentText(), QString("resnext50_32x4d"));
    for (BlockForm f : {BlockForm::A, BlockForm::B, BlockForm::C}) {
        ArchSpec s = preset("resnext50_32x4d").spec;
        s.form = f;
        QVERIFY(w.applySpec(s));
        QCOMPARE(combo->currentText(), QString("resnext50_32x4d")); // same counts and weights
    }
    ArchSpec other = preset("resnext50_32x4d").spec;
    other.width = 8;
    QVERIFY(w.applySpec(other));
    QCOMPARE(combo->currentText(), QString("(custom)"));
}

void TestGui::perStageWidthHasItsOwnName()
{
    MainWindow w(settingsPath());
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    const QString info = w.findChild<QLabel *>("groupInfo")->text();
    // The slider is the paper's d (= 4); per-stage channels per group are w.
    QVERIFY2(info.contains("w = 4, 8, 16, 32"), qPrintable(info));
    QVERIFY2(!info.contains("d = 8") && !info.contains("d = 16"), qPrintable(info));
    QCOMPARE(w.architecturePanel()->widthSpin()->value(), 4);
}

void TestGui::pastedPathsOpenFiles()
{
    const QString sample = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00004-shirt.png");
    QMimeData asText;
    asText.setText(sample + "\n");
    QCOMPARE(MainWindow::localPaths(&asText), QStringList{sample});
    QMimeData asUrlText;
    asUrlText.setText(QUrl::fromLocalFile(sample).toString());
    QCOMPARE(MainWindow::localPaths(&asUrlText), QStringList{sample});
    QMimeData asUrls;
    asUrls.setUrls({QUrl::fromLocalFile(sample)});
    QCOMPARE(MainWindow::localPaths(&asUrls), QStringList{sample});
    // Text that names no file is explained inline.
    MainWindow w(settingsPath());
    QMimeData prose;
    prose.setText("hello world");
    QVERIFY(MainWindow::localPaths(&prose).isEmpty());
    w.pasteFrom(&prose);
    QCOMPARE(w.classifyPanel()->errorText(),
             QString("The clipboard holds text that is not the path of an existing file: \"hello world\"."));
}

void TestGui::fileDialogsStartInSamplesThenRemember()
{
    {
        MainWindow w(settingsPath());
        QCOMPARE(QDir(w.startDir()).canonicalPath(), QDir(RESNEXT_SOURCE_DIR "/sample_images").canonicalPath());
        w.openPaths({m_dir->filePath("missing.png")}); // any opened file's folder is remembered
        QCOMPARE(w.startDir(), QDir(m_dir->path()).absolutePath());
        w.close();
    }
    MainWindow again(settingsPath());
    QCOMPARE(again.startDir(), QDir(m_dir->path()).absolutePath());
}

QTEST_MAIN(TestGui)
#include "test_gui.moc"
