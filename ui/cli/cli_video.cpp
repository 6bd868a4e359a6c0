#include "cli_video.h"

#include "cli.h"
#include "cli_engine.h"

#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/plan.h"
#include "resnext/report.h"
#include "resnext/serialize.h"
#include "resnext/validate.h"
#include "resnext/video.h"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {

namespace {

using namespace resnext;

std::string fixed(double v, int digits)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(digits) << v;
    return os.str();
}

double rounded(double v) { return std::round(v * 1000.0) / 1000.0; }

int cmdVideo(int argc, char **argv)
{
    std::set<std::string> valued = kSpecOptions;
    valued.insert(kModelValueOptions.begin(), kModelValueOptions.end());
    valued.insert({"every", "limit", "format", "out", "colormap", "norm", "topk", "camera"});
    const Args a = parse("video", argc, argv, 2, valued, kModelFlagOptions, true);
    if (a.positional.size() > 1)
        throw UsageError("video: give one video file (or --camera N)");
    if (a.positional.empty() && !a.has("camera"))
        throw UsageError("video: give a video file (or --camera N)");
    if (!a.positional.empty() && a.has("camera"))
        throw UsageError("video: give a video file or --camera N, not both");
    const auto format = formatArg(a, true);
    VideoRunOptions o;
    a.read("every", o.every);
    if (a.has("limit")) // an int64_t: frames
        o.limit = parseInt("limit", a.get("limit"));
    a.read("topk", o.topk);
    o.outDir = a.get("out");
    // --block names a residual block here (as in `features`), not the spec's block kind.
    o.block = a.get("block", o.outDir.empty() ? "" : "layer1.0");
    if (a.has("block") && o.block.empty())
        throw UsageError("block: empty; name a residual block like layer2.0");
    o.colormap = parseColormap(a.get("colormap", "viridis"));
    o.norm = parseNormalization(a.get("norm", "channel"));
    validateVideoRunOptions(o);
    if (!o.block.empty())
        parseBlockName(o.block);
    VideoInput input;
    if (a.has("camera"))
        input.camera = parseInt("camera", a.get("camera"));
    else if ((input.file = a.positional.front()).empty())
        throw UsageError("video: the video file name is empty");
    // Bad input first, before the engine's second of start-up.
    std::unique_ptr<VideoSource> source = openVideo(input);
    Args modelArgs = a;
    modelArgs.options.erase("block");
    auto model = loadModelFromArgs(modelArgs);
    const ModelInfo &info = model->info();
    if (!o.block.empty())
        checkBlock(info.spec, parseBlockName(o.block), o.block); // before the table's header
    const int threads = loadEngine().deviceInfo().threads;

    Json frames = Json::array();
    if (format == Format::Table) {
        std::cout << "model: " << describe(info.spec) << " (" << printableText(info.source) << ") on "
                  << model->device() << ", " << threads << " threads\n"
                  << "video: " << printableText(source->name()) << ", "
                  << (source->fps() > 0 ? fixed(source->fps(), 2) + " frames/s" : std::string("rate unknown"))
                  << (source->frameCount() > 0 ? ", " + std::to_string(source->frameCount()) + " frames" : std::string())
                  << (o.block.empty() ? std::string() : ", maps of " + o.block) << "\n"
                  << std::setw(7) << "frame" << std::setw(10) << "time_s" << "  " << std::left << std::setw(24)
                  << "top-1" << std::right << std::setw(8) << "prob" << std::setw(9) << "read_ms" << std::setw(9)
                  << "pre_ms" << std::setw(9) << "fwd_ms" << std::setw(9) << "maps_ms" << std::setw(9) << "png_ms"
                  << std::setw(10) << "total_ms" << "\n";
    } else if (format == Format::Csv) {
        std::cout << "frame,time_s,top1_index,top1_label,top1_probability,read_ms,preprocess_ms,forward_ms,"
                     "features_ms,png_ms,total_ms,png\n";
    }
    const auto onFrame = [&](const VideoFrameResult &r) {
        const Prediction &p = r.top.front();
        const Timings &t = r.timings;
        if (format == Format::Table) {
            std::cout << std::setw(7) << r.index << std::setw(10) << fixed(r.positionMs / 1000.0, 3) << "  "
                      << std::left << std::setw(24) << printableText(p.label, 23) << std::right << std::setw(8)
                      << (std::isfinite(p.probability) ? fixed(100 * p.probability, 1) + "%" : std::string("n/a"))
                      << std::setw(9) << fixed(t.decodeMs, 1) << std::setw(9) << fixed(t.preprocessMs, 1)
                      << std::setw(9) << fixed(t.forwardMs, 1) << std::setw(9) << fixed(t.featuresMs, 1)
                      << std::setw(9) << fixed(r.renderMs, 1) << std::setw(10) << fixed(r.totalMs, 1) << "\n";
        } else if (format == Format::Csv) {
            std::cout << r.index << "," << fixed(r.positionMs / 1000.0, 3) << "," << p.index << ","
                      << csvField(p.label) << "," << p.probability << "," << fixed(t.decodeMs, 3) << ","
                      << fixed(t.preprocessMs, 3) << "," << fixed(t.forwardMs, 3) << "," << fixed(t.featuresMs, 3)
                      << "," << fixed(r.renderMs, 3) << "," << fixed(r.totalMs, 3) << "," << csvField(r.gridFile)
                      << "\n";
        } else {
            Json top = Json::array();
            for (const auto &q : r.top)
                top.push_back({{"index", q.index}, {"label", q.label}, {"probability", q.probability}});
            Json one{{"frame", r.index},
                     {"time_s", rounded(r.positionMs / 1000.0)},
                     {"top", top},
                     {"timings_ms",
                      {{"read", rounded(t.decodeMs)},
                       {"preprocess", rounded(t.preprocessMs)},
                       {"forward", rounded(t.forwardMs)},
                       {"features", rounded(t.featuresMs)},
                       {"png", rounded(r.renderMs)},
                       {"total", rounded(r.totalMs)}}}};
            if (!r.gridFile.empty())
                one["png"] = r.gridFile;
            frames.push_back(one);
        }
        return true;
    };
    const VideoRunSummary s = runVideo(*model, *source, o, onFrame);
    if (format == Format::Table) {
        std::cout << s.framesAnalysed << " of " << s.framesRead << " frames analysed in " << fixed(s.seconds, 2)
                  << " s: " << fixed(s.analysedPerSecond, 1) << " frames/s";
        if (!o.outDir.empty())
            std::cout << "; group grids of " << o.block << " in " << printableText(o.outDir);
        std::cout << "\n";
    } else if (format == Format::Json) {
        std::cout << dumpJson(Json{{"model", describe(info.spec)},
                                   {"weights", info.source},
                                   {"device", model->device()},
                                   {"threads", threads},
                                   {"video", s.source},
                                   {"video_fps", s.sourceFps},
                                   {"block", o.block},
                                   {"every", o.every},
                                   {"frames_read", s.framesRead},
                                   {"frames_analysed", s.framesAnalysed},
                                   {"seconds", rounded(s.seconds)},
                                   {"frames_per_s", rounded(s.analysedPerSecond)},
                                   {"frames", frames}});
    }
    return 0;
}

int cmdMakeClip(int argc, char **argv)
{
    const Args a = parse("make-clip", argc, argv, 2, {"out", "size", "fps", "seconds-per-image", "zoom", "fourcc"}, {},
                         true);
    if (a.positional.empty())
        throw UsageError("make-clip: give one or more image files");
    a.require("out", "FILE.avi");
    SlideshowOptions o;
    a.read("size", o.size);
    a.read("fps", o.fps);
    a.read("seconds-per-image", o.secondsPerImage);
    a.read("zoom", o.zoom);
    if (!(o.zoom >= 1 && o.zoom <= 4))
        throw SpecError("zoom", "zoom: must be between 1 and 4");
    o.fourcc = a.get("fourcc", o.fourcc);
    writeSlideshow(a.positional, a.get("out"), o);
    const auto clip = openVideoFile(a.get("out"));
    std::cout << "wrote " << printableText(a.get("out")) << ": " << clip->frameCount() << " frames of " << o.size << "x"
              << o.size << " at " << fixed(o.fps, 1) << " frames/s (" << o.fourcc << ")\n";
    return 0;
}

} // namespace

const CommandTable &videoCommands()
{
    static const CommandTable all = {{"video", cmdVideo}, {"make-clip", cmdMakeClip}};
    return all;
}

} // namespace cli
