#include "resnext/image.h"
#include "resnext/fileio.h"
#include "resnext/text.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#define RESNEXT_HAVE_POSIX_FDS 1
#endif

namespace resnext {

namespace {

enum class Format { Unknown, Truncated, Png, Jpeg, Bmp, Webp, Tiff };

constexpr const char *kNotAnImage =
    "not an image (unrecognised format; PNG, JPEG, BMP, WebP and TIFF are supported)";
constexpr const char *kCorruptFile = "cannot decode: file is corrupt or truncated";

[[noreturn]] void fail(const std::string &name, const std::string &problem)
{
    throw Error(name + ": " + problem);
}

// A path or label as it may appear in a one-line message: control bytes (a
// newline in a file name, say) are escaped; everything else is kept as is.
std::string printable(const std::string &s)
{
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

// The first line of an OpenCV error description, made printable: cv::Exception's
// what() spans several lines (file, line, function) and must not reach the user.
std::string openCvMessage(const std::string &text)
{
    const std::string line = firstLine(text);
    return printable(line.empty() ? std::string("unknown OpenCV error") : line);
}

void quietOpenCvOnce()
{
    // OpenCV logs decoder trouble (libtiff errors, for one) through its logger;
    // the caller gets an Error instead, so the log lines are only noise.
    static std::once_flag once;
    std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

// Sends file descriptor 2 to /dev/null while it lives. Corrupt input makes
// libpng ("libpng error: ..."), libjpeg ("Corrupt JPEG data: ...") and OpenCV's
// imdecode (std::cerr, several lines, bypassing its logger) write to stderr,
// which would add lines to the CLI's one-line error. Decodes hold the mutex, so
// redirections never interleave; other threads' stderr output during a decode is
// lost, which is the price of a clean message.
class StderrSilencer {
public:
    StderrSilencer() : m_lock(mutex())
    {
#ifdef RESNEXT_HAVE_POSIX_FDS
        std::fflush(stderr);
        std::cerr.flush();
        m_saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
        if (m_saved < 0)
            return;
        const int devNull = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (devNull < 0 || dup2(devNull, 2) < 0) {
            if (devNull >= 0)
                close(devNull);
            close(m_saved);
            m_saved = -1;
            return;
        }
        close(devNull);
#endif
    }
    ~StderrSilencer()
    {
#ifdef RESNEXT_HAVE_POSIX_FDS
        if (m_saved >= 0) {
            std::fflush(stderr);
            std::cerr.flush();
            dup2(m_saved, 2);
            close(m_saved);
        }
#endif
    }
    StderrSilencer(const StderrSilencer &) = delete;
    StderrSilencer &operator=(const StderrSilencer &) = delete;

private:
    static std::mutex &mutex()
    {
        static std::mutex m;
        return m;
    }
    std::lock_guard<std::mutex> m_lock;
    int m_saved = -1;
};

// ---- byte access (callers check bounds first) ------------------------------------

const unsigned char *ubytes(const std::string &s)
{
    return reinterpret_cast<const unsigned char *>(s.data());
}

std::uint32_t rd16(const unsigned char *p, bool little)
{
    return little ? std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 : std::uint32_t(p[0]) << 8 | std::uint32_t(p[1]);
}

std::uint32_t rd32(const unsigned char *p, bool little)
{
    return little ? rd16(p, true) | rd16(p + 2, true) << 16 : rd16(p, false) << 16 | rd16(p + 2, false);
}

std::uint64_t rd64(const unsigned char *p, bool little)
{
    return little ? std::uint64_t(rd32(p, true)) | std::uint64_t(rd32(p + 4, true)) << 32
                  : std::uint64_t(rd32(p, false)) << 32 | std::uint64_t(rd32(p + 4, false));
}

std::uint32_t rd24le(const unsigned char *p)
{
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16;
}

// ---- format detection ---------------------------------------------------------------

// A signature; '?' in pattern matches any byte (the RIFF size of WebP).
struct Signature {
    Format format;
    const char *pattern;
    std::size_t size;
};

const Signature kSignatures[] = {
    {Format::Png, "\x89PNG\r\n\x1A\n", 8}, {Format::Jpeg, "\xFF\xD8\xFF", 3},
    {Format::Bmp, "BM", 2},                {Format::Webp, "RIFF????WEBP", 12},
    {Format::Tiff, "II*\0", 4},            {Format::Tiff, "MM\0*", 4},
    {Format::Tiff, "II+\0", 4},            {Format::Tiff, "MM\0+", 4},
};

bool matchesPrefix(const std::string &bytes, const Signature &sig, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i)
        if (sig.pattern[i] != '?' && bytes[i] != sig.pattern[i])
            return false;
    return true;
}

Format detectFormat(const std::string &bytes)
{
    for (const Signature &sig : kSignatures)
        if (bytes.size() >= sig.size && matchesPrefix(bytes, sig, sig.size))
            return sig.format;
    // A file cut inside its signature is a truncated image, not a foreign file;
    // one byte is too little evidence to say so.
    for (const Signature &sig : kSignatures)
        if (bytes.size() >= 2 && bytes.size() < sig.size && matchesPrefix(bytes, sig, bytes.size()))
            return Format::Truncated;
    return Format::Unknown;
}

const char *formatName(Format f)
{
    return nameOf(f,
                  {{"png", Format::Png}, {"jpeg", Format::Jpeg}, {"bmp", Format::Bmp}, {"webp", Format::Webp},
                   {"tiff", Format::Tiff}},
                  "");
}

// ---- header parsing -----------------------------------------------------------------

ImageHeader makeHeader(const std::string &name, Format f, std::int64_t width, std::int64_t height)
{
    if (width <= 0 || height <= 0 || width > INT_MAX || height > INT_MAX)
        fail(name, "invalid image size " + std::to_string(width) + "x" + std::to_string(height) + " in header");
    ImageHeader h;
    h.format = formatName(f);
    h.width = static_cast<int>(width);
    h.height = static_cast<int>(height);
    return h;
}

ImageHeader probePng(const std::string &name, const std::string &bytes)
{
    // Signature (8), IHDR length (4) and type (4), width (4), height (4).
    if (bytes.size() < 24)
        fail(name, "truncated header");
    const unsigned char *b = ubytes(bytes);
    if (std::memcmp(b + 12, "IHDR", 4) != 0)
        fail(name, "corrupt PNG header (first chunk is not IHDR)");
    return makeHeader(name, Format::Png, rd32(b + 16, false), rd32(b + 20, false));
}

bool isJpegSof(unsigned m)
{
    // SOF0..SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range.
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

bool isJpegStandalone(unsigned m)
{
    // TEM, RST0..7 and SOI carry no length field.
    return m == 0x01 || (m >= 0xD0 && m <= 0xD8);
}

// Moves pos to the byte after the next marker's 0xFF fill bytes and returns the
// marker code, or -1 at the end of the data. Like libjpeg, stray bytes between
// segments are skipped rather than fatal.
int nextJpegMarker(const unsigned char *b, std::size_t n, std::size_t &pos)
{
    while (pos < n && b[pos] != 0xFF)
        ++pos;
    while (pos < n && b[pos] == 0xFF)
        ++pos;
    if (pos >= n)
        return -1;
    return b[pos++];
}

ImageHeader probeJpeg(const std::string &name, const std::string &bytes)
{
    const unsigned char *b = ubytes(bytes);
    const std::size_t n = bytes.size();
    std::size_t pos = 2;
    for (;;) {
        const int m = nextJpegMarker(b, n, pos);
        if (m < 0)
            fail(name, "truncated header");
        if (m == 0x00 || isJpegStandalone(static_cast<unsigned>(m)))
            continue;
        if (m == 0xD9 || m == 0xDA)
            fail(name, "corrupt JPEG header (no frame header before the image data)");
        if (n - pos < 2)
            fail(name, "truncated header");
        const std::uint32_t length = rd16(b + pos, false);
        if (length < 2)
            fail(name, "corrupt JPEG header (bad segment length)");
        if (isJpegSof(static_cast<unsigned>(m))) {
            // Length (2), precision (1), height (2), width (2).
            if (n - pos < 7)
                fail(name, "truncated header");
            return makeHeader(name, Format::Jpeg, rd16(b + pos + 5, false), rd16(b + pos + 3, false));
        }
        if (n - pos < length)
            fail(name, "truncated header");
        pos += length;
    }
}

ImageHeader probeBmp(const std::string &name, const std::string &bytes)
{
    // BITMAPFILEHEADER (14) then the DIB header, whose first field is its size.
    if (bytes.size() < 18)
        fail(name, "truncated header");
    const unsigned char *b = ubytes(bytes);
    const std::uint32_t headerSize = rd32(b + 14, true);
    if (headerSize == 12) {
        // BITMAPCOREHEADER: unsigned 16-bit width and height.
        if (bytes.size() < 26)
            fail(name, "truncated header");
        return makeHeader(name, Format::Bmp, rd16(b + 18, true), rd16(b + 20, true));
    }
    if (headerSize < 16 || headerSize > 1024)
        fail(name, "corrupt BMP header (unsupported header size " + std::to_string(headerSize) + ")");
    // BITMAPINFOHEADER and its successors: signed 32-bit; a negative height means top-down rows.
    if (bytes.size() < 26)
        fail(name, "truncated header");
    const std::int64_t width = static_cast<std::int32_t>(rd32(b + 18, true));
    const std::int64_t height = static_cast<std::int32_t>(rd32(b + 22, true));
    return makeHeader(name, Format::Bmp, width, height < 0 ? -height : height);
}

ImageHeader probeWebp(const std::string &name, const std::string &bytes)
{
    // RIFF header (12), then the first chunk's FourCC (4) and size (4), data at 20.
    if (bytes.size() < 20)
        fail(name, "truncated header");
    const unsigned char *b = ubytes(bytes);
    if (std::memcmp(b + 12, "VP8 ", 4) == 0) {
        // Lossy: frame tag (3), start code 9D 01 2A (3), 14-bit width and height (2 + 2).
        if (bytes.size() < 30)
            fail(name, "truncated header");
        if (b[23] != 0x9D || b[24] != 0x01 || b[25] != 0x2A)
            fail(name, "corrupt WebP header (bad VP8 start code)");
        return makeHeader(name, Format::Webp, rd16(b + 26, true) & 0x3FFF, rd16(b + 28, true) & 0x3FFF);
    }
    if (std::memcmp(b + 12, "VP8L", 4) == 0) {
        // Lossless: signature 0x2F, then 14 bits width - 1 and 14 bits height - 1.
        if (bytes.size() < 25)
            fail(name, "truncated header");
        if (b[20] != 0x2F)
            fail(name, "corrupt WebP header (bad VP8L signature)");
        const std::uint32_t bits = rd32(b + 21, true);
        return makeHeader(name, Format::Webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (std::memcmp(b + 12, "VP8X", 4) == 0) {
        // Extended: flags (1), reserved (3), 24-bit canvas width - 1 and height - 1.
        if (bytes.size() < 30)
            fail(name, "truncated header");
        return makeHeader(name, Format::Webp, std::int64_t(rd24le(b + 24)) + 1, std::int64_t(rd24le(b + 27)) + 1);
    }
    fail(name, "corrupt WebP header (first chunk is not VP8, VP8L or VP8X)");
}

ImageHeader probeTiff(const std::string &name, const std::string &bytes)
{
    const unsigned char *b = ubytes(bytes);
    const std::uint64_t n = bytes.size();
    const bool little = b[0] == 'I';
    const bool big = rd16(b + 2, little) == 43; // BigTIFF: 8-byte offsets and counts
    const std::uint64_t headerSize = big ? 16 : 8;
    if (n < headerSize)
        fail(name, "truncated header");
    const std::uint64_t ifd = big ? rd64(b + 8, little) : rd32(b + 4, little);
    const std::uint64_t countSize = big ? 8 : 2;
    const std::uint64_t entrySize = big ? 20 : 12;
    if (ifd < headerSize && ifd != 0)
        fail(name, "corrupt TIFF header (IFD offset points into the header)");
    if (ifd == 0)
        fail(name, "corrupt TIFF header (no image directory)");
    if (ifd > n || n - ifd < countSize)
        fail(name, "truncated header");
    const std::uint64_t count = big ? rd64(b + ifd, little) : rd16(b + ifd, little);
    std::int64_t width = -1, height = -1;
    for (std::uint64_t i = 0; i < count && (width < 0 || height < 0); ++i) {
        const std::uint64_t e = ifd + countSize + i * entrySize;
        if (e > n || n - e < entrySize)
            fail(name, "truncated header");
        const std::uint32_t tag = rd16(b + e, little);
        if (tag != 256 && tag != 257)
            continue;
        const std::uint32_t type = rd16(b + e + 2, little);
        const unsigned char *value = b + e + (big ? 12 : 8);
        std::int64_t v;
        if (type == 3) // SHORT
            v = rd16(value, little);
        else if (type == 4) // LONG
            v = rd32(value, little);
        else if (type == 16 && big) // LONG8
            v = static_cast<std::int64_t>(std::min<std::uint64_t>(rd64(value, little), INT64_MAX));
        else
            fail(name, "corrupt TIFF header (image size is not a SHORT or LONG)");
        (tag == 256 ? width : height) = v;
    }
    if (width < 0 || height < 0)
        fail(name, "corrupt TIFF header (no ImageWidth or ImageLength in the first IFD)");
    return makeHeader(name, Format::Tiff, width, height);
}

// The largest buffer, in pixels, that libtiff allocates for one tile or strip of
// the first IFD: TileWidth x TileLength for a tiled image, ImageWidth x
// min(RowsPerStrip, ImageLength) for a stripped one. A 1-pixel image may declare 16384x16384
// tiles, and OpenCV's decoder allocates a whole tile before reading a byte.
// Called after probeTiff accepted the header; 0 when the IFD holds neither.
std::int64_t tiffBufferPixels(const std::string &bytes, std::int64_t imageWidth, std::int64_t imageHeight)
{
    const unsigned char *b = ubytes(bytes);
    const std::uint64_t n = bytes.size();
    const bool little = b[0] == 'I';
    const bool big = rd16(b + 2, little) == 43;
    const std::uint64_t ifd = big ? rd64(b + 8, little) : rd32(b + 4, little);
    const std::uint64_t countSize = big ? 8 : 2;
    const std::uint64_t entrySize = big ? 20 : 12;
    const std::uint64_t count = big ? rd64(b + ifd, little) : rd16(b + ifd, little);
    std::int64_t tileWidth = 0, tileLength = 0, rowsPerStrip = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t e = ifd + countSize + i * entrySize;
        if (e > n || n - e < entrySize)
            break; // probeTiff found the size; a short IFD fails in the decoder
        const std::uint32_t tag = rd16(b + e, little);
        if (tag != 322 && tag != 323 && tag != 278)
            continue;
        const std::uint32_t type = rd16(b + e + 2, little);
        const unsigned char *value = b + e + (big ? 12 : 8);
        std::int64_t v = 0;
        if (type == 3)
            v = rd16(value, little);
        else if (type == 4)
            v = rd32(value, little);
        else if (type == 16 && big)
            v = static_cast<std::int64_t>(std::min<std::uint64_t>(rd64(value, little), INT64_MAX / 4));
        else
            continue;
        (tag == 322 ? tileWidth : tag == 323 ? tileLength : rowsPerStrip) = v;
    }
    const std::int64_t cap = std::int64_t(1) << 31;
    if (tileWidth > 0 || tileLength > 0)
        return std::min(tileWidth, cap) * std::min(tileLength, cap);
    // RowsPerStrip is often 2^32 - 1 ("one strip"); libtiff reads at most the image's rows.
    return std::min({rowsPerStrip, imageHeight, cap}) * std::min(imageWidth, cap);
}

ImageHeader probe(const std::string &name, const std::string &bytes)
{
    if (bytes.empty())
        fail(name, "empty file");
    switch (detectFormat(bytes)) {
    case Format::Png: return probePng(name, bytes);
    case Format::Jpeg: return probeJpeg(name, bytes);
    case Format::Bmp: return probeBmp(name, bytes);
    case Format::Webp: return probeWebp(name, bytes);
    case Format::Tiff: return probeTiff(name, bytes);
    case Format::Truncated: fail(name, "truncated header");
    case Format::Unknown: break;
    }
    fail(name, kNotAnImage);
}

// ---- structure checks and EXIF orientation ---------------------------------------------

// The Orientation tag (0x0112) of an EXIF block (a TIFF structure), 1..8; 1
// (as stored) when absent or unreadable, since a bad EXIF block should not
// make an otherwise good image undecodable.
int exifOrientation(const unsigned char *p, std::size_t n)
{
    // Some writers keep JPEG's "Exif\0\0" prefix in PNG eXIf and WebP EXIF chunks.
    if (n >= 6 && std::memcmp(p, "Exif\0\0", 6) == 0) {
        p += 6;
        n -= 6;
    }
    if (n < 8)
        return 1;
    bool little;
    if (p[0] == 'I' && p[1] == 'I')
        little = true;
    else if (p[0] == 'M' && p[1] == 'M')
        little = false;
    else
        return 1;
    if (rd16(p + 2, little) != 42)
        return 1;
    const std::uint64_t ifd = rd32(p + 4, little);
    if (ifd > n || n - ifd < 2)
        return 1;
    const std::uint32_t count = rd16(p + ifd, little);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint64_t e = ifd + 2 + std::uint64_t(i) * 12;
        if (e > n || n - e < 12)
            return 1;
        if (rd16(p + e, little) != 0x0112)
            continue;
        if (rd16(p + e + 2, little) != 3 || rd32(p + e + 4, little) < 1) // one SHORT
            return 1;
        const std::uint32_t v = rd16(p + e + 8, little);
        return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
    }
    return 1;
}

enum class Completeness { Complete, Truncated, Corrupt };

struct StructureInfo {
    Completeness completeness = Completeness::Complete;
    int orientation = 1;
};

// Walks the JPEG segments and entropy-coded data up to the end-of-image marker.
// libjpeg pads a truncated file with grey rows and only warns, so a missing EOI
// is the one reliable sign of truncation. Data after EOI (camera trailers, a
// second picture) is allowed.
StructureInfo scanJpeg(const std::string &bytes)
{
    const unsigned char *b = ubytes(bytes);
    const std::size_t n = bytes.size();
    StructureInfo info;
    bool haveExif = false;
    bool inScan = false;
    std::size_t pos = 2;
    for (;;) {
        int m;
        if (inScan) {
            // Entropy-coded data: FF 00 is a stuffed FF, FF D0..D7 a restart marker,
            // FF FF fill; anything else ends the scan.
            const void *ff = pos < n ? std::memchr(b + pos, 0xFF, n - pos) : nullptr;
            if (!ff) {
                info.completeness = Completeness::Truncated;
                return info;
            }
            pos = static_cast<std::size_t>(static_cast<const unsigned char *>(ff) - b) + 1;
            if (pos >= n) {
                info.completeness = Completeness::Truncated;
                return info;
            }
            const unsigned c = b[pos];
            if (c == 0xFF)
                continue;
            ++pos;
            if (c == 0x00 || (c >= 0xD0 && c <= 0xD7))
                continue;
            m = static_cast<int>(c);
            inScan = false;
        } else {
            m = nextJpegMarker(b, n, pos);
            if (m < 0) {
                info.completeness = Completeness::Truncated;
                return info;
            }
        }
        if (m == 0xD9)
            return info;
        if (m == 0x00 || isJpegStandalone(static_cast<unsigned>(m)))
            continue;
        if (n - pos < 2) {
            info.completeness = Completeness::Truncated;
            return info;
        }
        const std::size_t length = rd16(b + pos, false);
        if (length < 2) {
            info.completeness = Completeness::Corrupt;
            return info;
        }
        if (n - pos < length) {
            info.completeness = Completeness::Truncated;
            return info;
        }
        if (m == 0xE1 && !haveExif && length >= 8 && std::memcmp(b + pos + 2, "Exif\0\0", 6) == 0) {
            haveExif = true;
            info.orientation = exifOrientation(b + pos + 8, length - 8);
        }
        if (m == 0xDA)
            inScan = true;
        pos += length;
    }
}

// Walks the PNG chunks up to IEND (libpng returns the rows it has for a cut
// file). The EXIF orientation counts only before the image data, as browsers
// and the PNG specification have it.
StructureInfo scanPng(const std::string &bytes)
{
    const unsigned char *b = ubytes(bytes);
    const std::uint64_t n = bytes.size();
    StructureInfo info;
    bool haveExif = false, seenIdat = false;
    std::uint64_t pos = 8;
    for (;;) {
        if (n - pos < 8) {
            info.completeness = Completeness::Truncated;
            return info;
        }
        const std::uint64_t length = rd32(b + pos, false);
        const unsigned char *type = b + pos + 4;
        if (length > 0x7FFFFFFFu) {
            info.completeness = Completeness::Corrupt;
            return info;
        }
        if (n - pos < 12 + length) {
            info.completeness = Completeness::Truncated;
            return info;
        }
        if (std::memcmp(type, "IEND", 4) == 0)
            return info;
        if (std::memcmp(type, "IDAT", 4) == 0)
            seenIdat = true;
        if (std::memcmp(type, "eXIf", 4) == 0 && !seenIdat && !haveExif) {
            haveExif = true;
            info.orientation = exifOrientation(b + pos + 8, static_cast<std::size_t>(length));
        }
        pos += 12 + length;
    }
}

// The orientation from the EXIF chunk of an extended (VP8X) WebP file.
int webpOrientation(const std::string &bytes)
{
    const unsigned char *b = ubytes(bytes);
    const std::uint64_t n = bytes.size();
    // Flag bit 3 of VP8X announces EXIF metadata.
    if (n < 30 || std::memcmp(b + 12, "VP8X", 4) != 0 || (b[20] & 0x08) == 0)
        return 1;
    std::uint64_t pos = 12;
    while (n - pos >= 8) {
        const std::uint64_t size = rd32(b + pos + 4, true);
        if (n - pos - 8 < size)
            return 1;
        if (std::memcmp(b + pos, "EXIF", 4) == 0)
            return exifOrientation(b + pos + 8, static_cast<std::size_t>(size));
        pos += 8 + size + (size & 1); // chunks are padded to an even size
        if (pos > n)
            return 1;
    }
    return 1;
}

// ---- pixel conversion -------------------------------------------------------------------

// Sample value -> [0, 1]. Unsigned integers use their full range, signed ones
// their non-negative range; floats are taken as [0, 1] and clamped (NaN -> 0).
double unitValue(std::uint8_t v) { return v / 255.0; }
double unitValue(std::int8_t v) { return v > 0 ? v / 127.0 : 0.0; }
double unitValue(std::uint16_t v) { return v / 65535.0; }
double unitValue(std::int16_t v) { return v > 0 ? v / 32767.0 : 0.0; }
double unitValue(std::int32_t v) { return v > 0 ? v / 2147483647.0 : 0.0; }
double unitValue(float v) { return v >= 0.0f ? (v <= 1.0f ? double(v) : 1.0) : 0.0; }
double unitValue(double v) { return v >= 0.0 ? (v <= 1.0 ? v : 1.0) : 0.0; }

std::uint8_t quantize(double x)
{
    // For 16-bit input x * 255 = v / 257, which is never exactly halfway between
    // two integers (257 is odd), so this is round(v / 257) without tie trouble.
    return static_cast<std::uint8_t>(std::lround(std::min(1.0, std::max(0.0, x)) * 255.0));
}

// BGR(A) or grey(+alpha) samples of any depth -> RGB bytes, alpha composited over white.
template <typename T>
void convertToRgb(const cv::Mat &src, cv::Mat &dst, bool useAlpha)
{
    const int cn = src.channels();
    dst.create(src.rows, src.cols, CV_8UC3);
    for (int y = 0; y < src.rows; ++y) {
        const T *s = src.ptr<T>(y);
        std::uint8_t *d = dst.ptr<std::uint8_t>(y);
        for (int x = 0; x < src.cols; ++x, s += cn, d += 3) {
            double r, g, b, a = 1.0;
            if (cn <= 2) {
                r = g = b = unitValue(s[0]);
                if (cn == 2 && useAlpha)
                    a = unitValue(s[1]);
            } else {
                b = unitValue(s[0]);
                g = unitValue(s[1]);
                r = unitValue(s[2]);
                if (cn == 4 && useAlpha)
                    a = unitValue(s[3]);
            }
            const double white = 1.0 - a;
            d[0] = quantize(r * a + white);
            d[1] = quantize(g * a + white);
            d[2] = quantize(b * a + white);
        }
    }
}

cv::Mat toRgb8(const std::string &name, const cv::Mat &decoded, Format format)
{
    cv::Mat src = decoded;
    if (src.depth() == CV_16F)
        src.convertTo(src, CV_32F);
    const int cn = src.channels();
    if (cn < 1 || cn > 4)
        fail(name, "cannot decode: unsupported number of channels (" + std::to_string(cn) + ")");
    cv::Mat rgb;
    if (src.depth() == CV_8U && (cn == 1 || cn == 3)) {
        cv::cvtColor(src, rgb, cn == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
        return rgb;
    }
    bool useAlpha = cn == 2 || cn == 4;
    if (useAlpha && format == Format::Bmp) {
        // Many 32-bit BMP writers leave the fourth byte 0; honouring it would turn
        // the whole picture white, so an all-zero alpha channel means "opaque".
        cv::Mat alpha;
        cv::extractChannel(src, alpha, cn - 1);
        useAlpha = cv::countNonZero(alpha) > 0;
    }
    switch (src.depth()) {
    case CV_8U: convertToRgb<std::uint8_t>(src, rgb, useAlpha); break;
    case CV_8S: convertToRgb<std::int8_t>(src, rgb, useAlpha); break;
    case CV_16U: convertToRgb<std::uint16_t>(src, rgb, useAlpha); break;
    case CV_16S: convertToRgb<std::int16_t>(src, rgb, useAlpha); break;
    case CV_32S: convertToRgb<std::int32_t>(src, rgb, useAlpha); break;
    case CV_32F: convertToRgb<float>(src, rgb, useAlpha); break;
    case CV_64F: convertToRgb<double>(src, rgb, useAlpha); break;
    default: fail(name, "cannot decode: unsupported sample type");
    }
    return rgb;
}

// Turns the stored image upright for EXIF orientation 2..8 (the mapping OpenCV
// itself uses when it applies the tag).
cv::Mat applyOrientation(const cv::Mat &img, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(img, out, 1); break;
    case 3: cv::rotate(img, out, cv::ROTATE_180); break;
    case 4: cv::flip(img, out, 0); break;
    case 5: cv::transpose(img, out); break;
    case 6: cv::rotate(img, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: {
        cv::Mat t;
        cv::transpose(img, t);
        cv::flip(t, out, -1);
        break;
    }
    case 8: cv::rotate(img, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = img; break;
    }
    return out;
}

RgbImage fromMat(const cv::Mat &rgb)
{
    RgbImage image;
    image.width = rgb.cols;
    image.height = rgb.rows;
    image.pixels.resize(static_cast<std::size_t>(rgb.cols) * rgb.rows * 3);
    const std::size_t rowBytes = static_cast<std::size_t>(rgb.cols) * 3;
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(image.pixels.data() + y * rowBytes, rgb.ptr<std::uint8_t>(y), rowBytes);
    return image;
}

std::string megapixelMessage(std::int64_t width, std::int64_t height)
{
    char buf[160];
    std::snprintf(buf, sizeof buf, "image is %lldx%lld = %.1f megapixels; the limit is %g megapixels",
                  static_cast<long long>(width), static_cast<long long>(height), double(width) * double(height) / 1e6,
                  double(kMaxImagePixels) / 1e6);
    return buf;
}

// size 0: unknown (a pipe or device that went on past the limit).
std::string tooLargeMessage(std::uint64_t size)
{
    const std::string limit = "the limit is " + std::to_string(kMaxImageFileBytes >> 20) + " MiB";
    if (size == 0)
        return "file is too large (" + limit + ")";
    return "file is too large (" + std::to_string(size) + " bytes; " + limit + ")";
}

// ---- writing and resizing -----------------------------------------------------------------

// Encodes in memory and writes the file ourselves, so that a failure can say why
// (cv::imwrite only answers false).
void encodePngFile(const std::string &path, const cv::Mat &mat)
{
    const std::string name = printable(path);
    quietOpenCvOnce();
    std::vector<uchar> png;
    try {
        if (!cv::imencode(".png", mat, png))
            fail(name, "cannot encode PNG");
    } catch (const cv::Exception &e) {
        fail(name, "cannot encode PNG: " + openCvMessage(e.err));
    } catch (const std::bad_alloc &) {
        fail(name, "cannot encode PNG: out of memory");
    }
    // A temporary file renamed into place: a full disk leaves no partial PNG and
    // a symlink planted at the path is replaced, never written through.
    writeFileAtomically(path, std::string_view(reinterpret_cast<const char *>(png.data()), png.size()));
}

// Throws unless image holds width * height RGB pixels.
void checkImage(const std::string &what, const RgbImage &image)
{
    if (image.width <= 0 || image.height <= 0 ||
        image.pixels.size() != static_cast<std::uint64_t>(image.width) * std::uint64_t(image.height) * 3)
        fail(what, "invalid image (" + std::to_string(image.width) + "x" + std::to_string(image.height) + " with " +
                       std::to_string(image.pixels.size()) + " bytes of pixels)");
}

void checkTargetSize(const std::string &what, int width, int height)
{
    if (width <= 0 || height <= 0 || std::int64_t(width) * height > kMaxImagePixels)
        fail(what, "invalid target size " + std::to_string(width) + "x" + std::to_string(height));
}

// Wraps an RgbImage's pixels without copying; the Mat must not outlive image.
cv::Mat wrap(const RgbImage &image)
{
    return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t *>(image.pixels.data()));
}

// Python's round(k / 2) for k >= 0: halves go to the even neighbour.
int halfRoundedEven(int k)
{
    const int h = k / 2;
    return (k % 2 != 0 && h % 2 != 0) ? h + 1 : h;
}

} // namespace

bool RgbImage::empty() const
{
    return width <= 0 || height <= 0 || pixels.empty();
}

ImageHeader probeImage(const std::string &bytes, const std::string &label)
{
    return probe(printable(label), bytes);
}

RgbImage decodeImage(const std::string &path)
{
    const std::string name = printable(path);
    // Regular files only: a FIFO would block the open and a device never end.
    const auto fp = openRegularFile(path);
    std::error_code ec;
    std::uintmax_t fileSize = 0;
    bool sizeKnown = false;
    if (std::filesystem::is_regular_file(path, ec)) {
        fileSize = std::filesystem::file_size(path, ec);
        sizeKnown = !ec;
    }
    // Read in chunks: the size is only known for regular files, and a device or
    // pipe may never end. The signature is checked after the first chunk, so that
    // a dropped video is "not an image" at once rather than read (or "too large").
    std::string bytes;
    bool signatureChecked = false;
    char chunk[1 << 16];
    for (;;) {
        const std::size_t got = std::fread(chunk, 1, sizeof chunk, fp.get());
        if (got == 0)
            break;
        if (bytes.size() + got > static_cast<std::uint64_t>(kMaxImageFileBytes))
            fail(name, tooLargeMessage(sizeKnown ? fileSize : 0));
        bytes.append(chunk, got);
        if (!signatureChecked && bytes.size() >= 16) {
            signatureChecked = true;
            if (detectFormat(bytes) == Format::Unknown)
                fail(name, kNotAnImage);
            if (sizeKnown && fileSize > static_cast<std::uintmax_t>(kMaxImageFileBytes))
                fail(name, tooLargeMessage(fileSize));
            if (sizeKnown)
                bytes.reserve(static_cast<std::size_t>(fileSize));
        }
    }
    if (std::ferror(fp.get()))
        fail(name, "cannot read file (" + errnoText(errno) + ")");
    return decodeImageBytes(bytes, path);
}

RgbImage decodeImageBytes(const std::string &bytes, const std::string &label)
{
    const std::string name = printable(label);
    if (bytes.size() > static_cast<std::uint64_t>(kMaxImageFileBytes))
        fail(name, tooLargeMessage(bytes.size()));
    const ImageHeader header = probe(name, bytes);
    if (std::int64_t(header.width) * header.height > kMaxImagePixels)
        fail(name, megapixelMessage(header.width, header.height));

    const Format format = detectFormat(bytes);
    if (format == Format::Tiff) {
        // The pixel guard must cover libtiff's tile and strip buffers too.
        const std::int64_t buffer = tiffBufferPixels(bytes, header.width, header.height);
        if (buffer > kMaxImagePixels && buffer > std::int64_t(header.width) * header.height)
            fail(name, "TIFF tiles or strips of " + std::to_string(buffer) +
                           " pixels exceed the limit of 50 megapixels (the image is " + std::to_string(header.width) +
                           "x" + std::to_string(header.height) + ")");
    }
    StructureInfo structure;
    if (format == Format::Jpeg) {
        structure = scanJpeg(bytes);
        if (structure.completeness == Completeness::Truncated)
            fail(name, "truncated JPEG (no end-of-image marker)");
    } else if (format == Format::Png) {
        structure = scanPng(bytes);
        if (structure.completeness == Completeness::Truncated)
            fail(name, "truncated PNG (no IEND chunk)");
    } else if (format == Format::Webp) {
        structure.orientation = webpOrientation(bytes);
    }
    // TIFF: OpenCV 4.6's TIFF decoder applies the Orientation tag itself, even
    // with IMREAD_UNCHANGED, so structure.orientation stays 1 for it.
    if (structure.completeness == Completeness::Corrupt)
        fail(name, kCorruptFile);

    quietOpenCvOnce();
    cv::Mat decoded;
    // An upright 8-bit colour PNG or JPEG (most photos) is decoded straight into
    // the result's buffer and turned to RGB in place: one copy of a large image,
    // not two. When the decoder gives another type, it allocates its own and
    // the general path below runs.
    RgbImage direct;
    const bool tryDirect = structure.orientation <= 1 &&
                           (format == Format::Jpeg ||
                            (format == Format::Png && bytes.size() > 25 && bytes[24] == 8 && bytes[25] == 2));
    try {
        StderrSilencer quiet;
        // IMREAD_UNCHANGED keeps alpha and 16-bit/float samples, but also makes
        // OpenCV ignore the EXIF orientation of JPEG and PNG; it is applied below.
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char *>(bytes.data()));
        if (tryDirect) {
            direct.width = header.width;
            direct.height = header.height;
            direct.pixels.resize(static_cast<std::size_t>(header.width) * header.height * 3);
            cv::Mat target(header.height, header.width, CV_8UC3, direct.pixels.data());
            decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED, &target);
            if (decoded.data == direct.pixels.data() && decoded.type() == CV_8UC3) {
                // BGR -> RGB by hand: cv::cvtColor in place would copy the source first.
                std::uint8_t *p = direct.pixels.data();
                for (std::size_t i = 0, n = direct.pixels.size(); i + 2 < n; i += 3)
                    std::swap(p[i], p[i + 2]);
                return direct;
            }
            std::vector<std::uint8_t>().swap(direct.pixels);
        } else {
            decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
        }
    } catch (const cv::Exception &e) {
        fail(name, "cannot decode: " + openCvMessage(e.err));
    } catch (const std::bad_alloc &) {
        fail(name, "cannot decode: out of memory");
    }
    if (decoded.empty() || decoded.dims != 2)
        fail(name, kCorruptFile);
    // The decoder reads its own copy of the header; never hand out more than was promised.
    if (std::int64_t(decoded.cols) * decoded.rows > kMaxImagePixels)
        fail(name, megapixelMessage(decoded.cols, decoded.rows));

    try {
        if (structure.orientation <= 1 && decoded.depth() == CV_8U &&
            (decoded.channels() == 1 || decoded.channels() == 3)) {
            // The common case converts straight into the result: the decoder's
            // image and ours are the only two copies (a 50 MP photo is 150 MB each).
            RgbImage image;
            image.width = decoded.cols;
            image.height = decoded.rows;
            image.pixels.resize(static_cast<std::size_t>(decoded.cols) * decoded.rows * 3);
            cv::Mat out(decoded.rows, decoded.cols, CV_8UC3, image.pixels.data());
            cv::cvtColor(decoded, out, decoded.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
            return image;
        }
        const cv::Mat rgb = applyOrientation(toRgb8(name, decoded, format), structure.orientation);
        return fromMat(rgb);
    } catch (const cv::Exception &e) {
        fail(name, "cannot convert the decoded image: " + openCvMessage(e.err));
    } catch (const std::bad_alloc &) {
        fail(name, "cannot convert the decoded image: out of memory");
    }
}

void writePng(const std::string &path, const RgbImage &image)
{
    checkImage(printable(path), image);
    cv::Mat bgr;
    try {
        cv::cvtColor(wrap(image), bgr, cv::COLOR_RGB2BGR);
    } catch (const cv::Exception &e) {
        fail(printable(path), "cannot encode PNG: " + openCvMessage(e.err));
    }
    encodePngFile(path, bgr);
}

void writeGrayPng(const std::string &path, int width, int height, const std::uint8_t *pixels)
{
    if (width <= 0 || height <= 0 || !pixels)
        fail(printable(path), "invalid image (" + std::to_string(width) + "x" + std::to_string(height) +
                                  (pixels ? ")" : ", no pixels)"));
    encodePngFile(path, cv::Mat(height, width, CV_8UC1, const_cast<std::uint8_t *>(pixels)));
}

RgbImage resizeImage(const RgbImage &image, int width, int height)
{
    checkImage("resize", image);
    checkTargetSize("resize", width, height);
    if (width == image.width && height == image.height)
        return image;
    // Bilinear samples only 2x2 source pixels per output pixel, so shrinking by
    // 2x or more skips pixels and aliases; area averaging uses all of them.
    const bool shrinkALot = (width * 2 <= image.width || height * 2 <= image.height) && width <= image.width &&
                            height <= image.height;
    try {
        cv::Mat out;
        cv::resize(wrap(image), out, cv::Size(width, height), 0, 0, shrinkALot ? cv::INTER_AREA : cv::INTER_LINEAR);
        return fromMat(out);
    } catch (const cv::Exception &e) {
        fail("resize", openCvMessage(e.err));
    } catch (const std::bad_alloc &) {
        fail("resize", "out of memory");
    }
}

RgbImage resizeShorterSide(const RgbImage &image, int shorter)
{
    checkImage("resize", image);
    if (shorter <= 0)
        fail("resize", "invalid shorter side " + std::to_string(shorter));
    const bool wide = image.width >= image.height;
    const int shortSide = wide ? image.height : image.width;
    const int longSide = wide ? image.width : image.height;
    // torchvision: int(shorter * long / short), i.e. truncated.
    const double scaled = static_cast<double>(std::int64_t(shorter) * longSide) / shortSide;
    if (scaled > INT_MAX)
        fail("resize", "invalid shorter side " + std::to_string(shorter));
    const int newLong = std::max(1, static_cast<int>(scaled));
    return wide ? resizeImage(image, newLong, shorter) : resizeImage(image, shorter, newLong);
}

RgbImage centerCrop(const RgbImage &image, int width, int height)
{
    checkImage("centre crop", image);
    checkTargetSize("centre crop", width, height);
    // Offset of the window in the image; negative where the window is larger
    // (torchvision pads floor(excess / 2) on the left / top).
    const int left = width > image.width ? -((width - image.width) / 2) : halfRoundedEven(image.width - width);
    const int top = height > image.height ? -((height - image.height) / 2) : halfRoundedEven(image.height - height);
    RgbImage out;
    out.width = width;
    out.height = height;
    out.pixels.assign(static_cast<std::size_t>(width) * height * 3, 0);
    const int x0 = std::max(0, -left);
    const int x1 = std::min(width, image.width - left);
    if (x1 <= x0)
        return out;
    for (int y = 0; y < height; ++y) {
        const int sy = y + top;
        if (sy < 0 || sy >= image.height)
            continue;
        std::memcpy(out.pixels.data() + (static_cast<std::size_t>(y) * width + x0) * 3,
                    image.pixels.data() + (static_cast<std::size_t>(sy) * image.width + x0 + left) * 3,
                    static_cast<std::size_t>(x1 - x0) * 3);
    }
    return out;
}

} // namespace resnext
