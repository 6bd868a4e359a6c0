#pragma once
// Turning a decoded image into the network's input: part of a model's settings,
// stored in its checkpoint and shown in the GUI. No LibTorch here.

#include "resnext/image.h"
#include "resnext/spec.h"

#include <string>
#include <vector>

namespace resnext {

enum class PreprocessKind {
    ImageNet, // resize the shorter side, centre crop, per-channel mean/std
    Small     // resize the whole image to size x size (CIFAR-stem models, Fashion-MNIST)
};

// Largest input side a checkpoint's preprocessing may ask for (pixels).
constexpr int kMaxPreprocessSize = 2048;

struct Preprocessing {
    PreprocessKind kind = PreprocessKind::ImageNet;
    int resize = 256; // ImageNet: shorter side before the crop (pixels)
    int size = 224;   // final square input (pixels)
    int channels = 3; // 3 = RGB, 1 = luma (0.299 R + 0.587 G + 0.114 B)
    std::vector<float> mean{0.485f, 0.456f, 0.406f}; // per channel, of pixel / 255
    std::vector<float> std{0.229f, 0.224f, 0.225f};
    bool operator==(const Preprocessing &o) const;
};

// ImageNet preprocessing for ImageNet-stem models (resize = size * 256 / 224),
// Small with mean/std 0.5 for CIFAR-stem ones; channels and size from the spec.
Preprocessing defaultPreprocessing(const ArchSpec &spec);
// Fashion-MNIST's: 28x28 luma, mean 0.2860, std 0.3530 (of the training set).
Preprocessing fashionMnistPreprocessing();
// "ImageNet: shorter side 256, centre crop 224, RGB, mean (0.485, ...)".
std::string describe(const Preprocessing &p);
std::string toJson(const Preprocessing &p);
// Throws Error("preprocessing: ...") for malformed text.
Preprocessing preprocessingFromJson(const std::string &text);

struct PreparedInput {
    std::vector<float> chw; // channels x size x size, normalised
    RgbImage shown;         // the resized/cropped image, RGB8 (grey replicated)
};

PreparedInput preprocess(const RgbImage &image, const Preprocessing &p);
// Same for raw 8-bit pixels of a data set (H x W x C), resized when needed.
PreparedInput preprocessPixels(const std::uint8_t *pixels, int height, int width, int channels,
                               const Preprocessing &p);

} // namespace resnext
