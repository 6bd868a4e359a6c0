// libFuzzer target for the command line: the input is split at NUL bytes into
// argument words for `summary` / `match`, parsed with cli::parse and turned into
// a spec with cli::specFromArgs, then counted and formatted as the commands do.
// Anything but success or a UsageError / resnext::Error is a finding.
#include "cli.h"
#include "cli_engine.h"
#include "cli_video.h"

#include "resnext/accounting.h"
#include "resnext/error.h"
#include "resnext/report.h"

#include <cstdint>
#include <string>
#include <vector>

// The fuzzer links cli.cpp without Qt or the engine: these front ends are never reached.
namespace cli {
const std::map<std::string, std::function<int(int, char **)>> &engineCommands()
{
    static const std::map<std::string, std::function<int(int, char **)>> none;
    return none;
}
const std::map<std::string, std::function<int(int, char **)>> &weightsCommands() { return engineCommands(); }
const std::map<std::string, std::function<int(int, char **)>> &videoCommands() { return engineCommands(); }
int cmdExport(int, char **) { return 0; }
int cmdProfile(int, char **) { return 0; }
int experimentCommand(int, char **) { return 0; }
int groupsCommand(int, char **) { return 0; }
} // namespace cli

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::vector<std::string> words = {"resnext-explorer", "summary"};
    std::string word;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            words.push_back(word);
            word.clear();
        } else {
            word.push_back(static_cast<char>(data[i]));
        }
    }
    words.push_back(word);
    std::vector<char *> argv;
    for (auto &w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);
    const int argc = static_cast<int>(words.size());

    std::set<std::string> valued = cli::kSpecOptions;
    valued.insert({"format", "by"});
    try {
        const cli::Args a = cli::parse("summary", argc, argv.data(), 2, valued, {"count-all"});
        const resnext::ArchSpec spec = cli::specFromArgs(a);
        const auto format = resnext::parseFormat(a.get("format", "json"));
        resnext::CountOptions options;
        options.countAll = a.flags.count("count-all") > 0;
        (void)resnext::formatSummary(resnext::summarize(spec, options), format);
        if (a.has("cardinality") && spec.block == resnext::BlockKind::Bottleneck) {
            const auto by = resnext::parseMatchBy(a.get("by", "params"));
            (void)resnext::formatMatch(resnext::matchWidth(spec, spec.cardinality, by), by, resnext::Format::Json);
        }
    } catch (const cli::UsageError &) {
    } catch (const resnext::Error &) {
    }
    return 0;
}
