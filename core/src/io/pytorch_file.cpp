#include "resnext/pytorch_file.h"

#include "resnext/fileio.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <string_view>
#include <unordered_map>

#ifdef RESNEXT_FUZZING
// Fuzz builds only: one compiled copy of this reader serves every fuzz target, and
// fuzz_pytorch sets this (a fuzzer cannot forge CRC-32s); the others keep the check.
bool resnext_fuzzSkipsCrc = false;
#endif

namespace resnext {

namespace {

// Limits that no real state dict comes near; anything beyond is corrupt or hostile.
constexpr std::uint64_t kMaxEntries = 1u << 20;           // zip entries
constexpr std::uint64_t kMaxDirectoryBytes = 256u << 20;   // central directory
// Every byte the reader allocates is justified by the file (issue 28): a real
// state dict's data.pkl is ~100 KB and names < 2,000 tensors in ~20,000
// objects, nested a few levels; torch.save stores entries without compression.
constexpr std::uint64_t kMaxPickleBytes = 32u << 20;       // data.pkl, uncompressed
constexpr std::size_t kMaxValues = 1u << 18;               // objects the unpickler creates (~200 bytes each)
constexpr std::size_t kMaxTensors = 1u << 16;
constexpr std::size_t kMaxStack = 1u << 20;                // values on the stack
constexpr std::size_t kMaxMarks = 1u << 12;                // open MARKs (nesting)
constexpr std::size_t kMaxItems = 1u << 22;                // references held by all lists, tuples and dicts
// Inflated bytes, all entries together, may be at most this many times the
// archive's size (plus kInflateSlack for a few all-zero tensors): weights and
// pickles compress 1.1-10x; only a bomb compresses more.
constexpr std::uint64_t kMaxInflateRatio = 32;
constexpr std::uint64_t kInflateSlack = 16u << 20;
constexpr std::size_t kMaxDims = 64;
constexpr std::uint64_t kMaxBytes = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

[[noreturn]] void fail(const std::string &label, const std::string &problem)
{
    throw Error(label + ": " + problem);
}

// A name from the file as it may appear in a one-line message.
std::string printable(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i >= 120) {
            out += "...";
            break;
        }
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c >= 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// Random access to the file's bytes: in memory (fuzzing, tests) or on disk
// (so that listing a cache reads only the directory and data.pkl).
class Source {
public:
    virtual ~Source() = default;
    virtual std::uint64_t size() const = 0;
    // Reads [offset, offset + n); the caller has checked the range.
    virtual void read(std::uint64_t offset, std::size_t n, char *dst) const = 0;
    std::string bytes(std::uint64_t offset, std::uint64_t n) const
    {
        std::string out(static_cast<std::size_t>(n), '\0'); // callers turn bad_alloc into their message
        if (n)
            read(offset, static_cast<std::size_t>(n), out.data());
        return out;
    }
};

class MemorySource : public Source {
public:
    explicit MemorySource(const std::string &bytes) : m_bytes(bytes) {}
    std::uint64_t size() const override { return m_bytes.size(); }
    void read(std::uint64_t offset, std::size_t n, char *dst) const override
    {
        std::memcpy(dst, m_bytes.data() + offset, n);
    }

private:
    const std::string &m_bytes;
};

class FileSource : public Source {
public:
    // Only regular files, opened without blocking: a FIFO or device is refused by name.
    explicit FileSource(const std::string &path) : m_path(path), m_fp(openRegularFile(path))
    {
        if (fseeko(m_fp.get(), 0, SEEK_END) != 0)
            fail(path, std::string("cannot read file (") + std::strerror(errno) + ")");
        m_size = static_cast<std::uint64_t>(ftello(m_fp.get()));
    }
    std::uint64_t size() const override { return m_size; }
    void read(std::uint64_t offset, std::size_t n, char *dst) const override
    {
        if (fseeko(m_fp.get(), static_cast<off_t>(offset), SEEK_SET) != 0 || std::fread(dst, 1, n, m_fp.get()) != n)
            fail(m_path, "cannot read " + std::to_string(n) + " bytes at offset " + std::to_string(offset));
    }

private:
    std::string m_path;
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> m_fp;
    std::uint64_t m_size = 0;
};

std::uint64_t le(const char *p, int n)
{
    std::uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k)
        v = (v << 8) | static_cast<unsigned char>(p[k]);
    return v;
}

// ---------------------------------------------------------------- zip

struct ZipEntry {
    std::string name;
    std::uint16_t method = 0;
    std::uint16_t flags = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressedSize = 0, size = 0, localOffset = 0;
};

class Zip {
public:
    Zip(const Source &src, const std::string &label) : m_src(src), m_label(label) { readDirectory(); }

    const ZipEntry *find(const std::string &name) const
    {
        const auto it = m_index.find(name);
        return it == m_index.end() ? nullptr : &m_entries[it->second];
    }
    const std::vector<ZipEntry> &entries() const { return m_entries; }

    // The entry's uncompressed bytes, checked against its size (and CRC-32).
    std::string read(const ZipEntry &e) const
    {
        const std::string where = "zip entry '" + printable(e.name) + "': ";
        if (e.flags & 1)
            fail(m_label, where + "is encrypted");
        if (e.localOffset > m_directoryOffset || m_directoryOffset - e.localOffset < 30)
            fail(m_label, where + "local header at " + std::to_string(e.localOffset) + " is outside the archive");
        char h[30];
        m_src.read(e.localOffset, 30, h);
        if (le(h, 4) != 0x04034b50)
            fail(m_label, where + "no local header signature at offset " + std::to_string(e.localOffset));
        const std::uint64_t start = e.localOffset + 30 + le(h + 26, 2) + le(h + 28, 2);
        if (start > m_directoryOffset || e.compressedSize > m_directoryOffset - start)
            fail(m_label, where + std::to_string(e.compressedSize) + " bytes at offset " + std::to_string(start) +
                              " run past the end of the data");
        // Entries may point at the same bytes (overlap) or inflate: the bytes
        // read, all entries together, are bounded by what the archive holds.
        if (e.compressedSize > m_src.size() - std::min(m_src.size(), m_readBytes))
            fail(m_label, where + "its data overlaps data already read (entries claim " +
                              std::to_string(m_readBytes + e.compressedSize) + " bytes from an archive of " +
                              std::to_string(m_src.size()) + ")");
        const std::uint64_t inflateBudget = m_src.size() * kMaxInflateRatio + kInflateSlack;
        if (e.size > inflateBudget - std::min(inflateBudget, m_inflatedBytes))
            fail(m_label, where + "declares " + std::to_string(e.size) + " bytes; with the entries before it that is more than " +
                              std::to_string(kMaxInflateRatio) + " times the archive's " + std::to_string(m_src.size()) +
                              " bytes, which no real weights file needs");
        m_readBytes += e.compressedSize;
        m_inflatedBytes += e.size;
        std::string out;
        if (e.method == 0) {
            if (e.compressedSize != e.size)
                fail(m_label, where + "stored with " + std::to_string(e.compressedSize) + " bytes but declares " +
                                  std::to_string(e.size));
            out = m_src.bytes(start, e.size);
        } else if (e.method == 8) {
            // Bound the output by the declared size (itself bounded by what a
            // deflate stream can expand to) before allocating anything.
            if (e.compressedSize > kMaxBytes / 1032 || e.size > e.compressedSize * 1032 + 1024)
                fail(m_label, where + "declares " + std::to_string(e.size) + " bytes from " +
                                  std::to_string(e.compressedSize) + " compressed, more than deflate can give");
            const std::string in = m_src.bytes(start, e.compressedSize);
            out = inflateRaw(in, e.size, where);
        } else {
            fail(m_label, where + "uses compression method " + std::to_string(e.method) +
                              "; only stored (0) and deflate (8) are read");
        }
        // A fuzzer cannot forge checksums; real files are checked.
#ifdef RESNEXT_FUZZING
        if (!resnext_fuzzSkipsCrc)
#endif
        {
            const auto crc = checksum(out);
            if (crc != e.crc)
                fail(m_label, where + "CRC-32 mismatch (the file is corrupt or truncated)");
        }
        return out;
    }

private:
    static std::uint32_t checksum(const std::string &s)
    {
        uLong crc = crc32(0L, Z_NULL, 0);
        const char *p = s.data();
        std::size_t left = s.size();
        while (left) {
            const uInt n = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
            crc = crc32(crc, reinterpret_cast<const Bytef *>(p), n);
            p += n;
            left -= n;
        }
        return static_cast<std::uint32_t>(crc);
    }

    std::string inflateRaw(const std::string &in, std::uint64_t size, const std::string &where) const
    {
        std::string out;
        try {
            out.resize(static_cast<std::size_t>(size));
        } catch (const std::bad_alloc &) {
            fail(m_label, where + "out of memory for " + std::to_string(size) + " bytes");
        }
        z_stream z{};
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
            fail(m_label, where + "cannot start zlib");
        std::size_t inPos = 0, outPos = 0;
        int rc = Z_OK;
        while (rc == Z_OK) {
            const std::size_t inChunk = std::min<std::size_t>(in.size() - inPos, 1u << 30);
            const std::size_t outChunk = std::min<std::size_t>(out.size() - outPos, 1u << 30);
            z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data() + inPos));
            z.avail_in = static_cast<uInt>(inChunk);
            z.next_out = reinterpret_cast<Bytef *>(out.data() + outPos);
            z.avail_out = static_cast<uInt>(outChunk);
            rc = inflate(&z, Z_NO_FLUSH);
            inPos += inChunk - z.avail_in;
            outPos += outChunk - z.avail_out;
            if (rc == Z_OK && z.avail_out == outChunk && z.avail_in == inChunk)
                rc = Z_BUF_ERROR; // no progress
            if (rc == Z_OK && outPos == out.size() && inPos == in.size())
                rc = Z_BUF_ERROR; // more output than declared, or a truncated stream
        }
        inflateEnd(&z);
        if (rc != Z_STREAM_END || outPos != out.size())
            fail(m_label, where + "deflate data is corrupt or does not give the declared " + std::to_string(size) +
                              " bytes");
        return out;
    }

    void readDirectory()
    {
        const std::uint64_t size = m_src.size();
        if (size < 22)
            fail(m_label, "not a zip file (too short for its end record)");
        const std::uint64_t tailSize = std::min<std::uint64_t>(size, 22 + 65535);
        const std::string tail = m_src.bytes(size - tailSize, tailSize);
        std::int64_t at = -1;
        for (std::int64_t i = static_cast<std::int64_t>(tailSize) - 22; i >= 0; --i)
            if (le(tail.data() + i, 4) == 0x06054b50) {
                at = i;
                break;
            }
        if (at < 0)
            fail(m_label, "zip end-of-directory record not found (the file is truncated or not a zip file)");
        const char *e = tail.data() + at;
        const std::uint64_t endPos = size - tailSize + static_cast<std::uint64_t>(at);
        std::uint64_t count = le(e + 10, 2), dirSize = le(e + 12, 4), dirOffset = le(e + 16, 4);
        if (le(e + 4, 2) != 0 || le(e + 6, 2) != 0)
            fail(m_label, "zip archive spans several disks");
        std::uint64_t dirEnd = endPos;
        if (count == 0xFFFF || dirSize == 0xFFFFFFFF || dirOffset == 0xFFFFFFFF) {
            // ZIP64: the locator sits just before the end record.
            if (endPos < 20)
                fail(m_label, "zip64 locator missing");
            char loc[20];
            m_src.read(endPos - 20, 20, loc);
            if (le(loc, 4) != 0x07064b50)
                fail(m_label, "zip64 locator missing");
            const std::uint64_t z64 = le(loc + 8, 8);
            if (z64 > endPos - 20 || endPos - 20 - z64 < 56)
                fail(m_label, "zip64 end record at " + std::to_string(z64) + " is outside the archive");
            char r[56];
            m_src.read(z64, 56, r);
            if (le(r, 4) != 0x06064b50)
                fail(m_label, "no zip64 end record signature at offset " + std::to_string(z64));
            count = le(r + 32, 8);
            dirSize = le(r + 40, 8);
            dirOffset = le(r + 48, 8);
            dirEnd = z64;
        }
        if (count > kMaxEntries)
            fail(m_label, "zip directory lists " + std::to_string(count) + " entries, more than the limit of " +
                              std::to_string(kMaxEntries));
        if (dirSize > kMaxDirectoryBytes || dirOffset > dirEnd || dirSize > dirEnd - dirOffset)
            fail(m_label, "zip directory of " + std::to_string(dirSize) + " bytes at offset " +
                              std::to_string(dirOffset) + " is outside the archive");
        m_directoryOffset = dirOffset;
        const std::string dir = m_src.bytes(dirOffset, dirSize);
        std::size_t p = 0;
        m_entries.reserve(static_cast<std::size_t>(count));
        for (std::uint64_t i = 0; i < count; ++i) {
            if (dir.size() - p < 46 || le(dir.data() + p, 4) != 0x02014b50)
                fail(m_label, "zip directory entry " + std::to_string(i) + " is malformed");
            const char *c = dir.data() + p;
            ZipEntry z;
            z.flags = static_cast<std::uint16_t>(le(c + 8, 2));
            z.method = static_cast<std::uint16_t>(le(c + 10, 2));
            z.crc = static_cast<std::uint32_t>(le(c + 16, 4));
            z.compressedSize = le(c + 20, 4);
            z.size = le(c + 24, 4);
            const std::size_t nameLen = le(c + 28, 2), extraLen = le(c + 30, 2), commentLen = le(c + 32, 2);
            z.localOffset = le(c + 42, 4);
            if (dir.size() - p - 46 < nameLen + extraLen + commentLen)
                fail(m_label, "zip directory entry " + std::to_string(i) + " runs past the directory");
            z.name.assign(c + 46, nameLen);
            // ZIP64 extra field: the 64-bit values of the fields saturated above, in this order.
            const char *x = c + 46 + nameLen;
            for (std::size_t q = 0; q + 4 <= extraLen;) {
                const std::size_t id = le(x + q, 2), len = le(x + q + 2, 2);
                if (q + 4 + len > extraLen)
                    break;
                if (id == 1) {
                    std::size_t r = q + 4;
                    for (std::uint64_t *field : {&z.size, &z.compressedSize, &z.localOffset}) {
                        if (*field != 0xFFFFFFFF)
                            continue;
                        if (r + 8 > q + 4 + len)
                            fail(m_label, "zip entry '" + printable(z.name) + "': zip64 field too short");
                        *field = le(x + r, 8);
                        r += 8;
                    }
                }
                q += 4 + len;
            }
            p += 46 + nameLen + extraLen + commentLen;
            if (!m_index.emplace(z.name, m_entries.size()).second)
                fail(m_label, "zip entry '" + printable(z.name) + "' appears twice");
            m_entries.push_back(std::move(z));
        }
    }

    const Source &m_src;
    std::string m_label;
    mutable std::uint64_t m_readBytes = 0, m_inflatedBytes = 0;
    std::vector<ZipEntry> m_entries;
    std::unordered_map<std::string, std::size_t> m_index;
    std::uint64_t m_directoryOffset = 0;
};

// ---------------------------------------------------------------- restricted unpickler

struct Obj {
    enum class Kind { None, Bool, Int, Float, Str, Bytes, List, Tuple, Dict, Global, Storage, Tensor };
    Kind kind = Kind::None;
    std::int64_t i = 0;
    double f = 0;
    std::string s;                                // Str, Bytes, Global ("module.name"), Storage key
    std::vector<Obj *> items;                     // List, Tuple
    std::vector<std::pair<Obj *, Obj *>> entries; // Dict, in insertion order
    // Storage
    DType dtype = DType::F32;
    std::int64_t numel = 0;
    // Tensor
    Obj *storage = nullptr;
    std::int64_t offset = 0;
    std::vector<std::int64_t> shape, stride;
};

const char *kindName(Obj::Kind k)
{
    switch (k) {
    case Obj::Kind::None: return "None";
    case Obj::Kind::Bool: return "bool";
    case Obj::Kind::Int: return "int";
    case Obj::Kind::Float: return "float";
    case Obj::Kind::Str: return "str";
    case Obj::Kind::Bytes: return "bytes";
    case Obj::Kind::List: return "list";
    case Obj::Kind::Tuple: return "tuple";
    case Obj::Kind::Dict: return "dict";
    case Obj::Kind::Global: return "global";
    case Obj::Kind::Storage: return "storage";
    case Obj::Kind::Tensor: return "tensor";
    }
    return "?";
}

// "an int", "a dict": for messages.
std::string aKind(Obj::Kind k)
{
    const std::string name = kindName(k);
    return (name.find_first_of("aeiou") == 0 ? "an " : "a ") + name;
}

struct StorageType {
    const char *name;
    DType dtype;
};
constexpr StorageType kStorages[] = {
    {"torch.FloatStorage", DType::F32}, {"torch.HalfStorage", DType::F16}, {"torch.BFloat16Storage", DType::BF16},
    {"torch.DoubleStorage", DType::F64}, {"torch.LongStorage", DType::I64}, {"torch.IntStorage", DType::I32},
    {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},  {"torch.ByteStorage", DType::U8},
    {"torch.BoolStorage", DType::BOOL},
};

constexpr const char *kOrderedDict = "collections.OrderedDict";
constexpr const char *kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char *kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr const char *kRebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";

bool allowedGlobal(const std::string &name)
{
    if (name == kOrderedDict || name == kRebuildTensor || name == kRebuildParameter ||
        name == kRebuildParameterWithState)
        return true;
    for (const auto &s : kStorages)
        if (name == s.name)
            return true;
    return false;
}

class Unpickler {
public:
    Unpickler(const std::string &data, const std::string &label) : m_data(data), m_label(label) {}

    Obj *run()
    {
        while (true) {
            if (m_pos >= m_data.size())
                bad("ends without a STOP opcode");
            const std::size_t at = m_pos;
            const unsigned char op = static_cast<unsigned char>(m_data[m_pos++]);
            switch (op) {
            case 0x80: { // PROTO
                const auto v = u(1);
                if (v > 5)
                    bad("pickle protocol " + std::to_string(v) + " is not known");
                break;
            }
            case 0x95: u(8); break; // FRAME: a length hint only
            case '.': {             // STOP
                if (m_stack.size() != 1 || !m_marks.empty())
                    bad("STOP with " + std::to_string(m_stack.size()) + " values on the stack");
                return m_stack.back();
            }
            case '(':
                if (m_marks.size() >= kMaxMarks)
                    bad("MARKs nested more than " + std::to_string(kMaxMarks) + " deep");
                m_marks.push_back(m_stack.size());
                break;
            case '0': pop(); break; // POP
            case '1': popMark(); break;
            case '2': push(top()); break; // DUP
            case 'N': push(make(Obj::Kind::None)); break;
            case 0x88:
            case 0x89: {
                Obj *b = make(Obj::Kind::Bool);
                b->i = op == 0x88;
                push(b);
                break;
            }
            case 'J': pushInt(static_cast<std::int32_t>(u(4))); break;
            case 'K': pushInt(static_cast<std::int64_t>(u(1))); break;
            case 'M': pushInt(static_cast<std::int64_t>(u(2))); break;
            case 0x8a: { // LONG1: little-endian two's complement
                const auto n = static_cast<std::size_t>(u(1));
                if (n > 8)
                    bad("integer of " + std::to_string(n) + " bytes is too large");
                const std::string b = take(n);
                std::uint64_t v = n ? le(b.data(), static_cast<int>(n)) : 0;
                if (n && n < 8 && (static_cast<unsigned char>(b[n - 1]) & 0x80))
                    v |= ~std::uint64_t(0) << (8 * n);
                pushInt(static_cast<std::int64_t>(v));
                break;
            }
            case 'G': { // BINFLOAT, big-endian
                const std::string b = take(8);
                std::uint64_t bits = 0;
                for (char c : b)
                    bits = (bits << 8) | static_cast<unsigned char>(c);
                Obj *o = make(Obj::Kind::Float);
                std::memcpy(&o->f, &bits, 8);
                push(o);
                break;
            }
            case 'X': pushString(Obj::Kind::Str, u(4)); break;
            case 0x8c: pushString(Obj::Kind::Str, u(1)); break;
            case 0x8d: pushString(Obj::Kind::Str, u(8)); break;
            case 'T': pushString(Obj::Kind::Bytes, u(4)); break;
            case 'U': pushString(Obj::Kind::Bytes, u(1)); break;
            case 'B': pushString(Obj::Kind::Bytes, u(4)); break;
            case 'C': pushString(Obj::Kind::Bytes, u(1)); break;
            case 0x8e: pushString(Obj::Kind::Bytes, u(8)); break;
            case '}': push(make(Obj::Kind::Dict)); break;
            case ']': push(make(Obj::Kind::List)); break;
            case ')': push(make(Obj::Kind::Tuple)); break;
            case 'd':
            case 'l':
            case 't': {
                std::vector<Obj *> items = popMark();
                Obj *o = make(op == 'd' ? Obj::Kind::Dict : op == 'l' ? Obj::Kind::List : Obj::Kind::Tuple);
                if (op == 'd') {
                    setItems(o, items);
                } else {
                    countItems(items.size());
                    o->items = std::move(items);
                }
                push(o);
                break;
            }
            case 0x85:
            case 0x86:
            case 0x87: {
                const std::size_t n = op - 0x84u;
                if (stackAboveMark() < n)
                    bad("TUPLE" + std::to_string(n) + " with too few values on the stack");
                Obj *o = make(Obj::Kind::Tuple);
                o->items.assign(m_stack.end() - static_cast<long>(n), m_stack.end());
                m_stack.resize(m_stack.size() - n);
                push(o);
                break;
            }
            case 'a': {
                Obj *v = pop();
                append(top(), {v});
                break;
            }
            case 'e': {
                std::vector<Obj *> items = popMark();
                append(top(), items);
                break;
            }
            case 's': {
                Obj *v = pop();
                Obj *k = pop();
                setItems(top(), {k, v});
                break;
            }
            case 'u': {
                std::vector<Obj *> items = popMark();
                setItems(top(), items);
                break;
            }
            case 'q': memoPut(u(1)); break;
            case 'r': memoPut(u(4)); break;
            case 0x94: memoPut(m_memo.size()); break;
            case 'h': memoGet(u(1)); break;
            case 'j': memoGet(u(4)); break;
            case 'c': { // GLOBAL "module\nname\n"
                const std::string module = line();
                const std::string name = line();
                pushGlobal(module + "." + name);
                break;
            }
            case 0x93: { // STACK_GLOBAL
                Obj *name = pop();
                Obj *module = pop();
                if (module->kind != Obj::Kind::Str || name->kind != Obj::Kind::Str)
                    bad("STACK_GLOBAL needs two strings");
                pushGlobal(module->s + "." + name->s);
                break;
            }
            case 'Q': { // BINPERSID: torch's storage reference
                push(storage(pop()));
                break;
            }
            case 'R': {
                Obj *args = pop();
                Obj *callable = pop();
                push(reduce(callable, args));
                break;
            }
            case 'b': { // BUILD: OrderedDict's __dict__ (its _metadata); nothing else needs state
                pop();
                Obj *o = top();
                if (o->kind != Obj::Kind::Dict && o->kind != Obj::Kind::Tensor)
                    bad("BUILD on " + aKind(o->kind) + " is not part of a state dict");
                break;
            }
            default: {
                char buf[128];
                std::snprintf(buf, sizeof buf, "pickle opcode 0x%02X at byte %zu is not part of a state dict", op, at);
                bad(buf);
            }
            }
        }
    }

    std::size_t tensorCount() const { return m_tensors; }

private:
    [[noreturn]] void bad(const std::string &problem) const { fail(m_label, "data.pkl: " + problem); }

    Obj *make(Obj::Kind kind)
    {
        if (m_arena.size() >= kMaxValues)
            bad("more than " + std::to_string(kMaxValues) + " objects");
        m_arena.push_back(std::make_unique<Obj>());
        m_arena.back()->kind = kind;
        return m_arena.back().get();
    }

    std::uint64_t u(std::size_t n)
    {
        if (m_data.size() - m_pos < n)
            bad("truncated at byte " + std::to_string(m_pos));
        const std::uint64_t v = le(m_data.data() + m_pos, static_cast<int>(n));
        m_pos += n;
        return v;
    }

    std::string take(std::uint64_t n)
    {
        if (m_data.size() - m_pos < n)
            bad("a " + std::to_string(n) + "-byte string at byte " + std::to_string(m_pos) +
                " runs past the end of the pickle");
        std::string s = m_data.substr(m_pos, static_cast<std::size_t>(n));
        m_pos += static_cast<std::size_t>(n);
        return s;
    }

    std::string line()
    {
        const std::size_t nl = m_data.find('\n', m_pos);
        if (nl == std::string::npos || nl - m_pos > 256)
            bad("GLOBAL without a short newline-terminated name");
        std::string s = m_data.substr(m_pos, nl - m_pos);
        m_pos = nl + 1;
        return s;
    }

    void push(Obj *o)
    {
        if (m_stack.size() >= kMaxStack)
            bad("more than " + std::to_string(kMaxStack) + " values on the stack");
        m_stack.push_back(o);
    }
    std::size_t stackAboveMark() const { return m_stack.size() - (m_marks.empty() ? 0 : m_marks.back()); }
    Obj *top() const
    {
        if (stackAboveMark() == 0)
            bad("an opcode needs a value but the stack is empty");
        return m_stack.back();
    }
    Obj *pop()
    {
        Obj *o = top();
        m_stack.pop_back();
        return o;
    }
    std::vector<Obj *> popMark()
    {
        if (m_marks.empty())
            bad("an opcode needs a MARK but there is none");
        const std::size_t m = m_marks.back();
        m_marks.pop_back();
        std::vector<Obj *> items(m_stack.begin() + static_cast<long>(m), m_stack.end());
        m_stack.resize(m);
        return items;
    }

    void pushInt(std::int64_t v)
    {
        Obj *o = make(Obj::Kind::Int);
        o->i = v;
        push(o);
    }
    void pushString(Obj::Kind kind, std::uint64_t n)
    {
        Obj *o = make(kind);
        o->s = take(n);
        push(o);
    }
    void pushGlobal(const std::string &name)
    {
        if (!allowedGlobal(name))
            bad("refuses global '" + printable(name) +
                "' (only what a state dict needs is read; nothing in the file is executed)");
        Obj *o = make(Obj::Kind::Global);
        o->s = name;
        push(o);
    }

    void memoPut(std::uint64_t index)
    {
        if (m_memo.size() >= kMaxValues && !m_memo.count(index))
            bad("memo too large");
        m_memo[index] = top();
    }
    void memoGet(std::uint64_t index)
    {
        const auto it = m_memo.find(index);
        if (it == m_memo.end())
            bad("memo entry " + std::to_string(index) + " is read before it is written");
        push(it->second);
    }

    // DUP and memo reads let one value be referenced many times: the
    // references held by containers are counted, so their memory is bounded.
    void countItems(std::size_t n)
    {
        m_items += n;
        if (m_items > kMaxItems)
            bad("containers hold more than " + std::to_string(kMaxItems) + " values");
    }

    void append(Obj *list, const std::vector<Obj *> &items)
    {
        if (list->kind != Obj::Kind::List)
            bad("APPEND to " + aKind(list->kind));
        countItems(items.size());
        list->items.insert(list->items.end(), items.begin(), items.end());
    }
    void setItems(Obj *dict, const std::vector<Obj *> &items)
    {
        if (dict->kind != Obj::Kind::Dict)
            bad("SETITEM on " + aKind(dict->kind));
        if (items.size() % 2)
            bad("SETITEMS with an odd number of values");
        countItems(items.size());
        for (std::size_t k = 0; k < items.size(); k += 2)
            dict->entries.emplace_back(items[k], items[k + 1]);
    }

    Obj *storage(Obj *pid)
    {
        // ('storage', torch.FloatStorage, key, location, numel)
        if (pid->kind != Obj::Kind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != Obj::Kind::Str ||
            pid->items[0]->s != "storage" || pid->items[1]->kind != Obj::Kind::Global ||
            pid->items[2]->kind != Obj::Kind::Str || pid->items[4]->kind != Obj::Kind::Int)
            bad("a persistent id that is not ('storage', type, key, location, size)");
        const Obj *type = pid->items[1];
        const StorageType *st = nullptr;
        for (const auto &s : kStorages)
            if (type->s == s.name)
                st = &s;
        if (!st)
            bad("'" + printable(type->s) + "' is not a storage type");
        if (pid->items[4]->i < 0)
            bad("storage '" + printable(pid->items[2]->s) + "' has a negative size");
        const std::string &key = pid->items[2]->s;
        const auto it = m_storages.find(key);
        if (it != m_storages.end()) {
            if (it->second->dtype != st->dtype || it->second->numel != pid->items[4]->i)
                bad("storage '" + printable(key) + "' is referenced with two different types or sizes");
            return it->second;
        }
        Obj *o = make(Obj::Kind::Storage);
        o->s = key;
        o->dtype = st->dtype;
        o->numel = pid->items[4]->i;
        m_storages.emplace(key, o);
        return o;
    }

    static bool intTuple(const Obj *o, std::vector<std::int64_t> &out)
    {
        if (o->kind != Obj::Kind::Tuple && o->kind != Obj::Kind::List)
            return false;
        out.clear();
        for (const Obj *x : o->items) {
            if (x->kind != Obj::Kind::Int)
                return false;
            out.push_back(x->i);
        }
        return true;
    }

    Obj *reduce(Obj *callable, Obj *args)
    {
        if (callable->kind != Obj::Kind::Global)
            bad("REDUCE on " + aKind(callable->kind) + " rather than a known function");
        if (args->kind != Obj::Kind::Tuple)
            bad("REDUCE with arguments that are not a tuple");
        const std::string &f = callable->s;
        const auto &a = args->items;
        if (f == kOrderedDict) {
            if (!a.empty())
                bad("OrderedDict built from arguments");
            return make(Obj::Kind::Dict);
        }
        if (f == kRebuildTensor) {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (a.size() < 6 || a.size() > 7 || a[0]->kind != Obj::Kind::Storage || a[1]->kind != Obj::Kind::Int)
                bad("_rebuild_tensor_v2 with unexpected arguments");
            Obj *t = make(Obj::Kind::Tensor);
            t->storage = a[0];
            t->offset = a[1]->i;
            if (!intTuple(a[2], t->shape) || !intTuple(a[3], t->stride))
                bad("_rebuild_tensor_v2: size and stride must be tuples of integers");
            if (++m_tensors > kMaxTensors)
                bad("more than " + std::to_string(kMaxTensors) + " tensors");
            return t;
        }
        if (f == kRebuildParameter || f == kRebuildParameterWithState) {
            if (a.size() < 3 || a.size() > 4 || a[0]->kind != Obj::Kind::Tensor)
                bad("_rebuild_parameter with unexpected arguments");
            return a[0];
        }
        bad("'" + printable(f) + "' cannot be called");
    }

    const std::string &m_data;
    std::string m_label;
    std::size_t m_pos = 0;
    std::vector<std::unique_ptr<Obj>> m_arena;
    std::vector<Obj *> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<std::uint64_t, Obj *> m_memo;
    std::map<std::string, Obj *> m_storages;
    std::size_t m_tensors = 0;
    std::size_t m_items = 0;
};

// ---------------------------------------------------------------- state dict

// The dict of name -> tensor, unwrapping training checkpoints.
const Obj *findStateDict(const Obj *root, const std::string &label)
{
    static const char *kWrappers[] = {"state_dict", "model", "model_state_dict", "module", "net", "network"};
    const Obj *d = root;
    for (int depth = 0; depth < 4; ++depth) {
        if (d->kind != Obj::Kind::Dict)
            fail(label, "holds " + aKind(d->kind) + ", not a state dict");
        const Obj *inner = nullptr;
        for (const char *w : kWrappers) {
            for (const auto &[k, v] : d->entries)
                if (k->kind == Obj::Kind::Str && k->s == w && v->kind == Obj::Kind::Dict)
                    inner = v;
            if (inner)
                break;
        }
        if (!inner)
            break;
        d = inner;
    }
    if (d->kind != Obj::Kind::Dict)
        fail(label, "checkpoints nested more than 4 levels deep are not read");
    if (d->entries.empty())
        fail(label, "the state dict is empty");
    for (const auto &[k, v] : d->entries) {
        if (k->kind != Obj::Kind::Str)
            fail(label, "state dict key is " + aKind(k->kind) + ", not a name");
        if (v->kind != Obj::Kind::Tensor) {
            std::string keys;
            for (std::size_t i = 0; i < d->entries.size() && i < 6; ++i)
                if (d->entries[i].first->kind == Obj::Kind::Str)
                    keys += (keys.empty() ? "" : ", ") + printable(d->entries[i].first->s);
            fail(label, "no state dict of tensors found: entry '" + printable(k->s) + "' is not a tensor but " + aKind(v->kind) +
                            " (keys: " + keys + (d->entries.size() > 6 ? ", ..." : "") + ")");
        }
    }
    return d;
}

struct Parsed {
    std::string prefix; // "archive/" or "<stem>/"
    std::vector<std::pair<std::string, const Obj *>> tensors;
};

std::string describeShape(const std::vector<std::int64_t> &s)
{
    std::string out = "[";
    for (std::size_t i = 0; i < s.size(); ++i)
        out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

// Checks a tensor's view of its storage: returns its element count and the
// storage elements it needs. No arithmetic may overflow.
std::uint64_t checkView(const std::string &label, const std::string &name, const Obj &t, std::uint64_t &numel)
{
    const std::string where = "tensor '" + printable(name) + "': ";
    if (t.shape.size() != t.stride.size())
        fail(label, where + "size " + describeShape(t.shape) + " and stride " + describeShape(t.stride) +
                        " differ in length");
    if (t.shape.size() > kMaxDims)
        fail(label, where + "has more than " + std::to_string(kMaxDims) + " dimensions");
    if (t.offset < 0 || static_cast<std::uint64_t>(t.offset) > kMaxBytes / 8)
        fail(label, where + "storage offset " + std::to_string(t.offset) + " is out of range");
    numel = 1;
    bool empty = false;
    for (std::size_t d = 0; d < t.shape.size(); ++d) {
        if (t.shape[d] < 0 || t.stride[d] < 0)
            fail(label, where + "negative size or stride (" + describeShape(t.shape) + ", " +
                            describeShape(t.stride) + ")");
        empty = empty || t.shape[d] == 0;
    }
    std::uint64_t last = static_cast<std::uint64_t>(t.offset); // index of the last element read
    const std::uint64_t limit = kMaxBytes / 8;
    for (std::size_t d = 0; d < t.shape.size() && !empty; ++d) {
        const auto n = static_cast<std::uint64_t>(t.shape[d]);
        if (numel > limit / n)
            fail(label, where + "size " + describeShape(t.shape) + " is too large");
        numel *= n;
        const auto s = static_cast<std::uint64_t>(t.stride[d]);
        if (s && (n - 1) > (limit - last) / s)
            fail(label, where + "stride " + describeShape(t.stride) + " reaches too far");
        last += (n - 1) * s;
    }
    if (empty) {
        numel = 0;
        return 0;
    }
    // A view that repeats elements (stride 0, overlapping strides) could turn
    // one stored element into gigabytes when materialised.
    if (numel > static_cast<std::uint64_t>(t.storage->numel))
        fail(label, where + "a view of " + std::to_string(numel) + " elements over storage '" + printable(t.storage->s) +
                        "' of " + std::to_string(t.storage->numel) + " (size " + describeShape(t.shape) + ", stride " +
                        describeShape(t.stride) + " repeats elements); a state dict's tensors never do");
    const std::uint64_t needed = last + 1;
    if (needed > static_cast<std::uint64_t>(t.storage->numel))
        fail(label, where + "size " + describeShape(t.shape) + ", stride " + describeShape(t.stride) + " and offset " +
                        std::to_string(t.offset) + " need " + std::to_string(needed) + " elements but storage '" +
                        printable(t.storage->s) + "' has " + std::to_string(t.storage->numel));
    return needed;
}

bool isContiguous(const Obj &t)
{
    std::int64_t expected = 1;
    for (std::size_t d = t.shape.size(); d-- > 0;) {
        if (t.shape[d] != 1 && t.stride[d] != expected)
            return false;
        expected *= t.shape[d];
    }
    return true;
}

// Finds data.pkl, refuses what is not a torch.save state dict file, unpickles it.
Parsed parseStructure(const Zip &zip, Unpickler &unpickler, const std::string &label, std::string &pickle,
                      const Obj *&dict)
{
    Parsed out;
    const ZipEntry *pkl = nullptr;
    bool torchscript = false;
    for (const ZipEntry &e : zip.entries()) {
        const auto slash = e.name.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string rest = e.name.substr(slash + 1);
        if (rest == "constants.pkl" || rest.rfind("code/", 0) == 0)
            torchscript = true;
        if (rest == "data.pkl") {
            if (pkl)
                fail(label, "holds two data.pkl records ('" + printable(pkl->name) + "' and '" + printable(e.name) +
                                "')");
            pkl = &e;
            out.prefix = e.name.substr(0, slash + 1);
        }
    }
    if (torchscript)
        fail(label, "is a TorchScript archive (torch.jit.save), not a state dict; save model.state_dict() with "
                    "torch.save instead");
    if (!pkl)
        fail(label, "is a zip file without a data.pkl record, so not a file written by torch.save");
    if (pkl->size > kMaxPickleBytes)
        fail(label, "data.pkl is " + std::to_string(pkl->size) + " bytes, more than the limit of " +
                        std::to_string(kMaxPickleBytes));
    if (const ZipEntry *order = zip.find(out.prefix + "byteorder")) {
        if (order->size > 16)
            fail(label, "byteorder record is too long");
        const std::string b = zip.read(*order);
        if (b != "little")
            fail(label, "tensors are stored in '" + printable(b) + "' byte order; only little-endian is read");
    }
    pickle = zip.read(*pkl);
    dict = findStateDict(unpickler.run(), label);
    std::set<std::string> seen;
    for (const auto &[k, v] : dict->entries) {
        if (!seen.insert(k->s).second)
            fail(label, "tensor '" + printable(k->s) + "' appears twice in the state dict");
        out.tensors.emplace_back(k->s, v);
    }
    return out;
}

std::vector<TensorRecord> headerFrom(const Source &src, const std::string &label)
{
    const Zip zip(src, label);
    std::string pickle;
    Unpickler unpickler(pickle, label);
    const Obj *dict = nullptr;
    const Parsed parsed = parseStructure(zip, unpickler, label, pickle, dict);
    std::vector<TensorRecord> records;
    for (const auto &[name, t] : parsed.tensors) {
        std::uint64_t numel = 0;
        checkView(label, name, *t, numel);
        const ZipEntry *e = zip.find(parsed.prefix + "data/" + t->storage->s);
        if (!e)
            fail(label, "tensor '" + printable(name) + "': storage record '" + printable(t->storage->s) +
                            "' is missing from the archive");
        const std::size_t elem = dtypeSize(t->storage->dtype);
        if (static_cast<std::uint64_t>(t->storage->numel) > kMaxBytes / elem ||
            e->size != static_cast<std::uint64_t>(t->storage->numel) * elem)
            fail(label, "storage '" + printable(t->storage->s) + "' holds " + std::to_string(e->size) +
                            " bytes but " + std::to_string(t->storage->numel) + " elements of " +
                            toString(t->storage->dtype) + " need more or fewer");
        TensorRecord r;
        r.name = name;
        r.dtype = t->storage->dtype;
        r.shape = t->shape;
        records.push_back(std::move(r));
    }
    return records;
}

SafetensorsFile readFrom(const Source &src, const std::string &label, const TensorLimits *limits)
{
    const Zip zip(src, label);
    std::string pickle;
    Unpickler unpickler(pickle, label);
    const Obj *dict = nullptr;
    const Parsed parsed = parseStructure(zip, unpickler, label, pickle, dict);

    // Bounded by the architecture, once it is known: a view may have no more
    // elements than the plan's tensor of its name, a storage no more than the
    // largest plan tensor among the names that use it. Checked for every tensor
    // before the first storage is read.
    std::map<const Obj *, std::uint64_t> storageLimit;
    if (limits) {
        const auto refuse = [&](const std::string &what, std::uint64_t numel, std::uint64_t most) {
            fail(label, what + " holds " + std::to_string(numel) + " elements, far more than the file's architecture, " +
                            limits->architecture + ", can use (at most " + std::to_string(most) + ")");
        };
        std::uint64_t views = 0, stored = 0;
        for (const auto &[name, t] : parsed.tensors) {
            std::uint64_t numel = 0;
            checkView(label, name, *t, numel);
            const std::uint64_t most = limits->maxElements(name);
            if (numel > most + limits->slack)
                refuse("tensor '" + printable(name) + "': " + describeShape(t->shape), numel, most);
            views += numel;
            std::uint64_t &s = storageLimit[t->storage];
            s = std::max(s, most);
        }
        for (const auto &[name, t] : parsed.tensors) {
            const std::uint64_t most = storageLimit[t->storage];
            const auto numel = static_cast<std::uint64_t>(t->storage->numel);
            if (numel > most + limits->slack)
                refuse("tensor '" + printable(name) + "': storage '" + printable(t->storage->s) + "'", numel, most);
        }
        for (const auto &[st, most] : storageLimit)
            stored += static_cast<std::uint64_t>(st->numel);
        if (views > limits->maxTotalElements || stored > limits->maxTotalElements)
            refuse("the state dict", std::max(views, stored), limits->maxTotalElements);
    }

    // Each storage record once; tensors point into them (or into a gathered copy).
    std::map<std::string, std::string> storages;
    std::vector<std::string> gathered;
    gathered.reserve(parsed.tensors.size());
    std::vector<TensorToWrite> out;
    out.reserve(parsed.tensors.size());
    // What the tensors may add up to: the storages read, twice (tied weights
    // share one storage), plus 1 MiB. A view that repeats elements (stride 0,
    // overlapping strides) cannot turn a small storage into a large tensor.
    std::uint64_t storageBytes = 0, tensorBytes = 0;
    for (const auto &[name, t] : parsed.tensors) {
        std::uint64_t numel = 0;
        checkView(label, name, *t, numel);
        const Obj &st = *t->storage;
        const std::size_t elem = dtypeSize(st.dtype);

        auto it = storages.find(st.s);
        if (it == storages.end()) {
            const ZipEntry *e = zip.find(parsed.prefix + "data/" + st.s);
            if (!e)
                fail(label, "tensor '" + printable(name) + "': storage record '" + printable(st.s) +
                                "' is missing from the archive");
            if (static_cast<std::uint64_t>(st.numel) > kMaxBytes / elem || e->size != st.numel * elem)
                fail(label, "storage '" + printable(st.s) + "' holds " + std::to_string(e->size) + " bytes but " +
                                std::to_string(st.numel) + " elements of " + toString(st.dtype) + " need " +
                                std::to_string(static_cast<std::uint64_t>(st.numel) * elem));
            it = storages.emplace(st.s, zip.read(*e)).first;
            storageBytes += it->second.size();
        }
        tensorBytes += numel * elem;
        if (tensorBytes > 2 * storageBytes + (1u << 20))
            fail(label, "tensor '" + printable(name) + "': the tensors so far need " + std::to_string(tensorBytes) +
                            " bytes from " + std::to_string(storageBytes) +
                            " bytes of storage; views this far over their storage are not read");
        const char *base = it->second.data();
        TensorToWrite w;
        w.name = name;
        w.dtype = st.dtype;
        w.shape = t->shape;
        if (numel == 0) {
            w.data = nullptr;
        } else if (isContiguous(*t)) {
            w.data = base + static_cast<std::size_t>(t->offset) * elem;
        } else {
            // Materialise a strided view, element by element in row-major order.
            std::string buf(static_cast<std::size_t>(numel * elem), '\0');
            std::vector<std::int64_t> index(t->shape.size(), 0);
            for (std::uint64_t n = 0; n < numel; ++n) {
                std::uint64_t src = static_cast<std::uint64_t>(t->offset);
                for (std::size_t d = 0; d < index.size(); ++d)
                    src += static_cast<std::uint64_t>(index[d]) * static_cast<std::uint64_t>(t->stride[d]);
                std::memcpy(buf.data() + n * elem, base + src * elem, elem);
                for (std::size_t d = index.size(); d-- > 0;) {
                    if (++index[d] < t->shape[d])
                        break;
                    index[d] = 0;
                }
            }
            gathered.push_back(std::move(buf));
            w.data = gathered.back().data();
        }
        out.push_back(std::move(w));
    }
    std::string encoded = encodeSafetensors(out, {}, label);
    out.clear();
    storages.clear();
    gathered.clear();
    return SafetensorsFile::parse(std::move(encoded), label);
}

// A word the shell takes literally: '...' with every ' written as '\''.
std::string shellQuoted(const std::string &s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string legacyMessage(const std::string &path)
{
    std::string stem = path;
    const auto dot = stem.rfind('.');
    if (dot != std::string::npos && stem.find('/', dot) == std::string::npos)
        stem = stem.substr(0, dot);
    // The names travel as arguments, quoted for the shell, never pasted into
    // code: a crafted file name cannot become a command when the line is run.
    return "a PyTorch file in the legacy format (before PyTorch 1.6), which is not read here; re-save it in the "
           "zip format with: python3 -c 'import sys, torch; torch.save(torch.load(sys.argv[1], map_location=\"cpu\"), "
           "sys.argv[2])' " +
           printableText(shellQuoted(path), 400) + " " + printableText(shellQuoted(stem + "-zip.pth"), 400);
}

} // namespace

WeightsFormat sniffWeightsFormat(const std::string &b)
{
    if (b.size() >= 4 && b.compare(0, 4, "PK\x03\x04", 4) == 0)
        return WeightsFormat::PytorchZip;
    // Protocol 2 pickle whose first value is torch's magic number 0x1950a86a20f9469cfc6c (LONG1).
    static const unsigned char kLegacy[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8};
    if (b.size() >= sizeof kLegacy && std::memcmp(b.data(), kLegacy, sizeof kLegacy) == 0)
        return WeightsFormat::PytorchLegacy;
    return WeightsFormat::Safetensors;
}

SafetensorsFile readPytorchFile(const std::string &path, const TensorLimits *limits)
{
    const FileSource src(path);
    try {
        return readFrom(src, path, limits);
    } catch (const std::bad_alloc &) {
        fail(path, "out of memory");
    }
}

SafetensorsFile parsePytorch(const std::string &bytes, const std::string &label)
{
    const MemorySource src(bytes);
    try {
        return readFrom(src, label, nullptr);
    } catch (const std::bad_alloc &) {
        fail(label, "out of memory");
    }
}

std::vector<TensorRecord> readPytorchHeader(const std::string &path)
{
    const FileSource src(path);
    try {
        return headerFrom(src, path);
    } catch (const std::bad_alloc &) {
        fail(path, "out of memory");
    }
}

std::vector<TensorRecord> parsePytorchHeader(const std::string &bytes, const std::string &label)
{
    const MemorySource src(bytes);
    try {
        return headerFrom(src, label);
    } catch (const std::bad_alloc &) {
        fail(label, "out of memory");
    }
}

SafetensorsFile readWeightsFile(const std::string &path, const TensorLimits *limits)
{
    std::string head(16, '\0');
    {
        const auto fp = openRegularFile(path); // never blocks on a FIFO
        head.resize(std::fread(head.data(), 1, head.size(), fp.get()));
    }
    switch (sniffWeightsFormat(head)) {
    case WeightsFormat::PytorchZip: return readPytorchFile(path, limits);
    case WeightsFormat::PytorchLegacy: fail(path, legacyMessage(path));
    case WeightsFormat::Safetensors: break;
    }
    return limits ? SafetensorsFile::read(path, *limits) : SafetensorsFile::read(path);
}

SafetensorsFile convertToSafetensors(const std::string &in, const std::string &out, const TensorLimits *limits)
{
    std::error_code ec;
    if (std::filesystem::equivalent(in, out, ec))
        fail(out, "is the input file; choose another --out");
    SafetensorsFile file = readWeightsFile(in, limits);
    std::vector<TensorToWrite> tensors;
    for (const TensorRecord &t : file.tensors())
        tensors.push_back({t.name, t.dtype, t.shape, t.begin == t.end ? nullptr : file.data(t)});
    auto metadata = file.metadata();
    metadata["converted_from"] = std::filesystem::path(in).filename().string();
    writeSafetensors(out, tensors, metadata);
    return file;
}

} // namespace resnext
