#include "cli_weights.h"
#include "cli.h"

#include "resnext/checkpoint.h"
#include "resnext/error.h"
#include "resnext/pytorch_file.h"
#include "resnext/report.h"
#include "resnext/fileio.h"
#include "resnext/weights_cache.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <optional>
#include <iostream>
#include <set>
#include <sstream>

namespace cli {

namespace {

using namespace resnext;

std::string megabytes(std::uint64_t bytes)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1e6 << " MB";
    return os.str();
}

// A name or message from the file system as text: control bytes and invalid UTF-8 as \xNN.
std::string safeText(const std::string &s) { return printableText(s, 4096); }

int cmdConvert(int argc, char **argv)
{
    const Args a = parse("convert", argc, argv, 2, {"out"}, {}, true);
    if (a.positional.size() != 1)
        throw UsageError("convert: give exactly one weights file (.pth or .safetensors)");
    a.require("out", "FILE.safetensors");
    // Within the architecture the header claims when it names one; a file that
    // names none (any state dict) is still bounded by its own size.
    std::optional<TensorLimits> limits;
    try {
        limits = tensorLimitsFor(inspectWeights(a.positional[0]));
    } catch (const Error &) {
    }
    const SafetensorsFile file = convertToSafetensors(a.positional[0], a.get("out"), limits ? &*limits : nullptr);
    std::set<std::string> dtypes;
    for (const auto &t : file.tensors())
        dtypes.insert(toString(t.dtype));
    std::string dtypeList;
    for (const auto &d : dtypes)
        dtypeList += (dtypeList.empty() ? "" : ", ") + d;
    std::cout << "wrote " << a.get("out") << ": " << file.tensors().size() << " tensors (" << dtypeList << ")\n";
    std::string architecture;
    try {
        architecture = describe(inferSpec(file));
    } catch (const Error &e) {
        architecture = std::string("not a ResNet/ResNeXt this program builds (") + e.what() + ")";
    }
    std::cout << "architecture: " << architecture << "\n";
    return 0;
}

int cmdWeights(int argc, char **argv)
{
    const Args a = parse("weights", argc, argv, 2, {"format"}, {"list", "all"});
    if (!a.flags.count("list"))
        throw UsageError("weights: --list is the only action (it lists the weights already on this computer)");
    const auto format = formatArg(a);
    const CacheLocations where = cacheLocations();
    const std::vector<CachedWeights> found = findCachedWeights(where);
    const bool all = a.flags.count("all") > 0;
    if (format == Format::Json) {
        nlohmann::json j;
        j["torchvision_hub"] = safeText(where.torchHub);
        j["huggingface_hub"] = safeText(where.huggingFace);
        j["weights"] = nlohmann::json::array();
        for (const auto &w : found) {
            if (!w.spec && !all)
                continue;
            // Names come from the file system: invalid UTF-8 and control bytes become \xNN.
            nlohmann::json e = {{"name", safeText(w.name)},  {"path", safeText(w.path)}, {"source", w.source},
                                {"format", w.format},     {"bytes", w.bytes},      {"loadable", w.spec.has_value()}};
            if (w.spec)
                e["architecture"] = describe(*w.spec);
            else
                e["problem"] = safeText(w.problem);
            j["weights"].push_back(e);
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << "torchvision hub:  " << safeText(where.torchHub) << "\nHugging Face hub: " << safeText(where.huggingFace) << "\n\n";
    std::size_t shown = 0, skipped = 0;
    for (const auto &w : found) {
        if (!w.spec && !all) {
            ++skipped;
            continue;
        }
        if (!shown++)
            std::cout << std::left << std::setw(44) << "name" << std::setw(48) << "architecture" << std::setw(12)
                      << "size" << "source\n";
        // No raw ESC or CR from a file name reaches the terminal.
        std::cout << std::left << std::setw(44) << safeText(w.name) << std::setw(48)
                  << (w.spec ? describe(*w.spec) : "cannot load: " + safeText(w.problem)) << std::setw(12)
                  << megabytes(w.bytes) << w.source << "\n";
        std::cout << "  " << safeText(w.path) << "\n";
    }
    if (!shown)
        std::cout << "no ResNet/ResNeXt weights found in these folders (nothing is downloaded; torchvision and timm "
                     "put what they download there)\n";
    if (skipped)
        std::cout << "\n" << skipped << " other weights file(s) are not ResNet/ResNeXt weights this program builds "
                  << "(--all lists them with the reason)\n";
    std::cout << std::right;
    return 0;
}

} // namespace

const CommandTable &weightsCommands()
{
    static const CommandTable all = {{"convert", cmdConvert}, {"weights", cmdWeights}};
    return all;
}

} // namespace cli
