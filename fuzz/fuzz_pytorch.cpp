// libFuzzer target for the .pth (torch.save zip) reader and its restricted
// unpickler. Any input must either parse or throw resnext::Error with one line
// starting with the label; anything else (crash, sanitizer report, leak, other
// exception, broken invariant) is a finding. The reader is built with
// RESNEXT_FUZZING, and this target sets resnext_fuzzSkipsCrc: a fuzzer cannot
// satisfy the CRC-32 check.
#include "fuzz_check.h"
#include "resnext/error.h"
#include "resnext/pytorch_file.h"
#include "resnext/safetensors.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using fuzzcheck::check;

extern bool resnext_fuzzSkipsCrc;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    resnext_fuzzSkipsCrc = true;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    fuzzcheck::parseOrRefuse([&] {
        const resnext::SafetensorsFile file = resnext::parsePytorch(bytes, "fuzz");
        for (const resnext::TensorRecord &t : file.tensors()) {
            check(t.end - t.begin == static_cast<std::uint64_t>(t.numel()) * resnext::dtypeSize(t.dtype));
            if (t.begin != t.end) {
                const unsigned char *p = file.data(t);
                volatile unsigned char sink = p[0];
                sink = p[t.end - t.begin - 1];
                (void)sink;
            }
        }
        // What the full reader accepts, the header reader must describe the same way.
        const auto records = resnext::parsePytorchHeader(bytes, "fuzz");
        check(records.size() == file.tensors().size());
        for (const auto &r : records) {
            const resnext::TensorRecord *t = file.find(r.name);
            check(t && t->shape == r.shape && t->dtype == r.dtype);
        }
    });
    fuzzcheck::parseOrRefuse([&] { resnext::parsePytorchHeader(bytes, "fuzz"); });
    return 0;
}
