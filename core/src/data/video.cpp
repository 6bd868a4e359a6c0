#include "resnext/video.h"

#include "resnext/fileio.h"
#include "resnext/image.h"
#include "resnext/plan.h"

#include "video_probe.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <sys/stat.h>

namespace resnext {

namespace fs = std::filesystem;

namespace {

double msSince(VideoClock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(VideoClock::now() - t0).count();
}

// What an OpenCV call answers, with an exception it throws taken as "no": a
// file or device it cannot handle is reported by the caller, in its words.
template <class Call>
bool cvSucceeds(const Call &call)
{
    try {
        return call();
    } catch (const cv::Exception &) {
        return false;
    }
}

// The capture's frame rate, or 0 when it reports none that makes sense.
double captureFps(cv::VideoCapture &cap)
{
    const double fps = cap.get(cv::CAP_PROP_FPS);
    return std::isfinite(fps) && fps > 0 && fps <= 1000 ? fps : 0;
}

void quietOpenCv()
{
    // OpenCV's own warnings ("can't open camera by index") would interleave
    // with our one-line messages; the problems are reported as Errors instead.
    static const bool once = [] {
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
        // FFmpeg's decoder notes ("overread 8") too; read by OpenCV on first use.
        ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
        return true;
    }();
    (void)once;
}

// Frames larger than 8K UHD are refused before their first pixel is decoded:
// each one costs the decoder's frame, its BGR copy and our RGB copy.
constexpr std::int64_t kMaxVideoFramePixels = std::int64_t(7680) * 4320;

std::string framePixelsMessage(std::int64_t width, std::int64_t height)
{
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "video frames are %lldx%lld = %.1f megapixels; the limit is %.1f megapixels (8K UHD)",
                  static_cast<long long>(width), static_cast<long long>(height), double(width) * double(height) / 1e6,
                  double(kMaxVideoFramePixels) / 1e6);
    return buf;
}

// FFmpeg decodes a frame while it opens a file (to learn its pixel format), so
// the size must be known before: an image given as a video is probed like any
// image, a container (MP4/MOV, Matroska/WebM, AVI) by the bounded prober
// (core/src/data/video_probe.cpp), which reads only its headers.
void refuseHugeFramesFromHeader(const std::string &path)
{
    const auto fp = openRegularFile(path);
    std::FILE *f = fp.get();
    struct stat st {};
    const std::uint64_t size = ::fstat(::fileno(f), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    const ReadAt read = [&](std::uint64_t offset, std::size_t n) {
        std::string out;
        if (offset >= size || ::fseeko(f, static_cast<off_t>(offset), SEEK_SET) != 0)
            return out;
        out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(n, size - offset)));
        out.resize(std::fread(out.data(), 1, out.size(), f));
        return out;
    };
    std::int64_t width = 0, height = 0;
    try {
        const ImageHeader h = probeImage(read(0, 1 << 16), path);
        width = h.width;
        height = h.height;
    } catch (const Error &) {
        // not an image (or its header lies beyond the first 64 KiB)
    }
    if (width == 0) {
        const VideoFrameSize v = probeVideoFrameSize(read, size);
        width = v.width;
        height = v.height;
    }
    if (width * height > kMaxVideoFramePixels)
        throw Error(printableText(path) + ": " + framePixelsMessage(width, height));
}

// Converted straight into out's buffer: no third copy of a large frame.
void toRgb(const cv::Mat &bgr, RgbImage &out)
{
    out.width = bgr.cols;
    out.height = bgr.rows;
    out.pixels.resize(static_cast<size_t>(bgr.cols) * bgr.rows * 3);
    cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, out.pixels.data());
    if (bgr.channels() == 1)
        cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB);
    else if (bgr.channels() == 4)
        cv::cvtColor(bgr, rgb, cv::COLOR_BGRA2RGB);
    else
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
}

class CvSource : public VideoSource {
public:
    CvSource(std::string name, bool camera) : m_name(std::move(name)), m_camera(camera) {}

    std::string name() const override { return m_name; }
    bool isCamera() const override { return m_camera; }
    double fps() const override { return m_fps; }
    std::int64_t frameCount() const override { return m_count; }

    bool read(VideoFrame &frame) override
    {
        if (m_pending) {
            // The first frame, read by open to prove the file decodes.
            frame = std::move(*m_pending);
            m_pending.reset();
            frame.captured = VideoClock::now();
            return true;
        }
        cv::Mat m;
        if (!cvSucceeds([&] { return m_cap.read(m) && !m.empty(); })) {
            if (m_camera)
                throw Error(m_name + ": stopped delivering frames (disconnected, or taken by another program)");
            // A cut file ends early: its header promises more frames than it has.
            // One frame of slack: containers round their durations.
            if (m_count > 0 && m_next < m_count - 1)
                throw Error(m_name + ": truncated or damaged: the stream ended after " + std::to_string(m_next) +
                            " of " + std::to_string(m_count) + " frames");
            return false;
        }
        if (std::int64_t(m.cols) * m.rows > kMaxVideoFramePixels) // a stream whose size changes mid-way
            throw Error(m_name + ": " + framePixelsMessage(m.cols, m.rows));
        frame.index = m_next++;
        frame.positionMs = m_camera ? msSince(m_opened) : m_cap.get(cv::CAP_PROP_POS_MSEC);
        frame.captured = VideoClock::now();
        toRgb(m, frame.image);
        return true;
    }

    bool rewind() override
    {
        if (m_camera)
            return false;
        m_pending.reset();
        if (!m_cap.set(cv::CAP_PROP_POS_FRAMES, 0)) {
            // Some demuxers cannot seek: reopen instead.
            m_cap.release();
            if (!m_cap.open(m_path, cv::CAP_FFMPEG))
                throw Error(m_name + ": cannot reopen the file to loop it");
        }
        m_next = 0;
        return true;
    }

    bool seek(std::int64_t index) override
    {
        if (m_camera)
            return false;
        index = std::max<std::int64_t>(index, 0);
        if (index == 0)
            return rewind();
        m_pending.reset();
        const bool exact = cvSucceeds([&] {
            return m_cap.set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(index)) &&
                   static_cast<std::int64_t>(m_cap.get(cv::CAP_PROP_POS_FRAMES)) == index;
        });
        if (!exact) {
            // A demuxer that cannot seek to a frame: from the start, grabbing without decoding.
            rewind();
            for (std::int64_t i = 0; i < index; ++i)
                if (!m_cap.grab())
                    return false;
        }
        m_next = index;
        return true;
    }

    cv::VideoCapture m_cap;
    std::string m_name, m_path;
    bool m_camera = false;
    double m_fps = 0;
    std::int64_t m_count = -1;
    std::int64_t m_next = 0;
    std::optional<VideoFrame> m_pending;
    VideoClock::time_point m_opened = VideoClock::now();
};

std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::string VideoInput::describe() const
{
    return file.empty() ? "camera " + std::to_string(camera) : file;
}

bool VideoSource::seek(std::int64_t index)
{
    if (isCamera() || !rewind())
        return false;
    VideoFrame skipped;
    for (std::int64_t i = 0; i < index; ++i)
        if (!read(skipped))
            return false;
    return true;
}

std::unique_ptr<VideoSource> openVideoFile(const std::string &path)
{
    quietOpenCv();
    if (path.empty())
        throw Error("video: empty file name");
    // Missing, unreadable, a folder or a FIFO: say which, before OpenCV guesses.
    { auto f = openRegularFile(path); }
    std::error_code ec;
    if (fs::file_size(path, ec) == 0 && !ec)
        throw Error(path + ": empty file");
    refuseHugeFramesFromHeader(path);
    auto s = std::make_unique<CvSource>(path, false);
    s->m_path = path;
    if (!cvSucceeds([&] { return s->m_cap.open(path, cv::CAP_FFMPEG); }))
        throw Error(path + ": not a video file OpenCV can read");
    // The container's frame size, known before the first frame is decoded.
    const double width = s->m_cap.get(cv::CAP_PROP_FRAME_WIDTH), height = s->m_cap.get(cv::CAP_PROP_FRAME_HEIGHT);
    if (!(width >= 0 && height >= 0 && width * height <= double(kMaxVideoFramePixels)))
        throw Error(printableText(path) + ": " +
                    framePixelsMessage(static_cast<std::int64_t>(width), static_cast<std::int64_t>(height)));
    s->m_fps = captureFps(s->m_cap);
    const double count = s->m_cap.get(cv::CAP_PROP_FRAME_COUNT);
    s->m_count = std::isfinite(count) && count > 0 ? static_cast<std::int64_t>(std::llround(count)) : -1;
    // Prove that it decodes: a still image opened as a one-frame "video" by
    // FFmpeg is fine, but a file of the right header and no frames is not.
    cv::Mat first;
    if (!cvSucceeds([&] { return s->m_cap.read(first) && !first.empty(); }))
        throw Error(path + ": no frame could be decoded (not a video, or truncated)");
    if (std::int64_t(first.cols) * first.rows > kMaxVideoFramePixels)
        throw Error(printableText(path) + ": " + framePixelsMessage(first.cols, first.rows));
    VideoFrame f;
    f.index = 0;
    f.positionMs = 0;
    toRgb(first, f.image);
    s->m_pending = std::move(f);
    s->m_next = 1;
    return s;
}

std::unique_ptr<VideoSource> openCamera(int index)
{
    quietOpenCv();
    if (index < 0 || index > 63)
        throw Error("camera: index must be between 0 and 63 (got " + std::to_string(index) + ")");
    const std::string dev = "/dev/video" + std::to_string(index);
    struct stat st {};
    if (::stat(dev.c_str(), &st) != 0) {
        const auto found = listCameras();
        throw Error("camera " + std::to_string(index) + ": no camera found (" + dev + " does not exist" +
                    (found.empty() ? std::string("; this machine has no /dev/video* device)")
                                   : "; found " + found.front().device + (found.size() > 1 ? ", ..." : "") + ")"));
    }
    const std::string name = "camera " + std::to_string(index) + " (" + dev + ")";
    auto s = std::make_unique<CvSource>(name, true);
    if (!cvSucceeds([&] { return s->m_cap.open(index, cv::CAP_V4L2); }))
        throw Error(name + ": cannot open it (busy in another program, no permission, or not a capture device)");
    s->m_fps = captureFps(s->m_cap);
    s->m_count = -1;
    s->m_opened = VideoClock::now();
    return s;
}

std::unique_ptr<VideoSource> openVideo(const VideoInput &input)
{
    return input.file.empty() ? openCamera(input.camera) : openVideoFile(input.file);
}

std::vector<CameraInfo> listCameras()
{
    std::vector<CameraInfo> out;
    for (int i = 0; i < 64; ++i) {
        const std::string dev = "/dev/video" + std::to_string(i);
        struct stat st {};
        if (::stat(dev.c_str(), &st) != 0 || !S_ISCHR(st.st_mode))
            continue;
        CameraInfo c;
        c.index = i;
        c.device = dev;
        std::ifstream nameFile("/sys/class/video4linux/video" + std::to_string(i) + "/name");
        std::getline(nameFile, c.name);
        out.push_back(c);
    }
    return out;
}

const std::vector<std::string> &videoFileExtensions()
{
    static const std::vector<std::string> ext = {"avi", "mp4", "mkv", "mov", "webm", "m4v", "mpg", "mpeg", "ogv", "wmv"};
    return ext;
}

bool looksLikeVideoFile(const std::string &path)
{
    std::string ext = lower(fs::path(path).extension().string());
    if (!ext.empty() && ext[0] == '.')
        ext.erase(0, 1);
    const auto &all = videoFileExtensions();
    return std::find(all.begin(), all.end(), ext) != all.end();
}

void LatestFrame::put(VideoFrame frame)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_slot)
            ++m_dropped;
        m_slot = std::move(frame);
    }
    m_wake.notify_all();
}

std::optional<VideoFrame> LatestFrame::take()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    std::optional<VideoFrame> out = std::move(m_slot);
    m_slot.reset();
    if (out)
        ++m_delivered;
    return out;
}

std::optional<VideoFrame> LatestFrame::waitTake(std::chrono::milliseconds timeout)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_wake.wait_for(lock, timeout, [this] { return m_closed || m_slot.has_value(); });
    std::optional<VideoFrame> out = std::move(m_slot);
    m_slot.reset();
    if (out)
        ++m_delivered;
    return out;
}

void LatestFrame::close()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_closed = true;
    }
    m_wake.notify_all();
}

void LatestFrame::reset()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_slot.reset();
    m_dropped = m_delivered = 0;
    m_closed = false;
}

std::int64_t LatestFrame::dropped() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_dropped;
}

std::int64_t LatestFrame::delivered() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_delivered;
}

void RateMeter::tick(VideoClock::time_point t)
{
    m_times.push_back(t);
    if (m_times.size() > m_window)
        m_times.erase(m_times.begin());
}

double RateMeter::perSecond() const
{
    if (m_times.size() < 2)
        return 0;
    const double s = std::chrono::duration<double>(m_times.back() - m_times.front()).count();
    return s > 0 ? static_cast<double>(m_times.size() - 1) / s : 0;
}

void validateVideoRunOptions(const VideoRunOptions &o)
{
    if (o.every < 1 || o.every > 10000)
        throw SpecError("every", "every: must be between 1 and 10000 (got " + std::to_string(o.every) + ")");
    if (o.limit < 0)
        throw SpecError("limit", "limit: must be 0 (all) or more (got " + std::to_string(o.limit) + ")");
    if (o.topk < 1 || o.topk > 1000)
        throw SpecError("topk", "topk: must be between 1 and 1000 (got " + std::to_string(o.topk) + ")");
    if (!o.outDir.empty() && o.block.empty())
        throw SpecError("block", "block: writing the group grids (--out) needs a block, e.g. --block layer2.0");
}

VideoRunSummary runVideo(Model &model, VideoSource &source, const VideoRunOptions &o,
                         const std::function<bool(const VideoFrameResult &)> &frame)
{
    validateVideoRunOptions(o);
    if (!o.block.empty())
        checkBlock(model.info().spec, parseBlockName(o.block), o.block);
    if (!o.outDir.empty())
        ensureFolder(o.outDir, "out");
    VideoRunSummary sum;
    sum.source = source.name();
    sum.sourceFps = source.fps();
    const auto start = VideoClock::now();
    for (;;) {
        if (o.limit > 0 && sum.framesAnalysed >= o.limit)
            break;
        const auto t0 = VideoClock::now();
        VideoFrame f;
        if (!source.read(f))
            break;
        ++sum.framesRead;
        if (f.index % o.every != 0)
            continue;
        const double readMs = msSince(t0);
        VideoFrameResult r;
        r.index = f.index;
        r.positionMs = f.positionMs;
        Analysis a = model.analyze(f.image, o.topk, o.block);
        r.top = a.top;
        r.timings = a.timings;
        r.timings.decodeMs = readMs;
        if (!o.outDir.empty()) {
            const auto t1 = VideoClock::now();
            char name[32];
            std::snprintf(name, sizeof name, "frame_%06lld.png", static_cast<long long>(f.index));
            r.gridFile = (fs::path(o.outDir) / name).string();
            writePng(r.gridFile, renderGroups(a.features, o.colormap, o.norm));
            r.renderMs = msSince(t1);
        }
        r.totalMs = msSince(t0);
        ++sum.framesAnalysed;
        if (frame && !frame(r))
            throw Cancelled();
    }
    sum.seconds = std::chrono::duration<double>(VideoClock::now() - start).count();
    sum.analysedPerSecond = sum.seconds > 0 ? static_cast<double>(sum.framesAnalysed) / sum.seconds : 0;
    return sum;
}

void writeSlideshow(const std::vector<std::string> &images, const std::string &out, const SlideshowOptions &o)
{
    quietOpenCv();
    if (images.empty())
        throw Error("make-clip: give one or more image files");
    if (o.size < 16 || o.size > 2048)
        throw SpecError("size", "size: must be between 16 and 2048 (got " + std::to_string(o.size) + ")");
    if (!(o.fps >= 1 && o.fps <= 120))
        throw SpecError("fps", "fps: must be between 1 and 120");
    if (!(o.secondsPerImage > 0 && o.secondsPerImage <= 60))
        throw SpecError("seconds-per-image", "seconds-per-image: must be more than 0 and at most 60");
    if (o.fourcc.size() != 4)
        throw SpecError("fourcc", "fourcc: must be four characters, e.g. MJPG");
    checkWritableFile(out, "out");
    // The zoom shows at most a quarter of an image's longest side in a frame of
    // o.size pixels: an image is kept at no more than 4 x o.size a side (shrunk
    // as soon as it is decoded), so a huge picture costs one decode, not a
    // letterbox square of its longest side squared.
    const int keepSide = 4 * o.size;
    std::vector<cv::Mat> squares;
    for (const auto &p : images) {
        cv::Mat bgr;
        {
            const RgbImage img = decodeImage(p); // refuses > 50 MP before decoding
            cv::Mat rgb(img.height, img.width, CV_8UC3, const_cast<std::uint8_t *>(img.pixels.data()));
            const double scale = std::min(1.0, double(keepSide) / std::max(img.width, img.height));
            cv::Mat small;
            if (scale < 1.0)
                cv::resize(rgb, small,
                           cv::Size(std::max(1, static_cast<int>(std::lround(img.width * scale))),
                                    std::max(1, static_cast<int>(std::lround(img.height * scale)))),
                           0, 0, cv::INTER_AREA);
            else
                small = rgb.clone();
            cv::cvtColor(small, bgr, cv::COLOR_RGB2BGR);
        }
        // Letterbox into a square.
        const int side = std::max(bgr.cols, bgr.rows);
        cv::Mat square(side, side, CV_8UC3, cv::Scalar(0, 0, 0));
        bgr.copyTo(square(cv::Rect((side - bgr.cols) / 2, (side - bgr.rows) / 2, bgr.cols, bgr.rows)));
        squares.push_back(std::move(square));
    }
    // OpenCV picks the container from the extension: the private temporary name keeps it.
    AtomicOutputPath target(out);
    cv::VideoWriter writer;
    const int fourcc = cv::VideoWriter::fourcc(o.fourcc[0], o.fourcc[1], o.fourcc[2], o.fourcc[3]);
    if (!writer.open(target.tempPath(), cv::CAP_FFMPEG, fourcc, o.fps, cv::Size(o.size, o.size), true))
        throw Error(out + ": cannot write a " + o.fourcc + " video with this OpenCV (try another --fourcc or .avi)");
    const int perImage = std::max(1, static_cast<int>(std::lround(o.fps * o.secondsPerImage)));
    std::int64_t written = 0;
    for (const cv::Mat &square : squares) {
        const int side = square.cols;
        // Zoom slowly into the centre.
        for (int k = 0; k < perImage; ++k) {
            const double z = 1.0 + (o.zoom - 1.0) * k / std::max(1, perImage - 1);
            const int w = std::max(1, static_cast<int>(std::lround(side / z)));
            const cv::Rect crop((side - w) / 2, (side - w) / 2, w, w);
            cv::Mat frame;
            cv::resize(square(crop), frame, cv::Size(o.size, o.size), 0, 0,
                       w < o.size ? cv::INTER_LINEAR : cv::INTER_AREA);
            writer.write(frame);
            ++written;
        }
    }
    writer.release();
    // cv::VideoWriter reports no write error (a full disk): read the clip back
    // and count its frames before it replaces anything.
    {
        cv::VideoCapture check;
        std::int64_t frames = 0;
        try {
            if (check.open(target.tempPath(), cv::CAP_FFMPEG)) {
                while (check.grab())
                    ++frames;
            }
        } catch (const cv::Exception &) {
            frames = -1;
        }
        if (frames != written)
            throw Error(printableText(out) + ": cannot write file (the clip holds " + std::to_string(std::max<std::int64_t>(frames, 0)) +
                        " of " + std::to_string(written) + " frames; disk full?)");
    }
    target.commit();
}

} // namespace resnext
