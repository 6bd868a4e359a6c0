#pragma once
// The architecture specification: one plain options struct that describes every
// member of the ResNet/ResNeXt family this project knows. Defaults live here and
// nowhere else. Presets are just named specs.

#include <optional>
#include <string>
#include <vector>

namespace resnext {

enum class Stem {
    ImageNet, // 7x7/2 conv, BN, ReLU, 3x3/2 max-pool (torchvision)
    Cifar     // 3x3/1 conv, BN, ReLU, no pooling (paper section 5.2)
};

enum class BlockKind {
    Basic,     // two 3x3 convs (ResNet-18/34); always C = 1, d = 64, expansion 1
    Bottleneck // 1x1 -> grouped 3x3 -> 1x1 (ResNet-50+, ResNeXt)
};

// The three equivalent forms of the ResNeXt block (paper Fig. 3).
enum class BlockForm {
    A, // C separate paths 1x1 -> 3x3 -> 1x1, outputs summed
    B, // C paths 1x1 -> 3x3, early concatenation, one 1x1
    C  // one grouped 3x3 convolution with C groups (torchvision's layout)
};

struct ArchSpec {
    // Stem type; decides the first conv and whether a max-pool follows.
    Stem stem = Stem::ImageNet;
    // Blocks per stage, 1 to 6 stages, each 1..64 blocks.
    std::vector<int> layers{3, 4, 6, 3};
    // Residual block type.
    BlockKind block = BlockKind::Bottleneck;
    // Cardinality C: number of groups (paths) in the 3x3 convolution, >= 1.
    int cardinality = 1;
    // Bottleneck width d: channels per group at base planes 64 (torchvision's
    // width_per_group). Grouped width of a stage = planes * d / 64 * C.
    int width = 64;
    // Base planes per stage. Empty = 64, 128, 256, ... doubling per stage.
    std::vector<int> planes;
    // Output channels of a bottleneck stage = planes * expansion (basic blocks use 1).
    int expansion = 4;
    // Which of the paper's three equivalent block forms the model is built in.
    BlockForm form = BlockForm::C;
    // Number of output classes of the final linear layer.
    int numClasses = 1000;
    // Channels of the input image (3 = RGB, 1 = grey).
    int inChannels = 3;
    // Input height = width in pixels.
    int inputSize = 224;
    // Channels of the stem convolution (torchvision: 64).
    int stemChannels = 64;
    // Squeeze-and-excitation (Hu et al., CVPR 2018) in every block, after its last
    // BN and before the residual add, as timm's SE-ResNeXt: the reduction ratio r
    // (timm: 16), or 0 for none. The squeezed width is timm's
    // make_divisible(channels / r, 8): see seChannels().
    int seReduction = 0;

    // Derived values (the spec is the single source of truth; these just read it).
    int numStages() const { return static_cast<int>(layers.size()); }
    int stagePlanes(int stage) const;
    int blockExpansion() const { return block == BlockKind::Basic ? 1 : expansion; }
    int stageOutChannels(int stage) const { return stagePlanes(stage) * blockExpansion(); }
    // Channels per group and total grouped width of a bottleneck stage.
    int groupWidth(int stage) const;
    int stageGroupedWidth(int stage) const { return groupWidth(stage) * cardinality; }
    int depth() const; // number of weighted layers, e.g. 50 for ResNet-50
    // Channels of a stage's SE bottleneck as timm computes them: make_divisible(out * (1/r), 8)
    // in doubles (1/r rounded first; see spec.cpp for the cases where that differs from out / r).
    int seChannels(int stage) const;

    bool operator==(const ArchSpec &o) const;
    bool operator!=(const ArchSpec &o) const { return !(*this == o); }
};

// Throws SpecError naming the field and the allowed range if the spec cannot be
// built (C or d <= 0, empty/oversized stage list, widths that do not divide, an
// input so small that a stage's output would be empty, ...).
void validate(const ArchSpec &spec);
// Same check, returning the message instead (empty when valid).
std::string validationError(const ArchSpec &spec);

// The ResNet of the same depth and stem: C = 1, d = 64 (the paper's baseline).
ArchSpec baselineOf(const ArchSpec &spec);

// Names such as "resnext50_32x4d"; "C×dd" style short label e.g. "32x4d".
std::string describe(const ArchSpec &spec);

std::string toString(Stem s);
std::string toString(BlockKind k);
std::string toString(BlockForm f);
// Parsers for the CLI and settings; throw SpecError naming `field`.
Stem parseStem(const std::string &text);
BlockKind parseBlockKind(const std::string &text);
BlockForm parseBlockForm(const std::string &text);
std::vector<int> parseIntList(const std::string &field, const std::string &text);
int parseInt(const std::string &field, const std::string &text);

struct Preset {
    std::string name;
    std::string description;
    ArchSpec spec;
};

const std::vector<Preset> &presets();

// The standard depths of the family (torchvision's and the paper's): one table
// for the window's depth list and the experiments' --depth.
struct StandardDepth {
    int depth;          // e.g. 50
    BlockKind block;
    std::vector<int> layers; // blocks per stage
};
const std::vector<StandardDepth> &standardDepths();
// Throws SpecError("preset", ...) listing the known names for an unknown one.
const Preset &preset(const std::string &name);
std::optional<Preset> findPreset(const std::string &name);

} // namespace resnext
