#pragma once
// What a checkpoint says about its model: the architecture inferred from the
// tensor shapes (torchvision/timm files) or read from this project's metadata,
// and the mapping of file names to the model's names. No LibTorch here.

#include "resnext/preprocess.h"
#include "resnext/safetensors.h"
#include "resnext/serialize.h"
#include "resnext/spec.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace resnext {

// A model, its class names and its preprocessing: what a checkpoint restores.
struct ModelInfo {
    ArchSpec spec;
    std::vector<std::string> labels; // one per class
    Preprocessing preprocessing;
    std::string source; // where the weights came from, for display
};

// The model's parameter/buffer name for a name in a file: strips the "module."
// (DataParallel) and "model." prefixes; timm and torchvision names are the same.
std::string canonicalTensorName(const std::string &fileName);
// The file's tensors by canonical name. Throws Error "<label>: tensors 'x' and
// 'module.x' both give 'x'" when two file names map to one name: which of them
// would be loaded is a silent guess.
std::map<std::string, const TensorRecord *> canonicalTensors(const SafetensorsFile &file);

// A file's tensors against the plan of a spec (planTensors), before any model
// is built: what the model would miss, what it would not use, and what has the
// wrong shape. BN step counters (num_batches_tracked) may be missing.
struct TensorCheck {
    std::vector<std::string> missing;    // in the model, not in the file
    std::vector<std::string> unexpected; // in the file, not in the model
    std::vector<std::string> mismatched; // "name: file [a,b] vs model [c,d]"
    bool ok() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
};
TensorCheck checkTensors(const SafetensorsFile &file, const ArchSpec &spec);


// Infers the spec from the shapes: stem from conv1's kernel, blocks per stage
// from layerN.M, block kind from conv3, C from conv2's grouping, d and planes
// from the widths, classes from fc; then confirms that the file's shapes fit the
// plan of that spec. Throws Error("<label>: cannot infer ...").
ArchSpec inferSpec(const SafetensorsFile &file);
// The same from names and shapes alone (e.g. a header read without the tensor bytes).
ArchSpec inferSpec(const std::vector<TensorRecord> &tensors, const std::string &label);

// The metadata this project writes: format, spec, labels, preprocessing (JSON).
std::map<std::string, std::string> checkpointMetadata(const ModelInfo &info);
// Reads it back; fields a file lacks stay empty. Throws Error naming the file
// and the key for malformed values.
struct CheckpointMetadata {
    std::optional<ArchSpec> spec;
    std::vector<std::string> labels;
    std::optional<Preprocessing> preprocessing;
};
CheckpointMetadata readCheckpointMetadata(const SafetensorsFile &file);


// One label per non-empty line; throws Error naming the file.
std::vector<std::string> readLabelsFile(const std::string &path);

} // namespace resnext
