#pragma once
// User-facing errors of the core library. Everything that leaves core's public
// API as an exception is a resnext::Error (or subclass) with a one-line message
// that names the thing and the problem; LibTorch's c10::Error never leaks out.

#include <stdexcept>
#include <string>

namespace resnext {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message) : std::runtime_error(message) {}
};

// An invalid architecture specification. field() is the spec field at fault
// ("cardinality", "width", "layers", "input", ...), message() names it too.
class SpecError : public Error {
public:
    SpecError(std::string field, const std::string &message)
        : Error(message), m_field(std::move(field)) {}
    const std::string &field() const { return m_field; }

private:
    std::string m_field;
};

// The weights file did not match the architecture it describes and a partial
// load was not allowed: the front end offers one (the CLI names --allow-partial,
// the window shows a button). what() is "<file>: does not match <spec>: N
// missing (...); M unexpected (...)" without a suggestion of how to go on.
class WeightsMismatch : public Error {
public:
    explicit WeightsMismatch(const std::string &message) : Error(message) {}
};

} // namespace resnext
