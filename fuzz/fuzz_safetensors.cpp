// libFuzzer target for the safetensors reader. Any input must either parse or
// throw resnext::Error; anything else (crash, sanitizer report, other exception,
// broken invariant) is a finding. Accepted files are also written back and
// re-read, which must reproduce them exactly.
#include "fuzz_check.h"
#include "resnext/error.h"
#include "resnext/safetensors.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using fuzzcheck::check;
using fuzzcheck::checkMessage;

// Invariants must hold in release builds too, so no assert().
void checkFile(const resnext::SafetensorsFile &file)
{
    std::uint64_t previousEnd = 0;
    for (const resnext::TensorRecord &t : file.tensors()) {
        check(t.begin <= t.end && t.end <= file.dataSize());
        check(t.end - t.begin == static_cast<std::uint64_t>(t.numel()) * resnext::dtypeSize(t.dtype));
        if (t.begin != t.end) {
            check(t.begin >= previousEnd);
            previousEnd = t.end;
        }
        check(file.find(t.name) == &t);
        // Touch the first and last byte so that ASan sees any bad pointer.
        if (t.begin != t.end) {
            const unsigned char *p = file.data(t);
            volatile unsigned char sink = p[0];
            sink = p[t.end - t.begin - 1];
            (void)sink;
        }
    }
}

void checkRoundTrip(const resnext::SafetensorsFile &file)
{
    std::vector<resnext::TensorToWrite> out;
    for (const resnext::TensorRecord &t : file.tensors())
        out.push_back({t.name, t.dtype, t.shape, t.begin == t.end ? nullptr : file.data(t)});
    const resnext::SafetensorsFile again =
        resnext::SafetensorsFile::parse(resnext::encodeSafetensors(out, file.metadata(), "rewrite"), "rewrite");
    check(again.metadata() == file.metadata());
    check(again.tensors().size() == file.tensors().size());
    for (const resnext::TensorRecord &t : file.tensors()) {
        const resnext::TensorRecord *u = again.find(t.name);
        check(u && u->dtype == t.dtype && u->shape == t.shape && u->end - u->begin == t.end - t.begin);
        check(t.begin == t.end || std::memcmp(file.data(t), again.data(*u), t.end - t.begin) == 0);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size >= 2) {
        std::uint16_t h;
        std::memcpy(&h, data, sizeof h);
        const bool nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF);
        check(nan || resnext::floatToHalf(resnext::halfToFloat(h)) == h);
        check((h & 0x7FFF) > 0x7F80 || resnext::floatToBfloat16(resnext::bfloat16ToFloat(h)) == h);
    }
    try {
        const resnext::SafetensorsFile file =
            resnext::SafetensorsFile::parse(std::string(reinterpret_cast<const char *>(data), size), "fuzz");
        checkFile(file);
        checkRoundTrip(file);
    } catch (const resnext::Error &e) {
        // Rejections must be one line starting with the label.
        const std::string message = e.what();
        check(message.rfind("fuzz: ", 0) == 0);
        check(message.find('\n') == std::string::npos);
    }
    return 0;
}
