#pragma once
// The headless front end: `resnext-explorer <subcommand> ...`. Needs no display.

#include "resnext/spec.h"

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

// A command-line mistake (unknown option, missing value); exit code 2 like a bad spec.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Args {
    std::string command;
    std::map<std::string, std::string> options; // --key value / --key=value
    std::set<std::string> flags;                // --flag
    std::vector<std::string> positional;
    bool has(const std::string &key) const { return options.count(key) > 0; }
    std::string get(const std::string &key, const std::string &fallback = {}) const;
};

// Options that describe an architecture, accepted by every command that takes a spec.
extern const std::set<std::string> kSpecOptions;

// Parses argv[first..] for `command` given the options that take values and the
// boolean flags it accepts. Words that are not options (file names) are kept
// only when positionalAllowed. Throws UsageError for anything else.
Args parse(const std::string &command, int argc, char **argv, int first, const std::set<std::string> &valued,
           const std::set<std::string> &flags, bool positionalAllowed = false);

// --preset NAME and/or the spec flags (--layers, --cardinality, --width, --stem,
// --block, --expansion, --form, --input, --classes, --planes, --channels) on top
// of the default ResNet-50 spec; validated. Throws resnext::SpecError.
resnext::ArchSpec specFromArgs(const Args &args);

bool isCommand(const std::string &word);

// What `snapshot` asks of the window (parsed and checked here, rendered by the GUI).
struct SnapshotRequest {
    std::string out;           // file to write: .png, .svg or .pdf
    std::string format;        // png, svg or pdf; empty: from out's suffix (must agree when given)
    // all, a panel (architecture, complexity, block, charts, cost (measures the sweep), layers, ...)
    // or a figure (cardinality, block-diagram, feature-grid, ...: drawn at width x height exactly)
    std::string panel = "all";
    resnext::ArchSpec spec;
    int width = 1600;
    int height = 1000;
    std::string image;   // classify this image first (classify panel / whole window)
    std::string weights; // with these weights instead of the built-in model
    std::string video;   // play this video file in the classify panel ...
    int videoFrames = 30; // ... until this many frames were shown, then pause (Grad-CAM of the last)
};
// Renders a snapshot; the GUI's renderSnapshot. The command line never links a
// panel: the program's main() hands the renderer in.
using SnapshotRenderer = int (*)(int argc, char **argv, const SnapshotRequest &request);

// Runs a subcommand; returns the process exit code (0 ok, 2 bad input, 1 failure).
// Without a renderer, `snapshot` says that this build has no window.
int run(int argc, char **argv, SnapshotRenderer renderSnapshot = nullptr);

} // namespace cli
