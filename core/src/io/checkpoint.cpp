#include "resnext/checkpoint.h"

#include "resnext/plan.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/report.h"
#include "resnext/text.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace resnext {

namespace {

constexpr const char *kFormat = "resnext-explorer/1";

} // namespace

namespace {

// The file's tensors (by model name) against the plan of `spec`.
TensorCheck checkAgainstPlan(const std::map<std::string, const TensorRecord *> &byName, const ArchSpec &spec)
{
    TensorCheck r;
    std::set<std::string> used;
    for (const PlannedTensor &t : planTensors(spec)) {
        const auto it = byName.find(t.name);
        if (it == byName.end()) {
            // Older checkpoints and timm omit the BN step counters; they do not affect outputs.
            const std::string counter = "num_batches_tracked";
            if (t.name.size() < counter.size() ||
                t.name.compare(t.name.size() - counter.size(), counter.size(), counter) != 0)
                r.missing.push_back(t.name);
            continue;
        }
        used.insert(t.name);
        if (it->second->shape != t.shape)
            r.mismatched.push_back(t.name + ": file " + shapeText(it->second->shape) + " vs model " +
                                   shapeText(t.shape));
    }
    // "ood.*" are this program's out-of-distribution statistics, not weights.
    for (const auto &[name, t] : byName)
        if (!used.count(name) && name.rfind("ood.", 0) != 0)
            r.unexpected.push_back(printableText(name));
    return r;
}

} // namespace

TensorCheck checkTensors(const SafetensorsFile &file, const ArchSpec &spec)
{
    return checkAgainstPlan(canonicalTensors(file), spec);
}

std::string canonicalTensorName(const std::string &fileName)
{
    // One pass with an offset: erasing a prefix at a time copies the rest of the
    // name each time, quadratic in a hostile name of millions of "module.".
    std::string_view n = fileName;
    for (const std::string_view prefix : {std::string_view("module."), std::string_view("model.")})
        while (n.substr(0, prefix.size()) == prefix)
            n.remove_prefix(prefix.size());
    return std::string(n);
}

std::map<std::string, const TensorRecord *> canonicalTensors(const SafetensorsFile &file)
{
    std::map<std::string, const TensorRecord *> byName;
    for (const auto &t : file.tensors()) {
        const auto [it, inserted] = byName.emplace(canonicalTensorName(t.name), &t);
        if (!inserted) {
            const bool firstShorter = it->second->name.size() <= t.name.size();
            const std::string &a = firstShorter ? it->second->name : t.name;
            const std::string &b = firstShorter ? t.name : it->second->name;
            throw Error(file.label() + ": tensors '" + printableText(a) + "' and '" + printableText(b) +
                        "' both name the model's '" + printableText(it->first) + "'; remove one of them");
        }
    }
    return byName;
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
            fail("'" + printableText(name) + "' has shape " + shapeText(it->second->shape) + ", expected " +
                 std::to_string(dims) + " dimensions");
        return *it->second;
    };

    // The stem's convolution and the classifier as the plan names and shapes them
    // (the plan of each stem kind gives that stem's kernel).
    const auto planned = [](Stem stem, LayerKind kind, LayerRole role) {
        ArchSpec p;
        p.stem = stem;
        for (const LayerInfo &l : planLayers(p))
            if (l.kind == kind && l.role == role)
                return l;
        return LayerInfo{};
    };
    const LayerInfo imageNetStem = planned(Stem::ImageNet, LayerKind::Conv, LayerRole::Stem);
    const LayerInfo cifarStem = planned(Stem::Cifar, LayerKind::Conv, LayerRole::Stem);
    const LayerInfo head = planned(Stem::ImageNet, LayerKind::Linear, LayerRole::Head);
    const auto square = [](int k) { return std::to_string(k) + "x" + std::to_string(k); };

    ArchSpec s;
    const TensorRecord &conv1 = get(imageNetStem.name + ".weight", 4);
    s.stemChannels = static_cast<int>(conv1.shape[0]);
    s.inChannels = static_cast<int>(conv1.shape[1]);
    if (conv1.shape[2] == imageNetStem.kernel && conv1.shape[3] == imageNetStem.kernel)
        s.stem = Stem::ImageNet;
    else if (conv1.shape[2] == cifarStem.kernel && conv1.shape[3] == cifarStem.kernel)
        s.stem = Stem::Cifar;
    else
        fail(imageNetStem.name + " has a " + std::to_string(conv1.shape[2]) + "x" + std::to_string(conv1.shape[3]) +
             " kernel; expected " + square(imageNetStem.kernel) + " (ImageNet stem) or " + square(cifarStem.kernel) +
             " (CIFAR stem)");

    // Blocks per stage from the names layerN.M.* (parsed without a regex: names
    // come from the file and can be arbitrarily long).
    std::map<int, int> blocks;
    for (const auto &[name, t] : byName) {
        if (name.rfind(kStagePrefix, 0) != 0)
            continue;
        BlockRef ref;
        std::string rest;
        if (!splitBlockName(name, &ref, &rest) || rest.empty())
            fail("tensor '" + printableText(name) + "' is not named layerN.M.<module> with N and M of at most 6 digits");
        const int stage = ref.stage + 1;
        if (stage < 1 || stage > 6 || ref.block > 63)
            fail("tensor '" + printableText(name) + "' is outside 6 stages of 64 blocks");
        blocks[stage] = std::max(blocks[stage], ref.block + 1);
    }
    if (blocks.empty())
        fail("no layerN.M.* tensors");
    s.layers.clear();
    for (int st = 1; st <= static_cast<int>(blocks.size()); ++st) {
        if (!blocks.count(st))
            fail("stage layer" + std::to_string(st) + " is missing");
        s.layers.push_back(blocks[st]);
    }

    // The weight of a convolution of stage `stage`'s first block, as the plan of a
    // network of `kind` blocks with SE (one block a stage) names it.
    const int stages = static_cast<int>(s.layers.size());
    const auto blockWeight = [stages](BlockKind kind, int stage, LayerRole role) {
        ArchSpec p;
        p.block = kind;
        p.layers.assign(static_cast<size_t>(stages), 1);
        p.seReduction = 16;
        for (const LayerInfo &l : planLayers(p))
            if (l.stage == stage && l.block == 0 && l.kind == LayerKind::Conv && l.role == role)
                return layerTensors(l).front().name;
        throw Error("spec inference: the plan has no such convolution"); // not reached
    };
    s.block = byName.count(blockWeight(BlockKind::Bottleneck, 1, LayerRole::Expand)) ? BlockKind::Bottleneck
                                                                                      : BlockKind::Basic;
    std::vector<int> planes, grouped;
    int cardinality = 0;
    for (int st = 1; st <= s.numStages(); ++st) {
        if (s.block == BlockKind::Basic) {
            planes.push_back(static_cast<int>(get(blockWeight(s.block, st, LayerRole::Grouped), 4).shape[0]));
            continue;
        }
        const std::string groupedName = blockWeight(s.block, st, LayerRole::Grouped);
        const TensorRecord &c2 = get(groupedName, 4);
        const TensorRecord &c3 = get(blockWeight(s.block, st, LayerRole::Expand), 4);
        const int w = static_cast<int>(c2.shape[0]);
        const int perGroup = static_cast<int>(c2.shape[1]);
        if (perGroup <= 0 || w % perGroup != 0)
            fail("'" + groupedName + "' shape " + shapeText(c2.shape) + " is not a grouped 3x3 convolution");
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
    const TensorRecord &fc = get(head.name + ".weight", 2);
    s.numClasses = static_cast<int>(fc.shape[0]);
    s.inputSize = s.stem == Stem::ImageNet ? 224 : 32;
    try {
        validate(s);
    } catch (const Error &e) {
        fail(std::string("the shapes give an invalid spec (") + e.what() + ")");
    }
    // Squeeze-and-excitation (timm's se.fc1/se.fc2). A block's fc1 weight is
    // [rd, channels, 1, 1]: channels is the block's output width and rd is
    // timm's make_divisible(channels / r, 8) (ArchSpec::seChannels, timm's
    // rounding exactly). The ratios r that give every stage's rd form one range
    // (rd never grows with r); every r in it builds the same network, tensor for
    // tensor. The spec takes 16, timm's default, when it is in the range, else
    // the range's smallest r.
    bool hasSe = false;
    for (const auto &entry : byName)
        hasSe = hasSe || entry.first.find(".se.") != std::string::npos;
    if (hasSe) {
        std::vector<std::int64_t> squeezed;
        for (int st = 0; st < s.numStages(); ++st) {
            const std::string n = blockWeight(s.block, st + 1, LayerRole::Excite); // se.fc1, the first
            const TensorRecord &fc1 = get(n, 4);
            if (fc1.shape[1] != s.stageOutChannels(st))
                fail("'" + n + "' has shape " + shapeText(fc1.shape) + ": its input should be the block's " +
                     std::to_string(s.stageOutChannels(st)) + " channels");
            squeezed.push_back(fc1.shape[0]);
        }
        int lo = 0, hi = 0; // the range of ratios that fit, among those the spec accepts
        ArchSpec t = s;
        for (t.seReduction = 1; validationError(t).empty(); ++t.seReduction) {
            bool fits = true;
            for (int st = 0; st < s.numStages(); ++st)
                fits = fits && t.seChannels(st) == squeezed[static_cast<size_t>(st)];
            if (fits) {
                lo = lo ? lo : t.seReduction;
                hi = t.seReduction;
            }
        }
        if (!lo)
            fail("the squeeze-and-excitation widths " + shapeText(squeezed) +
                 " are not timm's make_divisible(channels / r, 8) for any ratio r up to " +
                 std::to_string(t.seReduction - 1));
        s.seReduction = lo <= 16 && 16 <= hi ? 16 : lo;
    }
    // Check that the widths of every stage agree with the spec's rule.
    if (s.block == BlockKind::Bottleneck)
        for (int st = 0; st < s.numStages(); ++st)
            if (s.stageGroupedWidth(st) != grouped[static_cast<size_t>(st)])
                fail(stageName(st + 1) + " grouped width " + std::to_string(grouped[st]) +
                     " does not follow planes*d/64*C = " + std::to_string(s.stageGroupedWidth(st)));
    // Confirm the answer: every tensor the inferred model has that the file also
    // has must have the plan's shape (missing ones are the loader's to report).
    const TensorCheck check = checkAgainstPlan(byName, s);
    if (!check.mismatched.empty())
        fail("the shapes do not fit " + describe(s) + ": " + check.mismatched.front());
    return s;
}

std::map<std::string, std::string> checkpointMetadata(const ModelInfo &info)
{
    return {{"format", kFormat},
            {"spec", specToJson(info.spec)},
            {"labels", dumpJson(Json(info.labels), false)},
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
            const Json v = parseJson(it->second, "labels");
            if (!v.is_array())
                throw Error("expected an array of strings");
            for (const auto &e : v) {
                if (!e.is_string())
                    throw Error("expected an array of strings");
                out.labels.push_back(e.get<std::string>());
            }
        });
    return out;
}

std::vector<std::string> readLabelsFile(const std::string &path)
{
    // A regular file only (a FIFO would block, /dev/urandom never end), capped in size.
    std::istringstream in(readRegularFile(path, kMaxLabelsFileBytes, "labels file"));
    std::vector<std::string> labels;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty())
            labels.push_back(line);
    }
    if (labels.empty())
        throw Error(printableText(path) + ": labels file has no labels");
    return labels;
}

} // namespace resnext
