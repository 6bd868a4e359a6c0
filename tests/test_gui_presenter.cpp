// Presenter mode: View > Present (F11) toggles full screen with the docks
// folded into a bar and back; the zoom (remembered) scales the font of every
// panel and of every plot; Space / the right arrow drive the video; Page Down /
// Page Up walk the saved views, which persist in the settings.
#include "architecturepanel.h"
#include "classifypanel.h"
#include "mainwindow.h"
#include "modelservice.h"
#include "plot.h"
#include "presenter.h"
#include "videoplayer.h"

#include "resnext/spec.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest/QtTest>

using namespace resnext;

class TestGuiPresenter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fullScreenToggles();
    void zoomAppliesToEveryPanel();
    void keysDriveTheSequence();
    void keysDriveTheVideo();

private:
    QTemporaryDir m_dir;
};

void TestGuiPresenter::fullScreenToggles()
{
    MainWindow w(m_dir.filePath("full.ini"));
    w.resize(1280, 720);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *arch = qobject_cast<QDockWidget *>(w.panel("architecture"));
    QVERIFY(arch->isVisible());
    QAction *present = w.presenter()->presentAction();
    QCOMPARE(present->shortcut(), QKeySequence(Qt::Key_F11));
    present->trigger();
    QVERIFY(w.presenter()->isPresenting());
    QTRY_VERIFY(w.windowState() & Qt::WindowFullScreen);
    QVERIFY(!arch->isVisible());                 // folded ...
    QVERIFY(w.presenter()->bar()->isVisible());  // ... into the slim bar
    QVERIFY(w.presenter()->bar()->actions().contains(arch->toggleViewAction()));
    w.presenter()->setZoom(1.3);
    QTest::qWait(50);
    if (qEnvironmentVariableIsSet("PRESENT_SHOTS"))
        w.grab().save(qEnvironmentVariable("PRESENT_SHOTS") + "/present.png");
    w.presenter()->setZoom(1.0);
    // Esc (or F11 again) ends it: the window and its docks as they were.
    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(!w.presenter()->isPresenting());
    QVERIFY(!present->isChecked());
    QTRY_VERIFY(!(w.windowState() & Qt::WindowFullScreen));
    QVERIFY(arch->isVisible());
    QVERIFY(!w.presenter()->bar()->isVisible());
}

void TestGuiPresenter::zoomAppliesToEveryPanel()
{
    const QString ini = m_dir.filePath("zoom.ini");
    std::map<QString, double> before;
    std::map<QCPAxis *, double> ticks;
    {
        MainWindow w(ini);
        w.show();
        for (const QString &name : MainWindow::panelNames())
            before[name] = w.panel(name)->font().pointSizeF();
        const auto plots = w.findChildren<QCustomPlot *>();
        QVERIFY(plots.size() >= 8);
        for (QCustomPlot *p : plots)
            ticks[p->xAxis] = p->xAxis->tickLabelFont().pointSizeF();
        w.presenter()->setZoom(1.5);
        for (const QString &name : MainWindow::panelNames())
            QVERIFY2(qAbs(w.panel(name)->font().pointSizeF() - 1.5 * before[name]) < 0.01 * before[name],
                     qPrintable(name));
        for (QCustomPlot *p : plots)
            QVERIFY(qAbs(p->xAxis->tickLabelFont().pointSizeF() - 1.5 * ticks[p->xAxis]) < 0.01 * ticks[p->xAxis]);
        // Zoom out, then back to the normal size (Ctrl+0).
        w.presenter()->zoomOut();
        QVERIFY(w.presenter()->zoom() < 1.5);
        w.presenter()->setZoom(1.0);
        QCOMPARE(w.panel("charts")->font().pointSizeF(), before["charts"]);
        w.presenter()->setZoom(1.3);
    }
    // Remembered: the next window opens at the same zoom.
    MainWindow again(ini);
    QCOMPARE(again.presenter()->zoom(), 1.3);
    QVERIFY(qAbs(again.panel("block")->font().pointSizeF() - 1.3 * before["block"]) < 0.01 * before["block"]);
}

void TestGuiPresenter::keysDriveTheSequence()
{
    const QString ini = m_dir.filePath("sequence.ini");
    {
        MainWindow w(ini);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ArchSpec s = preset("resnext50_32x4d").spec;
        s.cardinality = 4;
        s.width = 24;
        QVERIFY(w.applySpec(s));
        w.showPanel("charts");
        w.presenter()->addCurrentView();
        QVERIFY(w.applySpec(preset("resnet50").spec));
        w.showPanel("block");
        w.findChild<QComboBox *>("stageCombo")->setCurrentIndex(2);
        w.presenter()->addCurrentView();
        QCOMPARE(w.presenter()->sequence().size(), 2);
    }
    // Saved with the settings: a new window walks them with Page Down / Page Up.
    MainWindow w(ini);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.presenter()->sequence().size(), 2);
    w.presenter()->setPresenting(true);
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(w.presenter()->position(), 0);
    QCOMPARE(w.spec().cardinality, 4);
    QCOMPARE(w.spec().width, 24);
    QCOMPARE(w.currentPanel(), QString("charts"));
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(w.presenter()->position(), 1);
    QCOMPARE(w.spec().cardinality, 1);
    QCOMPARE(w.currentPanel(), QString("block"));
    QCOMPARE(w.currentStage(), 2);
    QTest::keyClick(&w, Qt::Key_PageDown); // stays on the last
    QCOMPARE(w.presenter()->position(), 1);
    QTest::keyClick(&w, Qt::Key_PageUp);
    QCOMPARE(w.presenter()->position(), 0);
    QCOMPARE(w.currentPanel(), QString("charts"));
    w.presenter()->clearSequence();
    QVERIFY(w.presenter()->sequence().isEmpty());
    w.presenter()->setPresenting(false);
    MainWindow cleared(ini);
    QVERIFY(cleared.presenter()->sequence().isEmpty());
}

void TestGuiPresenter::keysDriveTheVideo()
{
    MainWindow w(m_dir.filePath("video.ini"));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.startInference();
    QVERIFY(w.openVideo(QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/sample_clip.avi")));
    VideoPlayer *p = w.videoPlayer();
    QTRY_VERIFY_WITH_TIMEOUT(p->framesShown() >= 2, 60000);
    w.presenter()->setPresenting(true);
    QVERIFY(p->isPlaying());
    QTest::keyClick(&w, Qt::Key_Space);
    QVERIFY(!p->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
    // Paused, the bar keeps the rates measured while playing.
    const auto rates = [p] { return p->statsLabel()->text().section("latency", 0, 0); };
    const QString pausedRates = rates();
    QVERIFY2(pausedRates.contains("frames/s"), qPrintable(pausedRates));
    const qint64 shown = p->framesShown();
    QTest::keyClick(&w, Qt::Key_Right); // one frame on
    QTRY_VERIFY_WITH_TIMEOUT(p->framesShown() == shown + 1, 60000);
    QVERIFY(!p->isPlaying());
    QCOMPARE(rates(), pausedRates);
    // One frame back, twice: the file is sought on the capture thread.
    const qint64 at = p->shownFrameIndex();
    QVERIFY(at >= 1);
    QTest::keyClick(&w, Qt::Key_Left);
    QTRY_COMPARE_WITH_TIMEOUT(p->shownFrameIndex(), at - 1, 60000);
    QVERIFY(!p->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
    QTest::keyClick(&w, Qt::Key_Left);
    QTRY_COMPARE_WITH_TIMEOUT(p->shownFrameIndex(), at - 2, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
    QVERIFY(w.classifyPanel()->result()->imageName.contains(QString("frame %1 ").arg(at - 2)));
    QTest::keyClick(&w, Qt::Key_Space);
    QVERIFY(p->isPlaying());
    QTest::keyClick(&w, Qt::Key_Left); // playing: pauses and steps back
    QVERIFY(!p->isPlaying());
    w.presenter()->setPresenting(false);
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->busy(), 60000);
}

QTEST_MAIN(TestGuiPresenter)
#include "test_gui_presenter.moc"
