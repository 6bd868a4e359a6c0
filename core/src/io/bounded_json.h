#pragma once
// The one reader of JSON from hostile files (safetensors headers, specs, run
// files, preprocessing, checkpoint metadata): nlohmann's SAX parser makes a
// first pass that builds no tree and refuses input that is too large, nested
// too deep, holds a key twice in one object or an object with too many keys;
// only then is the tree built. nlohmann parses iteratively and validates UTF-8,
// and a tree no deeper than the limit cannot overflow the stack when it is
// built, printed or destroyed. Private to the core library.

#include "resnext/error.h"
#include "resnext/fileio.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace resnext {

struct JsonLimits {
    std::size_t maxBytes = std::size_t(16) << 20; // the whole text
    std::size_t maxDepth = 64;                    // arrays and objects nested in each other
    // Keys in one object. nlohmann's ordered_json finds a key by a linear
    // search, so an object of a million keys would take hours to build.
    std::size_t maxKeys = std::size_t(-1);
};

// Why a text was refused: one line (the problem and the byte where it was found), without a file name.
class JsonError : public Error {
public:
    using Error::Error;
};

namespace detail {

template <class BasicJson>
class JsonLimitChecker : public nlohmann::json_sax<BasicJson> {
public:
    using Base = nlohmann::json_sax<BasicJson>;
    explicit JsonLimitChecker(const JsonLimits &limits) : m_limits(limits) {}

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(typename Base::number_integer_t) override { return true; }
    bool number_unsigned(typename Base::number_unsigned_t) override { return true; }
    bool number_float(typename Base::number_float_t, const typename Base::string_t &) override { return true; }
    bool string(typename Base::string_t &) override { return true; }
    bool binary(typename Base::binary_t &) override { return true; }
    bool start_object(std::size_t) override { return open(); }
    bool key(typename Base::string_t &k) override
    {
        std::set<std::string> &keys = m_keys.back();
        if (keys.size() >= m_limits.maxKeys)
            return refuse("an object holds more than " + std::to_string(m_limits.maxKeys) + " keys");
        if (!keys.insert(k).second)
            return refuse("key '" + printableText(k, 80) + "' appears twice in one object");
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t position, const std::string &, const nlohmann::detail::exception &e) override
    {
        m_error = withoutPrefix(e.what()) + " at byte " + std::to_string(position > 0 ? position - 1 : 0);
        return false;
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error ..." -> "syntax error ...",
    // escaped: the "last read" part quotes the input.
    static std::string withoutPrefix(std::string why)
    {
        if (const auto tag = why.find("] "); why.rfind("[json.exception.", 0) == 0 && tag != std::string::npos)
            why = why.substr(tag + 2);
        if (const auto colon = why.find(": "); why.rfind("parse error", 0) == 0 && colon != std::string::npos)
            why = why.substr(colon + 2);
        return printableText(why, 240);
    }
    const std::string &error() const { return m_error; }

private:
    bool open()
    {
        if (m_keys.size() >= m_limits.maxDepth)
            return refuse("arrays/objects nested deeper than " + std::to_string(m_limits.maxDepth) + " levels");
        m_keys.emplace_back(); // arrays get an unused set: one stack for both
        return true;
    }
    bool close()
    {
        m_keys.pop_back();
        return true;
    }
    bool refuse(std::string why)
    {
        m_error = std::move(why);
        return false;
    }

    JsonLimits m_limits;
    std::vector<std::set<std::string>> m_keys;
    std::string m_error;
};

} // namespace detail

// Parses one JSON text (whitespace around it allowed, nothing else) into BasicJson
// (nlohmann::json or nlohmann::ordered_json) within limits. Throws JsonError.
template <class BasicJson>
BasicJson parseBoundedJson(std::string_view text, const JsonLimits &limits)
{
    if (text.size() > limits.maxBytes)
        throw JsonError(std::to_string(text.size()) + " bytes, more than the limit of " +
                        std::to_string(limits.maxBytes));
    // nlohmann's lexer takes a NUL byte for the end of the input; JSON has no place for one.
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        throw JsonError("unexpected byte 0x00 at byte " + std::to_string(nul));
    detail::JsonLimitChecker<BasicJson> checker(limits);
    if (!BasicJson::sax_parse(text.begin(), text.end(), &checker) || !checker.error().empty())
        throw JsonError(checker.error().empty() ? std::string("not valid JSON") : checker.error());
    try {
        return BasicJson::parse(text.begin(), text.end());
    } catch (const nlohmann::detail::exception &e) {
        // Not expected after the first pass (it is the same parser); kept one line.
        throw JsonError(detail::JsonLimitChecker<BasicJson>::withoutPrefix(e.what()));
    }
}

// "null", "a boolean", "an integer", "a number", "a string", "an array", "an object": for messages.
template <class BasicJson>
const char *jsonKindName(const BasicJson &v)
{
    switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    default: return "binary data";
    }
}

} // namespace resnext
