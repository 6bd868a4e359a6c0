#pragma once
// Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of JSON header, then the raw
// tensor bytes. Files are untrusted input: everything is validated before any
// tensor byte is handed out, and every failure is a resnext::Error with one line
// "<label>: <problem>". Pure C++17, so that it can be fuzzed without LibTorch.

#include "resnext/error.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace resnext {

// Element types supported here (a subset of the safetensors spec's dtypes).
enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL };

// The spec's name of a dtype: "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL".
std::string toString(DType dtype);
// Bytes per element of a dtype.
std::size_t dtypeSize(DType dtype);

// One tensor of a parsed file; offsets are relative to the start of the data section.
struct TensorRecord {
    std::string name;                 // key in the header (UTF-8)
    DType dtype = DType::F32;         // element type
    std::vector<std::int64_t> shape;  // dimensions, all >= 0; empty for a scalar
    std::uint64_t begin = 0, end = 0; // byte range [begin, end) in the data section
    // Product of the dimensions (1 for a scalar).
    std::int64_t numel() const;
};

// What an architecture allows a weights file to hold, once its plan is known
// (tensorLimitsFor in weights_cache.h): readers refuse a tensor, a storage or
// the bytes behind them that are larger than the limit for that name before
// allocating anything for it.
struct TensorLimits {
    // The elements the architecture uses for a tensor of this name (as in the file).
    std::function<std::uint64_t(const std::string &name)> maxElements;
    // The elements of all its tensors together.
    std::uint64_t maxTotalElements = 0;
    // How far one tensor may exceed maxElements: small mismatches (a [7] bias for a
    // [10] one) reach the shape check, whose message is better, at no real cost.
    std::uint64_t slack = 4096;
    // Names the architecture in messages: "resnext50_32x4d".
    std::string architecture;
};

// A validated safetensors file held in memory.
class SafetensorsFile {
public:
    // Reads and validates the whole file; the path is the label used in messages.
    static SafetensorsFile read(const std::string &path);
    // The same after checking the header against limits: a tensor larger than
    // its limit is refused before any tensor byte is read, and only the bytes up
    // to the last tensor's end are read.
    static SafetensorsFile read(const std::string &path, const TensorLimits &limits);
    // Validates bytes (a whole file's content) and keeps them; label prefixes every message.
    static SafetensorsFile parse(std::string bytes, const std::string &label);
    // Reads and validates only the 8-byte length and the JSON header (what a
    // listing needs: names, shapes, metadata); data() then throws.
    static SafetensorsFile readHeader(const std::string &path);

    // All tensors, sorted by begin offset (the order of their bytes in the file).
    const std::vector<TensorRecord> &tensors() const { return m_tensors; }
    // The tensor named name, or nullptr.
    const TensorRecord *find(const std::string &name) const;
    // The "__metadata__" entries (string -> string); empty if the header has none.
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    // The first of t's (end - begin) bytes, little-endian as stored. Not aligned for
    // any type: copy with memcpy. Throws Error if t does not lie within this file.
    const unsigned char *data(const TensorRecord &t) const;
    // Size of the data section in bytes.
    std::uint64_t dataSize() const { return m_dataSize; }
    // The label given to parse() (the path for read()).
    const std::string &label() const { return m_label; }

private:
    SafetensorsFile() = default;
    // bytes: the file's first bytes (all of it, or at least 8 + header length);
    // fileSize: the whole file's size, which the offsets are checked against.
    static SafetensorsFile parseBytes(std::string bytes, std::uint64_t fileSize, const std::string &label);

    std::string m_label;
    std::string m_bytes;          // the whole file
    std::size_t m_dataStart = 0;  // 8 + header length
    std::uint64_t m_dataSize = 0; // the data section's size in the file (m_bytes may hold only the header)
    std::vector<TensorRecord> m_tensors;
    std::map<std::string, std::size_t> m_index; // name -> position in m_tensors
    std::map<std::string, std::string> m_metadata;
};

// A tensor to write: data points to numel * dtypeSize(dtype) bytes in host
// (little-endian) byte order; it may be null when the tensor has no elements.
struct TensorToWrite {
    std::string name;                // unique, valid UTF-8, not "__metadata__"
    DType dtype = DType::F32;        // element type
    std::vector<std::int64_t> shape; // dimensions, all >= 0
    const void *data = nullptr;      // the elements, contiguous
};

// The bytes of a safetensors file holding tensors (laid out in the given order)
// and metadata as "__metadata__". Throws Error "<label>: <problem>" for invalid input.
std::string encodeSafetensors(const std::vector<TensorToWrite> &tensors,
                              const std::map<std::string, std::string> &metadata, const std::string &label);

// Writes encodeSafetensors(tensors, metadata) to path (via a temporary file that
// is renamed over path, so a failed write never leaves a truncated file there).
// Throws Error naming the path if the input is invalid or the file cannot be written.
void writeSafetensors(const std::string &path, const std::vector<TensorToWrite> &tensors,
                      const std::map<std::string, std::string> &metadata = {});

// IEEE binary16 bits -> float (exact).
float halfToFloat(std::uint16_t bits);
// bfloat16 bits -> float (exact).
float bfloat16ToFloat(std::uint16_t bits);
// float -> IEEE binary16 bits, rounding to nearest even; overflow gives infinity, NaN stays NaN.
std::uint16_t floatToHalf(float value);
// float -> bfloat16 bits, rounding to nearest even; NaN stays NaN.
std::uint16_t floatToBfloat16(float value);

} // namespace resnext
