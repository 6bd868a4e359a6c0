// ONNX export written as protobuf by hand: the handful of messages an inference
// graph needs (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto), with the field numbers of onnx.proto (ONNX 1.12, Debian's
// python3-onnx / libonnx). No protobuf library and no Python at run time.
#include "resnext/accounting.h"
#include "resnext/checkpoint.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/text.h"

#include <cstring>
#include <map>

namespace resnext {

namespace {

// Protobuf wire format: varints (wire type 0), length-delimited (2), 32-bit (5).
class Message {
public:
    void varint(int field, std::uint64_t v)
    {
        key(field, 0);
        raw(v);
    }
    void bytes(int field, const void *data, std::size_t n)
    {
        key(field, 2);
        raw(n);
        m_buf.append(static_cast<const char *>(data), n);
    }
    void string(int field, const std::string &s) { bytes(field, s.data(), s.size()); }
    void message(int field, const Message &m) { string(field, m.m_buf); }
    void float32(int field, float f)
    {
        key(field, 5);
        char b[4];
        std::memcpy(b, &f, 4); // little-endian hosts only (x86-64, aarch64)
        m_buf.append(b, 4);
    }
    void append(const Message &m) { m_buf += m.m_buf; }
    const std::string &data() const { return m_buf; }

private:
    void key(int field, int wire) { raw(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire)); }
    void raw(std::uint64_t v)
    {
        while (v >= 0x80) {
            m_buf.push_back(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        m_buf.push_back(static_cast<char>(v));
    }
    std::string m_buf;
};

// onnx.proto field numbers.
namespace f {
constexpr int kModelIrVersion = 1, kModelProducerName = 2, kModelProducerVersion = 3, kModelDocString = 6,
              kModelGraph = 7, kModelOpsetImport = 8, kModelMetadataProps = 14;
constexpr int kOpsetDomain = 1, kOpsetVersion = 2;
constexpr int kEntryKey = 1, kEntryValue = 2;
constexpr int kGraphNode = 1, kGraphName = 2, kGraphInitializer = 5, kGraphDocString = 10, kGraphInput = 11,
              kGraphOutput = 12;
constexpr int kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4, kNodeAttribute = 5;
constexpr int kAttrName = 1, kAttrF = 2, kAttrI = 3, kAttrInts = 8, kAttrType = 20;
constexpr int kAttrTypeFloat = 1, kAttrTypeInt = 2, kAttrTypeInts = 7;
constexpr int kTensorDims = 1, kTensorDataType = 2, kTensorName = 8, kTensorRawData = 9;
constexpr int kTensorFloat = 1; // TensorProto.DataType.FLOAT
constexpr int kValueName = 1, kValueType = 2;
constexpr int kTypeTensor = 1, kTypeElemType = 1, kTypeShape = 2;
constexpr int kShapeDim = 1, kDimValue = 1, kDimParam = 2;
} // namespace f

Message intAttr(const std::string &name, std::int64_t v)
{
    Message a;
    a.string(f::kAttrName, name);
    a.varint(f::kAttrType, f::kAttrTypeInt);
    a.varint(f::kAttrI, static_cast<std::uint64_t>(v));
    return a;
}

Message intsAttr(const std::string &name, const std::vector<std::int64_t> &v)
{
    Message a;
    a.string(f::kAttrName, name);
    a.varint(f::kAttrType, f::kAttrTypeInts);
    for (auto x : v)
        a.varint(f::kAttrInts, static_cast<std::uint64_t>(x));
    return a;
}

Message floatAttr(const std::string &name, float v)
{
    Message a;
    a.string(f::kAttrName, name);
    a.varint(f::kAttrType, f::kAttrTypeFloat);
    a.float32(f::kAttrF, v);
    return a;
}

// A float tensor value: [batch, dims...] with the batch dimension symbolic.
Message valueInfo(const std::string &name, const std::vector<std::int64_t> &dims)
{
    Message shape;
    {
        Message batch;
        batch.string(f::kDimParam, "batch");
        shape.message(f::kShapeDim, batch);
    }
    for (auto d : dims) {
        Message dim;
        dim.varint(f::kDimValue, static_cast<std::uint64_t>(d));
        shape.message(f::kShapeDim, dim);
    }
    Message tensor;
    tensor.varint(f::kTypeElemType, f::kTensorFloat);
    tensor.message(f::kTypeShape, shape);
    Message type;
    type.message(f::kTypeTensor, tensor);
    Message v;
    v.string(f::kValueName, name);
    v.message(f::kValueType, type);
    return v;
}

class GraphBuilder {
public:
    GraphBuilder(const std::vector<NamedTensor> &tensors, bool weights) : m_weights(weights)
    {
        for (const auto &t : tensors)
            m_tensors.emplace(t.name, &t);
    }

    // Adds the initializer `name` after checking its shape.
    std::string weight(const std::string &name, const std::vector<std::int64_t> &shape)
    {
        const auto it = m_tensors.find(name);
        if (it == m_tensors.end())
            throw Error("onnx: the model has no tensor '" + name + "'");
        const NamedTensor &t = *it->second;
        if (t.shape != shape)
            throw Error("onnx: tensor '" + name + "' has shape " + shapeText(t.shape) + ", the spec needs " +
                        shapeText(shape));
        if (!m_weights)
            return name;
        std::int64_t n = 1;
        for (auto d : shape)
            n *= d;
        if (static_cast<std::int64_t>(t.values.size()) != n)
            throw Error("onnx: tensor '" + name + "' holds " + std::to_string(t.values.size()) + " values for shape " +
                        shapeText(shape));
        Message m;
        for (auto d : shape)
            m.varint(f::kTensorDims, static_cast<std::uint64_t>(d));
        m.varint(f::kTensorDataType, f::kTensorFloat);
        m.string(f::kTensorName, name);
        m.bytes(f::kTensorRawData, t.values.data(), t.values.size() * sizeof(float)); // little-endian hosts
        m_graph.message(f::kGraphInitializer, m);
        return name;
    }

    void node(const std::string &op, const std::string &name, const std::vector<std::string> &inputs,
              const std::string &output, const std::vector<Message> &attributes = {})
    {
        Message n;
        for (const auto &i : inputs)
            n.string(f::kNodeInput, i);
        n.string(f::kNodeOutput, output);
        n.string(f::kNodeName, name);
        n.string(f::kNodeOpType, op);
        for (const auto &a : attributes)
            n.message(f::kNodeAttribute, a);
        m_nodes.message(f::kGraphNode, n); // nodes first, in topological order
    }

    // The GraphProto: nodes, name, inputs/outputs, initializers (a message is the
    // concatenation of its fields, so the parts can be joined).
    Message finish(const std::string &name, const std::string &doc, const Message &input, const Message &output) const
    {
        Message g = m_nodes;
        g.string(f::kGraphName, name);
        if (!doc.empty())
            g.string(f::kGraphDocString, doc);
        g.message(f::kGraphInput, input);
        g.message(f::kGraphOutput, output);
        g.append(m_graph);
        return g;
    }

private:
    std::map<std::string, const NamedTensor *> m_tensors;
    bool m_weights = true;
    Message m_nodes, m_graph;
};

int irVersionFor(int opset) { return opset <= 14 ? 7 : 8; }

} // namespace

std::string encodeOnnx(const ArchSpec &original, const std::vector<NamedTensor> &tensors, const OnnxOptions &o)
{
    if (o.opset < 13 || o.opset > 17)
        throw Error("opset: must be between 13 and 17 (got " + std::to_string(o.opset) + ")");
    if (o.inputName.empty() || o.outputName.empty() || o.inputName == o.outputName)
        throw Error("onnx: the input and output need two different, non-empty names");
    ArchSpec spec = original;
    spec.form = BlockForm::C; // forms (a)/(b) export as their form-(c) equivalent
    CountOptions all;
    all.countAll = true; // ReLU and the residual add appear as layers too
    const Summary plan = summarize(spec, all);
    // A protobuf message must stay under 2 GiB; larger models would need ONNX's external data.
    // Sized from the plan (BN adds its two running statistics) before any tensor is touched.
    std::uint64_t bytes = 0;
    for (const auto &l : plan.layers)
        bytes += static_cast<std::uint64_t>(l.kind == LayerKind::BatchNorm ? 2 * l.params : l.params) * sizeof(float);
    if (o.weights && bytes > 2000000000ULL)
        throw Error("onnx: " + describe(spec) + " has " + std::to_string(bytes / 1000000) +
                    " MB of weights; an ONNX file holds at most 2 GB without external data, which this exporter "
                    "does not write");

    GraphBuilder g(tensors, o.weights);
    std::string x = o.inputName; // the current activation
    std::string blockIn, mainOut, seIn;
    bool shortcut = false;
    for (size_t i = 0; i < plan.layers.size(); ++i) {
        const LayerInfo &l = plan.layers[i];
        std::string out = l.name;
        // A block starts at its first layer: keep its input for the shortcut.
        if (l.block >= 0 && (i == 0 || plan.layers[i - 1].block != l.block || plan.layers[i - 1].stage != l.stage)) {
            blockIn = x;
            shortcut = false;
        }
        switch (l.kind) {
        case LayerKind::Conv: {
            std::string in = x;
            if (l.role == LayerRole::Shortcut) {
                mainOut = x;
                in = blockIn;
                shortcut = true;
            }
            const std::int64_t k = l.kernel, p = l.padding, d = l.dilation;
            std::vector<std::string> inputs{in, g.weight(l.name + ".weight", {l.channels, l.inChannels / l.groups, k, k})};
            if (l.bias)
                inputs.push_back(g.weight(l.name + ".bias", {l.channels}));
            g.node("Conv", l.name, inputs, out,
                   {intsAttr("kernel_shape", {k, k}), intsAttr("strides", {l.stride, l.stride}),
                    intsAttr("pads", {p, p, p, p}), intsAttr("dilations", {d, d}), intAttr("group", l.groups)});
            break;
        }
        case LayerKind::BatchNorm: {
            const std::vector<std::int64_t> c{l.channels};
            g.node("BatchNormalization", l.name,
                   {x, g.weight(l.name + ".weight", c), g.weight(l.name + ".bias", c),
                    g.weight(l.name + ".running_mean", c), g.weight(l.name + ".running_var", c)},
                   out, {floatAttr("epsilon", 1e-5f), floatAttr("momentum", 0.9f)});
            break;
        }
        case LayerKind::ReLU: g.node("Relu", l.name, {x}, out); break;
        case LayerKind::Sigmoid: g.node("Sigmoid", l.name, {x}, out); break;
        case LayerKind::MaxPool:
            g.node("MaxPool", l.name, {x}, out,
                   {intsAttr("kernel_shape", {l.kernel, l.kernel}), intsAttr("strides", {l.stride, l.stride}),
                    intsAttr("pads", {l.padding, l.padding, l.padding, l.padding})});
            break;
        case LayerKind::Add:
            if (shortcut)
                g.node("Add", l.name, {mainOut, x}, out);
            else
                g.node("Add", l.name, {x, blockIn}, out);
            break;
        case LayerKind::AvgPool:
            if (l.role == LayerRole::Excite) { // the SE's squeeze: keep its input for the scale
                seIn = x;
                g.node("GlobalAveragePool", l.name, {x}, out);
                break;
            }
            g.node("GlobalAveragePool", l.name, {x}, out);
            g.node("Flatten", "flatten", {out}, "flatten", {intAttr("axis", 1)});
            out = "flatten";
            break;
        case LayerKind::Scale: g.node("Mul", l.name, {seIn, x}, out); break;
        case LayerKind::Linear:
            out = o.outputName;
            g.node("Gemm", l.name,
                   {x, g.weight(l.name + ".weight", {l.channels, l.inChannels}), g.weight(l.name + ".bias", {l.channels})},
                   out, {intAttr("transB", 1)});
            break;
        }
        x = out;
    }
    if (x != o.outputName)
        throw Error("onnx: the layer plan does not end in the classifier");

    const std::string doc = describe(spec) + (o.docString.empty() ? "" : ": " + o.docString);
    const Message graph =
        g.finish(describe(spec), doc, valueInfo(o.inputName, {spec.inChannels, spec.inputSize, spec.inputSize}),
                 valueInfo(o.outputName, {spec.numClasses}));
    Message model;
    model.varint(f::kModelIrVersion, static_cast<std::uint64_t>(irVersionFor(o.opset)));
    model.string(f::kModelProducerName, "ResNeXt Explorer");
    model.string(f::kModelProducerVersion, RESNEXT_VERSION);
    model.string(f::kModelDocString, doc);
    model.message(f::kModelGraph, graph);
    Message opset;
    opset.string(f::kOpsetDomain, "");
    opset.varint(f::kOpsetVersion, static_cast<std::uint64_t>(o.opset));
    model.message(f::kModelOpsetImport, opset);
    Message entry;
    entry.string(f::kEntryKey, "spec");
    entry.string(f::kEntryValue, specToJson(spec));
    model.message(f::kModelMetadataProps, entry);
    return model.data();
}

void writeOnnx(const std::string &path, const ArchSpec &spec, const std::vector<NamedTensor> &tensors,
               const OnnxOptions &options)
{
    writeTextFile(path, encodeOnnx(spec, tensors, options));
}

} // namespace resnext
