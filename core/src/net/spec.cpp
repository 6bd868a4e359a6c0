#include "resnext/spec.h"

#include "resnext/error.h"
#include "resnext/text.h"
#include "spatial.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sstream>

namespace resnext {

namespace {

constexpr int kMaxStages = 6;
constexpr int kMaxBlocksPerStage = 64;
constexpr int kMaxCardinality = 1024;
constexpr int kMaxWidth = 1024;
constexpr int kMaxPlanes = 8192;
constexpr int kMaxExpansion = 16;
constexpr int kMaxClasses = 100000;
constexpr int kMaxInChannels = 64;
constexpr int kMaxInput = 4096;
constexpr int kMaxStemChannels = 1024;
constexpr int kMaxSeReduction = 1024;

void checkRange(const char *field, int value, int lo, int hi)
{
    if (value < lo || value > hi) {
        std::ostringstream os;
        os << field << ": must be between " << lo << " and " << hi << " (got " << value << ")";
        throw SpecError(field, os.str());
    }
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

ArchSpec imagenet(std::vector<int> layers, BlockKind block, int c, int d)
{
    ArchSpec s;
    s.layers = std::move(layers);
    s.block = block;
    s.cardinality = c;
    s.width = d;
    s.expansion = block == BlockKind::Basic ? 1 : 4;
    return s;
}

ArchSpec cifar(std::vector<int> layers, int c, int d, std::vector<int> planes = {})
{
    ArchSpec s;
    s.stem = Stem::Cifar;
    s.layers = std::move(layers);
    s.cardinality = c;
    s.width = d;
    s.planes = std::move(planes);
    s.numClasses = 10;
    s.inputSize = 32;
    return s;
}

std::vector<Preset> makePresets()
{
    using B = BlockKind;
    std::vector<Preset> p;
    p.push_back({"resnet18", "ResNet-18 (torchvision)", imagenet({2, 2, 2, 2}, B::Basic, 1, 64)});
    p.push_back({"resnet34", "ResNet-34 (torchvision)", imagenet({3, 4, 6, 3}, B::Basic, 1, 64)});
    p.push_back({"resnet50", "ResNet-50 (torchvision)", imagenet({3, 4, 6, 3}, B::Bottleneck, 1, 64)});
    p.push_back({"resnet101", "ResNet-101 (torchvision)", imagenet({3, 4, 23, 3}, B::Bottleneck, 1, 64)});
    p.push_back({"resnet152", "ResNet-152 (torchvision)", imagenet({3, 8, 36, 3}, B::Bottleneck, 1, 64)});
    p.push_back({"resnext50_32x4d", "ResNeXt-50 32x4d (paper Table 1, torchvision)",
                 imagenet({3, 4, 6, 3}, B::Bottleneck, 32, 4)});
    ArchSpec se = imagenet({3, 4, 6, 3}, B::Bottleneck, 32, 4);
    se.seReduction = 16;
    p.push_back({"seresnext50_32x4d", "SE-ResNeXt-50 32x4d (squeeze-and-excitation, timm)", se});
    p.push_back({"resnext101_32x4d", "ResNeXt-101 32x4d (paper Table 5, timm)",
                 imagenet({3, 4, 23, 3}, B::Bottleneck, 32, 4)});
    p.push_back({"resnext101_32x8d", "ResNeXt-101 32x8d (torchvision)", imagenet({3, 4, 23, 3}, B::Bottleneck, 32, 8)});
    p.push_back({"resnext101_64x4d", "ResNeXt-101 64x4d (paper Table 5, torchvision)",
                 imagenet({3, 4, 23, 3}, B::Bottleneck, 64, 4)});
    p.push_back({"wide_resnet50_2", "Wide ResNet-50-2 (torchvision)", imagenet({3, 4, 6, 3}, B::Bottleneck, 1, 128)});
    p.push_back({"wide_resnet101_2", "Wide ResNet-101-2 (torchvision)", imagenet({3, 4, 23, 3}, B::Bottleneck, 1, 128)});
    // Paper Table 7: 3x3 stem, 3 stages of 3 blocks, outputs 256/512/1024, 32x32 input.
    p.push_back({"resnext29_8x64d", "ResNeXt-29 8x64d, CIFAR (paper Table 7)", cifar({3, 3, 3}, 8, 64)});
    p.push_back({"resnext29_16x64d", "ResNeXt-29 16x64d, CIFAR (paper Table 7)", cifar({3, 3, 3}, 16, 64)});
    // The seed article's CIFAR family: 4 stages of 2 blocks, grouped width C*d = 128
    // in the first stage. Its "expansion 2" is counted from the grouped width, which
    // is expansion 4 from planes here. Its 64x2d bug (built 32x4d) is not repeated.
    const std::pair<int, int> fam[] = {{2, 64}, {4, 32}, {8, 16}, {16, 8}, {32, 4}, {64, 2}};
    for (auto [c, d] : fam) {
        const std::string tag = std::to_string(c) + "x" + std::to_string(d) + "d";
        p.push_back({"resnext26_" + tag, "ResNeXt-26 " + tag + ", CIFAR (4 stages of 2 blocks)",
                     cifar({2, 2, 2, 2}, c, d)});
    }
    return p;
}

} // namespace

int ArchSpec::stagePlanes(int stage) const
{
    if (!planes.empty() && stage < static_cast<int>(planes.size()))
        return planes[stage];
    return 64 << stage;
}

int ArchSpec::groupWidth(int stage) const
{
    if (block == BlockKind::Basic)
        return stagePlanes(stage);
    return static_cast<int>(static_cast<long long>(stagePlanes(stage)) * width / 64);
}

int ArchSpec::depth() const
{
    int blocks = 0;
    for (int n : layers)
        blocks += n;
    return 1 + blocks * (block == BlockKind::Basic ? 2 : 3) + 1;
}

int ArchSpec::seChannels(int stage) const
{
    if (seReduction <= 0)
        return 0;
    // timm's SEModule(channels, rd_ratio=1/r): make_divisible(channels * rd_ratio, 8,
    // round_limit=0) = max(8, int(channels * rd_ratio + 4) // 8 * 8), in doubles
    // as Python computes it: 1/r is rounded first, so for a few (channels, r)
    // the result is one step of 8 below the exact quotient's (e.g. 588, 49 -> 8,
    // not 16), and that is the width timm's files have.
    const double rdRatio = 1.0 / seReduction;
    const double v = static_cast<double>(stageOutChannels(stage)) * rdRatio + 8 / 2.0;
    return static_cast<int>(std::max(8LL, static_cast<long long>(v) / 8 * 8));
}

bool ArchSpec::operator==(const ArchSpec &o) const
{
    const auto planesOf = [](const ArchSpec &s) {
        std::vector<int> v;
        for (int i = 0; i < s.numStages(); ++i)
            v.push_back(s.stagePlanes(i));
        return v;
    };
    return stem == o.stem && layers == o.layers && block == o.block && cardinality == o.cardinality &&
           width == o.width && planesOf(*this) == planesOf(o) && blockExpansion() == o.blockExpansion() &&
           form == o.form && numClasses == o.numClasses && inChannels == o.inChannels &&
           inputSize == o.inputSize && stemChannels == o.stemChannels && seReduction == o.seReduction;
}

void validate(const ArchSpec &s)
{
    if (s.layers.empty())
        throw SpecError("layers", "layers: the stage list is empty; give 1 to 6 stages, e.g. 3,4,6,3");
    if (s.numStages() > kMaxStages) {
        std::ostringstream os;
        os << "layers: " << s.numStages() << " stages given; must be between 1 and " << kMaxStages;
        throw SpecError("layers", os.str());
    }
    for (int n : s.layers)
        checkRange("layers", n, 1, kMaxBlocksPerStage);
    checkRange("cardinality", s.cardinality, 1, kMaxCardinality);
    checkRange("width", s.width, 1, kMaxWidth);
    if (!s.planes.empty()) {
        if (s.planes.size() != s.layers.size()) {
            std::ostringstream os;
            os << "planes: " << s.planes.size() << " values given for " << s.layers.size()
               << " stages; give one per stage";
            throw SpecError("planes", os.str());
        }
        for (int p : s.planes)
            checkRange("planes", p, 1, kMaxPlanes);
    }
    checkRange("expansion", s.expansion, 1, kMaxExpansion);
    checkRange("classes", s.numClasses, 1, kMaxClasses);
    checkRange("channels", s.inChannels, 1, kMaxInChannels);
    checkRange("stem-channels", s.stemChannels, 1, kMaxStemChannels);
    checkRange("input", s.inputSize, 1, kMaxInput);
    if (s.seReduction != 0)
        checkRange("se", s.seReduction, 1, kMaxSeReduction);
    if (s.block == BlockKind::Basic) {
        if (s.cardinality != 1)
            throw SpecError("cardinality", "cardinality: basic (two-layer) blocks support only C = 1 (got " +
                                               std::to_string(s.cardinality) +
                                               "); grouping a 2-layer block only makes it wider (paper section 3)");
        if (s.width != 64)
            throw SpecError("width", "width: basic (two-layer) blocks support only d = 64 (got " +
                                         std::to_string(s.width) + "); use bottleneck blocks to vary d");
    } else {
        for (int i = 0; i < s.numStages(); ++i) {
            const long long num = static_cast<long long>(s.stagePlanes(i)) * s.width;
            if (num % 64 != 0) {
                std::ostringstream os;
                os << "width: stage " << (i + 1) << " grouped width planes*d/64*C = " << s.stagePlanes(i) << "*"
                   << s.width << "/64*" << s.cardinality << " is not a whole multiple of C = " << s.cardinality
                   << "; choose d so that planes*d is a multiple of 64";
                throw SpecError("width", os.str());
            }
            const long long grouped = num / 64 * s.cardinality;
            if (grouped > 65536) {
                std::ostringstream os;
                os << "cardinality: stage " << (i + 1) << " grouped width C*planes*d/64 = " << grouped
                   << " exceeds 65536 channels; lower C or d";
                throw SpecError("cardinality", os.str());
            }
        }
    }
    // Every layer must keep a non-empty output. With the paddings used here
    // (k/2) any input >= 1 keeps at least 1x1, but check the real chain anyway so
    // that a future stem or stride change cannot silently produce empty maps.
    int hw = detail::stemOutputSize(s.stem, s.inputSize);
    if (hw < 1)
        throw SpecError("input", "input: " + std::to_string(s.inputSize) + "x" + std::to_string(s.inputSize) +
                                     " is too small: the stem output would be empty");
    for (int i = 0; i < s.numStages(); ++i) {
        hw = detail::stageOutputSize(i, hw);
        if (hw < 1)
            throw SpecError("input", "input: " + std::to_string(s.inputSize) + "x" + std::to_string(s.inputSize) +
                                         " is too small: layer" + std::to_string(i + 1) + " output would be empty");
    }
}

std::string validationError(const ArchSpec &spec)
{
    try {
        validate(spec);
        return {};
    } catch (const Error &e) {
        return e.what();
    }
}

ArchSpec baselineOf(const ArchSpec &spec)
{
    ArchSpec b = spec;
    b.cardinality = 1;
    b.width = 64;
    return b;
}

std::string describe(const ArchSpec &s)
{
    for (const auto &p : presets())
        if (p.spec == s)
            return p.name;
    std::ostringstream os;
    os << (s.seReduction ? "se" : "") << (s.cardinality == 1 ? "resnet" : "resnext") << s.depth();
    if (s.block == BlockKind::Bottleneck && (s.cardinality != 1 || s.width != 64))
        os << "_" << s.cardinality << "x" << s.width << "d";
    if (s.stem == Stem::Cifar)
        os << " (cifar stem)";
    return os.str();
}

std::string toString(Stem s) { return s == Stem::ImageNet ? "imagenet" : "cifar"; }
std::string toString(BlockKind k) { return k == BlockKind::Basic ? "basic" : "bottleneck"; }
const std::initializer_list<NamedValue<BlockForm>> kFormNames = {
    {"a", BlockForm::A}, {"b", BlockForm::B}, {"c", BlockForm::C}};

std::string toString(BlockForm f) { return nameOf(f, kFormNames, "c"); }

Stem parseStem(const std::string &text)
{
    if (const auto s = lookupName<Stem>(lower(text), {{"imagenet", Stem::ImageNet}, {"cifar", Stem::Cifar}}))
        return *s;
    throw SpecError("stem", "stem: unknown value '" + text + "'; use imagenet or cifar");
}

BlockKind parseBlockKind(const std::string &text)
{
    if (const auto k =
            lookupName<BlockKind>(lower(text), {{"basic", BlockKind::Basic}, {"bottleneck", BlockKind::Bottleneck}}))
        return *k;
    throw SpecError("block", "block: unknown value '" + text + "'; use basic or bottleneck");
}

BlockForm parseBlockForm(const std::string &text)
{
    if (const auto f = lookupName(lower(text), kFormNames))
        return *f;
    throw SpecError("form", "form: unknown value '" + text + "'; use a, b or c (paper Fig. 3)");
}

int parseInt(const std::string &field, const std::string &text)
{
    errno = 0;
    char *end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || end == text.c_str() || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX)
        throw SpecError(field, field + ": '" + text + "' is not a whole number");
    return static_cast<int>(v);
}

std::vector<int> parseIntList(const std::string &field, const std::string &text)
{
    std::vector<int> out;
    std::string item;
    std::istringstream is(text);
    while (std::getline(is, item, ','))
        out.push_back(parseInt(field, item));
    if (out.empty())
        throw SpecError(field, field + ": the list is empty; give comma-separated whole numbers, e.g. 3,4,6,3");
    return out;
}

const std::vector<StandardDepth> &standardDepths()
{
    using B = BlockKind;
    static const std::vector<StandardDepth> all = {
        {18, B::Basic, {2, 2, 2, 2}},      {34, B::Basic, {3, 4, 6, 3}},        {26, B::Bottleneck, {2, 2, 2, 2}},
        {29, B::Bottleneck, {3, 3, 3}},    {50, B::Bottleneck, {3, 4, 6, 3}},   {101, B::Bottleneck, {3, 4, 23, 3}},
        {152, B::Bottleneck, {3, 8, 36, 3}},
    };
    return all;
}

const std::vector<Preset> &presets()
{
    static const std::vector<Preset> all = makePresets();
    return all;
}

std::optional<Preset> findPreset(const std::string &name)
{
    for (const auto &p : presets())
        if (p.name == name)
            return p;
    return std::nullopt;
}

const Preset &preset(const std::string &name)
{
    for (const auto &p : presets())
        if (p.name == name)
            return p;
    std::string names;
    for (const auto &p : presets())
        names += (names.empty() ? "" : ", ") + p.name;
    throw SpecError("preset", "preset: unknown name '" + name + "'; known: " + names);
}

} // namespace resnext
