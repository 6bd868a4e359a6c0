#pragma once
// Reading PyTorch state dicts written by torch.save (the zip format PyTorch has
// written since 1.6: <prefix>/data.pkl + <prefix>/data/<key> records) without
// Python or LibTorch. The pickle is untrusted input: a restricted unpickler
// understands only what a state dict needs (dicts, collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter, the typed storages) and
// refuses every other global; nothing in the file is ever executed. Every
// failure is a resnext::Error "<label>: <problem>". Pure C++17 + zlib, so that it
// can be fuzzed without LibTorch.

#include "resnext/safetensors.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

// What a file holds, judged from its first bytes.
enum class WeightsFormat {
    Safetensors,   // anything that is not one of the below (the safetensors reader judges it)
    PytorchZip,    // "PK\x03\x04": a zip archive, as torch.save writes since PyTorch 1.6
    PytorchLegacy, // a pickle starting with torch's legacy magic number (before 1.6)
};
WeightsFormat sniffWeightsFormat(const std::string &firstBytes);

// Reads a torch.save zip file's state dict into the form the safetensors reader
// gives (names as in the file, tensors contiguous, dtypes kept). A checkpoint that
// wraps its state dict ({"state_dict": ...}, {"model": ...}) is unwrapped. With
// limits, every view and storage is checked against them before any storage is read.
SafetensorsFile readPytorchFile(const std::string &path, const TensorLimits *limits = nullptr);
// The same for a whole file's bytes; label prefixes every message.
SafetensorsFile parsePytorch(const std::string &bytes, const std::string &label);

// Only the tensors' names, dtypes and shapes, read from the zip directory and
// data.pkl (no tensor bytes are read); begin and end of each record are 0.
std::vector<TensorRecord> readPytorchHeader(const std::string &path);
std::vector<TensorRecord> parsePytorchHeader(const std::string &bytes, const std::string &label);

// Any weights file this program reads, by content: torch.save zip files via
// readPytorchFile, safetensors via SafetensorsFile::read; a legacy (pre-1.6)
// PyTorch file gets a message with the command that converts it. limits as above
// (readModelWeights in weights_cache.h derives them from the file's own header).
SafetensorsFile readWeightsFile(const std::string &path, const TensorLimits *limits = nullptr);

// Writes a weights file (either format) as safetensors at out, tensors and
// metadata unchanged, with "converted_from" added. Returns what was read.
// limits as for readWeightsFile. Throws Error naming the file.
SafetensorsFile convertToSafetensors(const std::string &in, const std::string &out,
                                     const TensorLimits *limits = nullptr);

} // namespace resnext
