// libFuzzer target for the video container prober (core/src/data/video_probe.cpp):
// MP4/MOV boxes, Matroska/WebM elements and AVI chunks read from hostile bytes
// to learn the declared frame size before any decoder runs. Any input must
// give a size (never negative, 0 x 0 when nothing is declared) without a
// crash, a sanitizer report or an exception, and the prober must read only
// what lies within the input, in small pieces.
#include "fuzz_check.h"
#include "data/video_probe.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using fuzzcheck::check;
using fuzzcheck::checkMessage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    std::uint64_t reads = 0, readBytes = 0;
    const resnext::ReadAt read = [&](std::uint64_t offset, std::size_t n) {
        check(n <= 4096); // pieces, never a size taken from the file
        ++reads;
        readBytes += n;
        return offset >= bytes.size() ? std::string() : bytes.substr(static_cast<std::size_t>(offset), n);
    };
    const resnext::VideoFrameSize v = resnext::probeVideoFrameSize(read, bytes.size());
    check(v.width >= 0 && v.height >= 0);
    check((v.width == 0) == (v.height == 0)); // a size is taken only when both sides are positive
    check(reads <= 3 * 4096 + 16); // bounded by the item budget, whatever the input
    // The in-memory form gives the same answer.
    const resnext::VideoFrameSize again = resnext::probeVideoFrameSize(bytes);
    check(again.width == v.width && again.height == v.height);
    return 0;
}
