#pragma once
// Taking a model elsewhere: Python source that builds the same network with
// torchvision's ResNet classes (and a multi-process training recipe for torchrun),
// and ONNX files for Netron, ONNX Runtime and OpenCV DNN. Pure C++17: the weights
// come in as plain float tensors (Model::tensors() in engine.h), so nothing here
// links LibTorch or protobuf.

#include "resnext/spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

// A named tensor of 32-bit floats (int64 buffers such as num_batches_tracked are
// converted), row-major, with torchvision's name and shape ("layer1.0.conv2.weight").
struct NamedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> values; // product(shape) elements
};

// True when torchvision's own ResNet(...) builds the spec (ImageNet stem, 4 stages
// of planes 64..512, 3-channel input, 64 stem channels, expansion 4 for bottlenecks);
// otherwise the generated code adds a small subclass.
bool torchvisionBuildsDirectly(const ArchSpec &spec);

// model.py: build_model() returns a torch.nn.Module with torchvision's parameter
// names whose state_dict loads into this app and back, plus dependency-free
// load_safetensors()/save_safetensors(). Forms (a) and (b) are exported as their
// form-(c) equivalent (the same function; the file says so). Validates the spec.
std::string pytorchModelCode(const ArchSpec &spec);

// train.py for `torchrun --nproc_per_node=N train.py --data DIR --out FILE`: imports
// moduleName (model.py written beside it; throws Error if it is no Python identifier),
// DistributedDataParallel (NCCL on GPUs, Gloo on CPUs), an image folder
// with a DistributedSampler, the app trainer's schedule (SGD, Nesterov momentum,
// weight decay, cosine or step learning rate set per step, random crop with 2-pixel
// padding and flips, normalisation by the training data's own mean/std), and
// safetensors checkpoints with this app's metadata (format, spec, labels,
// preprocessing: model.py's default kind/size/channels with the measured mean/std)
// so that `classify --weights` and the GUI open them. Validates the spec.
std::string pytorchTrainScript(const ArchSpec &spec, const std::string &moduleName = "model");

struct OnnxOptions {
    // ONNX operator set (13 to 17; 13 is what the file needs: Conv with group,
    // BatchNormalization, Relu, MaxPool, Add, GlobalAveragePool, Flatten, Gemm).
    int opset = 13;
    // Graph input and output names; the batch dimension of both is the symbol "batch".
    std::string inputName = "input";
    std::string outputName = "logits";
    // Appended to the model's and the graph's doc strings (e.g. the weights' source).
    std::string docString;
    // false: the graph without its initialisers, for looking at or checking the
    // structure (the weights' names and shapes are still checked against
    // `tensors`, whose values may then be empty); such a file does not run.
    bool weights = true;
};

// The bytes of an ONNX ModelProto for the spec (form (c) layout) with the given
// weights: one node per layer of summarize(spec) named as the layer plan names it
// (Conv "layer1.0.conv2" with group = C, BatchNormalization "layer1.0.bn2" in
// inference form, Relu, MaxPool, Add, GlobalAveragePool, Flatten, Gemm "fc");
// initialisers keep torchvision's tensor names; metadata_props["spec"] holds the spec JSON. Throws Error naming the tensor
// when one is missing or has the wrong shape.
std::string encodeOnnx(const ArchSpec &spec, const std::vector<NamedTensor> &tensors, const OnnxOptions &options = {});
// encodeOnnx written to path (via a temporary file renamed over it). Throws Error naming the path.
void writeOnnx(const std::string &path, const ArchSpec &spec, const std::vector<NamedTensor> &tensors,
               const OnnxOptions &options = {});

// Writes text to path atomically; throws Error naming the path (for the exporters' files).
void writeTextFile(const std::string &path, const std::string &text);

} // namespace resnext
