#include "json.h"

#include <charconv>
#include <cstdio>
#include <system_error>

namespace resnext::json {

// RFC 3629, as in table 3-7 of the Unicode standard.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto in = [](unsigned char b, unsigned char lo, unsigned char hi) { return b >= lo && b <= hi; };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80)
        return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (in(b0, 0xC2, 0xDF)) {
        len = 2;
    } else if (in(b0, 0xE0, 0xEF)) {
        len = 3;
        if (b0 == 0xE0)
            lo = 0xA0; // overlong
        else if (b0 == 0xED)
            hi = 0x9F; // UTF-16 surrogates
    } else if (in(b0, 0xF0, 0xF4)) {
        len = 4;
        if (b0 == 0xF0)
            lo = 0x90; // overlong
        else if (b0 == 0xF4)
            hi = 0x8F; // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i < len || !in(byte(i + 1), lo, hi))
        return 0;
    for (std::size_t k = 2; k < len; ++k)
        if (!in(byte(i + k), 0x80, 0xBF))
            return 0;
    return len;
}

namespace {

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

class Parser {
public:
    Parser(std::string_view text, int maxDepth) : m_text(text), m_maxDepth(maxDepth) {}

    Value parseDocument()
    {
        skipWhitespace();
        Value v = parseValue(0);
        skipWhitespace();
        if (m_pos != m_text.size())
            fail("unexpected " + describeHere() + " after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string &what) const { throw ParseError(what, m_pos); }

    // What sits at the current position, phrased for a message; non-printable
    // bytes are shown in hex so that messages stay on one printable line.
    std::string describeHere() const
    {
        if (m_pos >= m_text.size())
            return "end of input";
        const unsigned char c = static_cast<unsigned char>(m_text[m_pos]);
        char buf[32];
        if (c >= 0x20 && c < 0x7F)
            std::snprintf(buf, sizeof buf, "character '%c'", c);
        else
            std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
        return buf;
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    void skipWhitespace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_pos;
    }

    Value parseValue(int depth)
    {
        if (atEnd())
            fail("unexpected end of input, expected a value");
        switch (peek()) {
        case '{': return parseObject(depth + 1);
        case '[': return parseArray(depth + 1);
        case '"': return Value(parseString());
        case 't': expectLiteral("true"); return Value(true);
        case 'f': expectLiteral("false"); return Value(false);
        case 'n': expectLiteral("null"); return Value();
        default:
            if (peek() == '-' || isDigit(peek()))
                return parseNumber();
            fail("unexpected " + describeHere() + ", expected a value");
        }
    }

    void enter(int depth) const
    {
        if (depth > m_maxDepth)
            fail("arrays/objects nested deeper than " + std::to_string(m_maxDepth) + " levels");
    }

    Value parseObject(int depth)
    {
        enter(depth);
        ++m_pos; // '{'
        Value::Object members;
        skipWhitespace();
        if (!atEnd() && peek() == '}') {
            ++m_pos;
            return Value(std::move(members));
        }
        for (;;) {
            if (atEnd() || peek() != '"')
                fail("unexpected " + describeHere() + ", expected a string key");
            std::string key = parseString();
            skipWhitespace();
            if (atEnd() || peek() != ':')
                fail("unexpected " + describeHere() + ", expected ':' after an object key");
            ++m_pos;
            skipWhitespace();
            Value v = parseValue(depth);
            members.emplace_back(std::move(key), std::move(v));
            skipWhitespace();
            if (!atEnd() && peek() == ',') {
                ++m_pos;
                skipWhitespace();
                continue;
            }
            if (!atEnd() && peek() == '}') {
                ++m_pos;
                return Value(std::move(members));
            }
            fail("unexpected " + describeHere() + ", expected ',' or '}' in an object");
        }
    }

    Value parseArray(int depth)
    {
        enter(depth);
        ++m_pos; // '['
        Value::Array items;
        skipWhitespace();
        if (!atEnd() && peek() == ']') {
            ++m_pos;
            return Value(std::move(items));
        }
        for (;;) {
            items.push_back(parseValue(depth));
            skipWhitespace();
            if (!atEnd() && peek() == ',') {
                ++m_pos;
                skipWhitespace();
                continue;
            }
            if (!atEnd() && peek() == ']') {
                ++m_pos;
                return Value(std::move(items));
            }
            fail("unexpected " + describeHere() + ", expected ',' or ']' in an array");
        }
    }

    void expectLiteral(std::string_view word)
    {
        for (char w : word) {
            if (atEnd() || peek() != w)
                fail("unexpected " + describeHere() + " in literal '" + std::string(word) + "'");
            ++m_pos;
        }
    }

    // Four hex digits after "\u"; m_pos is on the first one.
    std::uint32_t parseHex4()
    {
        std::uint32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
            if (atEnd())
                fail("unexpected end of input in a \\u escape");
            const char c = peek();
            std::uint32_t d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                fail("unexpected " + describeHere() + " in a \\u escape, expected a hex digit");
            cp = cp * 16 + d;
            ++m_pos;
        }
        return cp;
    }

    std::string parseString()
    {
        ++m_pos; // opening quote
        std::string out;
        for (;;) {
            if (atEnd())
                fail("unterminated string");
            const unsigned char c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c == '\\') {
                parseEscape(out);
            } else if (c < 0x20) {
                fail("unescaped control " + describeHere() + " in a string");
            } else if (c < 0x80) {
                out += static_cast<char>(c);
                ++m_pos;
            } else {
                const std::size_t len = utf8SequenceLength(m_text, m_pos);
                if (len == 0)
                    fail("invalid UTF-8 " + describeHere() + " in a string");
                out.append(m_text.substr(m_pos, len));
                m_pos += len;
            }
        }
    }

    void parseEscape(std::string &out)
    {
        const std::size_t start = m_pos;
        ++m_pos; // backslash
        if (atEnd())
            fail("unterminated string");
        const char e = peek();
        ++m_pos;
        switch (e) {
        case '"': out += '"'; return;
        case '\\': out += '\\'; return;
        case '/': out += '/'; return;
        case 'b': out += '\b'; return;
        case 'f': out += '\f'; return;
        case 'n': out += '\n'; return;
        case 'r': out += '\r'; return;
        case 't': out += '\t'; return;
        case 'u': break;
        default:
            --m_pos;
            fail("invalid escape " + describeHere() + " after '\\' in a string");
        }
        std::uint32_t cp = parseHex4();
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by an escaped low surrogate.
            if (m_text.substr(m_pos, 2) != "\\u") {
                m_pos = start;
                fail("unpaired UTF-16 surrogate in a \\u escape");
            }
            m_pos += 2;
            const std::uint32_t low = parseHex4();
            if (low < 0xDC00 || low > 0xDFFF) {
                m_pos = start;
                fail("unpaired UTF-16 surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            m_pos = start;
            fail("unpaired UTF-16 surrogate in a \\u escape");
        }
        appendUtf8(out, cp);
    }

    Value parseNumber()
    {
        const std::size_t start = m_pos;
        bool integral = true;
        if (peek() == '-')
            ++m_pos;
        if (atEnd() || !isDigit(peek()))
            fail("unexpected " + describeHere() + " in a number, expected a digit");
        if (peek() == '0') {
            ++m_pos; // no leading zeros: "01" stops here and fails as trailing input
        } else {
            while (!atEnd() && isDigit(peek()))
                ++m_pos;
        }
        if (!atEnd() && peek() == '.') {
            integral = false;
            ++m_pos;
            if (atEnd() || !isDigit(peek()))
                fail("unexpected " + describeHere() + " in a number, expected a digit after '.'");
            while (!atEnd() && isDigit(peek()))
                ++m_pos;
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            integral = false;
            ++m_pos;
            if (!atEnd() && (peek() == '+' || peek() == '-'))
                ++m_pos;
            if (atEnd() || !isDigit(peek()))
                fail("unexpected " + describeHere() + " in a number, expected an exponent digit");
            while (!atEnd() && isDigit(peek()))
                ++m_pos;
        }
        const char *first = m_text.data() + start;
        const char *last = m_text.data() + m_pos;
        if (integral) {
            std::int64_t i = 0;
            const auto r = std::from_chars(first, last, i);
            if (r.ec == std::errc() && r.ptr == last)
                return Value(i);
            // Too large for int64: fall through and keep it as a double.
        }
        // from_chars is locale-independent, unlike strtod (Qt apps call setlocale).
        double d = 0;
        const auto r = std::from_chars(first, last, d);
        if (r.ec != std::errc() || r.ptr != last) {
            m_pos = start;
            fail("number out of range");
        }
        return Value(d);
    }

    std::string_view m_text;
    int m_maxDepth;
    std::size_t m_pos = 0;
};

} // namespace

ParseError::ParseError(const std::string &what, std::size_t position)
    : Error(what + " at byte " + std::to_string(position)), m_position(position)
{
}

double Value::asDouble() const
{
    if (kind() == Kind::Int)
        return static_cast<double>(asInt());
    return std::get<double>(m_data);
}

const Value *Value::find(std::string_view key) const
{
    if (kind() != Kind::Object)
        return nullptr;
    for (const auto &member : asObject())
        if (member.first == key)
            return &member.second;
    return nullptr;
}

const char *kindName(Value::Kind kind)
{
    switch (kind) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return "a boolean";
    case Value::Kind::Int: return "an integer";
    case Value::Kind::Double: return "a number";
    case Value::Kind::String: return "a string";
    case Value::Kind::Array: return "an array";
    case Value::Kind::Object: return "an object";
    }
    return "a value";
}

Value parse(std::string_view text, int maxDepth)
{
    return Parser(text, maxDepth).parseDocument();
}

bool isValidUtf8(std::string_view bytes)
{
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t len = utf8SequenceLength(bytes, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

void appendQuoted(std::string &out, std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

} // namespace resnext::json
