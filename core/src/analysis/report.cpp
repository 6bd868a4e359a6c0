#include "resnext/report.h"

#include "resnext/serialize.h"
#include "resnext/error.h"
#include "resnext/text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace resnext {

namespace {

std::string conventionText(const CountOptions &o)
{
    return o.countAll ? "all layers: conv/linear MACs plus BN, ReLU, add (1 per element), max-pool (k*k-1 per "
                        "output) and avg-pool (1 per input element)"
                      : "torchvision/fvcore: conv and linear MACs only; BN, ReLU, pooling and add count 0";
}

std::string shapeText(const LayerInfo &l)
{
    if (l.kind == LayerKind::Linear || l.kind == LayerKind::AvgPool)
        return std::to_string(l.channels);
    return std::to_string(l.channels) + "x" + std::to_string(l.height) + "x" + std::to_string(l.width);
}

std::string specLine(const ArchSpec &s)
{
    std::ostringstream os;
    os << describe(s) << "  (" << toString(s.stem) << " stem, " << toString(s.block) << ", layers ";
    for (size_t i = 0; i < s.layers.size(); ++i)
        os << (i ? "," : "") << s.layers[i];
    os << ", C=" << s.cardinality << ", d=" << s.width << ", form " << toString(s.form) << ", input " << s.inChannels
       << "x" << s.inputSize << "x" << s.inputSize << ", " << s.numClasses << " classes)";
    return os.str();
}

std::string pad(const std::string &s, size_t w, bool right)
{
    if (s.size() >= w)
        return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::string percent(std::int64_t part, std::int64_t whole)
{
    if (whole == 0)
        return "0.0%";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
    return buf;
}

std::string fixed2(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string mib(std::int64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

const char *dtypeName(int bytesPerElement)
{
    return bytesPerElement == 2 ? "fp16" : bytesPerElement == 8 ? "fp64" : "fp32";
}

Json memoryJson(const MemoryEstimate &m)
{
    return {{"weights", m.weights},     {"gradients", m.gradients}, {"optimizer", m.optimizer},
            {"activations", m.activations}, {"workspace", m.workspace}, {"total", m.total()}};
}

// The "beyond FLOPs" lines shared by the table and markdown formats.
std::string costText(const Summary &sum, bool md)
{
    std::ostringstream os;
    const std::string b = md ? "**" : "";
    const CostOptions &c = sum.cost;
    os << b << "Beyond FLOPs" << b << " (batch " << c.batch << ", " << dtypeName(c.bytesPerElement)
       << "; bytes = inputs + weights + outputs of every layer):\n\n";
    if (md) {
        os << "| stage | params | MACs | activations | bytes | MACs/byte |\n|---|---:|---:|---:|---:|---:|\n";
    } else {
        os << pad("stage", 10, false) << pad("params", 14, true) << pad("MACs", 17, true)
           << pad("activations", 14, true) << pad("bytes", 16, true) << pad("MACs/byte", 11, true) << "\n";
    }
    for (const auto &st : sum.stages) {
        const double in = st.bytes ? static_cast<double>(st.macs) * c.batch / static_cast<double>(st.bytes) : 0.0;
        if (md)
            os << "| " << st.name << " | " << withThousands(st.params) << " | " << withThousands(st.macs) << " | "
               << withThousands(st.activations) << " | " << withThousands(st.bytes) << " | " << fixed2(in) << " |\n";
        else
            os << pad(st.name, 10, false) << pad(withThousands(st.params), 14, true)
               << pad(withThousands(st.macs), 17, true) << pad(withThousands(st.activations), 14, true)
               << pad(withThousands(st.bytes), 16, true) << pad(fixed2(in), 11, true) << "\n";
    }
    os << "\n";
    const MemoryEstimate &i = sum.inference, &t = sum.training;
    const std::string li = md ? "- " : "";
    os << li << "activations: " << withThousands(sum.activations) << " (" << humanCount(static_cast<double>(sum.activations))
       << ", conv output elements per image)\n";
    os << li << "memory access: " << withThousands(sum.bytes) << " bytes (" << mib(sum.bytes) << "), "
       << fixed2(sum.intensity()) << " MACs per byte\n";
    os << li << "inference memory: " << mib(i.total()) << " = weights " << mib(i.weights) << " + activations "
       << mib(i.activations) << "\n";
    os << li << "training memory (SGD with momentum): " << mib(t.total()) << " = weights " << mib(t.weights)
       << " + gradients " << mib(t.gradients) << " + max(momentum " << mib(t.optimizer) << ", saved activations "
       << mib(t.activations) << " + their gradients " << mib(t.workspace) << ")\n";
    return os.str();
}

} // namespace

std::string csvField(const std::string &s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

Format parseFormat(const std::string &text)
{
    if (const auto f = lookupName<Format>(text, {{"table", Format::Table},
                                                 {"json", Format::Json},
                                                 {"csv", Format::Csv},
                                                 {"markdown", Format::Markdown},
                                                 {"md", Format::Markdown}}))
        return *f;
    throw SpecError("format", "format: unknown value '" + text + "'; use table, json, csv or markdown");
}

std::string withThousands(std::int64_t value)
{
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::string humanCount(double v)
{
    const char *suffix[] = {"", " K", " M", " G", " T"};
    int i = 0;
    while (std::abs(v) >= 1000.0 && i < 4) {
        v /= 1000.0;
        ++i;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, i == 0 ? "%.0f%s" : "%.2f%s", v, suffix[i]);
    return buf;
}

std::string formatSummary(const Summary &sum, Format format)
{
    std::ostringstream os;
    switch (format) {
    case Format::Json: {
        Json stages = Json::array(), layers = Json::array();
        for (const auto &st : sum.stages)
            stages.push_back({{"name", st.name},
                              {"params", st.params},
                              {"macs", st.macs},
                              {"activations", st.activations},
                              {"bytes", st.bytes}});
        for (const auto &l : sum.layers)
            layers.push_back({{"name", l.name},
                              {"type", kindName(l.kind)},
                              {"stage", l.stage},
                              {"in_channels", l.inChannels},
                              {"shape", {l.channels, l.height, l.width}},
                              {"kernel", l.kernel},
                              {"stride", l.stride},
                              {"groups", l.groups},
                              {"params", l.params},
                              {"macs", l.macs},
                              {"activations", l.activations},
                              {"bytes", memoryAccess(l, sum.cost).total()},
                              {"intensity", arithmeticIntensity(l, sum.cost)}});
        os << dumpJson(Json{{"model", describe(sum.spec)},
                            {"spec", specJson(sum.spec)},
                            {"convention", conventionText(sum.options)},
                            {"params", sum.params},
                            {"macs", sum.macs},
                            {"flops", sum.flops()},
                            {"activations", sum.activations},
                            {"batch", sum.cost.batch},
                            {"dtype", dtypeName(sum.cost.bytesPerElement)},
                            {"bytes", sum.bytes},
                            {"intensity", sum.intensity()},
                            {"memory", {{"inference", memoryJson(sum.inference)}, {"training", memoryJson(sum.training)}}},
                            {"stages", stages},
                            {"layers", layers}});
        break;
    }
    case Format::Csv:
        os << "name,type,stage,out_channels,out_height,out_width,kernel,stride,groups,params,macs,activations,bytes,"
              "intensity\n";
        for (const auto &l : sum.layers)
            os << l.name << "," << kindName(l.kind) << "," << l.stage << "," << l.channels << "," << l.height << "," << l.width
               << "," << l.kernel << "," << l.stride << "," << l.groups << "," << l.params << "," << l.macs << ","
               << l.activations << "," << memoryAccess(l, sum.cost).total() << ","
               << fixed2(arithmeticIntensity(l, sum.cost)) << "\n";
        // Bytes of the total include the layers the convention does not list (ReLU, add).
        os << "total,,,,,,,,," << sum.params << "," << sum.macs << "," << sum.activations << "," << sum.bytes << ","
           << fixed2(sum.intensity()) << "\n";
        break;
    case Format::Markdown:
        os << "**" << specLine(sum.spec) << "**\n\n";
        os << "| layer | type | output | groups | params | MACs | share of MACs |\n";
        os << "|---|---|---|---:|---:|---:|---:|\n";
        for (const auto &l : sum.layers)
            os << "| " << l.name << " | " << kindName(l.kind) << " | " << shapeText(l) << " | " << l.groups << " | "
               << withThousands(l.params) << " | " << withThousands(l.macs) << " | " << percent(l.macs, sum.macs)
               << " |\n";
        os << "| **total** | | | | **" << withThousands(sum.params) << "** | **" << withThousands(sum.macs)
           << "** | 100% |\n\n";
        os << "FLOPs = 2 x MACs = " << withThousands(sum.flops()) << ". Convention: " << conventionText(sum.options)
           << ".\n\n";
        os << costText(sum, true);
        break;
    case Format::Table: {
        size_t nameW = 5;
        for (const auto &l : sum.layers)
            nameW = std::max(nameW, l.name.size());
        nameW += 2;
        os << specLine(sum.spec) << "\n\n";
        os << pad("layer", nameW, false) << pad("type", 19, false) << pad("output", 14, false) << pad("groups", 7, true)
           << pad("params", 14, true) << pad("MACs", 17, true) << pad("share", 8, true) << "\n";
        os << std::string(nameW + 19 + 14 + 7 + 14 + 17 + 8, '-') << "\n";
        for (const auto &l : sum.layers)
            os << pad(l.name, nameW, false) << pad(kindName(l.kind), 19, false) << pad(shapeText(l), 14, false)
               << pad(std::to_string(l.groups), 7, true) << pad(withThousands(l.params), 14, true)
               << pad(withThousands(l.macs), 17, true) << pad(percent(l.macs, sum.macs), 8, true) << "\n";
        os << std::string(nameW + 19 + 14 + 7 + 14 + 17 + 8, '-') << "\n";
        os << pad("total", nameW + 19 + 14 + 7, false) << pad(withThousands(sum.params), 14, true)
           << pad(withThousands(sum.macs), 17, true) << pad("100%", 8, true) << "\n\n";
        os << "params: " << withThousands(sum.params) << " (" << humanCount(static_cast<double>(sum.params)) << ")\n";
        os << "MACs:   " << withThousands(sum.macs) << " (" << humanCount(static_cast<double>(sum.macs)) << ")\n";
        os << "FLOPs:  " << withThousands(sum.flops()) << " (" << humanCount(static_cast<double>(sum.flops()))
           << ", = 2 x MACs)\n";
        os << "Counting convention: " << conventionText(sum.options) << ".\n\n";
        os << costText(sum, false);
        break;
    }
    }
    return os.str();
}

std::string formatMatch(const MatchResult &m, MatchBy by, Format format)
{
    std::ostringstream os;
    const auto diff = [&](std::int64_t a, std::int64_t b) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.2f%%", 100.0 * (static_cast<double>(a) - b) / static_cast<double>(b));
        return std::string(buf);
    };
    if (format == Format::Json)
        return dumpJson(Json{{"by", toString(by)},
                             {"cardinality", m.matched.cardinality},
                             {"width", m.width},
                             {"model",
                              {{"name", describe(m.matched)},
                               {"params", m.matchedTotals.params},
                               {"macs", m.matchedTotals.macs}}},
                             {"baseline",
                              {{"name", describe(m.baseline)},
                               {"params", m.baselineTotals.params},
                               {"macs", m.baselineTotals.macs}}}});
    if (format != Format::Table)
        throw SpecError("format", "format: match supports table or json");
    os << "Equal complexity by " << toString(by) << ": C = " << m.matched.cardinality << " -> d = " << m.width << "\n\n";
    os << pad("model", 28, false) << pad("C", 5, true) << pad("d", 6, true) << pad("params", 16, true)
       << pad("MACs", 18, true) << "\n";
    os << pad(describe(m.matched), 28, false) << pad(std::to_string(m.matched.cardinality), 5, true)
       << pad(std::to_string(m.width), 6, true) << pad(withThousands(m.matchedTotals.params), 16, true)
       << pad(withThousands(m.matchedTotals.macs), 18, true) << "\n";
    os << pad(describe(m.baseline), 28, false) << pad("1", 5, true) << pad("64", 6, true)
       << pad(withThousands(m.baselineTotals.params), 16, true) << pad(withThousands(m.baselineTotals.macs), 18, true)
       << "\n";
    os << pad("difference", 39, false) << pad(diff(m.matchedTotals.params, m.baselineTotals.params), 16, true)
       << pad(diff(m.matchedTotals.macs, m.baselineTotals.macs), 18, true) << "\n";
    return os.str();
}

std::string formatPresets(Format format)
{
    std::ostringstream os;
    if (format == Format::Json) {
        Json all = Json::array();
        for (const auto &p : presets()) {
            const Totals t = countTotals(p.spec);
            all.push_back({{"name", p.name},
                           {"description", p.description},
                           {"spec", specJson(p.spec)},
                           {"params", t.params},
                           {"macs", t.macs}});
        }
        return dumpJson(all);
    }
    if (format == Format::Csv) {
        os << "name,params,macs,description\n";
        for (const auto &p : presets()) {
            const Totals t = countTotals(p.spec);
            os << p.name << "," << t.params << "," << t.macs << ",\"" << p.description << "\"\n";
        }
        return os.str();
    }
    const bool md = format == Format::Markdown;
    if (md)
        os << "| preset | params | MACs | input | description |\n|---|---:|---:|---:|---|\n";
    else
        os << pad("preset", 22, false) << pad("params", 14, true) << pad("MACs", 18, true) << pad("input", 7, true)
           << "  description\n"
           << std::string(100, '-') << "\n";
    for (const auto &p : presets()) {
        const Totals t = countTotals(p.spec);
        if (md)
            os << "| " << p.name << " | " << withThousands(t.params) << " | " << withThousands(t.macs) << " | "
               << p.spec.inputSize << " | " << p.description << " |\n";
        else
            os << pad(p.name, 22, false) << pad(withThousands(t.params), 14, true)
               << pad(withThousands(t.macs), 18, true) << pad(std::to_string(p.spec.inputSize), 7, true) << "  "
               << p.description << "\n";
    }
    return os.str();
}

} // namespace resnext
