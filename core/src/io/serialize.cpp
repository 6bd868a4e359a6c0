#include "resnext/serialize.h"

#include "bounded_json.h"
#include "resnext/fileio.h"

#include "resnext/error.h"

#include <set>
#include <vector>

namespace resnext {

namespace {

// A whole number in [lo, hi] under `key`, or `fallback` when absent.
int intField(const Json &v, const char *key, int fallback, int lo, int hi, const char *what)
{
    const auto it = v.find(key);
    if (it == v.end())
        return fallback;
    if (!it->is_number_integer())
        throw SpecError(key, std::string(what) + ": '" + key + "' must be a whole number");
    if (it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
        throw SpecError(key, std::string(what) + ": '" + key + "' must be a whole number between " +
                                 std::to_string(lo) + " and " + std::to_string(hi));
    return static_cast<int>(it->get<std::int64_t>());
}

std::vector<int> intList(const Json &v, const char *key)
{
    const auto it = v.find(key);
    std::vector<int> out;
    if (it == v.end())
        return out;
    const auto bad = [&] {
        return SpecError(key, std::string("spec: '") + key + "' must be an array of whole numbers");
    };
    if (!it->is_array() || it->size() > 64)
        throw bad();
    for (const auto &e : *it) {
        if (!e.is_number_integer() || e.get<std::int64_t>() < 0 || e.get<std::int64_t>() > 1000000)
            throw bad();
        out.push_back(static_cast<int>(e.get<std::int64_t>()));
    }
    return out;
}

std::string stringField(const Json &v, const char *key, const char *what)
{
    const auto it = v.find(key);
    if (it == v.end() || !it->is_string())
        throw SpecError(key, std::string(what) + ": '" + key + "' must be a string");
    return it->get<std::string>();
}

} // namespace

Json specJson(const ArchSpec &s)
{
    Json planes = Json::array();
    for (int i = 0; i < s.numStages(); ++i)
        planes.push_back(s.stagePlanes(i));
    Json j = Json{{"stem", toString(s.stem)},       {"layers", s.layers},
                {"block", toString(s.block)},     {"cardinality", s.cardinality},
                {"width", s.width},               {"planes", planes},
                {"expansion", s.blockExpansion()}, {"form", toString(s.form)},
                {"classes", s.numClasses},        {"in_channels", s.inChannels},
                {"input", s.inputSize},           {"stem_channels", s.stemChannels},
                {"depth", s.depth()}};
    if (s.seReduction)
        j["se_reduction"] = s.seReduction; // only when set: specs without SE read and write as before
    return j;
}

ArchSpec specFromJsonValue(const Json &v)
{
    if (!v.is_object())
        throw Error("spec: expected a JSON object");
    ArchSpec s;
    const int big = 1000000;
    s.stem = parseStem(stringField(v, "stem", "spec"));
    s.layers = intList(v, "layers");
    s.block = parseBlockKind(stringField(v, "block", "spec"));
    s.cardinality = intField(v, "cardinality", s.cardinality, -big, big, "spec");
    s.width = intField(v, "width", s.width, -big, big, "spec");
    s.planes = intList(v, "planes");
    s.expansion = intField(v, "expansion", s.expansion, -big, big, "spec");
    if (v.contains("form"))
        s.form = parseBlockForm(stringField(v, "form", "spec"));
    s.numClasses = intField(v, "classes", s.numClasses, -big, big, "spec");
    s.inChannels = intField(v, "in_channels", s.inChannels, -big, big, "spec");
    s.inputSize = intField(v, "input", s.inputSize, -big, big, "spec");
    s.stemChannels = intField(v, "stem_channels", s.stemChannels, -big, big, "spec");
    if (v.contains("se_reduction"))
        s.seReduction = intField(v, "se_reduction", 0, -big, big, "spec");
    // Drop planes equal to the default so that the spec compares equal to a preset.
    bool doubling = true;
    for (size_t i = 0; i < s.planes.size(); ++i)
        doubling = doubling && i < 30 && s.planes[i] == (64 << i);
    if (doubling)
        s.planes.clear();
    validate(s);
    return s;
}

std::string specToJson(const ArchSpec &spec) { return dumpJson(specJson(spec), false); }

ArchSpec specFromJson(const std::string &text) { return specFromJsonValue(parseJson(text, "spec")); }

Json preprocessingJson(const Preprocessing &p)
{
    return Json{{"kind", p.kind == PreprocessKind::ImageNet ? "imagenet" : "small"},
                {"resize", p.resize},
                {"size", p.size},
                {"channels", p.channels},
                {"mean", p.mean},
                {"std", p.std}};
}

Preprocessing preprocessingFromJsonValue(const Json &v)
{
    const auto fail = [](const std::string &why) { throw Error("preprocessing: " + why); };
    if (!v.is_object())
        fail("expected a JSON object");
    Preprocessing p;
    const auto integer = [&](const char *key, int lo, int hi) {
        const auto it = v.find(key);
        if (it == v.end())
            fail(std::string("'") + key + "' must be a whole number between " + std::to_string(lo) + " and " +
                 std::to_string(hi));
        return intField(v, key, 0, lo, hi, "preprocessing");
    };
    const auto kind = v.find("kind");
    if (kind == v.end() || !kind->is_string() || (*kind != "imagenet" && *kind != "small"))
        fail("'kind' must be \"imagenet\" or \"small\"");
    p.kind = *kind == "imagenet" ? PreprocessKind::ImageNet : PreprocessKind::Small;
    p.resize = integer("resize", 1, kMaxPreprocessSize);
    p.size = integer("size", 1, kMaxPreprocessSize);
    p.channels = integer("channels", 1, 3);
    if (p.channels == 2)
        fail("'channels' must be 1 or 3");
    const auto floats = [&](const char *key) {
        const auto it = v.find(key);
        if (it == v.end() || !it->is_array() || it->size() != static_cast<size_t>(p.channels))
            fail(std::string("'") + key + "' must be an array of " + std::to_string(p.channels) + " numbers");
        std::vector<float> out;
        for (const auto &e : *it) {
            if (!e.is_number())
                fail(std::string("'") + key + "' must hold numbers");
            out.push_back(e.get<float>());
        }
        return out;
    };
    p.mean = floats("mean");
    p.std = floats("std");
    for (float m : p.mean)
        if (!std::isfinite(m))
            fail("'mean' values must be finite");
    for (float s : p.std)
        if (!(s > 0) || !std::isfinite(s))
            fail("'std' values must be positive");
    return p;
}

Json parseJson(const std::string &text, const std::string &what)
{
    JsonLimits limits;
    limits.maxBytes = kMaxJsonTextBytes;
    limits.maxDepth = kMaxJsonDepth;
    limits.maxKeys = kMaxJsonKeys;
    try {
        return parseBoundedJson<Json>(text, limits);
    } catch (const JsonError &e) {
        throw Error(what + ": not valid JSON (" + e.what() + ")");
    }
}

std::string dumpJson(const Json &value, bool pretty)
{
    // Replace invalid UTF-8 instead of throwing: a label or path from a file can hold anything.
    return pretty ? value.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"
                  : value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace resnext
