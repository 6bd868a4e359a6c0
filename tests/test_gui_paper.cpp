// The Paper tab: Table 1 and Table 2 equal the paper's for ResNet-50 and
// ResNeXt-50 (params and FLOPs to the paper's rounding, d and the group-conv
// widths exactly), Table 2's highlighted row follows Hold as C walks 1..32, and
// each table is laid out without overlapping text, inside the view and at a
// readable scale in 1280x720 and 1920x1080 windows. No model is run: fast.
#include "architecturepanel.h"
#include "complexitypanel.h"
#include "mainwindow.h"
#include "paperview.h"

#include "resnext/accounting.h"
#include "resnext/spec.h"
#include "test_util.h"

#include <QLabel>
#include <QScrollArea>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace resnext;

class TestGuiPaper : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void table1EqualsThePaper();
    void table2EqualsThePaper();
    void publishedRowsCited();
    void liveRowFollowsHold();
    void tablesFit_data();
    void tablesFit();
    void complexityNoteVisibleAt720p();

private:
    QTemporaryDir m_dir;
};

void TestGuiPaper::initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

void TestGuiPaper::table1EqualsThePaper()
{
    const paper::Table t = paper::table1();
    QCOMPARE(t.header.size(), 9);
    QCOMPARE(t.rows.size(), 8); // conv1..conv5, the head, # params, FLOPs
    // Output sizes and blocks per stage as the paper prints them.
    const QStringList outputs{"112×112", "56×56", "28×28", "14×14", "7×7", "1×1"};
    const QStringList blocks{"", "×3", "×4", "×6", "×3", ""};
    for (int i = 0; i < 6; ++i) {
        QCOMPARE(t.rows[i][1], outputs[i]);
        QCOMPARE(t.rows[i][2], blocks[i]);
    }
    QCOMPARE(t.rows[0][3], QString("7×7, 64, stride 2"));
    QCOMPARE(t.rows[1][3], QString("3×3 max pool, stride 2\n1×1, 64\n3×3, 64\n1×1, 256"));
    QCOMPARE(t.rows[1][6], QString("3×3 max pool, stride 2\n1×1, 128\n3×3, 128, C=32\n1×1, 256"));
    QCOMPARE(t.rows[3][6], QString("1×1, 512\n3×3, 512, C=32\n1×1, 1024"));
    QCOMPARE(t.rows[4][3], QString("1×1, 512\n3×3, 512\n1×1, 2048"));
    QCOMPARE(t.rows[5][3], QString("global average pool\n1000-d fc, softmax"));
    // Totals: the app's counts beside the paper's.
    QCOMPARE(t.rows[6][3], QString("paper: 25.5×10⁶"));
    QCOMPARE(t.rows[6][4], QString("25.56 M"));
    QCOMPARE(t.rows[6][6], QString("paper: 25.0×10⁶"));
    QCOMPARE(t.rows[6][7], QString("25.03 M"));
    QCOMPARE(t.rows[7][3], QString("paper: 4.1×10⁹"));
    QCOMPARE(t.rows[7][5], QString("4.09 G"));
    QCOMPARE(t.rows[7][6], QString("paper: 4.2×10⁹"));
    QCOMPARE(t.rows[7][8], QString("4.23 G"));
    // To the paper's rounding: it printed params cut to one decimal (25.5 for
    // 25.56) and multiply-adds rounded (4.1 for 4.09).
    ArchSpec r50 = preset("resnet50").spec, x50 = preset("resnext50_32x4d").spec;
    const Totals a = countTotals(r50), b = countTotals(x50);
    QCOMPARE(std::floor(a.params / 1e5) / 10, 25.5);
    QCOMPARE(std::floor(b.params / 1e5) / 10, 25.0);
    QCOMPARE(std::round(a.macs / 1e8) / 10, 4.1);
    QCOMPARE(std::round(b.macs / 1e8) / 10, 4.2);
    // The per-stage columns add up to the totals.
    std::int64_t sum = 0;
    for (const StageCost &s : summarize(x50).stages)
        sum += s.params;
    QCOMPARE(sum, b.params);
    // Visibly: the paper's FLOPs are multiply-adds.
    QVERIFY(t.notes.join(' ').contains("The paper's \"FLOPs\" are multiply-adds"));
}

void TestGuiPaper::table2EqualsThePaper()
{
    const auto rows = paper::table2Rows(preset("resnet50").spec, MatchBy::Params);
    QCOMPARE(rows.size(), size_t(5));
    const int c[] = {1, 2, 4, 8, 32}, d[] = {64, 40, 24, 14, 4}, width[] = {64, 80, 96, 112, 128};
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(rows[i].cardinality, c[i]);
        QCOMPARE(rows[i].width, d[i]);
        QCOMPARE(rows[i].groupedWidth, width[i]);
        // Every row is at about ResNet-50's complexity: 25.x M params, 4.1-4.3 G multiply-adds.
        QVERIFY(std::abs(rows[i].totals.params / 1e6 - 25.3) < 0.5);
        QVERIFY(std::abs(rows[i].totals.macs / 1e9 - 4.2) < 0.15);
    }
    const paper::Table t = paper::table2(preset("resnext50_32x4d").spec, MatchBy::Params);
    QCOMPARE(t.rows.size(), 5);
    QCOMPARE(t.rows[4], (QStringList{"32", "4", "128", "25.03 M", "4.23 G"}));
    QCOMPARE(t.highlight, 4);
    QVERIFY(t.header.join(' ').contains("MACs (paper's FLOPs)"));
    // Basic blocks have no Table 2: said, not computed.
    const paper::Table basic = paper::table2(preset("resnet18").spec, MatchBy::Params);
    QVERIFY(basic.rows.isEmpty());
    QVERIFY(basic.notes.join(' ').contains("basic blocks"));
}

void TestGuiPaper::publishedRowsCited()
{
    const paper::Table t3 = paper::table3(nullptr);
    QCOMPARE(t3.rows.size(), 10);
    QCOMPARE(t3.rows[0].mid(0, 4), (QStringList{"3", "ResNet-50", "1 × 64d", "23.9"}));
    QCOMPARE(t3.rows[4].mid(0, 4), (QStringList{"3", "ResNeXt-50", "32 × 4d", "22.2"}));
    QCOMPARE(t3.rows[9].mid(0, 4), (QStringList{"3", "ResNeXt-101", "32 × 4d", "21.2"}));
    QCOMPARE(t3.rows[4][4], QString("25.03 M")); // the app's count of the same row
    QCOMPARE(t3.rows[4][6], QString("—"));       // no sweep has run
    const paper::Table t45 = paper::table45(nullptr);
    QCOMPARE(t45.rows[5].mid(0, 5), (QStringList{"4", "ResNeXt-101", "64 × 4d", "20.4", "5.3"}));
    QCOMPARE(t45.rows.last().mid(0, 5), (QStringList{"5", "ResNeXt-101 (64 × 4d)", "320×320", "19.1", "4.4"}));
    // A sweep's result fills the miniature column of the rows with its C's.
    ExperimentResult r;
    r.name = "cardinality at equal params, depth 2";
    for (int c : {1, 2, 4}) {
        ExperimentPoint p;
        p.spec.cardinality = c;
        r.points.push_back(p);
        PointStats s;
        s.n = 3;
        s.mean = 0.9 - 0.01 * c;
        s.stddev = 0.002;
        r.accuracy.push_back(s);
    }
    const paper::Table filled = paper::table3(&r);
    QCOMPARE(filled.rows[2][6], QString("14.0 ± 0.2 (n = 3)"));
    QCOMPARE(filled.rows[4][6], QString("—"));
}

void TestGuiPaper::liveRowFollowsHold()
{
    MainWindow w(m_dir.filePath("hold.ini"));
    w.architecturePanel()->setMatchBy(MatchBy::Params);
    w.setHoldComplexity(true);
    const int c[] = {1, 2, 4, 8, 32};
    for (int i = 0; i < 5; ++i) {
        ArchSpec s = w.spec();
        s.cardinality = c[i];
        QVERIFY(w.applySpec(s));
        QCOMPARE(w.paperView()->tableView(1)->table().highlight, i);
    }
    ArchSpec s = w.spec();
    s.cardinality = 16; // not a row of Table 2
    QVERIFY(w.applySpec(s));
    QCOMPARE(w.paperView()->tableView(1)->table().highlight, -1);
}

void TestGuiPaper::tablesFit_data()
{
    testutil::addScreenSizes("window");
}

void TestGuiPaper::tablesFit()
{
    QFETCH(QSize, window);
    MainWindow w(m_dir.filePath(QString("fit-%1.ini").arg(window.width())));
    w.resize(window);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.showPanel("paper"));
    for (int i = 0; i < 4; ++i) {
        w.paperView()->showTable(i);
        QApplication::processEvents();
        PaperTableView *v = w.paperView()->tableView(i);
        QVERIFY(v->isVisible());
        double scale = 0;
        const auto rects = v->textRects(v->size(), &scale);
        // Readable: the table's text is drawn at 6.5 points or more.
        QVERIFY2(v->font().pointSizeF() * scale >= 6.5, qPrintable(QString("table %1: scale %2 in %3x%4")
                                               .arg(i + 1)
                                               .arg(scale)
                                               .arg(v->width())
                                               .arg(v->height())));
        const QRectF area(QPointF(0, 0), QSizeF(v->size()));
        for (size_t a = 0; a < rects.size(); ++a) {
            QVERIFY2(area.contains(rects[a]), qPrintable(QString("table %1: text %2 outside").arg(i + 1).arg(a)));
            for (size_t b = a + 1; b < rects.size(); ++b)
                QVERIFY2(!rects[a].intersects(rects[b]),
                         qPrintable(QString("table %1: texts %2 and %3 overlap").arg(i + 1).arg(a).arg(b)));
        }
        if (qEnvironmentVariableIsSet("PAPER_SHOTS"))
            v->grab().save(QString("%1/paper-%2-%3.png").arg(qEnvironmentVariable("PAPER_SHOTS")).arg(i + 1).arg(window.width()));
    }
}

// The complexity dock says, without scrolling at 1280x720, that the paper's
// "FLOPs" are multiply-adds (its MACs row is named so).
void TestGuiPaper::complexityNoteVisibleAt720p()
{
    MainWindow w(m_dir.filePath("note.ini"));
    w.resize(1280, 720);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QApplication::processEvents();
    auto *note = w.complexityPanel()->findChild<QLabel *>("why_macs");
    QVERIFY(note);
    QVERIFY2(note->text().contains("MACs = paper's \"FLOPs\""), qPrintable(note->text()));
    auto *area = qobject_cast<QScrollArea *>(w.panel("complexity")->findChild<QScrollArea *>());
    QVERIFY(area);
    QWidget *viewport = area->viewport();
    const QRect inViewport(note->mapTo(viewport, QPoint(0, 0)), note->size());
    QVERIFY2(viewport->rect().contains(inViewport),
             qPrintable(QString("note at %1,%2 %3x%4; viewport %5x%6")
                            .arg(inViewport.x())
                            .arg(inViewport.y())
                            .arg(inViewport.width())
                            .arg(inViewport.height())
                            .arg(viewport->width())
                            .arg(viewport->height())));
    QVERIFY(note->sizeHint().width() <= note->width() + 1); // not cut either
}

QTEST_MAIN(TestGuiPaper)
#include "test_gui_paper.moc"
