// `resnext-explorer video` and `make-clip` as a process: per-frame top-1 and
// timings in each format, the numbered group grids of --out, and a one-line
// message with exit code 2 for every bad input.
#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const QString kClip = QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/sample_clip.avi");
}

class TestCliVideo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void jsonListsEveryNthFrame()
    {
        const Result r = run({"video", kClip, "--every", "56", "--threads", "1", "--format", "json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["frames_read"].toInt(), 168);
        QCOMPARE(o["frames_analysed"].toInt(), 3);
        QCOMPARE(o["video_fps"].toDouble(), 30.0);
        const QJsonArray frames = o["frames"].toArray();
        QCOMPARE(frames.size(), 3);
        QCOMPARE(frames[1].toObject()["frame"].toInt(), 56);
        QCOMPARE(frames[0].toObject()["top"].toArray()[0].toObject()["label"].toString(), QString("Ankle boot"));
        QVERIFY(frames[0].toObject()["timings_ms"].toObject().contains("forward"));
    }

    void tableAndCsv()
    {
        Result r = run({"video", kClip, "--limit", "2", "--threads", "1"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("video: " + kClip + ", 30.00 frames/s, 168 frames"));
        QVERIFY(r.out.contains("Ankle boot"));
        QVERIFY(r.out.contains("2 of 2 frames analysed"));
        r = run({"video", kClip, "--limit", "2", "--every", "3", "--threads", "1", "--format", "csv"});
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith("frame,time_s,top1_index,top1_label,top1_probability,read_ms"));
        QVERIFY(lines[2].startsWith("3,0.100,9,Ankle boot,"));
    }

    void outWritesNumberedGroupGrids()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("grids");
        const Result r = run({"video", kClip, "--every", "60", "--block", "layer2.0", "--out", out, "--threads", "1"});
        QCOMPARE(r.code, 0);
        QCOMPARE(QDir(out).entryList(QDir::Files),
                 QStringList({"frame_000000.png", "frame_000060.png", "frame_000120.png"}));
        QVERIFY(r.out.contains("group grids of layer2.0 in " + out));
    }

    void badInputIsOneLineWithExitCode2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no file") << QStringList{"video"} << "resnext-explorer video: video: give a video file (or --camera N)\n";
        QTest::newRow("missing") << QStringList{"video", "/nonexistent/clip.avi"}
                                 << "resnext-explorer video: /nonexistent/clip.avi: cannot open file (No such file or directory)\n";
        QTest::newRow("not a video") << QStringList{"video", QStringLiteral(RESNEXT_SOURCE_DIR "/README.md")}
                                     << "resnext-explorer video: " RESNEXT_SOURCE_DIR "/README.md: not a video file OpenCV can read\n";
        QTest::newRow("every") << QStringList{"video", kClip, "--every", "0"}
                               << "resnext-explorer video: every: must be between 1 and 10000 (got 0)\n";
        QTest::newRow("block") << QStringList{"video", kClip, "--block", "layer9.0", "--threads", "1"}
                               << "resnext-explorer video: block: 'layer9.0' does not exist; this model has layer1.0 to layer3.1\n";
        QTest::newRow("format") << QStringList{"video", kClip, "--format", "markdown"}
                                << "resnext-explorer video: format: video supports table, json or csv (got 'markdown')\n";
        QTest::newRow("both") << QStringList{"video", kClip, "--camera", "0"}
                              << "resnext-explorer video: video: give a video file or --camera N, not both\n";
        if (!QFile::exists("/dev/video0"))
            QTest::newRow("no camera") << QStringList{"video", "--camera", "0"}
                                       << "resnext-explorer video: camera 0: no camera found (/dev/video0 does not exist; "
                                          "this machine has no /dev/video* device)\n";
        QTest::newRow("snapshot video") << QStringList{"snapshot", "--out", "/tmp/never.png", "--video",
                                                       QStringLiteral(RESNEXT_SOURCE_DIR "/README.md")}
                                        << "resnext-explorer snapshot: " RESNEXT_SOURCE_DIR "/README.md: not a video file OpenCV can read\n";
        QTest::newRow("clip needs out") << QStringList{"make-clip", kClip}
                                        << "resnext-explorer make-clip: make-clip: --out FILE.avi is required\n";
    }

    void badInputIsOneLineWithExitCode2()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = run(args);
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err, message);
    }

    void truncatedFileStopsWithTheFramesSoFar()
    {
        QTemporaryDir dir;
        const QString cut = dir.filePath("cut.avi");
        QFile in(kClip);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(in.size() / 2));
        out.close();
        const Result r = run({"video", cut, "--every", "50", "--threads", "1", "--format", "csv"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.contains("\n50,")); // the frames before the cut are reported
        QVERIFY2(r.err.startsWith("resnext-explorer video: " + cut + ": truncated or damaged: the stream ended after "),
                 qPrintable(r.err));
        QVERIFY(r.err.endsWith(" of 168 frames\n"));
    }

    void makeClipRoundTrips()
    {
        QTemporaryDir dir;
        const QString clip = dir.filePath("two.avi");
        const Result r = run({"make-clip", QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/photo-coffee.png"),
                              QStringLiteral(RESNEXT_SOURCE_DIR "/sample_images/fmnist-test00000-ankle-boot.png"), "--out",
                              clip, "--size", "64", "--fps", "10", "--seconds-per-image", "0.3"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, "wrote " + clip + ": 6 frames of 64x64 at 10.0 frames/s (MJPG)\n");
        const Result bad = run({"make-clip", QStringLiteral(RESNEXT_SOURCE_DIR "/README.md"), "--out", clip});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.startsWith("resnext-explorer make-clip: " RESNEXT_SOURCE_DIR "/README.md: not an image"),
                 qPrintable(bad.err));
    }
};

QTEST_APPLESS_MAIN(TestCliVideo)
#include "test_cli_video.moc"
