// libFuzzer target for the IDX (MNIST / Fashion-MNIST) reader, gzipped or not.
// The input is split at its first byte's position into an image file and a
// label file, written to a private temporary folder (the reader takes paths).
// Any input must either give a consistent ImageSet or throw resnext::Error with
// one line; anything else is a finding.
#include "fuzz_check.h"
#include "resnext/dataset.h"
#include "resnext/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace {

using fuzzcheck::check;
using fuzzcheck::checkMessage;

const std::string &folder()
{
    static const std::string dir = [] {
        char pattern[] = "/tmp/fuzz_idx.XXXXXX";
        check(::mkdtemp(pattern) != nullptr);
        return std::string(pattern);
    }();
    return dir;
}

void writeFile(const std::string &path, const std::string &bytes)
{
    std::FILE *f = std::fopen(path.c_str(), "wb");
    check(f != nullptr);
    check(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    check(std::fclose(f) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::string rest(reinterpret_cast<const char *>(data + 1), size - 1);
    const std::size_t split = std::min<std::size_t>(rest.size(), std::size_t(data[0]) * rest.size() / 255);
    const std::string images = folder() + "/images", labels = folder() + "/labels";
    writeFile(images, rest.substr(0, split));
    writeFile(labels, rest.substr(split));
    try {
        const resnext::ImageSet set = resnext::readIdx(images, labels);
        check(set.channels == 1 && set.height > 0 && set.width > 0);
        check(set.labels.size() == set.count());
        check(set.pixels.size() == set.count() * set.imageBytes());
        for (std::int64_t label : set.labels)
            check(label >= 0 && static_cast<std::size_t>(label) < set.classNames.size());
    } catch (const resnext::Error &e) {
        const std::string message = e.what();
        check(message.find('\n') == std::string::npos);
    }
    return 0;
}
