#pragma once
// Small text and number helpers shared by core's modules (one copy each).

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

// "[64,3,7,7]": a tensor shape as messages print it.
std::string shapeText(const std::vector<std::int64_t> &shape);
// The system's description of an errno value ("No such file or directory").
std::string errnoText(int err);
// `text` up to its first line break: library errors span several lines (a
// backtrace, a file and line) and must not reach the user whole.
std::string firstLine(const std::string &text);
// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

} // namespace resnext
