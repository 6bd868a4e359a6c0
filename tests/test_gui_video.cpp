// The video player in the real window, offscreen, through the real capture
// thread and model worker: the clip plays into every view, pause computes
// Grad-CAM, step reads one frame, block and model changes reach the next
// frame, and a missing, busy or vanishing camera (the last two injected) and
// unreadable or truncated files are explained inline while the previous state stays.
#include "classifypanel.h"
#include "language.h"
#include "mainwindow.h"
#include "modelservice.h"
#include "videoplayer.h"

#include "resnext/datasource.h"
#include "resnext/fileio.h"
#include "resnext/video.h"

#include "fake_camera.h"
#include "started_window.h"

#include <QRegularExpression>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>
#include <thread>

using namespace resnext;

namespace {

const QString kClip = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/sample_clip.avi");

QCheckBox *loopOf(VideoPlayer *p) { return p->loopCheck(); }

// Waits until the window shows `n` more frames.
bool waitFrames(VideoPlayer *p, qint64 n)
{
    const qint64 target = p->framesShown() + n;
    QElapsedTimer t;
    t.start();
    while (p->framesShown() < target && t.elapsed() < 30000)
        QTest::qWait(10);
    return p->framesShown() >= target;
}

void settle(MainWindow &w)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 30000) {
        QTest::qWait(200);
        if (!w.modelService()->busy())
            break;
    }
    QTest::qWait(100);
}

} // namespace

class TestGuiVideo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The video bar's rates and times in the window's language (decimal comma in Vietnamese).
    void statsFollowTheLanguage()
    {
        language::install("vi");
        StartedWindow window(m_dir.filePath("vi.ini"));
        auto &[w, p, c] = window;
        QVERIFY(w.openVideo(kClip));
        const bool played = waitFrames(p, 2);
        const QString stats = p->statsLabel()->text();
        p->close();
        language::install("en");
        QVERIFY(played);
        QVERIFY2(stats.contains(QRegularExpression("^chụp \\d+,\\d khung hình/giây")), qPrintable(stats));
        QVERIFY2(stats.contains(QRegularExpression("\\(\\d+,\\d\\d giây\\)")), qPrintable(stats));
    }

    void playsPausesAndSteps()
    {
        StartedWindow window(m_dir.filePath("a.ini"));
        auto &[w, p, c] = window;
        QVERIFY(p->isHidden());
        QSignalSpy shown(p, &VideoPlayer::frameShown);
        QVERIFY(w.openVideo(kClip));
        QVERIFY(p->isVisible());
        QVERIFY(p->isPlaying());
        QVERIFY(c->live());
        QVERIFY(waitFrames(p, 5));
        // The frame is an ordinary result: top-5, per-group maps of the panel's block.
        QVERIFY(c->result());
        QVERIFY(c->result()->imageName.startsWith("sample_clip.avi, frame "));
        QCOMPARE(QString::fromStdString(c->result()->analysis.features.block), c->block());
        QVERIFY(c->result()->analysis.top.size() == 5);
        QVERIFY(p->statsLabel()->text().contains("capture"));
        QVERIFY(p->statsLabel()->text().contains("latency"));
        QVERIFY(p->modelFps() > 0);

        p->pause();
        QVERIFY(!c->live());
        settle(w);
        // Paused: Grad-CAM of the frame on screen.
        QTRY_VERIFY_WITH_TIMEOUT(c->gradCam() != nullptr, 30000);
        const qint64 last = shown.last().at(0).toLongLong();
        const qint64 count = shown.count();
        QTest::qWait(300);
        QCOMPARE(shown.count(), count); // nothing more while paused
        p->step();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), count + 1, 30000);
        QCOMPARE(shown.last().at(0).toLongLong(), last + 1);
        QVERIFY(c->result()->imageName.contains(QString("frame %1 ").arg(last + 1)));
    }

    void blockAndModelChangesReachTheNextFrame()
    {
        StartedWindow window(m_dir.filePath("b.ini"));
        auto &[w, p, c] = window;
        QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->deviceInfo().torchVersion.empty(), 30000);
        const int threadsBefore = w.modelService()->deviceInfo().threads;
        QVERIFY(w.openVideo(kClip));
        QVERIFY(waitFrames(p, 3));
        // While a video is open LibTorch leaves a core to the window and the capture thread.
        QCOMPARE(w.modelService()->deviceInfo().threads, VideoPlayer::videoThreads());
        auto *blocks = c->findChild<QComboBox *>("blockCombo");
        blocks->setCurrentIndex(blocks->findText("layer3.0"));
        QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(c->result()->analysis.features.block), QString("layer3.0"),
                                  30000);
        QVERIFY(p->isPlaying());
        ArchSpec four = fashionMnistSpec();
        four.cardinality = 4;
        w.modelService()->createRandom(four, "cpu");
        QTRY_COMPARE_WITH_TIMEOUT(c->result()->analysis.features.cardinality, 4, 30000);
        QVERIFY(p->isPlaying()); // the model changed under the playing video
        p->close();
        QVERIFY(p->isHidden());
        QVERIFY(c->result()); // the last frame stays
        QTRY_COMPARE_WITH_TIMEOUT(w.modelService()->deviceInfo().threads, threadsBefore, 30000);
    }

    void noCameraAndCameraMenu()
    {
        struct stat st {};
        if (::stat("/dev/video0", &st) == 0)
            QSKIP("this machine has a camera");
        StartedWindow window(m_dir.filePath("c.ini"));
        auto &[w, p, c] = window;
        QVERIFY(w.openVideo(kClip));
        QVERIFY(waitFrames(w.videoPlayer(), 2));
        QVERIFY(!w.openCamera(0));
        QCOMPARE(w.classifyPanel()->errorText(),
                 QString("camera 0: no camera found (/dev/video0 does not exist; this machine has no /dev/video* device)"));
        // The clip plays on.
        QVERIFY(w.videoPlayer()->isPlaying());
        QCOMPARE(w.videoPlayer()->sourceName(), kClip);
        auto *menu = w.menuBar()->findChild<QMenu *>("cameraMenu");
        QVERIFY(menu);
        Q_EMIT menu->aboutToShow();
        QCOMPARE(menu->actions().size(), 1);
        QCOMPARE(menu->actions().front()->text(), QString("No camera found"));
        QVERIFY(!menu->actions().front()->isEnabled());
    }

    void busyCameraKeepsThePreviousState()
    {
        StartedWindow window(m_dir.filePath("d.ini"));
        auto &[w, p, c] = window;
        QVERIFY(w.openVideo(kClip));
        QVERIFY(waitFrames(p, 2));
        p->setOpener([](const VideoInput &in) -> std::unique_ptr<VideoSource> {
            if (!in.file.empty())
                return openVideoFile(in.file);
            throw Error("camera 2 (/dev/video2): cannot open it (busy in another program, no permission, or not a "
                        "capture device)");
        });
        QVERIFY(!w.openCamera(2));
        QCOMPARE(w.classifyPanel()->errorText(), QString("camera 2 (/dev/video2): cannot open it (busy in another "
                                                         "program, no permission, or not a capture device)"));
        QVERIFY(p->isPlaying());
        QCOMPARE(p->sourceName(), kClip);
        QVERIFY(waitFrames(p, 2));
    }

    // A camera cannot go back: a step back (the presenter's left arrow) only pauses.
    void cameraStepBackOnlyPauses()
    {
        StartedWindow window(m_dir.filePath("back.ini"));
        auto &[w, p, c] = window;
        p->setOpener([](const VideoInput &) { return std::make_unique<VanishingCamera>(1000, std::chrono::milliseconds(20)); });
        QVERIFY(w.openCamera(7));
        QVERIFY(waitFrames(p, 2));
        p->stepBack();
        QVERIFY(!p->isPlaying());
        settle(w);
        const qint64 shown = p->shownFrameIndex();
        QTest::qWait(100);
        QCOMPARE(p->shownFrameIndex(), shown);
        QVERIFY(p->isOpen());
    }

    void vanishingCameraStopsWithItsLastFrame()
    {
        StartedWindow window(m_dir.filePath("e.ini"));
        auto &[w, p, c] = window;
        p->setOpener([](const VideoInput &) { return std::make_unique<VanishingCamera>(6, std::chrono::milliseconds(33)); });
        QSignalSpy failed(p, &VideoPlayer::streamFailed);
        QVERIFY(w.openCamera(7));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        const QString msg("camera 7 (/dev/video7): stopped delivering frames (disconnected, or taken by another program)");
        QCOMPARE(failed.front().at(0).toString(), msg);
        QCOMPARE(c->errorText(), msg);
        QVERIFY(!p->isOpen());
        QVERIFY(!p->isPlaying());
        settle(w);
        QVERIFY(c->result()); // the last frame that arrived stays on screen
        QVERIFY(c->result()->imageName.startsWith("camera 7, frame "));
        QCOMPARE(c->errorText(), msg);
    }

    void badFilesAreExplained()
    {
        StartedWindow window(m_dir.filePath("f.ini"));
        auto &[w, p, c] = window;
        const QString text = m_dir.filePath("notes.avi");
        writeFileAtomically(text.toStdString(), "not a video\n");
        QVERIFY(!w.openVideo(text));
        QCOMPARE(c->errorText(), text + ": not a video file OpenCV can read");
        QVERIFY(!p->isOpen());

        // An MP4 header declaring 16000 x 16000 frames: refused inline from the header (issue 28).
        const QString huge = RESNEXT_SOURCE_DIR "/fuzz/corpus-video/huge-v1.mp4";
        QVERIFY(!w.openVideo(huge));
        QCOMPARE(c->errorText(),
                 huge + ": video frames are 16000x16000 = 256.0 megapixels; the limit is 33.2 megapixels (8K UHD)");
        QVERIFY(!p->isOpen());

        // A truncated copy plays up to the cut, then says where it ended (also when looping).
        const QString cut = m_dir.filePath("cut.avi");
        const std::string bytes = readRegularFile(kClip.toStdString(), 4u << 20);
        writeFileAtomically(cut.toStdString(), std::string_view(bytes).substr(0, bytes.size() / 3));
        QSignalSpy failed(p, &VideoPlayer::streamFailed);
        p->setRate(300);
        w.openPaths({cut}); // a dropped video file plays
        QVERIFY(p->isOpen());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY2(c->errorText().startsWith(cut + ": truncated or damaged: the stream ended after "),
                 qPrintable(c->errorText()));
        QVERIFY(c->errorText().endsWith(" of 168 frames"));
        settle(w);
        QVERIFY(c->result());
    }

    void commandLineOpensVideos()
    {
        QTemporaryDir dir;
        // --video takes any name; a positional file plays when its extension is a video's.
        const QString odd = dir.filePath("lecture.clip");
        QVERIFY(QFile::copy(kClip, odd));
        StartedWindow window(m_dir.filePath("h.ini"));
        auto &[w, p, c] = window;
        w.openArguments({"--video", odd});
        QVERIFY(w.videoPlayer()->isPlaying());
        QCOMPARE(w.videoPlayer()->sourceName(), odd);
        MainWindow w2(m_dir.filePath("i.ini"));
        w2.show();
        w2.startInference();
        w2.openArguments({kClip});
        QVERIFY(w2.videoPlayer()->isPlaying());
        QCOMPARE(w2.videoPlayer()->sourceName(), kClip);
        QVERIFY(waitFrames(w2.videoPlayer(), 2));
    }

    void endWithoutLoopPauses()
    {
        QTemporaryDir dir;
        const std::string tiny = dir.filePath("tiny.avi").toStdString();
        SlideshowOptions o;
        o.size = 32;
        o.fps = 10;
        o.secondsPerImage = 0.2;
        writeSlideshow({RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00000-ankle-boot.png"}, tiny, o);
        StartedWindow window(m_dir.filePath("g.ini"));
        auto &[w, p, c] = window;
        loopOf(p)->setChecked(false);
        QSignalSpy playing(p, &VideoPlayer::playingChanged);
        QVERIFY(w.openVideo(QString::fromStdString(tiny)));
        QTRY_VERIFY_WITH_TIMEOUT(!p->isPlaying(), 30000);
        QVERIFY(p->isOpen()); // paused at the end; Play starts it again
        settle(w);
        QVERIFY(p->statsLabel()->text().contains("end of the video"));
        QVERIFY(w.classifyPanel()->errorText().isEmpty());
        // Play at the end starts from the first frame again.
        QSignalSpy shown(p, &VideoPlayer::frameShown);
        p->play();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 30000);
        QCOMPARE(shown.front().at(0).toLongLong(), qint64(0));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestGuiVideo)
#include "test_gui_video.moc"
