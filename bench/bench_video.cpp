// Live video end to end in the real window (offscreen): the sample clip plays
// at its own 30 frames/s through the capture thread, the newest-frame mailbox,
// the model worker (with the per-group maps of the panel's block) and the
// panel's views. Prints the achieved capture and model rates, the
// capture-to-shown latency (median and 90th percentile), the frames dropped,
// a slider tick to a full window repaint while playing (median, max), and the
// model's own rate (Model::bench, batch 1) for comparison. Figures only; it
// never fails on a slow machine.
//
//   bench_video [--threads N] [--seconds 10] [--preset NAME] [--video FILE]
// --threads is LibTorch's count before the video opens; the player then uses
// VideoPlayer::videoThreads() (the cores less one).
#include "median.h"

#include "architecturepanel.h"
#include "classifypanel.h"
#include "mainwindow.h"
#include "modelservice.h"
#include "videoplayer.h"

#include "resnext/engine.h"
#include "resnext/report.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QSlider>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QApplication::processEvents(QEventLoop::AllEvents, 5);
        QThread::msleep(1);
    }
}

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(q * (v.size() - 1))];
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    int threads = 2;
    double seconds = 10;
    std::string presetName, video = RESNEXT_SOURCE_DIR "/sample_images/sample_clip.avi";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--threads")
            threads = std::stoi(v);
        else if (k == "--seconds")
            seconds = std::stod(v);
        else if (k == "--preset")
            presetName = v;
        else if (k == "--video")
            video = v;
    }
    QApplication app(argc, argv);
    resnext::Engine &engine = resnext::loadEngine();
    engine.setThreads(threads);
    QTemporaryDir dir;
    MainWindow w(dir.filePath("bench.ini"));
    w.resize(1600, 1000);
    w.show();
    ModelService *service = w.modelService();
    if (presetName.empty())
        w.startInference();
    else
        service->createRandom(resnext::preset(presetName).spec, "cpu");
    while (!service->model() || service->busy())
        spin(20);
    spin(300);

    // A slider tick to a full window repaint (the classify tab showing).
    QSlider *c = w.architecturePanel()->cardinalitySlider();
    const int base = c->value();
    const auto measureTicks = [&] {
        std::vector<double> ticks;
        for (int i = 0; i < 40; ++i) {
            spin(30);
            QElapsedTimer t;
            t.start();
            c->setValue(i % 2 ? base : base + 1);
            w.repaint();
            ticks.push_back(t.nsecsElapsed() / 1e6);
        }
        return ticks;
    };
    w.showPanel("classify");
    const std::vector<double> idleTicks = measureTicks();

    VideoPlayer *player = w.videoPlayer();
    std::vector<double> latencies;
    std::vector<qint64> shownAt;
    QElapsedTimer clock;
    bool measuring = false;
    std::vector<double> workMs; // preprocess + forward + maps of each shown frame, on the worker
    QObject::connect(player, &VideoPlayer::frameShown, [&](qint64, double ms) {
        if (measuring) {
            latencies.push_back(ms);
            shownAt.push_back(clock.elapsed());
            const resnext::Timings &t = w.classifyPanel()->result()->analysis.timings;
            workMs.push_back(t.preprocessMs + t.forwardMs + t.featuresMs);
        }
    });
    if (!w.openVideo(QString::fromStdString(video))) {
        std::fprintf(stderr, "bench_video: %s\n", w.classifyPanel()->errorText().toStdString().c_str());
        return 2;
    }
    player->loopCheck()->setChecked(true);
    spin(1500); // warm-up: first frames, allocations
    // One stretch of `seconds` of playback, measured: its wall time (s), the
    // capture rate, the worker's median time a frame (ms), the frames the
    // mailbox dropped and each shown frame's capture-to-shown latency.
    struct Phase {
        double elapsed, capture, work;
        qint64 dropped;
        std::vector<double> latencies;
    };
    const auto measure = [&] {
        latencies.clear();
        workMs.clear();
        const qint64 dropped0 = player->framesDropped();
        clock.start();
        measuring = true;
        spin(static_cast<int>(seconds * 1000));
        measuring = false;
        return Phase{clock.elapsed() / 1000.0, player->captureFps(), median(workMs),
                     player->framesDropped() - dropped0, latencies};
    };
    const Phase paced = measure();

    // A faster source (the clip played at 60 frames/s): the most the pipeline shows.
    player->setRate(60);
    spin(500);
    const Phase fast = measure();
    player->setRate(0);

    // The same ticks while the video plays on.
    const std::vector<double> ticks = measureTicks();
    player->pause();
    while (service->busy())
        spin(20);

    resnext::BenchOptions bo;
    // resnext50_32x4d takes ~1.5 s a forward on one core here: fewer runs.
    bo.runs = presetName.empty() ? 30 : 8;
    bo.warmup = presetName.empty() ? 5 : 1;
    const resnext::BenchResult own = service->model()->bench(bo);
    const auto m = service->model();
    std::ifstream loadavg("/proc/loadavg");
    std::string load;
    std::getline(loadavg, load);

    const double modelFps = paced.latencies.size() / paced.elapsed;
    std::printf("model: %s, %d LibTorch threads while playing, maps of %s on\n", resnext::describe(m->info().spec).c_str(),
                service->deviceInfo().threads,
                w.classifyPanel()->block().toStdString().c_str());
    std::printf("video: %s, %.1f s measured after 1.5 s of warm-up\n", video.c_str(), paced.elapsed);
    std::printf("paced at the file's rate:\ncapture          %6.1f frames/s\n", paced.capture);
    std::printf("model, shown     %6.1f frames/s (%zu frames; %lld dropped by the mailbox)\n", modelFps,
                paced.latencies.size(), static_cast<long long>(paced.dropped));
    std::printf("latency          median %5.1f ms, p90 %5.1f ms (capture to shown)\n", median(paced.latencies),
                percentile(paced.latencies, 0.9));
    std::printf("worker           median %5.1f ms a frame (preprocess + forward + maps) = %.1f frames/s; shown/that = "
                "%.0f%%\n",
                paced.work, 1000.0 / paced.work, 100.0 * modelFps * paced.work / 1000.0);
    std::printf("60 frames/s source: capture %6.1f frames/s, model, shown %6.1f frames/s (%lld dropped), latency median %5.1f ms, "
                "p90 %5.1f ms\n",
                fast.capture, fast.latencies.size() / fast.elapsed, static_cast<long long>(fast.dropped),
                median(fast.latencies), percentile(fast.latencies, 0.9));
    std::printf("                 worker median %5.1f ms a frame = %.1f frames/s; shown/that = %.0f%%\n", fast.work,
                1000.0 / fast.work, 100.0 * fast.latencies.size() / fast.elapsed * fast.work / 1000.0);
    std::printf("slider tick      median %5.2f ms, max %5.2f ms while playing (budget 16 ms); before the video: "
                "median %5.2f ms, max %5.2f ms\n",
                median(ticks), *std::max_element(ticks.begin(), ticks.end()), median(idleTicks),
                *std::max_element(idleTicks.begin(), idleTicks.end()));
    std::printf("model's own rate %6.1f frames/s (Model::bench, batch 1, median %.2f ms); 60 fps source shown/own = %.0f%%\n",
                own.imagesPerSecond, own.medianMs, 100.0 * fast.latencies.size() / fast.elapsed / own.imagesPerSecond);
    std::printf("load average     %s\n", load.c_str());
    return 0;
}
