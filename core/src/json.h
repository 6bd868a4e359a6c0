#pragma once
// A small, strict JSON (RFC 8259) parser private to the core library. It exists
// so that untrusted file headers (safetensors) can be parsed without another
// dependency: bounded nesting, validated UTF-8, exact int64 integers, and every
// error names the byte where parsing stopped.

#include "resnext/error.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace resnext::json {

// A syntax error (or a limit hit) while parsing; position() is the 0-based byte offset in the input.
class ParseError : public Error {
public:
    ParseError(const std::string &what, std::size_t position);
    // Byte offset in the parsed text where the problem was found.
    std::size_t position() const { return m_position; }

private:
    std::size_t m_position;
};

// One parsed JSON value. Objects keep their members in input order, duplicates
// included, so that callers can report duplicate keys in their own terms.
class Value {
public:
    // The JSON type; numbers without fraction or exponent that fit int64 are Int, others Double.
    enum class Kind { Null, Bool, Int, Double, String, Array, Object };
    using Array = std::vector<Value>;
    using Object = std::vector<std::pair<std::string, Value>>;

    // A null value.
    Value() = default;
    // A boolean value.
    explicit Value(bool b) : m_data(b) {}
    // An integer value.
    explicit Value(std::int64_t i) : m_data(i) {}
    // A non-integral (or out-of-int64-range) number.
    explicit Value(double d) : m_data(d) {}
    // A string value (UTF-8).
    explicit Value(std::string s) : m_data(std::move(s)) {}
    // A string value; without this a string literal would silently become a bool.
    explicit Value(const char *s) : m_data(std::string(s)) {}
    // An array value.
    explicit Value(Array a) : m_data(std::move(a)) {}
    // An object value.
    explicit Value(Object o) : m_data(std::move(o)) {}

    // Which JSON type this value holds.
    Kind kind() const { return static_cast<Kind>(m_data.index()); }
    // True for Int and Double.
    bool isNumber() const { return kind() == Kind::Int || kind() == Kind::Double; }
    // The boolean; throws std::bad_variant_access for other kinds.
    bool asBool() const { return std::get<bool>(m_data); }
    // The integer; throws std::bad_variant_access for other kinds.
    std::int64_t asInt() const { return std::get<std::int64_t>(m_data); }
    // The number as a double (Int or Double); throws std::bad_variant_access for other kinds.
    double asDouble() const;
    // The string; throws std::bad_variant_access for other kinds.
    const std::string &asString() const { return std::get<std::string>(m_data); }
    // The elements; throws std::bad_variant_access for other kinds.
    const Array &asArray() const { return std::get<Array>(m_data); }
    // The members in input order; throws std::bad_variant_access for other kinds.
    const Object &asObject() const { return std::get<Object>(m_data); }
    // The first member named key of an object, or nullptr (also for non-objects).
    const Value *find(std::string_view key) const;

private:
    // The alternatives are in Kind's order, so index() is the Kind. A variant
    // keeps a Value at 40 bytes, which bounds the memory a hostile header costs.
    std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> m_data;
};

// "null", "a boolean", "an integer", "a number", "a string", "an array", "an object": for messages.
const char *kindName(Value::Kind kind);

// Parses one JSON text (surrounding whitespace allowed, nothing else after it).
// Arrays/objects nested deeper than maxDepth are rejected so that the
// recursive parser cannot exhaust the stack. Throws ParseError.
Value parse(std::string_view text, int maxDepth = 64);

// Length of the well-formed UTF-8 sequence starting at bytes[i] (i < size), or 0 if there is none.
std::size_t utf8SequenceLength(std::string_view bytes, std::size_t i);

// True if bytes is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool isValidUtf8(std::string_view bytes);

// Appends s as a JSON string literal (quotes included). s must be valid UTF-8;
// control characters, '"' and '\\' are escaped, everything else is copied.
void appendQuoted(std::string &out, std::string_view s);

} // namespace resnext::json
