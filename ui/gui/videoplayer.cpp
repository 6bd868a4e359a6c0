#include "videoplayer.h"
#include "language.h"

#include <tuple>

#include "resnext/fileio.h"
#include "resnext/validate.h"

#include <QCheckBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMetaObject>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>

using namespace resnext;

VideoPlayer::VideoPlayer(ModelService *service, ClassifyPanel *panel, QWidget *parent)
    : QWidget(parent), m_service(service), m_panel(panel), m_opener(openVideo)
{
    setObjectName("videoPlayer");
    // One row of text (name and figures side by side); the buttons sit beside
    // the Classify page's model name (controls()): at 1280x720 a two-row bar pushed
    // the charts below the fold.
    auto *outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel;
    m_title->setObjectName("videoTitle");
    outer->addWidget(m_title, 0, Qt::AlignTop);
    m_controls = new QWidget;
    m_controls->setObjectName("videoControls");
    auto *row = new QHBoxLayout(m_controls);
    row->setContentsMargins(0, 0, 0, 0);
    m_play = new QPushButton(tr("Pause"));
    m_play->setObjectName("videoPlay");
    m_play->setToolTip(tr("Play or pause the video (Grad-CAM is computed for the paused frame)."));
    m_step = new QPushButton(tr("Step"));
    m_step->setObjectName("videoStep");
    m_step->setToolTip(tr("Paused: read and classify the next frame."));
    m_loop = new QCheckBox(tr("Loop"));
    m_loop->setObjectName("videoLoop");
    m_loop->setChecked(true);
    m_loop->setToolTip(tr("Start a file again from its first frame when it ends."));
    m_close = new QPushButton(tr("Close video"));
    m_close->setObjectName("videoClose");
    row->addWidget(m_play);
    row->addWidget(m_step);
    row->addWidget(m_loop);
    row->addWidget(m_close);
    m_controls->hide();
    m_stats = new QLabel;
    m_stats->setObjectName("videoStats");
    m_stats->setWordWrap(true);
    m_stats->setTextFormat(Qt::RichText);
    m_stats->setStyleSheet("color: #404040");
    m_stats->setToolTip(tr("capture: frames read per second (a file plays at its own rate); model: frames classified "
                           "and shown per second (the newest frame is taken whenever the model is free, older ones "
                           "are dropped); latency: from the frame's capture to its result on screen, the median of the last "
                           "frames shown."));
    outer->addWidget(m_stats, 1);
    hide();

    connect(m_play, &QPushButton::clicked, this, [this] { m_playing ? pause() : play(); });
    connect(m_step, &QPushButton::clicked, this, &VideoPlayer::step);
    connect(m_loop, &QCheckBox::toggled, this, &VideoPlayer::setLoop);
    connect(m_close, &QPushButton::clicked, this, &VideoPlayer::close);
    connect(m_service, &ModelService::analysisReady, this, [this](const Job &job, std::shared_ptr<const AnalysisResult>) {
        const auto it = m_sent.find(job.id);
        if (it == m_sent.end())
            return;
        // The panel's slot ran first (it connected first): the result is on screen.
        const auto now = VideoClock::now();
        m_latencyMs = std::chrono::duration<double, std::milli>(now - it->second.captured).count();
        m_modelRate.tick(now);
        m_recentLatencies.push_back(m_latencyMs);
        if (m_recentLatencies.size() > 30)
            m_recentLatencies.erase(m_recentLatencies.begin());
        ++m_shownCount;
        m_lastIndex = it->second.index;
        m_lastPositionMs = it->second.positionMs;
        updateStats();
        Q_EMIT frameShown(m_lastIndex, m_latencyMs);
    });
    connect(m_service, &ModelService::jobFinished, this, [this](const Job &job, JobOutcome) {
        if (job.id != m_inFlight.id)
            return;
        m_sent.erase(job.id);
        m_inFlight = {};
        if (!m_stopMessage.isEmpty()) {
            // The last frame's result cleared the panel's message: say it again.
            m_panel->showError(m_stopMessage);
            m_stopMessage.clear();
            return;
        }
        pump(); // the worker is free: the newest frame, if one came meanwhile
    });
}

VideoPlayer::~VideoPlayer() { stopThread(); }

double VideoPlayer::captureFps() const
{
    std::lock_guard<std::mutex> lock(m_rateMutex);
    return m_captureRate.perSecond();
}

bool VideoPlayer::open(const VideoInput &input)
{
    std::unique_ptr<VideoSource> source;
    try {
        source = m_opener(input);
        if (!source)
            throw Error(input.describe() + ": cannot open it");
    } catch (const std::exception &e) {
        // Whatever played before goes on as it was.
        m_panel->showError(language::coreMessage(QString::fromStdString(printableText(e.what(), 2000))));
        return false;
    }
    stopThread();
    m_source = std::move(source);
    m_box.reset();
    {
        std::lock_guard<std::mutex> lock(m_rateMutex);
        m_captureRate.reset();
    }
    m_modelRate.reset();
    m_shownCount = 0;
    m_ended = false;
    m_stopMessage.clear();
    m_lastIndex = -1;
    m_latencyMs = 0;
    m_recentLatencies.clear();
    m_name = QString::fromStdString(m_source->name());
    m_frameCount = m_source->frameCount();
    m_shortName = m_source->isCamera() ? QString::fromStdString(input.describe()) : QFileInfo(m_name).fileName();
    // The file's name; its whole path one hover away.
    m_title->setToolTip(m_name);
    m_title->setText(tr("<b>%1</b>: %2").arg(m_shortName.toHtmlEscaped(),
                                             m_source->isCamera()
                                                 ? tr("live camera")
                                                 : tr("%1 frames at %2 frames/s")
                                                       .arg(m_frameCount)
                                                       .arg(language::decimal(m_source->fps(), 1))));
    m_panel->showError({});
    // Measured on 2 cores: with both busy in LibTorch's OpenMP threads the
    // window and the capture thread starve (7 frames/s shown instead of 30).
    if (m_threadsBefore == 0) {
        // Before the engine has loaded, deviceInfo() is a default; the engine
        // starts with defaultThreadCount() (the idle cores).
        const DeviceInfo d = m_service->deviceInfo();
        m_threadsBefore = d.torchVersion.empty() ? defaultThreadCount() : std::max(1, d.threads);
        m_service->setThreads(videoThreads());
    }
    show();
    m_controls->show();
    startThread();
    play();
    Q_EMIT opened(m_name);
    return true;
}

void VideoPlayer::startThread()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = false;
        m_run = false;
        m_steps = 0;
    }
    m_thread = std::thread([this] { captureLoop(); });
}

void VideoPlayer::stopThread()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_box.close();
    if (m_thread.joinable())
        m_thread.join();
}

void VideoPlayer::play()
{
    if (!m_source)
        return;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_run = true;
        m_rewind = m_ended; // Play at the end starts again
    }
    m_ended = false;
    m_wake.notify_all();
    // Rates measure playing only: the pause (and frames stepped in it) is not in them.
    {
        std::lock_guard<std::mutex> lock(m_rateMutex);
        m_captureRate.reset();
    }
    m_modelRate.reset();
    m_frozenRates.reset();
    m_playing = true;
    m_panel->setLive(true);
    updateButtons();
    Q_EMIT playingChanged(true);
}

void VideoPlayer::pause()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_run = false;
    }
    m_wake.notify_all();
    if (!m_playing)
        return;
    // Paused, the bar keeps the rates measured while playing (they would
    // otherwise fall as stepped frames arrive after the gap).
    {
        std::lock_guard<std::mutex> lock(m_rateMutex);
        m_frozenRates = std::make_pair(m_captureRate.perSecond(), m_modelRate.perSecond());
    }
    m_playing = false;
    m_panel->setLive(false); // Grad-CAM of the frame on screen
    updateButtons();
    updateStats();
    Q_EMIT playingChanged(false);
}

void VideoPlayer::step()
{
    if (!m_source)
        return;
    pause();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_steps;
        m_rewind = m_ended;
    }
    m_ended = false;
    m_wake.notify_all();
}

void VideoPlayer::stepBack()
{
    if (!m_source)
        return;
    pause();
    if (m_source->isCamera())
        return; // a live stream has no frame before the one shown
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_seekTo = std::max<std::int64_t>(0, m_lastIndex - 1);
        m_rewind = false;
        ++m_steps;
    }
    m_ended = false;
    m_wake.notify_all();
}

void VideoPlayer::setLoop(bool on)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_loopOn = on;
}

int VideoPlayer::videoThreads() { return std::max(1, QThread::idealThreadCount() - 1); }

void VideoPlayer::close()
{
    pause();
    stopThread();
    m_source.reset();
    if (m_threadsBefore > 0) {
        m_service->setThreads(m_threadsBefore);
        m_threadsBefore = 0;
    }
    m_box.reset();
    hide();
    m_controls->hide();
    updateButtons();
}

void VideoPlayer::updateButtons()
{
    m_play->setText(m_playing ? tr("Pause") : tr("Play"));
    m_play->setEnabled(m_source != nullptr);
    m_step->setEnabled(m_source != nullptr);
}

void VideoPlayer::captureLoop()
{
    const bool camera = m_source->isCamera();
    const double fileFps = m_source->fps();
    double fps = fileFps;
    // Files play at their own rate: frame k is due at start + k / fps.
    bool clockSet = false;
    VideoClock::time_point start;
    std::int64_t startIndex = 0;
    for (;;) {
        bool stepping = false, rewindFirst = false;
        std::int64_t seekTo = -1;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_run || m_steps > 0; });
            if (m_stop)
                return;
            stepping = !m_run;
            rewindFirst = m_rewind;
            m_rewind = false;
            seekTo = m_seekTo;
            m_seekTo = -1;
            if (stepping) {
                --m_steps;
                clockSet = false;
            }
        }
        VideoFrame f;
        bool got = false;
        try {
            if (rewindFirst && m_source->rewind())
                clockSet = false;
            if (seekTo >= 0 && m_source->seek(seekTo))
                clockSet = false;
            got = m_source->read(f);
        } catch (const std::exception &e) {
            const QString msg = language::coreMessage(QString::fromStdString(printableText(e.what(), 2000)));
            QMetaObject::invokeMethod(this, [this, msg] { onCaptureError(msg); }, Qt::QueuedConnection);
            return;
        }
        if (!got) {
            bool loop;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                loop = m_loopOn;
            }
            bool rewound = false;
            try {
                rewound = loop && m_source->rewind();
            } catch (const std::exception &e) {
                const QString msg = language::coreMessage(QString::fromStdString(printableText(e.what(), 2000)));
                QMetaObject::invokeMethod(this, [this, msg] { onCaptureError(msg); }, Qt::QueuedConnection);
                return;
            }
            if (rewound) {
                clockSet = false;
                std::lock_guard<std::mutex> lock(m_mutex);
                if (stepping)
                    ++m_steps; // the step shows the first frame again
                continue;
            }
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_run = false;
                m_steps = 0;
            }
            QMetaObject::invokeMethod(this, [this] { onEnded(); }, Qt::QueuedConnection);
            continue;
        }
        if (const double r = m_rate; (r > 0 ? r : fileFps) != fps) {
            fps = r > 0 ? r : fileFps;
            clockSet = false;
        }
        if (!stepping && !camera && fps > 0) {
            if (!clockSet) {
                clockSet = true;
                start = VideoClock::now();
                startIndex = f.index;
            }
            const auto due = start + std::chrono::duration_cast<VideoClock::duration>(
                                         std::chrono::duration<double>((f.index - startIndex) / fps));
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait_until(lock, due, [this] { return m_stop || !m_run; });
            if (m_stop)
                return;
        }
        f.captured = VideoClock::now(); // a file's frame "arrives" when it is due, as a camera's would
        {
            std::lock_guard<std::mutex> lock(m_rateMutex);
            m_captureRate.tick(f.captured);
        }
        m_box.put(std::move(f));
        if (!m_notified.exchange(true))
            QMetaObject::invokeMethod(this, [this] { onFrameReady(); }, Qt::QueuedConnection);
    }
}

void VideoPlayer::onFrameReady()
{
    m_notified = false;
    pump();
}

void VideoPlayer::pump()
{
    if (m_inFlight.id && m_service->pending(m_inFlight))
        return; // the worker is busy with our previous frame; the mailbox keeps only the newest
    auto f = m_box.take();
    if (!f)
        return;
    const QString name = tr("%1, frame %2 (%3 s)")
                             .arg(m_shortName)
                             .arg(f->index)
                             .arg(language::decimal(f->positionMs / 1000.0, 2));
    m_inFlight = m_panel->classifyFrame(f->image, name);
    f->image = {};
    m_sent[m_inFlight.id] = std::move(*f);
}

void VideoPlayer::onCaptureError(const QString &message)
{
    // The last frame stays on screen; the message says why the stream stopped.
    pause();
    stopThread();
    m_source.reset();
    m_box.reset();
    updateButtons();
    m_panel->showError(message);
    if (m_inFlight.id && m_service->pending(m_inFlight))
        m_stopMessage = message;
    m_stats->setText(tr("Stopped: %1").arg(message.toHtmlEscaped()));
    Q_EMIT streamFailed(message);
}

void VideoPlayer::onEnded()
{
    pause();
    m_ended = true;
    updateStats();
}

void VideoPlayer::updateStats()
{
    double capture, model = m_modelRate.perSecond();
    {
        std::lock_guard<std::mutex> lock(m_rateMutex);
        capture = m_captureRate.perSecond();
    }
    if (!m_playing && m_frozenRates)
        std::tie(capture, model) = *m_frozenRates;
    std::vector<double> sorted = m_recentLatencies;
    std::sort(sorted.begin(), sorted.end());
    const double latency = sorted.empty() ? 0.0 : sorted[sorted.size() / 2];
    const QString frame = m_frameCount > 0 ? tr("frame %1 of %2").arg(m_lastIndex).arg(m_frameCount)
                                           : tr("frame %1").arg(m_lastIndex);
    // What each figure means is in the tooltip: in one row beside the name the
    // longer line took three rows in Vietnamese.
    m_stats->setText(tr("capture %1 frames/s &middot; model %2 frames/s &middot; latency %3 ms "
                        "&middot; %4 dropped &middot; %5 (%6 s)%7")
                         .arg(language::decimal(capture, 1))
                         .arg(language::decimal(model, 1))
                         .arg(language::decimal(latency, 0))
                         .arg(m_box.dropped())
                         .arg(frame)
                         .arg(language::decimal(m_lastPositionMs / 1000.0, 2))
                         .arg(m_ended ? tr(" &mdash; end of the video") : m_playing ? QString() : tr(" &mdash; paused")));
}
