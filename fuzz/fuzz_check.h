// The fuzzers' shared checks: a broken invariant aborts, which libFuzzer
// reports as a crash with the input that caused it.
#pragma once

#include "resnext/error.h"

#include <cstdlib>
#include <string>

namespace fuzzcheck {

inline void check(bool ok)
{
    if (!ok)
        std::abort();
}

// A refusal names its source ("fuzz: ...") and is one line.
inline void checkMessage(const resnext::Error &e)
{
    const std::string message = e.what();
    check(message.rfind("fuzz: ", 0) == 0);
    check(message.find('\n') == std::string::npos);
}

// Runs body(); an input it refuses must be refused with checkMessage's kind of error.
template <class Body>
void parseOrRefuse(Body body)
{
    try {
        body();
    } catch (const resnext::Error &e) {
        checkMessage(e);
    }
}

} // namespace fuzzcheck
