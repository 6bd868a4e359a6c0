// libFuzzer target for the experiment's run-file reader (<out>/runs/<key>.json):
// nlohmann's SAX pass with the depth, size and duplicate-key limits, then the
// field checks. Any input must either give a RunRecord or throw resnext::Error
// with one line starting with the label; anything else (a stack overflow on
// deep nesting, a float cast to int, another exception) is a finding.
#include "resnext/error.h"
#include "resnext/experiment.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        const resnext::RunRecord r = resnext::parseRunFile(text, "fuzz");
        if (r.epochs.size() != r.epochLoss.size() || !r.resumed)
            std::abort();
    } catch (const resnext::Error &e) {
        const std::string message = e.what();
        if (message.rfind("fuzz", 0) != 0 || message.find('\n') != std::string::npos)
            std::abort();
    }
    return 0;
}
