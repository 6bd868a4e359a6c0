#include "resnext/application.h"

#include "resnext/checkpoint.h"
#include "resnext/fileio.h"
#include "resnext/preprocess.h"
#include "resnext/image.h"
#include "resnext/pytorch_file.h"
#include "resnext/text.h"
#include "resnext/video.h"

#include <cstring>
#include <filesystem>
#include <fstream>

namespace resnext {

namespace {

bool startsWith(const std::string &s, const char *prefix, std::size_t at = 0)
{
    const std::size_t n = std::strlen(prefix);
    return s.size() >= at + n && s.compare(at, n, prefix) == 0;
}

// A safetensors file starts with the little-endian length of its JSON header,
// and the header with '{'.
bool looksLikeSafetensors(const std::string &head, std::uintmax_t fileSize)
{
    if (head.size() < 9)
        return false;
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(head[i]);
    return n >= 2 && n <= fileSize - 8 && head[8] == '{';
}

bool looksLikeVideo(const std::string &head)
{
    return (startsWith(head, "RIFF") && startsWith(head, "AVI ", 8))  // AVI
           || startsWith(head, "ftyp", 4)                               // MP4, MOV, M4V
           || startsWith(head, "\x1A\x45\xDF\xA3")                      // Matroska, WebM
           || startsWith(head, "OggS")                                  // Ogg (Theora)
           || startsWith(head, "\x30\x26\xB2\x75\x8E\x66\xCF\x11");     // ASF (WMV)
}

} // namespace

PathKind classifyPath(const std::string &path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st))
        return PathKind::Missing;
    if (fs::is_directory(st))
        return PathKind::Folder;
    if (!fs::is_regular_file(st))
        return PathKind::Other; // a FIFO or a device would block or never end
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return PathKind::Missing;
    std::string head(64, '\0');
    in.read(&head[0], static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    const std::uintmax_t size = fs::file_size(path, ec);
    if (looksLikeVideo(head) || head.compare(0, 4, std::string("\x00\x00\x01\xBA", 4)) == 0) // MPEG-PS
        return PathKind::Video;
    try {
        probeImage(head, path);
        return PathKind::Image;
    } catch (const Error &) {
        // "truncated header" for a real image whose size lies further in: look at more of it.
        if (head.size() == 64) {
            in.clear();
            in.seekg(0);
            std::string more(64 * 1024, '\0');
            in.read(&more[0], static_cast<std::streamsize>(more.size()));
            more.resize(static_cast<std::size_t>(in.gcount()));
            try {
                probeImage(more, path);
                return PathKind::Image;
            } catch (const Error &) {
            }
        }
    }
    if (sniffWeightsFormat(head) != WeightsFormat::Safetensors || (!ec && looksLikeSafetensors(head, size)))
        return PathKind::Weights;
    if (looksLikeVideoFile(path)) // a container OpenCV may know that the signatures above do not list
        return PathKind::Video;
    return PathKind::Other;
}

const char *toString(PathKind kind)
{
    return nameOf(kind,
                  {{"missing", PathKind::Missing}, {"folder", PathKind::Folder}, {"image", PathKind::Image},
                   {"weights", PathKind::Weights}, {"video", PathKind::Video}},
                  "other");
}

InferencePath runningPath(InferencePath chosen, bool onCpu) { return onCpu ? chosen : InferencePath::Plain; }

InferencePath runningPath(const Model &model) { return runningPath(model.inferencePath(), model.device() == "cpu"); }

OpenedModel openModel(Engine &engine, const ModelRequest &request)
{
    OpenedModel out;
    std::string device = request.device;
    if (device != "cpu" && device != "cuda")
        throw SpecError("device", "device: unknown value '" + device + "'; use cpu or cuda");
    if (device == "cuda" && !engine.deviceInfo().cudaAvailable) {
        out.notes.push_back({ModelNote::Kind::CudaUnavailable, 0, {}});
        device = "cpu";
    }
    const auto make = [&](const std::string &dev) -> std::unique_ptr<Model> {
        switch (request.source) {
        case ModelRequest::Source::Weights: {
            LoadOptions o;
            o.allowPartial = request.allowPartial;
            o.labelsPath = request.labels;
            o.form = request.form;
            out.load = LoadReport{};
            return engine.load(request.weights, o, &out.load, dev);
        }
        case ModelRequest::Source::Spec: {
            ModelInfo info;
            info.spec = request.spec;
            info.preprocessing = defaultPreprocessing(request.spec);
            if (!request.labels.empty()) {
                info.labels = readLabelsFile(request.labels);
                // The same check as a weights file's labels: one name per class.
                if (static_cast<int>(info.labels.size()) != request.spec.numClasses)
                    throw Error(printableText(request.labels) + ": " + std::to_string(info.labels.size()) +
                                " labels for a model of " + std::to_string(request.spec.numClasses) + " classes");
            }
            return engine.create(info, 0, dev);
        }
        case ModelRequest::Source::Builtin:
            break;
        }
        return engine.loadBuiltin(dev);
    };
    if (device == "cuda") {
        try {
            out.model = make("cuda");
        } catch (const WeightsMismatch &) {
            throw; // the file, not the device: the CPU would say the same
        } catch (const Error &e) {
            out.notes.push_back({ModelNote::Kind::CudaFailed, 0, e.what()});
        }
    }
    if (!out.model)
        out.model = make("cpu");
    if (out.load.nonFinite)
        out.notes.push_back({ModelNote::Kind::NonFinite, out.load.nonFinite, {}});
    if (request.source == ModelRequest::Source::Weights && request.allowPartial && !out.load.ok())
        out.notes.push_back({ModelNote::Kind::PartialLoad, 0, {}});
    return out;
}

std::string sampleImagesDir()
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path() / ".." / "share" / "resnext-explorer" / "sample_images";
        if (fs::is_directory(installed, ec))
            return fs::canonical(installed, ec).string();
    }
    return fs::is_directory(RESNEXT_SAMPLE_DIR, ec) ? std::string(RESNEXT_SAMPLE_DIR) : std::string();
}

std::vector<TrainRunSummary> summarize(const TrainOutcome &outcome)
{
    std::vector<TrainRunSummary> out;
    for (const TrainRun &r : outcome.runs)
        out.push_back({r.spec, r.totals, r.secondsPerEpoch(), r.test.accuracy()});
    return out;
}

} // namespace resnext
