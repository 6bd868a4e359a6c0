#include "resnext/checkpoint.h"

#include "json.h"
#include "resnext/error.h"
#include "resnext/report.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace resnext {

namespace {

constexpr const char *kFormat = "resnext-explorer/1";

std::string shapeText(const std::vector<std::int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace

std::string canonicalTensorName(const std::string &fileName)
{
    std::string n = fileName;
    for (const char *prefix : {"module.", "model."})
        while (n.rfind(prefix, 0) == 0)
            n = n.substr(std::char_traits<char>::length(prefix));
    return n;
}

ArchSpec inferSpec(const SafetensorsFile &file)
{
    return inferSpec(file.tensors(), file.label());
}

ArchSpec inferSpec(const std::vector<TensorRecord> &tensors, const std::string &label)
{
    const auto fail = [&](const std::string &why) {
        throw Error(label + ": cannot infer the architecture: " + why);
    };
    std::map<std::string, const TensorRecord *> byName;
    for (const auto &t : tensors)
        byName[canonicalTensorName(t.name)] = &t;
    const auto get = [&](const std::string &name, size_t dims) -> const TensorRecord & {
        const auto it = byName.find(name);
        if (it == byName.end())
            fail("no tensor '" + name + "' (not a torchvision/timm ResNet or ResNeXt)");
        if (it->second->shape.size() != dims)
            fail("'" + name + "' has shape " + shapeText(it->second->shape) + ", expected " + std::to_string(dims) +
                 " dimensions");
        return *it->second;
    };

    ArchSpec s;
    const TensorRecord &conv1 = get("conv1.weight", 4);
    s.stemChannels = static_cast<int>(conv1.shape[0]);
    s.inChannels = static_cast<int>(conv1.shape[1]);
    if (conv1.shape[2] == 7 && conv1.shape[3] == 7)
        s.stem = Stem::ImageNet;
    else if (conv1.shape[2] == 3 && conv1.shape[3] == 3)
        s.stem = Stem::Cifar;
    else
        fail("conv1 has a " + std::to_string(conv1.shape[2]) + "x" + std::to_string(conv1.shape[3]) +
             " kernel; expected 7x7 (ImageNet stem) or 3x3 (CIFAR stem)");

    // Blocks per stage from the names layerN.M.*
    static const std::regex blockName(R"(^layer(\d+)\.(\d+)\.)");
    std::map<int, int> blocks;
    for (const auto &[name, t] : byName) {
        std::smatch m;
        if (std::regex_search(name, m, blockName)) {
            const int stage = std::stoi(m[1]);
            const int index = std::stoi(m[2]);
            if (stage < 1 || stage > 6 || index > 63)
                fail("tensor '" + name + "' is outside 6 stages of 64 blocks");
            blocks[stage] = std::max(blocks[stage], index + 1);
        }
    }
    if (blocks.empty())
        fail("no layerN.M.* tensors");
    s.layers.clear();
    for (int st = 1; st <= static_cast<int>(blocks.size()); ++st) {
        if (!blocks.count(st))
            fail("stage layer" + std::to_string(st) + " is missing");
        s.layers.push_back(blocks[st]);
    }

    s.block = byName.count("layer1.0.conv3.weight") ? BlockKind::Bottleneck : BlockKind::Basic;
    std::vector<int> planes, grouped;
    int cardinality = 0;
    for (int st = 1; st <= s.numStages(); ++st) {
        const std::string p = "layer" + std::to_string(st) + ".0.";
        if (s.block == BlockKind::Basic) {
            planes.push_back(static_cast<int>(get(p + "conv1.weight", 4).shape[0]));
            continue;
        }
        const TensorRecord &c2 = get(p + "conv2.weight", 4);
        const TensorRecord &c3 = get(p + "conv3.weight", 4);
        const int w = static_cast<int>(c2.shape[0]);
        const int perGroup = static_cast<int>(c2.shape[1]);
        if (perGroup <= 0 || w % perGroup != 0)
            fail("'" + p + "conv2.weight' shape " + shapeText(c2.shape) + " is not a grouped 3x3 convolution");
        const int c = w / perGroup;
        if (cardinality && c != cardinality)
            fail("cardinality differs between stages (" + std::to_string(cardinality) + " and " + std::to_string(c) +
                 ")");
        cardinality = c;
        grouped.push_back(w);
        planes.push_back(static_cast<int>(c3.shape[0])); // output channels for now
    }
    if (s.block == BlockKind::Basic) {
        s.cardinality = 1;
        s.width = 64;
        s.expansion = 1;
    } else {
        // Output = planes * 4 (torchvision's expansion); d from the grouped width.
        s.expansion = 4;
        s.cardinality = cardinality;
        for (int &p : planes) {
            if (p % 4 != 0)
                fail("stage output width " + std::to_string(p) + " is not a multiple of the expansion 4");
            p /= 4;
        }
        const long long num = static_cast<long long>(grouped[0]) * 64;
        const long long den = static_cast<long long>(planes[0]) * cardinality;
        if (den == 0 || num % den != 0)
            fail("grouped width " + std::to_string(grouped[0]) + " is not planes*d/64*C for a whole d");
        s.width = static_cast<int>(num / den);
    }
    bool doubling = true;
    for (size_t i = 0; i < planes.size(); ++i)
        doubling = doubling && planes[i] == (64 << i);
    if (!doubling)
        s.planes = planes;
    const TensorRecord &fc = get("fc.weight", 2);
    s.numClasses = static_cast<int>(fc.shape[0]);
    s.inputSize = s.stem == Stem::ImageNet ? 224 : 32;
    try {
        validate(s);
    } catch (const Error &e) {
        fail(std::string("the shapes give an invalid spec (") + e.what() + ")");
    }
    // Check that the widths of every stage agree with the spec's rule.
    if (s.block == BlockKind::Bottleneck)
        for (int st = 0; st < s.numStages(); ++st)
            if (s.stageGroupedWidth(st) != grouped[static_cast<size_t>(st)])
                fail("layer" + std::to_string(st + 1) + " grouped width " + std::to_string(grouped[st]) +
                     " does not follow planes*d/64*C = " + std::to_string(s.stageGroupedWidth(st)));
    return s;
}

std::string specToJson(const ArchSpec &s)
{
    std::ostringstream os;
    os << "{\"stem\": " << jsonString(toString(s.stem)) << ", \"layers\": [";
    for (size_t i = 0; i < s.layers.size(); ++i)
        os << (i ? ", " : "") << s.layers[i];
    os << "], \"block\": " << jsonString(toString(s.block)) << ", \"cardinality\": " << s.cardinality
       << ", \"width\": " << s.width << ", \"planes\": [";
    for (int i = 0; i < s.numStages(); ++i)
        os << (i ? ", " : "") << s.stagePlanes(i);
    os << "], \"expansion\": " << s.blockExpansion() << ", \"form\": " << jsonString(toString(s.form))
       << ", \"classes\": " << s.numClasses << ", \"in_channels\": " << s.inChannels << ", \"input\": " << s.inputSize
       << ", \"stem_channels\": " << s.stemChannels << ", \"depth\": " << s.depth() << "}";
    return os.str();
}

ArchSpec specFromJson(const std::string &text)
{
    json::Value v;
    try {
        v = json::parse(text);
    } catch (const json::ParseError &e) {
        throw Error(std::string("spec: not valid JSON (") + e.what() + ")");
    }
    if (v.kind() != json::Value::Kind::Object)
        throw Error("spec: expected a JSON object");
    ArchSpec s;
    const auto str = [&](const char *key) -> std::string {
        const json::Value *x = v.find(key);
        if (!x || x->kind() != json::Value::Kind::String)
            throw SpecError(key, std::string("spec: '") + key + "' must be a string");
        return x->asString();
    };
    const auto integer = [&](const char *key, int fallback) -> int {
        const json::Value *x = v.find(key);
        if (!x)
            return fallback;
        if (x->kind() != json::Value::Kind::Int || x->asInt() < -1000000 || x->asInt() > 1000000)
            throw SpecError(key, std::string("spec: '") + key + "' must be a whole number");
        return static_cast<int>(x->asInt());
    };
    const auto list = [&](const char *key) {
        const json::Value *x = v.find(key);
        std::vector<int> out;
        if (!x)
            return out;
        if (x->kind() != json::Value::Kind::Array)
            throw SpecError(key, std::string("spec: '") + key + "' must be an array of whole numbers");
        for (const auto &e : x->asArray()) {
            if (e.kind() != json::Value::Kind::Int || e.asInt() < 0 || e.asInt() > 1000000)
                throw SpecError(key, std::string("spec: '") + key + "' must be an array of whole numbers");
            out.push_back(static_cast<int>(e.asInt()));
        }
        return out;
    };
    s.stem = parseStem(str("stem"));
    s.layers = list("layers");
    s.block = parseBlockKind(str("block"));
    s.cardinality = integer("cardinality", s.cardinality);
    s.width = integer("width", s.width);
    s.planes = list("planes");
    s.expansion = integer("expansion", s.expansion);
    if (v.find("form"))
        s.form = parseBlockForm(str("form"));
    s.numClasses = integer("classes", s.numClasses);
    s.inChannels = integer("in_channels", s.inChannels);
    s.inputSize = integer("input", s.inputSize);
    s.stemChannels = integer("stem_channels", s.stemChannels);
    // Drop planes equal to the default so that the spec compares equal to a preset.
    bool doubling = true;
    for (size_t i = 0; i < s.planes.size(); ++i)
        doubling = doubling && s.planes[i] == (64 << i);
    if (doubling)
        s.planes.clear();
    validate(s);
    return s;
}

std::map<std::string, std::string> checkpointMetadata(const ModelInfo &info)
{
    std::string labels = "[";
    for (size_t i = 0; i < info.labels.size(); ++i)
        labels += (i ? ", " : "") + jsonString(info.labels[i]);
    labels += "]";
    return {{"format", kFormat},
            {"spec", specToJson(info.spec)},
            {"labels", labels},
            {"preprocessing", toJson(info.preprocessing)}};
}

CheckpointMetadata readCheckpointMetadata(const SafetensorsFile &file)
{
    CheckpointMetadata out;
    const auto &meta = file.metadata();
    const auto wrap = [&](const std::string &key, const auto &f) {
        try {
            f();
        } catch (const Error &e) {
            throw Error(file.label() + ": metadata '" + key + "': " + e.what());
        }
    };
    if (const auto it = meta.find("spec"); it != meta.end())
        wrap("spec", [&] { out.spec = specFromJson(it->second); });
    if (const auto it = meta.find("preprocessing"); it != meta.end())
        wrap("preprocessing", [&] { out.preprocessing = preprocessingFromJson(it->second); });
    if (const auto it = meta.find("labels"); it != meta.end())
        wrap("labels", [&] {
            json::Value v;
            try {
                v = json::parse(it->second);
            } catch (const json::ParseError &e) {
                throw Error(std::string("not valid JSON (") + e.what() + ")");
            }
            if (v.kind() != json::Value::Kind::Array)
                throw Error("expected an array of strings");
            for (const auto &e : v.asArray()) {
                if (e.kind() != json::Value::Kind::String)
                    throw Error("expected an array of strings");
                out.labels.push_back(e.asString());
            }
        });
    return out;
}

std::vector<std::string> readLabelsFile(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot open labels file");
    std::vector<std::string> labels;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty())
            labels.push_back(line);
    }
    if (labels.empty())
        throw Error(path + ": labels file has no labels");
    return labels;
}

} // namespace resnext
