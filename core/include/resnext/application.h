#pragma once
// The application layer both front ends share: what kind of file a path is
// (judged by its content, not its name) and opening a model with a typed report
// of everything worth telling the user. The CLI prints the report, the window
// shows it; neither decides anything on its own, and neither reads an error's
// text to know what happened. No LibTorch here: models come through Engine.

#include "resnext/engine.h"
#include "resnext/usecases.h"
#include "resnext/error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resnext {

// What a path holds, by content: the first bytes of a file, or a directory.
enum class PathKind {
    Missing, // nothing there, or not readable
    Folder,  // a directory (a data set, a folder of photos)
    Image,   // PNG, JPEG, BMP, WebP or TIFF (probeImage recognises its header)
    Weights, // safetensors, a torch.save zip (.pth/.pt) or a legacy PyTorch pickle
    Video,   // AVI, MP4/MOV, Matroska/WebM, MPEG, Ogg, ASF; or unknown content with a video extension
    Other,   // none of these (shown to the user as "not an image")
};
PathKind classifyPath(const std::string &path);
const char *toString(PathKind kind);

// WeightsMismatch (error.h) is the partial-load offer openModel throws.

// Where a model comes from.
struct ModelRequest {
    enum class Source { Builtin, Weights, Spec };
    Source source = Source::Builtin;
    std::string weights;             // Source::Weights: a safetensors or torch.save file (by content)
    ArchSpec spec;                   // Source::Spec: this architecture with random weights (seed 0)
    std::string labels;              // a labels file for Weights or Spec; empty: the file's own, else defaults
    std::optional<BlockForm> form;   // Weights: the block form to build (forms compute the same function)
    bool allowPartial = false;       // Weights: load what matches instead of throwing WeightsMismatch
    std::string device = "cpu";      // "cpu" or "cuda"; CUDA falls back to the CPU with a note
};

// One thing the user should hear about an opened model.
struct ModelNote {
    enum class Kind {
        CudaUnavailable, // CUDA asked for, not in this build or on this machine: the CPU runs it
        CudaFailed,      // CUDA asked for and failed (detail: the error): the CPU runs it
        NonFinite,       // count weights are NaN or infinite: the outputs are meaningless
        PartialLoad,     // a partial load left tensors at their initial values (see the report)
    };
    Kind kind;
    std::size_t count = 0; // NonFinite: how many values
    std::string detail;    // CudaFailed: the CUDA error
};

struct OpenedModel {
    std::unique_ptr<Model> model;
    LoadReport load;              // Source::Weights: the file against the plan; empty otherwise
    std::vector<ModelNote> notes; // in the order they happened
};

// Opens the model of `request` on its device. Throws WeightsMismatch (see
// above), Error naming the file or spec for anything else.
OpenedModel openModel(Engine &engine, const ModelRequest &request);

// The inference path that runs for `chosen` on a device: the fast paths are
// CPU-only, so on CUDA the plain path runs whatever was chosen. The Model
// overload: its chosen path on its device (what a result or report names).
InferencePath runningPath(InferencePath chosen, bool onCpu);
InferencePath runningPath(const Model &model);

// The sample images that ship with the program: the installed copy beside it
// (../share/resnext-explorer/sample_images), else the source tree's; "" when neither exists.
std::string sampleImagesDir();

// One finished training run without its model: what the front ends show in a
// results table (the window's Train panel, the CLI's summary).
struct TrainRunSummary {
    ArchSpec spec;
    Totals totals;                // analytic counts per image
    double secondsPerEpoch = 0;
    double testAccuracy = 0;      // fraction in [0, 1]
};
std::vector<TrainRunSummary> summarize(const TrainOutcome &outcome);

} // namespace resnext
