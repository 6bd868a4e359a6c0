#include "resnext/safetensors.h"

#include "bounded_json.h"
#include "resnext/fileio.h"
#include "resnext/text.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include <sys/stat.h>

namespace resnext {

namespace {

// The reference implementation's cap; a header this size already means ~a
// million tensors, so anything larger is corrupt or hostile.
constexpr std::uint64_t kMaxHeaderBytes = 100000000;
// The header holds objects in an object (metadata, tensors) and short arrays in
// those: anything deeper is not a safetensors header.
constexpr std::size_t kMaxHeaderDepth = 3;
constexpr std::uint64_t kMaxBytes = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
constexpr const char *kMetadataKey = "__metadata__";

struct DTypeInfo {
    DType dtype;
    const char *name;
    std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2}, {DType::F64, "F64", 8},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2},   {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

const DTypeInfo &info(DType dtype)
{
    for (const auto &d : kDTypes)
        if (d.dtype == dtype)
            return d;
    throw Error("invalid DType value " + std::to_string(static_cast<int>(dtype)));
}

bool dtypeFromString(const std::string &s, DType &out)
{
    for (const auto &d : kDTypes) {
        if (s == d.name) {
            out = d.dtype;
            return true;
        }
    }
    return false;
}

[[noreturn]] void fail(const std::string &label, const std::string &problem)
{
    throw Error(label + ": " + problem);
}

// A string from the file (or the caller) as it may appear in a one-line UTF-8
// message: control and invalid bytes escaped, long strings cut at a character boundary.
std::string printable(std::string_view s) { return printableText(s, 120); }

std::string tensorPrefix(std::string_view name)
{
    return "tensor '" + printable(name) + "': ";
}

std::string rangeString(std::uint64_t begin, std::uint64_t end)
{
    return "[" + std::to_string(begin) + "," + std::to_string(end) + "]";
}

// Byte size of a shape of dtype, or false if it exceeds int64 (no dimension may be negative).
bool byteSize(const std::vector<std::int64_t> &shape, DType dtype, std::uint64_t &bytes)
{
    std::uint64_t n = dtypeSize(dtype);
    if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
        bytes = 0;
        return true;
    }
    for (std::int64_t d : shape) {
        const auto u = static_cast<std::uint64_t>(d);
        if (n > kMaxBytes / u)
            return false;
        n *= u;
    }
    bytes = n;
    return true;
}

using Json = nlohmann::json;

// A non-negative integer that fits int64, as the spec's offsets and dimensions must be.
bool nonNegativeInt64(const Json &v, std::int64_t &out)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return false;
        out = static_cast<std::int64_t>(u);
        return true;
    }
    if (!v.is_number_integer())
        return false;
    out = v.get<std::int64_t>();
    return out >= 0;
}

TensorRecord parseEntry(const std::string &label, const std::string &name, const Json &entry, std::uint64_t dataSize)
{
    const std::string where = tensorPrefix(name);
    if (!entry.is_object())
        fail(label, where + "entry is not a JSON object (got " + jsonKindName(entry) + ")");

    TensorRecord t;
    t.name = name;

    const auto dtype = entry.find("dtype");
    if (dtype == entry.end())
        fail(label, where + "missing \"dtype\"");
    if (!dtype->is_string())
        fail(label, where + "\"dtype\" is not a string (got " + jsonKindName(*dtype) + ")");
    if (!dtypeFromString(dtype->get_ref<const std::string &>(), t.dtype))
        fail(label, where + "unknown dtype '" + printable(dtype->get_ref<const std::string &>()) + "'");

    const auto shape = entry.find("shape");
    if (shape == entry.end())
        fail(label, where + "missing \"shape\"");
    if (!shape->is_array())
        fail(label, where + "\"shape\" is not an array (got " + jsonKindName(*shape) + ")");
    t.shape.reserve(shape->size());
    for (const Json &d : *shape) {
        if (!d.is_number_integer())
            fail(label, where + "\"shape\" holds " + jsonKindName(d) + "; dimensions must be integers");
        std::int64_t n = 0;
        if (d.is_number_unsigned() && !nonNegativeInt64(d, n))
            fail(label, where + "\"shape\" holds a dimension of 2^63 or more");
        t.shape.push_back(d.get<std::int64_t>());
    }
    if (std::any_of(t.shape.begin(), t.shape.end(), [](std::int64_t d) { return d < 0; }))
        fail(label, where + "shape " + shapeText(t.shape) + " has a negative dimension");

    const auto offsets = entry.find("data_offsets");
    if (offsets == entry.end())
        fail(label, where + "missing \"data_offsets\"");
    if (!offsets->is_array() || offsets->size() != 2)
        fail(label, where + "\"data_offsets\" must be [begin,end]");
    std::int64_t range[2] = {0, 0};
    for (int k = 0; k < 2; ++k)
        if (!nonNegativeInt64((*offsets)[static_cast<std::size_t>(k)], range[k]))
            fail(label, where + "\"data_offsets\" must be two non-negative integers");
    t.begin = static_cast<std::uint64_t>(range[0]);
    t.end = static_cast<std::uint64_t>(range[1]);
    if (t.begin > t.end)
        fail(label, where + "data_offsets " + rangeString(t.begin, t.end) + " end before they begin");

    std::uint64_t bytes = 0;
    if (!byteSize(t.shape, t.dtype, bytes))
        fail(label, where + "shape " + shapeText(t.shape) + " of " + toString(t.dtype) +
                        " needs more than 2^63 bytes");
    if (t.end - t.begin != bytes)
        fail(label, where + "data_offsets span " + std::to_string(t.end - t.begin) + " bytes but shape " +
                        shapeText(t.shape) + " of " + toString(t.dtype) + " needs " + std::to_string(bytes));
    if (t.end > dataSize)
        fail(label, where + "data_offsets " + rangeString(t.begin, t.end) + " out of range of the " +
                        std::to_string(dataSize) + "-byte data section");
    return t;
}

std::map<std::string, std::string> parseMetadata(const std::string &label, const Json &v)
{
    if (!v.is_object())
        fail(label, std::string("__metadata__ is not a JSON object (got ") + jsonKindName(v) + ")");
    std::map<std::string, std::string> metadata;
    for (const auto &[key, value] : v.items()) {
        if (!value.is_string())
            fail(label, "__metadata__ value for '" + printable(key) + "' is not a string (got " + jsonKindName(value) +
                            ")");
        metadata.emplace(key, value.get<std::string>()); // keys are unique: parseBoundedJson refused repeats
    }
    return metadata;
}

// A string as a JSON string literal (nlohmann escapes quotes, backslashes and
// control characters as the reference writer does). s must be valid UTF-8.
std::string quoted(const std::string &s)
{
    return Json(s).dump();
}

// The 8-byte length and the JSON header of a file holding tensors and metadata;
// sizes receives each tensor's byte count. Validates everything first.
std::string encodeHeader(const std::vector<TensorToWrite> &tensors, const std::map<std::string, std::string> &metadata,
                         const std::string &label, std::vector<std::uint64_t> &sizes)
{
    std::string json = "{";
    if (!metadata.empty()) {
        json += "\"__metadata__\":{";
        bool first = true;
        for (const auto &[key, value] : metadata) {
            if (!isValidUtf8(key))
                fail(label, "__metadata__ key '" + printable(key) + "' is not valid UTF-8");
            if (!isValidUtf8(value))
                fail(label, "__metadata__ value for '" + printable(key) + "' is not valid UTF-8");
            if (!first)
                json += ',';
            first = false;
            json += quoted(key);
            json += ':';
            json += quoted(value);
        }
        json += '}';
    }

    std::unordered_set<std::string_view> names;
    std::uint64_t offset = 0;
    sizes.clear();
    sizes.reserve(tensors.size());
    for (const TensorToWrite &t : tensors) {
        const std::string where = tensorPrefix(t.name);
        if (!isValidUtf8(t.name))
            fail(label, where + "name is not valid UTF-8");
        if (t.name == kMetadataKey)
            fail(label, where + "the name is reserved for metadata");
        if (!names.insert(t.name).second)
            fail(label, where + "appears twice");
        if (std::any_of(t.shape.begin(), t.shape.end(), [](std::int64_t d) { return d < 0; }))
            fail(label, where + "shape " + shapeText(t.shape) + " has a negative dimension");
        std::uint64_t bytes = 0;
        if (!byteSize(t.shape, t.dtype, bytes) || bytes > kMaxBytes - offset)
            fail(label, where + "tensors need more than 2^63 bytes in total");
        if (bytes > 0 && !t.data)
            fail(label, where + "no data given for " + std::to_string(bytes) + " bytes");
        if (json.size() > 1)
            json += ',';
        json += quoted(t.name);
        json += ":{\"dtype\":\"";
        json += toString(t.dtype);
        json += "\",\"shape\":";
        json += shapeText(t.shape);
        json += ",\"data_offsets\":";
        json += rangeString(offset, offset + bytes);
        json += '}';
        sizes.push_back(bytes);
        offset += bytes;
    }
    json += '}';
    // Spaces up to a multiple of 8 keep the data section 8-byte aligned in the file, as the reference writer does.
    json.append((8 - json.size() % 8) % 8, ' ');

    std::string out(8, '\0');
    std::uint64_t n = json.size();
    for (int k = 0; k < 8; ++k, n >>= 8)
        out[k] = static_cast<char>(n & 0xFF);
    return out + json;
}

std::uint32_t floatBits(float f)
{
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float bitsFloat(std::uint32_t u)
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

} // namespace

std::string toString(DType dtype)
{
    return info(dtype).name;
}

std::size_t dtypeSize(DType dtype)
{
    return info(dtype).size;
}

std::int64_t TensorRecord::numel() const
{
    // Unsigned so that a hand-made record cannot trigger signed overflow; parsed records never wrap.
    std::uint64_t n = 1;
    for (std::int64_t d : shape)
        n *= static_cast<std::uint64_t>(d);
    return static_cast<std::int64_t>(n);
}

SafetensorsFile SafetensorsFile::read(const std::string &path)
{
    // A regular file only: a FIFO would block the open, /dev/zero never end.
    std::string bytes = readRegularFile(path, kMaxWeightsFileBytes, "weights file");
    return parse(std::move(bytes), path);
}

SafetensorsFile SafetensorsFile::read(const std::string &path, const TensorLimits &limits)
{
    const SafetensorsFile header = readHeader(path);
    const auto refuse = [&](const std::string &what, std::uint64_t numel, std::uint64_t most) {
        fail(path, what + " holds " + std::to_string(numel) + " elements, far more than the file's architecture, " +
                       limits.architecture + ", can use (at most " + std::to_string(most) + ")");
    };
    std::uint64_t end = 0, total = 0;
    for (const TensorRecord &t : header.tensors()) {
        const auto numel = static_cast<std::uint64_t>(t.numel());
        const std::uint64_t most = limits.maxElements(t.name);
        if (numel > most + limits.slack)
            refuse(tensorPrefix(t.name) + "shape " + shapeText(t.shape), numel, most);
        total += numel; // no overflow: each is at most most + slack
        end = std::max(end, t.end);
    }
    if (total > limits.maxTotalElements)
        refuse("the header's tensors", total, limits.maxTotalElements);
    // The header again (it is small), then the data section only as far as a tensor reaches.
    const std::uint64_t wanted = header.m_dataStart + end;
    if (wanted > kMaxWeightsFileBytes)
        fail(path, "weights file is too large (" + std::to_string(wanted) + " bytes; the limit is " +
                       std::to_string(kMaxWeightsFileBytes >> 20) + " MiB)");
    const auto fp = openRegularFile(path);
    std::string bytes;
    try {
        bytes.resize(static_cast<std::size_t>(wanted));
    } catch (const std::bad_alloc &) {
        fail(path, "weights file is too large to read into memory");
    }
    if (std::fread(bytes.data(), 1, bytes.size(), fp.get()) != bytes.size())
        fail(path, "cannot read the " + std::to_string(wanted) + " bytes the header describes (the file shrank?)");
    return parseBytes(std::move(bytes), header.m_dataStart + header.m_dataSize, path);
}

SafetensorsFile SafetensorsFile::readHeader(const std::string &path)
{
    const auto fp = openRegularFile(path); // never blocks on a FIFO
    struct stat st {};
    if (::fstat(::fileno(fp.get()), &st) != 0)
        fail(path, std::string("cannot read file (") + std::strerror(errno) + ")");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    std::string bytes(8, '\0');
    bytes.resize(std::fread(bytes.data(), 1, 8, fp.get()));
    if (bytes.size() == 8) {
        std::uint64_t n = 0;
        for (int k = 7; k >= 0; --k)
            n = (n << 8) | static_cast<unsigned char>(bytes[k]);
        // Only a length that parseBytes will accept is read; it reports the others.
        if (n > 0 && n <= size - 8 && n <= kMaxHeaderBytes) {
            bytes.resize(8 + n);
            if (std::fread(bytes.data() + 8, 1, n, fp.get()) != n)
                fail(path, "cannot read the " + std::to_string(n) + "-byte header (the file shrank?)");
        }
    }
    return parseBytes(std::move(bytes), size, path);
}

SafetensorsFile SafetensorsFile::parse(std::string bytes, const std::string &label)
{
    const std::uint64_t size = bytes.size();
    return parseBytes(std::move(bytes), size, label);
}

SafetensorsFile SafetensorsFile::parseBytes(std::string bytes, std::uint64_t size, const std::string &label)
{
    if (size < 8)
        fail(label, "not a safetensors file (too short for the 8-byte header length)");
    std::uint64_t n = 0;
    for (int k = 7; k >= 0; --k)
        n = (n << 8) | static_cast<unsigned char>(bytes[k]);
    if (n == 0)
        fail(label, "header length is 0; a safetensors header holds at least '{}'");
    if (n > size - 8)
        fail(label, "header length " + std::to_string(n) + " runs past the end of the file (size " +
                        std::to_string(size) + ")");
    if (n > kMaxHeaderBytes)
        fail(label, "header length " + std::to_string(n) + " exceeds the limit of " +
                        std::to_string(kMaxHeaderBytes) + " bytes");
    if (bytes.size() < 8 + n)
        fail(label, "cannot read the " + std::to_string(n) + "-byte header");

    Json root;
    try {
        JsonLimits limits;
        limits.maxBytes = kMaxHeaderBytes;
        limits.maxDepth = kMaxHeaderDepth;
        root = parseBoundedJson<Json>(std::string_view(bytes).substr(8, n), limits);
    } catch (const JsonError &e) {
        fail(label, std::string("header is not valid JSON (") + e.what() + ")");
    }
    if (!root.is_object())
        fail(label, std::string("header is not a JSON object (got ") + jsonKindName(root) + ")");

    SafetensorsFile f;
    const std::uint64_t dataSize = size - 8 - n;
    f.m_tensors.reserve(root.size());
    for (const auto &[key, value] : root.items()) {
        if (key == kMetadataKey)
            f.m_metadata = parseMetadata(label, value);
        else
            f.m_tensors.push_back(parseEntry(label, key, value, dataSize));
    }

    std::sort(f.m_tensors.begin(), f.m_tensors.end(), [](const TensorRecord &a, const TensorRecord &b) {
        return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
    });
    // Sorted by begin, disjoint ranges can only clash with the previous non-empty
    // one; empty tensors own no bytes and cannot overlap anything.
    const TensorRecord *previous = nullptr;
    for (const TensorRecord &t : f.m_tensors) {
        if (t.begin == t.end)
            continue;
        if (previous && t.begin < previous->end)
            fail(label, tensorPrefix(t.name) + "data_offsets " + rangeString(t.begin, t.end) + " overlap tensor '" +
                            printable(previous->name) + "' at " + rangeString(previous->begin, previous->end));
        previous = &t;
    }
    for (std::size_t i = 0; i < f.m_tensors.size(); ++i)
        f.m_index.emplace(f.m_tensors[i].name, i);

    f.m_label = label;
    f.m_bytes = std::move(bytes);
    f.m_dataStart = static_cast<std::size_t>(8 + n);
    f.m_dataSize = dataSize;
    return f;
}

const TensorRecord *SafetensorsFile::find(const std::string &name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

const unsigned char *SafetensorsFile::data(const TensorRecord &t) const
{
    // Records are plain structs; one from another file (or edited) must not read out of bounds.
    if (t.begin > t.end || t.end > dataSize())
        fail(m_label, tensorPrefix(t.name) + "data_offsets " + rangeString(t.begin, t.end) + " out of range of the " +
                          std::to_string(dataSize()) + "-byte data section");
    if (m_bytes.size() - m_dataStart < t.end)
        fail(m_label, tensorPrefix(t.name) + "only the header was read");
    return reinterpret_cast<const unsigned char *>(m_bytes.data()) + m_dataStart + t.begin;
}

std::string encodeSafetensors(const std::vector<TensorToWrite> &tensors,
                              const std::map<std::string, std::string> &metadata, const std::string &label)
{
    std::vector<std::uint64_t> sizes;
    std::string out = encodeHeader(tensors, metadata, label, sizes);
    for (std::size_t i = 0; i < tensors.size(); ++i)
        if (sizes[i] > 0)
            out.append(static_cast<const char *>(tensors[i].data), static_cast<std::size_t>(sizes[i]));
    return out;
}

void writeSafetensors(const std::string &path, const std::vector<TensorToWrite> &tensors,
                      const std::map<std::string, std::string> &metadata)
{
    std::vector<std::uint64_t> sizes;
    const std::string header = encodeHeader(tensors, metadata, path, sizes);

    // Tensor bytes go straight from the caller's buffers to the file, so a large
    // model is never held twice in memory. AtomicFile writes a fresh temporary
    // file (never a planted symlink or FIFO), fsyncs it and renames it over path.
    AtomicFile out(path);
    out.write(header.data(), header.size());
    for (std::size_t i = 0; i < tensors.size(); ++i)
        if (sizes[i] > 0)
            out.write(tensors[i].data, static_cast<std::size_t>(sizes[i]));
    out.commit();
}

float halfToFloat(std::uint16_t bits)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1F;
    const std::uint32_t mantissa = bits & 0x3FF;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24, exact in float.
        const float magnitude = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 0x1F)
        return bitsFloat(sign | 0x7F800000 | (mantissa << 13)); // inf / NaN (payload kept)
    return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

float bfloat16ToFloat(std::uint16_t bits)
{
    return bitsFloat(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t floatToHalf(float value)
{
    const std::uint32_t x = floatBits(value);
    const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000);
    const std::uint32_t magnitude = x & 0x7FFFFFFF;
    if (magnitude > 0x7F800000) // NaN: keep it quiet and keep the top payload bits
        return sign | 0x7E00 | static_cast<std::uint16_t>((magnitude >> 13) & 0x3FF);
    if (magnitude >= 0x477FF000) // >= 65520 rounds to infinity (and infinity itself)
        return sign | 0x7C00;
    if (magnitude >= 0x38800000) { // normal half range, >= 2^-14
        std::uint32_t h = (magnitude - 0x38000000) >> 13;
        const std::uint32_t rest = magnitude & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
            ++h; // may carry into the exponent, which is the right result
        return sign | static_cast<std::uint16_t>(h);
    }
    if (magnitude < 0x33000000) // below 2^-25 rounds to zero (2^-25 itself ties to zero below)
        return sign;
    // Subnormal half: round(value / 2^-24) = significand >> (126 - exponent).
    const std::uint32_t exponent = magnitude >> 23;
    const std::uint32_t significand = (magnitude & 0x7FFFFF) | 0x800000;
    const std::uint32_t shift = 126 - exponent; // 14..24
    std::uint32_t h = significand >> shift;
    const std::uint32_t rest = significand & ((1u << shift) - 1);
    const std::uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1)))
        ++h;
    return sign | static_cast<std::uint16_t>(h);
}

std::uint16_t floatToBfloat16(float value)
{
    const std::uint32_t x = floatBits(value);
    if ((x & 0x7FFFFFFF) > 0x7F800000)
        return static_cast<std::uint16_t>((x >> 16) | 0x0040); // quiet NaN, even if the payload was low bits only
    const std::uint32_t roundingBias = 0x7FFF + ((x >> 16) & 1);
    return static_cast<std::uint16_t>((x + roundingBias) >> 16);
}

} // namespace resnext
