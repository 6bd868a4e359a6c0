#include "resnext/dataset.h"
#include "resnext/fileio.h"
#include "resnext/random.h"
#include "resnext/text.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <sstream>

namespace resnext {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803; // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801; // unsigned bytes, 1 dimension
constexpr std::uint32_t kMaxSide = 1024;
constexpr std::uint32_t kMaxCount = 10000000;
// The first allocation for a payload whose real size is not known in advance
// (gzip): a lying header then costs at most this much before it is caught.
constexpr std::size_t kInitialPayload = std::size_t(64) << 20;
// How far to count bytes beyond the promised data before giving up counting.
constexpr std::size_t kMaxExtraCounted = std::size_t(1) << 20;
// zlib's input buffer; its 8 KiB default costs thousands of read() calls per file.
constexpr unsigned kGzBuffer = 1u << 20;
// gzread takes an unsigned int and returns an int, so larger requests are split.
constexpr std::size_t kMaxGzRead = std::size_t(1) << 30;
constexpr double kMaxValFraction = 0.9;
constexpr const char *kInstallHint = "not found; install Debian's dataset-fashion-mnist package";

[[noreturn]] void fail(const std::string &path, const std::string &problem)
{
    throw Error(path + ": " + problem);
}

std::string hex32(std::uint32_t value)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(value));
    return buf;
}

std::string numberText(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

std::uint32_t bigEndian32(const unsigned char *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

// A file read front to back, transparently gunzipped when it starts with the gzip
// magic bytes 1f 8b (so a raw file named .gz, or a gzip named without .gz, both work).
class InputFile {
public:
    explicit InputFile(std::string path) : m_path(std::move(path))
    {
        // Opened with stdio first so that a missing file reports errno faithfully
        // (gzopen may clobber it) and so that we, not zlib, decide what is gzip.
        // Regular files only: a FIFO would block the open and a device never end.
        m_raw.reset(openRegularFile(m_path).release());
        unsigned char magic[2] = {0, 0};
        const std::size_t got = std::fread(magic, 1, sizeof magic, m_raw.get());
        if (std::ferror(m_raw.get()))
            fail(m_path, "cannot read file (" + errnoText(errno) + ")");
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
            m_raw.reset();
            errno = 0;
            m_gz.reset(gzopen(m_path.c_str(), "rb"));
            if (!m_gz)
                fail(m_path, errno ? "cannot open file (" + errnoText(errno) + ")" : "cannot open file (out of memory)");
            gzbuffer(m_gz.get(), kGzBuffer);
        } else {
            std::rewind(m_raw.get());
            std::error_code ec;
            const std::uintmax_t size = fs::file_size(m_path, ec);
            if (!ec)
                m_rawSize = size;
        }
    }

    const std::string &path() const { return m_path; }

    // The file's size if it is read raw (a hint for allocation), otherwise 0.
    std::uintmax_t rawSize() const { return m_rawSize; }

    // Reads up to n bytes into buf; fewer only at the end of the data. Throws Error
    // for read errors and for gzip streams that are corrupt or cut short.
    std::size_t read(void *buf, std::size_t n)
    {
        auto *out = static_cast<unsigned char *>(buf);
        std::size_t total = 0;
        if (m_raw) {
            while (total < n) {
                const std::size_t got = std::fread(out + total, 1, n - total, m_raw.get());
                total += got;
                if (got == 0) {
                    if (std::ferror(m_raw.get()))
                        fail(m_path, "cannot read file (" + errnoText(errno) + ")");
                    break;
                }
            }
            return total;
        }
        while (total < n) {
            const auto chunk = static_cast<unsigned>(std::min(n - total, kMaxGzRead));
            const int got = gzread(m_gz.get(), out + total, chunk);
            if (got < 0)
                gzFail();
            total += static_cast<std::size_t>(got);
            if (static_cast<unsigned>(got) < chunk) {
                // A short read is either the end of the stream or an error zlib
                // only records (a stream cut short yields its bytes, then Z_BUF_ERROR).
                int err = Z_OK;
                gzerror(m_gz.get(), &err);
                if (err != Z_OK)
                    gzFail();
                break;
            }
        }
        return total;
    }

private:
    [[noreturn]] void gzFail()
    {
        int err = Z_OK;
        const char *text = gzerror(m_gz.get(), &err);
        switch (err) {
        case Z_ERRNO:
            fail(m_path, "cannot read file (" + errnoText(errno) + ")");
        case Z_BUF_ERROR:
            fail(m_path, "truncated gzip stream");
        case Z_DATA_ERROR:
            fail(m_path, "not a valid gzip stream");
        case Z_MEM_ERROR:
            fail(m_path, "out of memory while decompressing");
        default:
            fail(m_path, std::string("cannot decompress (") + (text ? text : "unknown zlib error") + ")");
        }
    }

    struct FileCloser {
        void operator()(std::FILE *f) const { std::fclose(f); }
    };
    struct GzCloser {
        void operator()(gzFile f) const { gzclose(f); }
    };

    std::string m_path;
    std::unique_ptr<std::FILE, FileCloser> m_raw;
    std::unique_ptr<gzFile_s, GzCloser> m_gz;
    std::uintmax_t m_rawSize = 0;
};

// The validated content of one IDX file: count items of rows x cols bytes each.
struct IdxPayload {
    std::uint32_t count = 0, rows = 1, cols = 1;
    std::vector<std::uint8_t> bytes;
};

// Reads exactly `expected` bytes after the header, growing the buffer as data
// arrives so that a header promising more than the file holds cannot force a
// huge allocation; then insists that nothing follows.
std::vector<std::uint8_t> readPayload(InputFile &in, std::size_t headerBytes, std::uint64_t expected,
                                      const std::string &promise)
{
    std::vector<std::uint8_t> data;
    try {
        std::uint64_t first = std::min<std::uint64_t>(expected, kInitialPayload);
        if (in.rawSize() > headerBytes)
            first = std::min<std::uint64_t>(expected, in.rawSize() - headerBytes); // exact for raw files
        else if (in.rawSize() != 0)
            first = 0;
        data.resize(static_cast<std::size_t>(first));
        std::size_t have = 0;
        while (have < expected) {
            if (have == data.size())
                data.resize(static_cast<std::size_t>(
                    std::min<std::uint64_t>(expected, std::max<std::uint64_t>(2 * data.size(), 1 << 16))));
            const std::size_t got = in.read(data.data() + have, data.size() - have);
            if (got == 0)
                break;
            have += got;
        }
        if (have < expected)
            fail(in.path(), "truncated: header promises " + promise + " but the file holds " + std::to_string(have));
    } catch (const std::bad_alloc &) {
        fail(in.path(), "not enough memory for " + promise);
    } catch (const std::length_error &) {
        fail(in.path(), "not enough memory for " + promise);
    }

    // Counted (up to a cap) rather than just detected, so the message says how much is wrong.
    std::vector<unsigned char> scratch(64 * 1024);
    std::size_t extra = 0;
    for (std::size_t got; extra <= kMaxExtraCounted && (got = in.read(scratch.data(), scratch.size())) > 0;)
        extra += got;
    if (extra > kMaxExtraCounted)
        fail(in.path(), "extra data: header promises " + promise + " but the file holds more than " +
                            std::to_string(kMaxExtraCounted) + " bytes after them");
    if (extra > 0)
        fail(in.path(), "extra data: header promises " + promise + " but the file holds " + std::to_string(extra) +
                            " more byte" + (extra == 1 ? "" : "s") + " after them");
    return data;
}

IdxPayload readIdxFile(const std::string &path, bool images)
{
    InputFile in(path);
    const std::size_t headerBytes = images ? 16 : 8;
    const std::string kind = images ? "IDX image" : "IDX label";
    unsigned char header[16];
    const std::size_t got = in.read(header, headerBytes);
    if (got < 4)
        fail(path, "truncated: an " + kind + " header needs " + std::to_string(headerBytes) +
                       " bytes but the file holds " + std::to_string(got));
    const std::uint32_t magic = bigEndian32(header);
    const std::uint32_t wanted = images ? kImagesMagic : kLabelsMagic;
    if (magic != wanted)
        fail(path, "wrong magic number " + hex32(magic) + " (expected " + hex32(wanted) + " for IDX " +
                       (images ? "images" : "labels") + ")");
    if (got < headerBytes)
        fail(path, "truncated: an " + kind + " header needs " + std::to_string(headerBytes) +
                       " bytes but the file holds " + std::to_string(got));

    IdxPayload out;
    out.count = bigEndian32(header + 4);
    if (images) {
        out.rows = bigEndian32(header + 8);
        out.cols = bigEndian32(header + 12);
        if (out.rows < 1 || out.rows > kMaxSide || out.cols < 1 || out.cols > kMaxSide)
            fail(path, "image size " + std::to_string(out.rows) + "x" + std::to_string(out.cols) +
                           " is out of range (rows and columns must be 1.." + std::to_string(kMaxSide) + ")");
    }
    const char *noun = images ? "images" : "labels";
    if (out.count > kMaxCount)
        fail(path, "header promises " + std::to_string(out.count) + " " + noun + "; at most " +
                       std::to_string(kMaxCount) + " are supported");
    // At most 1e7 * 1024 * 1024 ~ 1e13: no overflow in 64 bits.
    const std::uint64_t expected = std::uint64_t(out.count) * out.rows * out.cols;
    std::string promise = std::to_string(out.count) + " " + noun;
    if (images)
        promise += " of " + std::to_string(out.rows) + "x" + std::to_string(out.cols);
    promise += " (" + std::to_string(expected) + " bytes)";
    out.bytes = readPayload(in, headerBytes, expected, promise);
    return out;
}

std::vector<std::string> digitClasses()
{
    std::vector<std::string> names;
    for (int i = 0; i < 10; ++i)
        names.push_back(std::to_string(i));
    return names;
}

} // namespace

std::uint64_t SeededRandom::below(std::uint64_t bound)
{
    // Values below 2^64 mod bound would make small results more likely: reject them.
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        const std::uint64_t x = m_engine();
        if (x >= threshold)
            return x % bound;
    }
}

int SeededRandom::between(int lo, int hi)
{
    return lo + static_cast<int>(below(static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo + 1)));
}

bool SeededRandom::coin() { return (m_engine() >> 63) != 0; }

void SeededRandom::shuffle(std::vector<std::size_t> &items)
{
    for (std::size_t i = items.size(); i > 1; --i)
        std::swap(items[i - 1], items[static_cast<std::size_t>(below(i))]);
}

namespace {

std::size_t validationCount(std::size_t n, double valFraction)
{
    auto k = static_cast<std::size_t>(std::llround(valFraction * static_cast<double>(n)));
    if (valFraction > 0 && n >= 2 && k == 0)
        k = 1;
    // A class with no training image could never be learnt.
    if (n >= 1 && k > n - 1)
        k = n - 1;
    return k;
}

void checkValFraction(const std::string &label, double valFraction)
{
    if (!(valFraction >= 0.0 && valFraction <= kMaxValFraction)) // also rejects NaN
        fail(label, "validation fraction " + numberText(valFraction) + " is outside [0, " +
                        numberText(kMaxValFraction) + "]");
}

struct IndexSplit {
    std::vector<std::size_t> train, validation;
};

// The stratified split of items given as one list of item indices per class, in class order.
// Both halves come back sorted, i.e. in the items' original order.
IndexSplit stratifiedSplit(const std::vector<std::vector<std::size_t>> &byClass, double valFraction,
                           std::uint64_t seed)
{
    SeededRandom engine(seed);
    IndexSplit out;
    for (const auto &members : byClass) {
        std::vector<std::size_t> order = members;
        engine.shuffle(order);
        const std::size_t k = validationCount(order.size(), valFraction);
        out.validation.insert(out.validation.end(), order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
        out.train.insert(out.train.end(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end());
    }
    std::sort(out.train.begin(), out.train.end());
    std::sort(out.validation.begin(), out.validation.end());
    return out;
}

// Rejects an ImageSet whose parts disagree, before anything indexes into it.
void checkImageSet(const std::string &label, const ImageSet &set)
{
    if (set.height < 0 || set.width < 0 || set.channels < 0)
        fail(label, "image set has a negative size " + std::to_string(set.height) + "x" + std::to_string(set.width) +
                        "x" + std::to_string(set.channels));
    const std::size_t expected = set.count() * set.imageBytes();
    if (set.pixels.size() != expected)
        fail(label, "image set holds " + std::to_string(set.pixels.size()) + " pixel bytes but " +
                        std::to_string(set.count()) + " images of " + std::to_string(set.height) + "x" +
                        std::to_string(set.width) + "x" + std::to_string(set.channels) + " need " +
                        std::to_string(expected));
    for (std::size_t i = 0; i < set.labels.size(); ++i) {
        const std::int64_t l = set.labels[i];
        if (l < 0 || (!set.classNames.empty() && static_cast<std::uint64_t>(l) >= set.classNames.size()))
            fail(label, "label " + std::to_string(l) + " of image " + std::to_string(i) + " is out of range (" +
                            std::to_string(set.classNames.size()) + " class names)");
    }
}

// Image indices grouped by label, labels in increasing order, indices in set order.
std::vector<std::vector<std::size_t>> indicesByClass(const ImageSet &set)
{
    std::map<std::int64_t, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < set.labels.size(); ++i)
        groups[set.labels[i]].push_back(i);
    std::vector<std::vector<std::size_t>> out;
    out.reserve(groups.size());
    for (auto &g : groups)
        out.push_back(std::move(g.second));
    return out;
}

ImageSet subsetUnchecked(const ImageSet &set, const std::vector<std::size_t> &indices)
{
    ImageSet out;
    out.height = set.height;
    out.width = set.width;
    out.channels = set.channels;
    out.classNames = set.classNames;
    const std::size_t stride = set.imageBytes();
    out.pixels.resize(indices.size() * stride);
    out.labels.reserve(indices.size());
    for (std::size_t k = 0; k < indices.size(); ++k) {
        if (stride > 0)
            std::memcpy(out.pixels.data() + k * stride, set.pixels.data() + indices[k] * stride, stride);
        out.labels.push_back(set.labels[indices[k]]);
    }
    return out;
}

bool isHidden(const fs::path &p)
{
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

bool hasImageExtension(const fs::path &p)
{
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    static const char *const kExtensions[] = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"};
    return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char *e) { return ext == e; });
}

// The entries of folder (not recursive) for which keep(entry) holds, sorted by name.
template <typename Keep>
std::vector<fs::path> listSorted(const fs::path &folder, Keep keep)
{
    std::vector<fs::path> out;
    std::error_code ec;
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec))
        if (!isHidden(it->path()) && keep(*it))
            out.push_back(it->path());
    if (ec)
        fail(folder.string(), "cannot list folder (" + ec.message() + ")");
    std::sort(out.begin(), out.end(),
              [](const fs::path &a, const fs::path &b) { return a.filename().string() < b.filename().string(); });
    return out;
}

} // namespace

std::vector<std::string> listImageFiles(const std::string &folder)
{
    std::vector<std::string> out;
    for (const fs::path &p : listSorted(folder, [](const fs::directory_entry &e) {
             std::error_code c;
             return e.is_regular_file(c) && hasImageExtension(e.path());
         }))
        out.push_back(p.string());
    return out;
}

std::size_t ImageSet::imageBytes() const
{
    if (height <= 0 || width <= 0 || channels <= 0)
        return 0;
    return static_cast<std::size_t>(height) * static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
}

const std::uint8_t *ImageSet::image(std::size_t i) const
{
    if (i >= count())
        fail("image set", "image " + std::to_string(i) + " is out of range (" + std::to_string(count()) + " images)");
    const std::size_t stride = imageBytes();
    if (pixels.size() < (i + 1) * stride)
        fail("image set", "image " + std::to_string(i) + " lies beyond the " + std::to_string(pixels.size()) +
                              " pixel bytes held");
    return pixels.data() + i * stride;
}

ImageSet readIdx(const std::string &imagesPath, const std::string &labelsPath, std::vector<std::string> classNames)
{
    if (classNames.empty())
        classNames = digitClasses();
    // Labels first: the small file, so that its errors cost no 47 MB read.
    IdxPayload labels = readIdxFile(labelsPath, false);
    for (std::size_t i = 0; i < labels.bytes.size(); ++i)
        if (labels.bytes[i] >= classNames.size())
            fail(labelsPath, "label " + std::to_string(labels.bytes[i]) + " at index " + std::to_string(i) +
                                 " is out of range (" + std::to_string(classNames.size()) + " classes)");
    IdxPayload images = readIdxFile(imagesPath, true);
    if (images.count != labels.count)
        fail(imagesPath, "holds " + std::to_string(images.count) + " images but " + labelsPath + " holds " +
                             std::to_string(labels.count) + " labels");

    ImageSet set;
    set.height = static_cast<int>(images.rows);
    set.width = static_cast<int>(images.cols);
    set.channels = 1;
    set.pixels = std::move(images.bytes);
    set.labels.assign(labels.bytes.begin(), labels.bytes.end());
    set.classNames = std::move(classNames);
    return set;
}

const std::vector<std::string> &fashionMnistClasses()
{
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

ImageSet loadFashionMnist(bool train, const std::string &dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        fail(dir, kInstallHint);
    const std::string prefix = train ? "train" : "t10k";
    const std::string images = (fs::path(dir) / (prefix + "-images-idx3-ubyte.gz")).string();
    const std::string labels = (fs::path(dir) / (prefix + "-labels-idx1-ubyte.gz")).string();
    for (const std::string &p : {images, labels})
        if (!fs::exists(p, ec))
            fail(p, kInstallHint);
    return readIdx(images, labels, fashionMnistClasses());
}

FolderListing listImageFolder(const std::string &root, double valFraction, std::uint64_t seed)
{
    checkValFraction(root, valFraction);
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (!fs::exists(status))
        fail(root, "not found");
    if (!fs::is_directory(status))
        fail(root, "not a folder");

    const std::vector<fs::path> classDirs =
        listSorted(root, [](const fs::directory_entry &e) { std::error_code c; return e.is_directory(c); });
    if (classDirs.size() < 2) {
        std::string found = "found " + std::to_string(classDirs.size()) + " class folder" +
                            (classDirs.size() == 1 ? " ('" + classDirs[0].filename().string() + "')" : "s");
        fail(root, found + "; an image folder needs at least 2 classes, one sub-folder per class");
    }

    FolderListing listing;
    std::vector<FileSample> all;
    std::vector<std::vector<std::size_t>> byClass;
    for (const fs::path &classDir : classDirs) {
        const std::vector<fs::path> files = listSorted(classDir, [](const fs::directory_entry &e) {
            std::error_code c;
            return e.is_regular_file(c) && hasImageExtension(e.path());
        });
        if (files.empty())
            fail(classDir.string(), "no image files");
        const auto label = static_cast<std::int64_t>(listing.classNames.size());
        listing.classNames.push_back(classDir.filename().string());
        byClass.emplace_back();
        for (const fs::path &f : files) {
            byClass.back().push_back(all.size());
            all.push_back({f.string(), label});
        }
    }

    const IndexSplit split = stratifiedSplit(byClass, valFraction, seed);
    listing.train.reserve(split.train.size());
    for (std::size_t i : split.train)
        listing.train.push_back(all[i]);
    listing.validation.reserve(split.validation.size());
    for (std::size_t i : split.validation)
        listing.validation.push_back(all[i]);
    return listing;
}

std::pair<ImageSet, ImageSet> splitImageSet(const ImageSet &set, double valFraction, std::uint64_t seed)
{
    checkValFraction("splitImageSet", valFraction);
    checkImageSet("splitImageSet", set);
    const IndexSplit split = stratifiedSplit(indicesByClass(set), valFraction, seed);
    return {subsetUnchecked(set, split.train), subsetUnchecked(set, split.validation)};
}

ImageSet subset(const ImageSet &set, const std::vector<std::size_t> &indices)
{
    checkImageSet("subset", set);
    for (std::size_t i : indices)
        if (i >= set.count())
            fail("subset", "index " + std::to_string(i) + " is out of range (" + std::to_string(set.count()) +
                               " images)");
    return subsetUnchecked(set, indices);
}

ImageSet firstPerClass(const ImageSet &set, std::size_t perClass)
{
    checkImageSet("firstPerClass", set);
    std::map<std::int64_t, std::size_t> taken;
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < set.count(); ++i)
        if (taken[set.labels[i]]++ < perClass)
            indices.push_back(i);
    return subsetUnchecked(set, indices);
}

} // namespace resnext
