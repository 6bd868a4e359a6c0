#include "cli.h"
#include "cli_engine.h"
#include "cli_export.h"
#include "cli_weights.h"
#include "cli_profile.h"
#include "cli_experiment.h"
#include "cli_video.h"
#include "cli_groups.h"
#include "cli_progress.h"

#include "resnext/accounting.h"
#include "resnext/checkpoint.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/image.h"
#include "resnext/pytorch_file.h"
#include "resnext/weights_cache.h"
#include "resnext/safetensors.h"
#include "resnext/validate.h"
#include "resnext/report.h"


#include <filesystem>
#include <functional>
#include <iostream>
#include <streambuf>

namespace cli {

namespace {

// Passes everything to the stream buffer it wraps and remembers the last
// character written ('\0' before any), so that an error can end an open line.
class LastCharBuf : public std::streambuf {
public:
    explicit LastCharBuf(std::streambuf *inner) : m_inner(inner) {}
    std::streambuf *inner() const { return m_inner; }
    char last() const { return m_last; }

protected:
    int overflow(int c) override
    {
        if (c == traits_type::eof())
            return traits_type::not_eof(c);
        m_last = static_cast<char>(c);
        return m_inner->sputc(static_cast<char>(c));
    }
    std::streamsize xsputn(const char *s, std::streamsize n) override
    {
        if (n > 0)
            m_last = s[n - 1];
        return m_inner->sputn(s, n);
    }
    int sync() override { return m_inner->pubsync(); }

private:
    std::streambuf *m_inner;
    char m_last = '\0';
};

} // namespace

const std::set<std::string> kSpecOptions = {"preset", "layers",   "cardinality", "width",         "stem",
                                            "block",  "expansion", "form",       "input",         "classes",
                                            "planes", "channels",  "stem-channels", "se"};

namespace {

const char *kUsage = R"(ResNeXt Explorer: build, count and compare ResNet/ResNeXt variants.

Usage:
  resnext-explorer                      open the desktop application
  resnext-explorer summary [SPEC] [--format table|json|csv|markdown] [--count-all]
  resnext-explorer match --layers 3,4,6,3 --cardinality C [--by params|macs] [--format table|json]
  resnext-explorer presets [--format table|json|csv|markdown]
  resnext-explorer snapshot --out FILE.png|svg|pdf [SPEC] [--panel all|PANEL|FIGURE] [--size WxH] [--format png|svg|pdf]
                            [--image FILE] [--weights FILE]
                            [--video FILE [--video-frames 30]]
  resnext-explorer classify IMAGE... [MODEL] [--topk 5] [--plain | --bf16] [--format table|json]
  resnext-explorer features IMAGE --block layer2.0 --out DIR [MODEL] [--colormap viridis|magma|gray]
                            [--norm channel|group|layer] [--plain | --bf16]
  resnext-explorer profile [SPEC] [--sweep-cardinality] [--by params|macs] [--batch N] [--runs 10]
                          [--device cpu|cuda] [--threads N] [--dtype fp32|fp16] [--format table|json|csv]
  resnext-explorer profile [SPEC] --train-step [--batch 8] [--format table|json]
  resnext-explorer video FILE [MODEL] [--block layer2.0] [--every N] [--limit N] [--format table|json|csv]
                         [--out DIR] [--colormap viridis|magma|gray] [--norm channel|group|layer]
  resnext-explorer make-clip IMAGE... --out FILE.avi [--size 160] [--fps 30] [--seconds-per-image 0.5]
  resnext-explorer bench [MODEL] [--batch 1] [--runs 20] [--warmup 3] [--plain | --bf16] [--half] [--channels-last]
                        [--format table|json]
  resnext-explorer train --data fashion-mnist|DIR --out FILE.safetensors [SPEC] [--epochs 10] [--batch 128]
                         [--lr 0.1] [--seed 0] [--val-fraction 0.1] [--limit N] [--test-limit N]
                         [--compare-resnet] [--format table|json]
  resnext-explorer evaluate --data fashion-mnist|DIR [MODEL] [--batch 500] [--limit N] [--plain | --bf16] [--format table|json]
  resnext-explorer groups --data fashion-mnist|DIR --out DIR [--block layer2.0] [MODEL] [--limit N] [--top 8]
                          [--batch 500] [--keep-only] [--no-ablation] [--no-untrained] [--seed 0] [--plain]
                          [--format table|json]
  resnext-explorer export-samples --out DIR [--per-class 4]
  resnext-explorer export pytorch [SPEC | --weights FILE] --out model.py [--train-script]
  resnext-explorer export onnx [MODEL] --out model.onnx [--opset 13]
  resnext-explorer calibrate --data fashion-mnist|DIR --out FILE.safetensors [MODEL] [--val-fraction 0.1]
                             [--quantile 0.95] [--seed 0] [--format table|json]
  resnext-explorer convert FILE.pth --out FILE.safetensors
  resnext-explorer weights --list [--all] [--format table|json]   weights in the torchvision/Hugging Face caches
  resnext-explorer experiment cardinality|double|FILE.json --data fashion-mnist|DIR --out DIR [--depth N]
                              [--seeds 3] [--epochs E] [--limit N] [--by params|macs] [--cardinalities 1,2,4]
                              [--batch 128] [--lr 0.1] [--val-fraction 0.1] [--test-limit N] [--plot FILE.png] [SPEC]
                              [--threads N] [--format table|json]

SPEC is --preset NAME and/or:
  --layers 3,4,6,3        blocks per stage (1 to 6 stages)
  --cardinality C         groups of the 3x3 convolution (default 1)
  --width d               bottleneck width d, the paper's: channels per group at 64 planes (default 64);
                          a stage of P planes has w = d*P/64 channels per group
  --stem imagenet|cifar   7x7/2 conv + max-pool, or 3x3/1 conv without pooling
  --block basic|bottleneck
  --expansion 4           output channels = planes x expansion (bottleneck)
  --planes 64,128,...     base planes per stage (default doubling from 64)
  --form a|b|c            block form of the paper's Fig. 3 (counts are equal)
  --input 224             input height = width
  --classes 1000          classes of the final linear layer
  --channels 3            input image channels
  --stem-channels 64      channels of the stem convolution
  --se 16                 squeeze-and-excitation in every block, reduction ratio r (timm's SE-ResNeXt: 16;
                          default 0 = none)

MODEL is --weights FILE.safetensors|FILE.pth [--labels FILE] [--allow-partial], or a SPEC
(random weights), or by default the built-in Fashion-MNIST model; plus
--device cpu|cuda (falls back to the CPU with a note) and --threads N (default:
the cores not busy with other work, from /proc/loadavg, at least 1; give each of
several runs at once an explicit --threads).
classify, features and bench run on the CPU through oneDNN by default (BatchNorm
folded, weights prepacked, ReLU and residual sum fused; equal to the plain path
to 1e-4); --plain runs LibTorch's modules, --bf16 the oneDNN path in BF16 (it
first prints its top-1 agreement with FP32 on the sample images).

Counting: MACs of conv and linear layers only (torchvision/fvcore); FLOPs = 2 x MACs.
--count-all also counts BN, ReLU, pooling and the residual add.
Progress of long commands goes to stderr: one line updating in place on a
terminal (with the time left), plain lines when piped; --quiet silences it.
Exit codes: 0 success, 2 bad input, 1 internal failure.
)";

std::set<std::string> withSpec(std::set<std::string> extra)
{
    extra.insert(kSpecOptions.begin(), kSpecOptions.end());
    return extra;
}

int cmdSummary(int argc, char **argv)
{
    const Args a = parse("summary", argc, argv, 2, withSpec({"format"}), {"count-all"});
    const auto format = resnext::parseFormat(a.get("format", "table"));
    resnext::CountOptions opt;
    opt.countAll = a.flags.count("count-all") > 0;
    std::cout << resnext::formatSummary(resnext::summarize(specFromArgs(a), opt), format);
    return 0;
}

int cmdMatch(int argc, char **argv)
{
    const Args a = parse("match", argc, argv, 2, withSpec({"format", "by"}), {});
    const auto format = formatArg(a);
    a.require("cardinality", "", "the C to find d for");
    const auto by = resnext::parseMatchBy(a.get("by", "params"));
    const resnext::ArchSpec spec = specFromArgs(a);
    std::cout << resnext::formatMatch(resnext::matchWidth(spec, spec.cardinality, by), by, format);
    return 0;
}

int cmdPresets(int argc, char **argv)
{
    const Args a = parse("presets", argc, argv, 2, {"format"}, {});
    std::cout << resnext::formatPresets(resnext::parseFormat(a.get("format", "table")));
    return 0;
}

SnapshotRenderer g_renderSnapshot = nullptr; // set by run(): the GUI renders

int cmdSnapshot(int argc, char **argv)
{
    const Args a =
        parse("snapshot", argc, argv, 2, withSpec({"out", "panel", "size", "format", "image", "weights", "video", "video-frames"}), {});
    a.require("out", "FILE.png");
    SnapshotRequest req;
    req.out = a.get("out");
    req.panel = a.get("panel", "all");
    req.format = a.get("format");
    if (!req.format.empty() && req.format != "png" && req.format != "svg" && req.format != "pdf")
        throw UsageError("format: '" + req.format + "' is not png, svg or pdf");
    req.spec = specFromArgs(a);
    req.image = a.get("image");
    req.weights = a.get("weights");
    // Refuse a bad image or weights file here, before a window is rendered: a
    // snapshot of an error panel with exit 0 would hide the mistake.
    if (a.has("image"))
        resnext::decodeImage(req.image);
    if (a.has("weights"))
        resnext::canonicalTensors(resnext::readModelWeights(req.weights)); // safetensors or .pth, by content
    req.video = a.get("video"); // checked by renderSnapshot, before a window exists
    if (a.has("video-frames")) {
        req.videoFrames = resnext::parseInt("video-frames", a.get("video-frames"));
        if (req.videoFrames < 1 || req.videoFrames > 100000)
            throw UsageError("video-frames: must be between 1 and 100000 (got " + a.get("video-frames") + ")");
    }
    const std::string size = a.get("size", "1600x1000");
    const auto x = size.find('x');
    if (x == std::string::npos)
        throw UsageError("size: '" + size + "' is not WIDTHxHEIGHT, e.g. 1600x1000");
    req.width = resnext::parseInt("size", size.substr(0, x));
    req.height = resnext::parseInt("size", size.substr(x + 1));
    if (req.width < 320 || req.width > 8000 || req.height < 240 || req.height > 8000)
        throw UsageError("size: must be between 320x240 and 8000x8000 (got " + size + ")");
    if (!g_renderSnapshot)
        throw UsageError("snapshot: this build has no window to render");
    return g_renderSnapshot(argc, argv, req);
}

const CommandTable &commands()
{
    static const CommandTable all = [] {
        CommandTable m = {
            {"summary", cmdSummary}, {"match", cmdMatch}, {"presets", cmdPresets}, {"snapshot", cmdSnapshot},
            {"export", cmdExport},
            {"profile", cmdProfile},
            {"experiment", experimentCommand},
            {"groups", groupsCommand}};
        for (const auto &[name, f] : engineCommands())
            m.emplace(name, f);
        for (const auto &[name, f] : weightsCommands())
            m.emplace(name, f);
        for (const auto &[name, f] : videoCommands())
            m.emplace(name, f);
        return m;
    }();
    return all;
}

} // namespace

std::string Args::get(const std::string &key, const std::string &fallback) const
{
    const auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
}

void Args::require(const std::string &key, const std::string &value, const std::string &why) const
{
    if (!has(key))
        throw UsageError(command + ": --" + key + (value.empty() ? "" : " " + value) + " is required" +
                         (why.empty() ? "" : " (" + why + ")"));
}

void Args::read(const std::string &key, int &into) const
{
    if (has(key))
        into = resnext::parseInt(key, get(key));
}

void Args::read(const std::string &key, double &into) const
{
    if (has(key))
        into = resnext::parseFiniteNumber(key, get(key));
}

void Args::read(const std::string &key, std::uint64_t &into) const
{
    if (!has(key))
        return;
    const int n = resnext::parseInt(key, get(key));
    if (n < 0)
        throw resnext::SpecError(key, key + ": must be 0 or more (got " + std::to_string(n) + ")");
    into = static_cast<std::uint64_t>(n);
}

resnext::Format formatArg(const Args &args, bool csv)
{
    using resnext::Format;
    const std::string text = args.get("format", "table");
    const Format f = resnext::parseFormat(text);
    if (f != Format::Table && f != Format::Json && !(csv && f == Format::Csv))
        throw resnext::SpecError("format", "format: " + args.command + " supports " +
                                               (csv ? "table, json or csv" : "table or json") + " (got '" + text + "')");
    return f;
}

void Args::read(const std::string &key, std::vector<int> &into) const
{
    if (has(key))
        into = resnext::parseIntList(key, get(key));
}

std::size_t parseCount(const Args &args, const std::string &key, const std::string &what)
{
    const int n = resnext::parseInt(key, args.get(key));
    if (n < 0)
        throw resnext::SpecError(key, key + ": must be 0 (all) or a number of " + what + " (got " +
                                          std::to_string(n) + ")");
    return static_cast<std::size_t>(n);
}

Args parse(const std::string &command, int argc, char **argv, int first, const std::set<std::string> &valued,
           const std::set<std::string> &flags, bool positionalAllowed)
{
    Args a;
    a.command = command;
    for (int i = first; i < argc; ++i) {
        std::string word = argv[i];
        if (word.rfind("--", 0) != 0 || word.size() == 2) {
            // A stray word would otherwise be dropped silently: "--layers 3 4 6 3"
            // would build a one-stage model.
            if (!positionalAllowed)
                throw UsageError(command + ": unexpected argument '" + word +
                                 "' (each option takes one value; lists are comma-separated, e.g. --layers 3,4,6,3)");
            a.positional.push_back(word);
            continue;
        }
        std::string key = word.substr(2), value;
        bool hasValue = false;
        if (const auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
            hasValue = true;
        }
        if (key == "quiet" && !hasValue && !flags.count(key)) {
            Progress::setQuiet(true); // every command: no progress lines
        } else if (flags.count(key)) {
            if (hasValue)
                throw UsageError("--" + key + ": takes no value");
            a.flags.insert(key);
        } else if (valued.count(key)) {
            if (!hasValue) {
                if (i + 1 >= argc)
                    throw UsageError("--" + key + ": needs a value");
                value = argv[++i];
            }
            a.options[key] = value;
        } else {
            throw UsageError(command + ": unknown option --" + key + " (see resnext-explorer --help)");
        }
    }
    return a;
}

resnext::ArchSpec specFromArgs(const Args &a)
{
    using namespace resnext;
    ArchSpec s;
    if (a.has("preset"))
        s = preset(a.get("preset")).spec;
    a.read("layers", s.layers);
    a.read("cardinality", s.cardinality);
    a.read("width", s.width);
    a.read("stem", s.stem, parseStem);
    a.read("block", s.block, parseBlockKind);
    a.read("expansion", s.expansion);
    a.read("planes", s.planes);
    a.read("form", s.form, parseBlockForm);
    a.read("se", s.seReduction);
    a.read("input", s.inputSize);
    a.read("classes", s.numClasses);
    a.read("channels", s.inChannels);
    a.read("stem-channels", s.stemChannels);
    validate(s);
    return s;
}

bool isCommand(const std::string &word)
{
    return commands().count(word) > 0 || word == "help" || word == "--help" || word == "-h" || word == "--version";
}

int run(int argc, char **argv, SnapshotRenderer renderSnapshot)
{
    g_renderSnapshot = renderSnapshot;
    const std::string cmd = argc > 1 ? argv[1] : "help";
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        std::cout << kUsage;
        return 0;
    }
    if (cmd == "--version") {
        std::cout << "resnext-explorer " << RESNEXT_VERSION << "\n";
        return 0;
    }
    for (int i = 2; i < argc; ++i) {
        const std::string w = argv[i];
        if (w == "--help" || w == "-h") {
            std::cout << kUsage;
            return 0;
        }
    }
    const auto it = commands().find(cmd);
    if (it == commands().end()) {
        std::cerr << "resnext-explorer: unknown command '" << resnext::printableText(cmd)
                  << "' (see resnext-explorer --help)\n";
        return 2;
    }
    // Messages quote values, file names, tensor names and labels: a newline or an
    // ESC among them must not break the one-line message or drive the terminal.
    const auto shown = [](const char *what) { return resnext::printableText(what, 2000); };
    // A progress bar ("\r[====>  ] 66%") leaves its line open: the message starts on a line of its own.
    LastCharBuf tracker(std::cerr.rdbuf());
    std::cerr.rdbuf(&tracker);
    struct Restore {
        std::streambuf *old;
        ~Restore() { std::cerr.rdbuf(old); }
    } restore{tracker.inner()};
    const auto fresh = [&] {
        if (tracker.last() != '\n' && tracker.last() != '\0')
            std::cerr << "\n";
    };
    try {
        return it->second(argc, argv);
    } catch (const UsageError &e) {
        Progress::endLine(); // an error never continues a progress bar's line
        fresh();
        std::cerr << "resnext-explorer " << cmd << ": " << shown(e.what()) << "\n";
        return 2;
    } catch (const resnext::Error &e) {
        Progress::endLine();
        fresh();
        std::cerr << "resnext-explorer " << cmd << ": " << shown(e.what()) << "\n";
        return 2;
    } catch (const std::exception &e) {
        Progress::endLine();
        fresh();
        std::string what = e.what();
        what = what.substr(0, what.find('\n')); // never a backtrace
        std::cerr << "resnext-explorer " << cmd << ": internal error: " << shown(what.c_str()) << "\n";
        return 1;
    }
}

} // namespace cli
