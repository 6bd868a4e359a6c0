#pragma once
// Text renderings of core results, shared by the CLI and the GUI's export.

#include "resnext/accounting.h"

#include <string>

namespace resnext {

enum class Format { Table, Json, Csv, Markdown };
// Throws SpecError("format", ...) for an unknown name.
Format parseFormat(const std::string &text);

// 25557032 -> "25,557,032".
std::string withThousands(std::int64_t value);
// 4089184256 -> "4.09 G"; 25557032 -> "25.56 M".
std::string humanCount(double value);
// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma,
// a quote or a newline; as is otherwise.
std::string csvField(const std::string &s);

std::string formatSummary(const Summary &summary, Format format);
std::string formatMatch(const MatchResult &match, MatchBy by, Format format);
// All presets with params and MACs (default convention).
std::string formatPresets(Format format);

} // namespace resnext
