// libFuzzer target for the hand-written image format probes (PNG, JPEG, BMP,
// WebP, TIFF headers) and the guards in front of the decoders. Any input must
// either give a header with a positive size or throw resnext::Error with one
// line starting with the label; inputs the probe accepts within a few
// megapixels are also decoded, so the guards (megapixels, truncation) and
// OpenCV's decoders see the same bytes.
#include "fuzz_check.h"
#include "resnext/error.h"
#include "resnext/image.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using fuzzcheck::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    fuzzcheck::parseOrRefuse([&] {
        const resnext::ImageHeader h = resnext::probeImage(bytes, "fuzz");
        check(h.width > 0 && h.height > 0);
        // Decoding is what the guards protect; keep it to small images so the fuzzer stays fast.
        if (std::int64_t(h.width) * h.height <= 4'000'000) {
            const resnext::RgbImage img = resnext::decodeImageBytes(bytes, "fuzz");
            check(img.width > 0 && img.height > 0);
            check(img.pixels.size() == static_cast<std::size_t>(img.width) * img.height * 3);
        }
    });
    return 0;
}
