#pragma once
// The headless front end: `resnext-explorer <subcommand> ...`. Needs no display.

#include "resnext/report.h"
#include "resnext/spec.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

// Subcommand name -> its main(argc, argv); each cli_*.cpp contributes a table.
using CommandTable = std::map<std::string, std::function<int(int, char **)>>;

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
    // Throws UsageError "<command>: --key VALUE is required (WHY)" when --key is not given.
    void require(const std::string &key, const std::string &value, const std::string &why = {}) const;
    // Sets `into` from --key when it is given (resnext::parseInt / parseFiniteNumber:
    // a bad value throws SpecError); leaves it as it is otherwise.
    void read(const std::string &key, int &into) const;
    void read(const std::string &key, double &into) const;
    // A seed: an integer, 0 or more (a negative one would wrap to 2^64 - 1).
    void read(const std::string &key, std::uint64_t &into) const;
    // A comma-separated list of integers (resnext::parseIntList).
    void read(const std::string &key, std::vector<int> &into) const;
    // Any other value: into = parse(value), e.g. read("stem", spec.stem, resnext::parseStem).
    template <class T, class Parse>
    void read(const std::string &key, T &into, Parse parse) const
    {
        if (has(key))
            into = parse(get(key));
    }
};

// --key's value as a count of `what` (0 = all). Throws resnext::SpecError
// "key: must be 0 (all) or a number of <what> (got N)" for a negative one.
std::size_t parseCount(const Args &args, const std::string &key, const std::string &what);

// --format (default table) for args.command: table or json, and csv where `csv`.
// Another throws SpecError "format: <command> supports table or json (got 'x')".
resnext::Format formatArg(const Args &args, bool csv = false);

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
