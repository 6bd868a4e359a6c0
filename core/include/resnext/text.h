#pragma once
// Small text and number helpers shared by core's modules (one copy each).

#include <cstdint>
#include <initializer_list>
#include <optional>
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

// A name of an option value and the value it stands for, for lookupName's tables.
template <class T>
struct NamedValue {
    const char *name;
    T value;
};

// The value named `text` in `table` (compared exactly); nullopt when none is.
// Parsers keep their names in one table and say the allowed names in their error.
template <class T>
std::optional<T> lookupName(const std::string &text, std::initializer_list<NamedValue<T>> table)
{
    for (const NamedValue<T> &n : table)
        if (text == n.name)
            return n.value;
    return std::nullopt;
}

// The name of `value` in `table`; `otherwise` when none names it.
template <class T>
const char *nameOf(T value, std::initializer_list<NamedValue<T>> table, const char *otherwise)
{
    for (const NamedValue<T> &n : table)
        if (n.value == value)
            return n.name;
    return otherwise;
}

} // namespace resnext
