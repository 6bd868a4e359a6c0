// Every view draws itself at any size: each registered figure exports as a
// PNG of exactly the size asked, a valid SVG and a PDF, all mode 0644; the
// block diagram's items never overlap (forms a/b/c, C = 1..64, every stage,
// at the diagram's size in 1280x720 and 1920x1080 windows); feature-map tiles
// have one integer size; legends sit outside the axis rects and tick labels
// never collide. No model is run: fast.
#include "blockdiagram.h"
#include "chartspanel.h"
#include "classifypanel.h"
#include "figure.h"
#include "mainwindow.h"
#include "plot.h"

#include "resnext/featureview.h"
#include "resnext/spec.h"
#include "test_util.h"

#include <QApplication>
#include <QFileInfo>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace resnext;

class TestGuiFigures : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sizesParsed();
    void everyFigureExports();
    void diagramItemsNeverOverlap();
    void featureTilesUniform();
    void plotsKeepDataVisible_data();
    void plotsKeepDataVisible();

private:
    QTemporaryDir m_dir;
};

void TestGuiFigures::sizesParsed()
{
    QCOMPARE(parseFigureSize("1920x1080"), std::optional<QSize>(QSize(1920, 1080)));
    QCOMPARE(parseFigureSize("4k"), std::optional<QSize>(QSize(3840, 2160)));
    QVERIFY(!parseFigureSize("1920*1080"));
    QVERIFY(!parseFigureSize("10x10"));
    QString error;
    MainWindow w(m_dir.filePath("sizes.ini"));
    QVERIFY(!writeFigure(w.blockDiagram(), m_dir.filePath("x.gif"), QSize(100, 100), &error));
    QVERIFY2(error.contains("unsupported figure format '.gif'; use .png, .svg or .pdf"), qPrintable(error));
}

void TestGuiFigures::everyFigureExports()
{
    MainWindow w(m_dir.filePath("export.ini"));
    w.resize(1280, 720);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QStringList names = figureNames(&w);
    QVERIFY2(names.size() >= 15, qPrintable(names.join(", ")));
    for (const char *must : {"block-diagram", "cardinality", "stage-params", "cost", "train-loss", "experiment",
                             "feature-grid", "gradcam", "top5", "groups-cka-trained"})
        QVERIFY2(names.contains(must), must);
    for (const QString &name : names) {
        QWidget *view = findFigure(&w, name);
        QString error;
        for (const QString &suffix : {QString("png"), QString("svg"), QString("pdf")}) {
            const QString path = m_dir.filePath(name + "." + suffix);
            QVERIFY2(writeFigure(view, path, QSize(1920, 1080), &error), qPrintable(name + ": " + error));
            QCOMPARE(QFileInfo(path).permissions() & (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                                      QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
                     QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        }
        QCOMPARE(QImage(m_dir.filePath(name + ".png")).size(), QSize(1920, 1080));
        QSvgRenderer svg(m_dir.filePath(name + ".svg"));
        QVERIFY2(svg.isValid(), qPrintable(name));
        QCOMPARE(svg.viewBox().size(), QSize(1920, 1080));
        QFile pdf(m_dir.filePath(name + ".pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QCOMPARE(pdf.read(5), QByteArray("%PDF-"));
    }
    // The window's size does not change the figure's.
    w.resize(900, 600);
    QApplication::processEvents();
    QVERIFY(writeFigure(findFigure(&w, "cardinality"), m_dir.filePath("small.png"), QSize(3840, 2160), nullptr));
    QCOMPARE(QImage(m_dir.filePath("small.png")).size(), QSize(3840, 2160));
}

void TestGuiFigures::diagramItemsNeverOverlap()
{
    MainWindow w(m_dir.filePath("diagram.ini"));
    QList<QSize> sizes;
    for (QSize window : {QSize(1280, 720), QSize(1920, 1080)}) {
        w.resize(window);
        w.show();
        w.showPanel("block");
        QApplication::processEvents();
        sizes << w.blockDiagram()->size();
    }
    BlockDiagram *d = w.blockDiagram();
    ArchSpec s = preset("resnet50").spec;
    int checked = 0;
    for (const QSize &size : sizes)
        for (int form = 0; form < 4; ++form) // 3: basic blocks
            for (int c = 1; c <= 64; ++c)
                for (int se : {0, 16}) {
                    // With squeeze-and-excitation every fourth C (the SE unit does not depend on C).
                    if ((se && c % 4 != 1) || (form == 3 && c > 1))
                        continue;
                    s.form = form == 3 ? BlockForm::C : static_cast<BlockForm>(form);
                    s.block = form == 3 ? BlockKind::Basic : BlockKind::Bottleneck;
                    s.cardinality = form == 3 ? 1 : c;
                    s.width = form == 3 ? 64 : 4;
                    s.seReduction = se;
                    d->setSpec(s);
                    for (int stage = 0; stage < s.numStages(); ++stage) {
                        d->setStage(stage);
                        const std::vector<DiagramItem> items = d->diagramItems(size);
                        QVERIFY(items.size() > (form == 3 ? 6u : 10u));
                        for (size_t i = 0; i < items.size(); ++i) {
                            if (items[i].kind == DiagramItem::Frame)
                                continue;
                            QVERIFY2(QRectF(QPointF(), QSizeF(size)).adjusted(-0.5, -0.5, 0.5, 0.5).contains(items[i].rect),
                                     qPrintable(items[i].text));
                            for (size_t j = i + 1; j < items.size(); ++j) {
                                if (items[j].kind == DiagramItem::Frame)
                                    continue;
                                const QRectF both = items[i].rect.intersected(items[j].rect);
                                QVERIFY2(both.width() * both.height() < 0.5,
                                         qPrintable(QString("form %1 C=%2 stage %3 at %4x%5: '%6' overlaps '%7'")
                                                        .arg(form)
                                                        .arg(c)
                                                        .arg(stage)
                                                        .arg(size.width())
                                                        .arg(size.height())
                                                        .arg(items[i].text, items[j].text)));
                            }
                        }
                        ++checked;
                    }
                }
    QCOMPARE(checked, 2 * (3 * (64 + 16) + 2) * 4);
    // The SE unit is drawn from the plan's Excite layers: a box per pooling and
    // convolution and the channel scale as a circle.
    s = preset("seresnext50_32x4d").spec;
    d->setSpec(s);
    d->setStage(3);
    int scales = 0, squeezed = 0;
    for (const DiagramItem &i : d->diagramItems(sizes.last())) {
        scales += i.kind == DiagramItem::Circle && i.text == QString(QChar(0x00d7));
        squeezed += i.kind == DiagramItem::Box && i.text.contains(QString("2048 \u2192 %1").arg(s.seChannels(3)));
    }
    QCOMPARE(scales, 3);
    QCOMPARE(squeezed, 3);
}

void TestGuiFigures::featureTilesUniform()
{
    FeatureGridView view;
    const QSize area(300, 260); // about the grid's size at 1280x720
    for (int c = 1; c <= 64; ++c) {
        const int d = std::max(1, 128 / c);
        const GridGeometry g = gridGeometry(c, d, 28, 28, 16);
        QImage img(g.width, g.height, QImage::Format_RGB888);
        img.fill(Qt::red);
        view.setGrid(img, g, c);
        const QRect first = view.tileRect(0, area);
        QVERIFY(first.width() >= 1 && first.height() >= 1);
        QRect all;
        for (int t = 0; t < c; ++t) {
            const QRect r = view.tileRect(t, area);
            QCOMPARE(r.size(), first.size());
            QVERIFY2(QRect(QPoint(), area).contains(r), qPrintable(QString("C=%1 tile %2").arg(c).arg(t)));
            QVERIFY(!all.intersects(r) || t == 0);
            for (int u = 0; u < t; ++u)
                QVERIFY(!view.tileRect(u, area).intersects(r));
        }
    }
}

void TestGuiFigures::plotsKeepDataVisible_data()
{
    testutil::addScreenSizes("size");
}

void TestGuiFigures::plotsKeepDataVisible()
{
    QFETCH(QSize, size);
    MainWindow w(m_dir.filePath("plots.ini"));
    w.resize(size);
    w.show();
    QVERIFY(w.applySpec(preset("resnext50_32x4d").spec));
    w.showPanel("charts");
    QApplication::processEvents();
    for (QCustomPlot *plot : {w.chartsPanel()->paramsPlot(), w.chartsPanel()->macsPlot(), w.chartsPanel()->curvePlot()}) {
        plot->replot(QCustomPlot::rpImmediateRefresh);
        // The legend is outside every axis rect: it hides no data.
        for (int i = 0; i < plot->axisRectCount(); ++i)
            QVERIFY2(!plot->legend->outerRect().intersects(plot->axisRect(i)->rect()), qPrintable(plot->objectName()));
        // Tick labels, as drawn, never touch their neighbours.
        for (QCPAxis *axis : plot->axisRect()->axes()) {
            const QList<QRectF> rects = tickLabelRects(axis);
            for (int i = 1; i < rects.size(); ++i)
                QVERIFY2(!rects[i - 1].intersects(rects[i]),
                         qPrintable(QString("%1: labels %2 and %3 collide").arg(plot->objectName()).arg(i - 1).arg(i)));
        }
    }
}

QTEST_MAIN(TestGuiFigures)
#include "test_gui_figures.moc"
