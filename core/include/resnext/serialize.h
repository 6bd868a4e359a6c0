#pragma once
// The one JSON form of the project's values (nlohmann::ordered_json, so keys
// keep the order written): the spec as checkpoints, settings and
// `--format json` all carry it, and preprocessing. Every JSON the project
// writes goes through nlohmann (NaN and infinities become null, so output is
// always valid JSON). Reads check every field and throw SpecError / Error
// naming it.

#include "resnext/preprocess.h"
#include "resnext/spec.h"

#include <nlohmann/json.hpp>

#include <string>

namespace resnext {

using Json = nlohmann::ordered_json;

// {"stem", "layers", "block", "cardinality", "width", "planes", "expansion",
//  "form", "classes", "in_channels", "input", "stem_channels", "depth"}.
Json specJson(const ArchSpec &spec);
// Reads specJson's form (missing optional fields keep ArchSpec's defaults) and validates.
ArchSpec specFromJsonValue(const Json &value);
// The same as text; throws Error("spec: not valid JSON ...").
std::string specToJson(const ArchSpec &spec);
ArchSpec specFromJson(const std::string &text);

Json preprocessingJson(const Preprocessing &p);
Preprocessing preprocessingFromJsonValue(const Json &value);

// Parses text that must hold JSON; throws Error("<what>: not valid JSON (...)").
// Limits on JSON read from files (specs, experiment runs, preprocessing): nesting
// depth, size and keys per object (an ordered_json object finds a key by a linear
// search). Keys appearing twice in one object are refused too. The same bounded
// parser (core/src/io/bounded_json.h) reads safetensors headers.
constexpr std::size_t kMaxJsonDepth = 64;
constexpr std::size_t kMaxJsonTextBytes = std::size_t(16) << 20;
constexpr std::size_t kMaxJsonKeys = 10000;
Json parseJson(const std::string &text, const std::string &what);

// Pretty (2-space) or compact text with a trailing newline when pretty.
std::string dumpJson(const Json &value, bool pretty = true);

} // namespace resnext
