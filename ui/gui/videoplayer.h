#pragma once
// Live input for the classify panel: a video file or a camera, played at its
// own rate. A capture thread reads frames into core's one-slot LatestFrame
// mailbox (a newer frame replaces an unread one: never a queue); whenever this
// player's analysis job is not pending, the newest frame goes to the model
// worker through ClassifyPanel::classifyFrame, so every view (top-5, groups,
// energy) shows it like any image. Block, colour map and model changes apply to
// the next frame; Grad-CAM is computed when paused. The bar shows the achieved
// capture and model rates and the capture-to-shown latency.

#include "classifypanel.h"
#include "modelservice.h"

#include "resnext/video.h"

#include <QWidget>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;

class VideoPlayer : public QWidget {
    Q_OBJECT
public:
    VideoPlayer(ModelService *service, ClassifyPanel *panel, QWidget *parent = nullptr);
    ~VideoPlayer() override;

    // Opens a file or a camera and starts playing. On failure the panel shows
    // the message and whatever played before goes on as it was; returns false.
    bool open(const resnext::VideoInput &input);
    // Who opens sources (tests inject busy or vanishing cameras).
    void setOpener(resnext::VideoOpener opener) { m_opener = std::move(opener); }
    void play();
    void pause();
    // Paused: reads and analyses the next frame.
    void step();
    // Pauses; for a file, reads and analyses the frame before the one shown
    // (the capture thread seeks). A camera only pauses: it cannot go back.
    void stepBack();
    void setLoop(bool on);
    // Files play at their own frame rate; a rate > 0 plays them at that many
    // frames/s instead (benchmarks: a faster source than the clip).
    void setRate(double framesPerSecond) { m_rate = framesPerSecond; }
    // Stops and forgets the source (the last frame stays shown).
    void close();
    // LibTorch threads while a video is open: one core fewer than the machine
    // has (at least 1), so that the window and the capture thread keep one.
    static int videoThreads();

    bool isOpen() const { return m_source != nullptr; }
    bool isPlaying() const { return m_playing; }
    QString sourceName() const { return m_name; }
    // Frames whose analysis has been shown since the source was opened.
    qint64 framesShown() const { return m_shownCount; }
    // The stream index of the frame whose analysis is shown (-1: none yet).
    qint64 shownFrameIndex() const { return m_lastIndex; }
    qint64 framesDropped() const { return m_box.dropped(); }
    double captureFps() const;
    double modelFps() const { return m_modelRate.perSecond(); }
    double lastLatencyMs() const { return m_latencyMs; }
    QLabel *statsLabel() const { return m_stats; }
    // Play, Step, Loop and Close: shown while a video is open, beside the Classify page's model name.
    QWidget *controls() const { return m_controls; }
    QPushButton *playButton() const { return m_play; }
    QPushButton *stepButton() const { return m_step; }
    QCheckBox *loopCheck() const { return m_loop; }

Q_SIGNALS:
    void opened(const QString &name);
    void playingChanged(bool playing);
    // A frame's result was shown (tests, benchmarks).
    void frameShown(qint64 index, double latencyMs);
    // The stream failed mid-way (camera gone, truncated file): the message.
    void streamFailed(const QString &message);

private:
    void startThread();
    void stopThread();
    void captureLoop();
    void onFrameReady();             // GUI thread: a frame waits in the mailbox
    void pump();                     // GUI thread: hand the newest frame to the worker when it is free
    void onCaptureError(const QString &message);
    void onEnded();
    void updateStats();
    void updateButtons();

    ModelService *m_service;
    ClassifyPanel *m_panel;
    resnext::VideoOpener m_opener;
    std::unique_ptr<resnext::VideoSource> m_source; // read only by the capture thread while it runs
    resnext::LatestFrame m_box;
    QString m_name;
    QString m_shortName; // "clip.avi" or "camera 0": frame titles
    qint64 m_frameCount = -1;
    int m_threadsBefore = 0; // LibTorch threads to restore on close (0: unchanged)

    // Capture thread control (under m_mutex).
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_thread;
    bool m_stop = false;
    bool m_run = false;  // capture continuously
    int m_steps = 0;     // single frames asked for while paused
    bool m_rewind = false; // back to the first frame before the next read (Play after the end)
    std::int64_t m_seekTo = -1; // a frame to seek to before the next read (step back; -1: none)
    bool m_loopOn = true;
    std::atomic<bool> m_notified{false};
    std::atomic<double> m_rate{0}; // a frameReady is queued to the GUI

    // GUI thread.
    bool m_playing = false;
    bool m_ended = false; // a file reached its end without looping
    QString m_stopMessage; // why the stream stopped: shown again over the last frame's result
    Job m_inFlight;                 // this player's analysis job, while pending
    std::map<quint64, resnext::VideoFrame> m_sent; // job id -> frame (image dropped), for latency
    resnext::RateMeter m_captureRate{30}; // fed by the capture thread, read under m_rateMutex
    mutable std::mutex m_rateMutex;
    resnext::RateMeter m_modelRate{30};
    double m_latencyMs = 0;
    std::optional<std::pair<double, double>> m_frozenRates; // capture, model: measured until the pause
    std::vector<double> m_recentLatencies; // the last 30, for the median shown
    qint64 m_shownCount = 0;
    qint64 m_lastIndex = -1;
    double m_lastPositionMs = 0;

    QLabel *m_title = nullptr;
    QLabel *m_stats = nullptr;
    QWidget *m_controls = nullptr;
    QPushButton *m_play = nullptr;
    QPushButton *m_step = nullptr;
    QPushButton *m_close = nullptr;
    QCheckBox *m_loop = nullptr;
};
