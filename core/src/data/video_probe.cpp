#include "video_probe.h"

#include <algorithm>
#include <cstdlib>

namespace resnext {

namespace {

// Every walk visits at most this many boxes/elements/chunks and nests at most
// kMaxDepth deep: a hostile header cannot make the prober loop or recurse long.
constexpr int kMaxItems = 4096;
constexpr int kMaxDepth = 8;

std::uint64_t be(const std::string &b, std::size_t at, int n)
{
    std::uint64_t v = 0;
    for (int k = 0; k < n; ++k)
        v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
    return v;
}

std::uint64_t le(const std::string &b, std::size_t at, int n)
{
    std::uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k)
        v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
    return v;
}

class Prober {
public:
    Prober(const ReadAt &read, std::uint64_t size) : m_read(read), m_size(size) {}

    VideoFrameSize run()
    {
        const std::string head = m_read(0, 12);
        if (head.size() >= 8 && isMp4Top(head.substr(4, 4))) {
            m_best.container = "MP4/MOV";
            mp4(0, m_size, 0);
        } else if (head.size() >= 4 && be(head, 0, 4) == 0x1A45DFA3) {
            m_best.container = "Matroska/WebM";
            ebml(0, m_size, 0);
        } else if (head.size() >= 12 && head.compare(0, 4, "RIFF") == 0 && head.compare(8, 4, "AVI ") == 0) {
            m_best.container = "AVI";
            riff(12, std::min<std::uint64_t>(m_size, 8 + le(head, 4, 4)), 0);
        }
        return m_best;
    }

private:
    static bool isMp4Top(const std::string &type)
    {
        static const char *const kTop[] = {"ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "styp"};
        return std::any_of(std::begin(kTop), std::end(kTop), [&](const char *t) { return type == t; });
    }

    void consider(std::uint64_t width, std::uint64_t height)
    {
        // Clamped so that the product cannot overflow: anything this large is refused anyway.
        const auto w = static_cast<std::int64_t>(std::min<std::uint64_t>(width, 1u << 30));
        const auto h = static_cast<std::int64_t>(std::min<std::uint64_t>(height, 1u << 30));
        if (w * h > m_best.width * m_best.height) {
            m_best.width = w;
            m_best.height = h;
        }
    }

    bool spend() { return ++m_items <= kMaxItems; }

    // ---------------------------------------------------------------- MP4 / QuickTime (ISO BMFF)
    // Boxes: 32-bit size (1: a 64-bit size follows; 0: to the end), 4-byte type.
    struct Track {
        std::string handler;              // hdlr's handler_type: "vide", "soun", ...
        std::uint64_t sampleWidth = 0, sampleHeight = 0; // the largest visual sample entry
    };

    void mp4(std::uint64_t at, std::uint64_t end, int depth, Track *track = nullptr)
    {
        if (depth > kMaxDepth)
            return;
        while (at + 8 <= end && spend()) {
            const std::string h = m_read(at, 16);
            if (h.size() < 8)
                return;
            std::uint64_t size = be(h, 0, 4), header = 8;
            const std::string type = h.substr(4, 4);
            if (size == 1) {
                if (h.size() < 16)
                    return;
                size = be(h, 8, 8);
                header = 16;
            } else if (size == 0) {
                size = end - at;
            }
            if (size < header || size > end - at)
                return; // malformed: nothing after it can be trusted
            const std::uint64_t body = at + header, bodyEnd = at + size;
            if (type == "moov" || type == "mdia" || type == "minf" || type == "stbl") {
                mp4(body, bodyEnd, depth + 1, track);
            } else if (type == "trak") {
                Track t;
                mp4(body, bodyEnd, depth + 1, &t);
                if (t.handler.empty() || t.handler == "vide")
                    consider(t.sampleWidth, t.sampleHeight);
            } else if (type == "tkhd") {
                // Presentation size, 16.16 fixed point, after a version-dependent run of fields.
                const std::string b = m_read(body, 96);
                if (!b.empty()) {
                    const std::size_t off = b[0] == 1 ? 88 : 76;
                    if (b.size() >= off + 8)
                        consider(be(b, off, 4) >> 16, be(b, off + 4, 4) >> 16);
                }
            } else if (type == "hdlr" && track) {
                const std::string b = m_read(body, 12);
                if (b.size() == 12)
                    track->handler = b.substr(8, 4);
            } else if (type == "stsd" && track) {
                // Sample entries: size, format, 6 reserved, data_reference_index, then for
                // a visual entry 16 bytes of pre_defined/reserved and width, height (16 bits each).
                const std::string c = m_read(body + 4, 4);
                const std::uint64_t count = c.size() == 4 ? std::min<std::uint64_t>(be(c, 0, 4), 16) : 0;
                std::uint64_t e = body + 8;
                for (std::uint64_t i = 0; i < count && e + 36 <= bodyEnd && spend(); ++i) {
                    const std::string b = m_read(e, 36);
                    if (b.size() < 36)
                        break;
                    const std::uint64_t entrySize = be(b, 0, 4);
                    const std::uint64_t w = be(b, 32, 2), hh = be(b, 34, 2);
                    if (w * hh > track->sampleWidth * track->sampleHeight) {
                        track->sampleWidth = w;
                        track->sampleHeight = hh;
                    }
                    if (entrySize < 8 || entrySize > bodyEnd - e)
                        break;
                    e += entrySize;
                }
            }
            at = bodyEnd;
        }
    }

    // ---------------------------------------------------------------- Matroska / WebM (EBML)
    // An element: a variable-length ID (1-4 bytes, marker kept), a variable-length
    // size (1-8 bytes, marker removed; all ones = unknown), the data.
    static int vintLength(unsigned char first)
    {
        for (int n = 1; n <= 8; ++n)
            if (first & (0x80 >> (n - 1)))
                return n;
        return 0;
    }

    // Returns false to stop the whole walk (an element that cannot be skipped).
    bool ebml(std::uint64_t at, std::uint64_t end, int depth, std::uint64_t *width = nullptr,
              std::uint64_t *height = nullptr)
    {
        if (depth > kMaxDepth)
            return false;
        while (at < end && spend()) {
            const std::string h = m_read(at, 12);
            if (h.empty())
                return false;
            const int idLen = vintLength(static_cast<unsigned char>(h[0]));
            if (idLen == 0 || idLen > 4 || h.size() < static_cast<std::size_t>(idLen) + 1)
                return false;
            const std::uint64_t id = be(h, 0, idLen);
            const int sizeLen = vintLength(static_cast<unsigned char>(h[static_cast<std::size_t>(idLen)]));
            if (sizeLen == 0 || h.size() < static_cast<std::size_t>(idLen + sizeLen))
                return false;
            std::uint64_t size = be(h, static_cast<std::size_t>(idLen), sizeLen);
            const std::uint64_t mask = (std::uint64_t(1) << (7 * sizeLen)) - 1;
            size &= mask;
            const bool unknown = size == mask;
            const std::uint64_t body = at + static_cast<std::uint64_t>(idLen + sizeLen);
            if (body > end)
                return false;
            const std::uint64_t bodyEnd = unknown ? end : (size > end - body ? end : body + size);
            switch (id) {
            case 0x18538067: // Segment
            case 0x1654AE6B: // Tracks
            case 0xAE:       // TrackEntry
                if (!ebml(body, bodyEnd, depth + 1))
                    return false;
                if (id == 0x1654AE6B)
                    return false; // the tracks are all there is to read
                break;
            case 0xE0: { // Video
                std::uint64_t w = 0, hh = 0;
                ebml(body, bodyEnd, depth + 1, &w, &hh);
                consider(w, hh);
                break;
            }
            case 0xB0: // PixelWidth
            case 0xBA: // PixelHeight
                if (width && !unknown && size >= 1 && size <= 8) {
                    const std::string b = m_read(body, static_cast<std::size_t>(size));
                    if (b.size() == size)
                        *(id == 0xB0 ? width : height) = be(b, 0, static_cast<int>(size));
                }
                break;
            default:
                if (unknown)
                    return false; // e.g. a live stream's Cluster: its end is not known without parsing it
                break;
            }
            at = bodyEnd;
        }
        return true;
    }

    // ---------------------------------------------------------------- AVI (RIFF)
    // Chunks: a FOURCC, a 32-bit little-endian size, the data padded to an even size.
    // LIST chunks carry a list type; hdrl holds avih, each strl a strh and a strf.
    void riff(std::uint64_t at, std::uint64_t end, int depth)
    {
        if (depth > kMaxDepth)
            return;
        std::string streamType;
        while (at + 8 <= end && spend()) {
            const std::string h = m_read(at, 12);
            if (h.size() < 8)
                return;
            const std::string id = h.substr(0, 4);
            const std::uint64_t size = le(h, 4, 4);
            const std::uint64_t body = at + 8;
            if (size > end - body)
                return;
            if (id == "LIST" && h.size() == 12 && size >= 4) {
                const std::string list = h.substr(8, 4);
                if (list == "hdrl" || list == "strl")
                    riff(body + 4, body + size, depth + 1);
                if (list == "movi")
                    return; // the headers come before the frames
            } else if (id == "avih") {
                const std::string b = m_read(body, 40);
                if (b.size() == 40)
                    consider(le(b, 32, 4), le(b, 36, 4));
            } else if (id == "strh") {
                streamType = m_read(body, 4);
            } else if (id == "strf" && streamType == "vids") {
                // BITMAPINFOHEADER: biSize, biWidth, biHeight (negative: top-down rows).
                const std::string b = m_read(body, 12);
                if (b.size() == 12) {
                    const auto w = static_cast<std::int32_t>(le(b, 4, 4));
                    const auto hh = static_cast<std::int32_t>(le(b, 8, 4));
                    consider(static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(w))),
                             static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(hh))));
                }
            }
            at = body + size + (size & 1);
        }
    }

    const ReadAt &m_read;
    std::uint64_t m_size;
    int m_items = 0;
    VideoFrameSize m_best;
};

} // namespace

VideoFrameSize probeVideoFrameSize(const ReadAt &read, std::uint64_t fileSize)
{
    return Prober(read, fileSize).run();
}

VideoFrameSize probeVideoFrameSize(const std::string &bytes)
{
    const ReadAt read = [&](std::uint64_t offset, std::size_t n) {
        if (offset >= bytes.size())
            return std::string();
        return bytes.substr(static_cast<std::size_t>(offset), n);
    };
    return probeVideoFrameSize(read, bytes.size());
}

} // namespace resnext
