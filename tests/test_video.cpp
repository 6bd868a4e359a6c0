// Core's live input without a display: the sample clip, the messages for bad
// files and for a missing, busy or vanishing camera (the last two through an
// injected source), the newest-frame mailbox, and the video use case on the
// built-in model.
#include "resnext/engine.h"
#include "resnext/fileio.h"
#include "resnext/video.h"

#include "fake_camera.h"
#include "test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>

using namespace resnext;
using testutil::errorMessage;

namespace {

const std::string kClip = RESNEXT_SOURCE_DIR "/sample_images/sample_clip.avi";

} // namespace

class TestVideo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sampleClipIsSmallAndReadable()
    {
        QVERIFY(std::filesystem::file_size(kClip) < 2u * 1024 * 1024);
        auto s = openVideoFile(kClip);
        QCOMPARE(s->fps(), 30.0);
        QCOMPARE(s->frameCount(), std::int64_t(168));
        QVERIFY(!s->isCamera());
        VideoFrame f;
        std::int64_t n = 0;
        while (s->read(f)) {
            QCOMPARE(f.index, n);
            QCOMPARE(f.image.width, 160);
            QCOMPARE(f.image.height, 160);
            ++n;
        }
        QCOMPARE(n, std::int64_t(168)); // the end of a whole file is no error
        QVERIFY(s->rewind());
        QVERIFY(s->read(f));
        QCOMPARE(f.index, std::int64_t(0));
    }

    // A step back: seek(k) makes the next read frame k, with frame k's pixels.
    void seekReadsTheFrameAsked()
    {
        auto s = openVideoFile(kClip);
        VideoFrame f;
        std::vector<std::uint8_t> tenth;
        for (int i = 0; i <= 40; ++i) {
            QVERIFY(s->read(f));
            if (i == 10)
                tenth = f.image.pixels;
        }
        QVERIFY(s->seek(10));
        QVERIFY(s->read(f));
        QCOMPARE(f.index, std::int64_t(10));
        QVERIFY(f.image.pixels == tenth);
        QVERIFY(s->read(f));
        QCOMPARE(f.index, std::int64_t(11));
        QVERIFY(s->seek(-3)); // before the start reads as the first frame
        QVERIFY(s->read(f));
        QCOMPARE(f.index, std::int64_t(0));
    }

    void badFilesAreNamed()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("none.avi").toStdString();
        QCOMPARE(errorMessage([&] { openVideoFile(missing); }),
                 missing + ": cannot open file (No such file or directory)");
        const std::string empty = dir.filePath("empty.avi").toStdString();
        std::ofstream(empty).close();
        QCOMPARE(errorMessage([&] { openVideoFile(empty); }), empty + ": empty file");
        const std::string text = dir.filePath("text.avi").toStdString();
        std::ofstream(text) << "not a video at all\n";
        QCOMPARE(errorMessage([&] { openVideoFile(text); }), text + ": not a video file OpenCV can read");
        QCOMPARE(errorMessage([&] { openVideoFile(dir.path().toStdString()); }),
                 dir.path().toStdString() + ": not a regular file (a folder)");
    }

    void truncatedFileIsReportedWhereItEnds()
    {
        QTemporaryDir dir;
        const std::string cut = dir.filePath("cut.avi").toStdString();
        const std::string bytes = readRegularFile(kClip, 4u << 20);
        writeFileAtomically(cut, std::string_view(bytes).substr(0, bytes.size() / 2));
        auto s = openVideoFile(cut);
        VideoFrame f;
        std::int64_t n = 0;
        const std::string err = errorMessage([&] {
            while (s->read(f))
                ++n;
        });
        QVERIFY(n > 10 && n < 168);
        QCOMPARE(err, cut + ": truncated or damaged: the stream ended after " + std::to_string(n) + " of 168 frames");
        // Cut inside the header: nothing decodes.
        writeFileAtomically(cut, std::string_view(bytes).substr(0, 3000));
        QCOMPARE(errorMessage([&] { openVideoFile(cut); }), cut + ": not a video file OpenCV can read");
    }

    // Issue 28, item 5: the frame size comes from the container header, before FFmpeg
    // opens the file (which decodes a first frame). The files are fuzz_video's seeds
    // (fuzz/make_video_corpus.py): a few hundred bytes declaring 16000 x 16000.
    void containersDeclaringHugeFramesAreRefusedBeforeOpening_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("MP4, tkhd v1 and avc1 entry") << "huge-v1.mp4";
        QTest::newRow("Matroska") << "huge.mkv";
        QTest::newRow("WebM, live (unknown-size segment)") << "huge-live.webm";
        QTest::newRow("AVI, small avih, huge strf") << "huge-strf.avi";
    }

    void containersDeclaringHugeFramesAreRefusedBeforeOpening()
    {
        QFETCH(QString, file);
        const std::string path = RESNEXT_SOURCE_DIR "/fuzz/corpus-video/" + file.toStdString();
        QCOMPARE(errorMessage([&] { openVideoFile(path); }),
                 path + ": video frames are 16000x16000 = 256.0 megapixels; the limit is 33.2 megapixels (8K UHD)");
    }

    // Real clips in each container still play: the prober reads their true size.
    void realMp4AndMkvClipsPlay_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("MP4 (moov after mdat)") << "real.mp4";
        QTest::newRow("Matroska") << "real.mkv";
    }

    void realMp4AndMkvClipsPlay()
    {
        QFETCH(QString, file);
        auto s = openVideoFile(RESNEXT_SOURCE_DIR "/fuzz/corpus-video/" + file.toStdString());
        VideoFrame f;
        int n = 0;
        while (s->read(f)) {
            QCOMPARE(f.image.width, 64);
            QCOMPARE(f.image.height, 48);
            ++n;
        }
        QCOMPARE(n, 5);
    }

    void noCameraIsSaidPlainly()
    {
        struct stat st {};
        if (::stat("/dev/video0", &st) == 0)
            QSKIP("this machine has a camera");
        QVERIFY(listCameras().empty());
        QCOMPARE(errorMessage([] { openCamera(0); }),
                 std::string("camera 0: no camera found (/dev/video0 does not exist; this machine has no /dev/video* "
                             "device)"));
        QCOMPARE(errorMessage([] { openCamera(-1); }), std::string("camera: index must be between 0 and 63 (got -1)"));
        VideoInput in;
        in.camera = 3;
        QCOMPARE(in.describe(), std::string("camera 3"));
    }

    void mailboxKeepsOnlyTheNewestFrame()
    {
        LatestFrame box;
        QVERIFY(!box.take());
        for (int i = 0; i < 5; ++i) {
            VideoFrame f;
            f.index = i;
            box.put(std::move(f));
        }
        const auto got = box.take();
        QVERIFY(got);
        QCOMPARE(got->index, std::int64_t(4));
        QCOMPARE(box.dropped(), std::int64_t(4));
        QVERIFY(!box.take());
        // A waiting reader is woken by a producer on another thread.
        std::thread producer([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            VideoFrame f;
            f.index = 9;
            box.put(std::move(f));
        });
        const auto waited = box.waitTake(std::chrono::seconds(10));
        producer.join();
        QVERIFY(waited);
        QCOMPARE(waited->index, std::int64_t(9));
        QCOMPARE(box.delivered(), std::int64_t(2));
        box.close();
        QVERIFY(!box.waitTake(std::chrono::seconds(10))); // closed: returns at once
    }

    void rateMeterCountsIntervals()
    {
        RateMeter m(10);
        QCOMPARE(m.perSecond(), 0.0);
        const auto t0 = VideoClock::now();
        for (int i = 0; i < 5; ++i)
            m.tick(t0 + std::chrono::milliseconds(40 * i));
        QCOMPARE(m.perSecond(), 25.0);
    }

    void runVideoClassifiesEveryNthFrame()
    {
        Engine &e = loadEngine();
        e.setThreads(1);
        auto model = e.loadBuiltin();
        auto s = openVideoFile(kClip);
        QTemporaryDir dir;
        VideoRunOptions o;
        o.every = 40;
        o.block = "layer2.0";
        o.outDir = dir.filePath("grids").toStdString();
        std::vector<VideoFrameResult> seen;
        const VideoRunSummary sum = runVideo(*model, *s, o, [&](const VideoFrameResult &r) {
            seen.push_back(r);
            return true;
        });
        QCOMPARE(sum.framesRead, std::int64_t(168));
        QCOMPARE(sum.framesAnalysed, std::int64_t(5));
        QCOMPARE(seen.size(), size_t(5));
        QCOMPARE(seen[0].index, std::int64_t(0));
        QCOMPARE(seen[4].index, std::int64_t(160));
        // The clip opens on the ankle boot of the samples.
        QCOMPARE(seen[0].top.front().label, std::string("Ankle boot"));
        for (const auto &r : seen)
            QVERIFY(std::filesystem::exists(r.gridFile));
        QCOMPARE(std::filesystem::path(seen[1].gridFile).filename().string(), std::string("frame_000040.png"));

        // --limit, and a cancel from the callback.
        auto again = openVideoFile(kClip);
        o = {};
        o.limit = 3;
        QCOMPARE(runVideo(*model, *again, o).framesAnalysed, std::int64_t(3));
        QVERIFY_THROWS_EXCEPTION(Cancelled, runVideo(*model, *again, o, [](const VideoFrameResult &) { return false; }));

        // Bad options are refused before a frame is read.
        o = {};
        o.every = 0;
        QCOMPARE(errorMessage([&] { runVideo(*model, *again, o); }),
                 std::string("every: must be between 1 and 10000 (got 0)"));
        o = {};
        o.outDir = dir.path().toStdString();
        QCOMPARE(errorMessage([&] { runVideo(*model, *again, o); }),
                 std::string("block: writing the group grids (--out) needs a block, e.g. --block layer2.0"));
        o = {};
        o.block = "layer9.0";
        QCOMPARE(errorMessage([&] { runVideo(*model, *again, o); }),
                 std::string("block: 'layer9.0' does not exist; this model has layer1.0 to layer3.1"));
    }

    void vanishingCameraKeepsWhatWasReported()
    {
        Engine &e = loadEngine();
        auto model = e.loadBuiltin();
        VanishingCamera cam(3);
        int frames = 0;
        const std::string err = errorMessage([&] {
            runVideo(*model, cam, {}, [&](const VideoFrameResult &) {
                ++frames;
                return true;
            });
        });
        QCOMPARE(frames, 3);
        QCOMPARE(err, std::string("camera 7 (/dev/video7): stopped delivering frames (disconnected, or taken by another "
                                  "program)"));
    }

    void videoFilesAreRecognisedByExtension()
    {
        QVERIFY(looksLikeVideoFile("/a/b/clip.AVI"));
        QVERIFY(looksLikeVideoFile("x.mp4"));
        QVERIFY(!looksLikeVideoFile("x.png"));
        QVERIFY(!looksLikeVideoFile("avi"));
    }
};

QTEST_APPLESS_MAIN(TestVideo)
#include "test_video.moc"
