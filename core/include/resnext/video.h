#pragma once
// Live input: video files and cameras as a stream of frames (OpenCV's
// videoio, no Qt, no LibTorch), the single-slot "newest frame" mailbox that
// keeps a live view from falling behind, the `video` use case (classify every
// N-th frame, optionally writing the per-group grids as numbered PNGs) and the
// slide-show writer that makes the sample clip. Sources are an interface so
// that tests can stand in a camera that is busy or disappears mid-stream.

#include "resnext/engine.h"
#include "resnext/featureview.h"
#include "resnext/image.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace resnext {

using VideoClock = std::chrono::steady_clock;

struct VideoFrame {
    RgbImage image;
    std::int64_t index = 0;     // 0-based frame number in the stream
    double positionMs = 0;      // position in a file (camera: time since the stream opened)
    VideoClock::time_point captured; // when read() returned it (latency is measured from here)
};

// A stream of frames. read() returns false at the end of a file; a camera that
// stops delivering, or a file that is cut short, throws Error naming the source
// and the problem. Not thread-safe: one reader at a time.
class VideoSource {
public:
    virtual ~VideoSource() = default;
    virtual std::string name() const = 0;  // "clip.avi" or "camera 0 (/dev/video0)"
    virtual bool isCamera() const = 0;
    virtual double fps() const = 0;        // the stream's nominal rate; 0 = unknown
    virtual std::int64_t frameCount() const = 0; // -1 = unknown (cameras)
    virtual bool read(VideoFrame &frame) = 0;
    // Back to the first frame (loop playback); false where the source cannot (cameras).
    virtual bool rewind() = 0;
    // Positions the source so that the next read() returns frame `index`
    // (0-based; below 0 reads as 0): a step back. False where the source cannot
    // (cameras). The default rewinds and reads `index` frames.
    virtual bool seek(std::int64_t index);
};

// What to open: a file path, or a camera index.
struct VideoInput {
    std::string file;  // used when not empty
    int camera = -1;   // /dev/videoN
    std::string describe() const; // "clip.avi" / "camera 0"
};

// Opens a video file OpenCV can read (FFmpeg's formats in Debian's build; at
// least MJPG in AVI). Throws Error "<path>: <problem>" for a missing or
// non-regular file, an empty file, or one that is not a video OpenCV can decode.
std::unique_ptr<VideoSource> openVideoFile(const std::string &path);
// Opens /dev/video<index>. Throws Error "camera N: no camera found ..." when the
// device does not exist, "camera N (/dev/videoN): cannot open it ..." when it is
// busy or not a capture device.
std::unique_ptr<VideoSource> openCamera(int index);
std::unique_ptr<VideoSource> openVideo(const VideoInput &input);

// Who opens sources; tests replace it to simulate busy or vanishing cameras.
using VideoOpener = std::function<std::unique_ptr<VideoSource>(const VideoInput &)>;

struct CameraInfo {
    int index = 0;
    std::string device; // "/dev/video0"
    std::string name;   // from sysfs, e.g. "Integrated Camera"; may be empty
};
// The capture devices present: /dev/video0..63 that exist (names from
// /sys/class/video4linux). Cheap: opens nothing. Empty on this kind of machine.
std::vector<CameraInfo> listCameras();

// Video file extensions the open dialogs and drops accept (lower case, no dot).
const std::vector<std::string> &videoFileExtensions();
bool looksLikeVideoFile(const std::string &path);

// One slot holding the newest frame: put() replaces what is there (counting it
// as dropped), take() empties it. A reader never sees an old frame behind a
// newer one, and memory never grows. Thread-safe.
class LatestFrame {
public:
    void put(VideoFrame frame);
    // The newest frame, if any, emptying the slot.
    std::optional<VideoFrame> take();
    // Waits up to `timeout` for a frame (or close()); nullopt when none came.
    std::optional<VideoFrame> waitTake(std::chrono::milliseconds timeout);
    void close(); // wakes waiters for good
    void reset(); // empties the slot, clears counters and the closed state
    std::int64_t dropped() const; // frames replaced before anyone took them
    std::int64_t delivered() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<VideoFrame> m_slot;
    std::int64_t m_dropped = 0, m_delivered = 0;
    bool m_closed = false;
};

// Frames per second over a sliding window of the last `window` events.
class RateMeter {
public:
    explicit RateMeter(std::size_t window = 30) : m_window(window) {}
    void tick(VideoClock::time_point t = VideoClock::now());
    double perSecond() const; // 0 until two events
    void reset() { m_times.clear(); }

private:
    std::size_t m_window;
    std::vector<VideoClock::time_point> m_times;
};

struct VideoRunOptions {
    int every = 1;            // analyse every N-th frame (1 = all), 1 to 10000
    std::int64_t limit = 0;   // stop after this many analysed frames (0 = the whole stream)
    std::string block;        // "layer2.0": capture its per-group maps; empty = classification only
    int topk = 1;             // predictions kept per frame
    std::string outDir;       // when set (needs block): frame_000000.png ... grids of the groups
    Colormap colormap = Colormap::Viridis;
    Normalization norm = Normalization::Channel;
};

struct VideoFrameResult {
    std::int64_t index = 0;   // frame number in the stream
    double positionMs = 0;
    std::vector<Prediction> top;
    Timings timings;          // decodeMs is the time read() took
    double renderMs = 0;      // rendering and writing the grid PNG
    double totalMs = 0;       // read + analyse + render of this frame
    std::string gridFile;     // the PNG written, if any
};

struct VideoRunSummary {
    std::string source;
    double sourceFps = 0;
    std::int64_t framesRead = 0;
    std::int64_t framesAnalysed = 0;
    double seconds = 0;
    double analysedPerSecond = 0;
};

// Reads `source` to its end (or options.limit), analysing every N-th frame with
// `model`. `frame` is called after each analysed frame; returning false stops
// (throws Cancelled). Bad options throw Error before the first frame is read;
// a source failing mid-stream throws its Error after the frames already reported.
VideoRunSummary runVideo(Model &model, VideoSource &source, const VideoRunOptions &options,
                         const std::function<bool(const VideoFrameResult &)> &frame = {});
void validateVideoRunOptions(const VideoRunOptions &options);

struct SlideshowOptions {
    int size = 160;            // frames are size x size
    double fps = 30;
    double secondsPerImage = 0.5;
    double zoom = 1.15;        // each image is slowly zoomed from 1 to this (so frames differ)
    std::string fourcc = "MJPG";
};
// Writes `images` (files) as a slide show (AVI with MJPG by default): what
// makes sample_images/sample_clip.avi. Throws Error naming the file on failure.
void writeSlideshow(const std::vector<std::string> &images, const std::string &out, const SlideshowOptions &options);

} // namespace resnext
