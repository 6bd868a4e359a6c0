#pragma once
// Weights the user already has: what torchvision's hub cache and the Hugging
// Face hub cache hold that this program can load. Nothing is downloaded and
// only headers are read (the safetensors JSON header; a .pth file's zip
// directory and data.pkl). No LibTorch here.

#include "resnext/safetensors.h"
#include "resnext/spec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace resnext {

struct CachedWeights {
    std::string path;     // the file (a Hugging Face snapshot link, as found)
    std::string name;     // file name, or "org/model" for a Hugging Face repository
    std::string source;   // "torchvision hub" or "Hugging Face hub"
    std::string format;   // "pth" or "safetensors"
    std::uint64_t bytes = 0;
    std::optional<ArchSpec> spec; // set when the program can load the file
    std::string problem;  // why not, when spec is empty
};

struct CacheLocations {
    std::string torchHub;    // $TORCH_HOME/hub/checkpoints (default $XDG_CACHE_HOME/torch or ~/.cache/torch)
    std::string huggingFace; // $HF_HUB_CACHE, else $HF_HOME/hub (default $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface)
};

// The folders from the environment (they need not exist).
CacheLocations cacheLocations();

// Every *.pth, *.pt, *.bin and *.safetensors file in the two caches, sorted by
// source then name; those that are not ResNet/ResNeXt weights say why in problem.
std::vector<CachedWeights> findCachedWeights(const CacheLocations &where = cacheLocations());

// Names, dtypes and shapes of a weights file (either format) and its spec
// (from this program's metadata, else inferred), reading only headers.
// Throws Error naming the file.
ArchSpec inspectWeights(const std::string &path);

// What the plan of spec allows a weights file to hold: for each of the model's
// tensors (any "module."/"model." prefix) its element count, for the
// out-of-distribution statistics their size from the classifier, and for any
// other name the largest tensor of the plan.
TensorLimits tensorLimitsFor(const ArchSpec &spec);

// A weights file (either format) read within the architecture it claims: the
// spec from its header alone (inspectWeights), then every tensor, view and
// storage checked against tensorLimitsFor(spec) before it is allocated. The
// file's own bounds (size, decompression ratio) hold as well. Throws Error
// naming the file, e.g. when its header names no architecture.
SafetensorsFile readModelWeights(const std::string &path);

} // namespace resnext
