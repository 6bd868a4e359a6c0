#include "resnext/preprocess.h"

#include "resnext/serialize.h"
#include "resnext/error.h"
#include "resnext/report.h"

#include <cmath>
#include <sstream>

namespace resnext {

bool Preprocessing::operator==(const Preprocessing &o) const
{
    return kind == o.kind && resize == o.resize && size == o.size && channels == o.channels && mean == o.mean &&
           std == o.std;
}

Preprocessing defaultPreprocessing(const ArchSpec &spec)
{
    Preprocessing p;
    p.channels = spec.inChannels == 1 ? 1 : 3;
    p.size = spec.inputSize;
    if (spec.stem == Stem::ImageNet) {
        p.kind = PreprocessKind::ImageNet;
        p.resize = static_cast<int>(std::lround(spec.inputSize * 256.0 / 224.0));
    } else {
        p.kind = PreprocessKind::Small;
        p.resize = spec.inputSize;
    }
    if (p.channels == 1 || p.kind == PreprocessKind::Small) {
        p.mean.assign(static_cast<size_t>(p.channels), 0.5f);
        p.std.assign(static_cast<size_t>(p.channels), 0.5f);
    }
    return p;
}

Preprocessing fashionMnistPreprocessing()
{
    Preprocessing p;
    p.kind = PreprocessKind::Small;
    p.resize = 28;
    p.size = 28;
    p.channels = 1;
    p.mean = {0.2860f};
    p.std = {0.3530f};
    return p;
}

std::string describe(const Preprocessing &p)
{
    std::ostringstream os;
    os.precision(4);
    if (p.kind == PreprocessKind::ImageNet)
        os << "ImageNet: shorter side " << p.resize << ", centre crop " << p.size;
    else
        os << "small image: resize to " << p.size << "x" << p.size;
    os << ", " << (p.channels == 1 ? "grey" : "RGB") << ", mean (";
    for (size_t i = 0; i < p.mean.size(); ++i)
        os << (i ? ", " : "") << p.mean[i];
    os << "), std (";
    for (size_t i = 0; i < p.std.size(); ++i)
        os << (i ? ", " : "") << p.std[i];
    os << ")";
    return os.str();
}

std::string toJson(const Preprocessing &p) { return dumpJson(preprocessingJson(p), false); }

Preprocessing preprocessingFromJson(const std::string &text)
{
    return preprocessingFromJsonValue(parseJson(text, "preprocessing"));
}

PreparedInput preprocessPixels(const std::uint8_t *pixels, int height, int width, int channels, const Preprocessing &p)
{
    RgbImage rgb;
    rgb.width = width;
    rgb.height = height;
    rgb.pixels.resize(static_cast<size_t>(width) * height * 3);
    for (size_t i = 0; i < static_cast<size_t>(width) * height; ++i)
        for (int c = 0; c < 3; ++c)
            rgb.pixels[i * 3 + c] = pixels[i * channels + (channels == 1 ? 0 : c)];
    return preprocess(rgb, p);
}

PreparedInput preprocess(const RgbImage &image, const Preprocessing &p)
{
    if (image.empty())
        throw Error("preprocess: the image is empty");
    RgbImage shown;
    if (p.kind == PreprocessKind::ImageNet)
        shown = centerCrop(resizeShorterSide(image, p.resize), p.size, p.size);
    else
        shown = image.width == p.size && image.height == p.size ? image : resizeImage(image, p.size, p.size);
    PreparedInput out;
    const size_t plane = static_cast<size_t>(p.size) * p.size;
    out.chw.resize(plane * static_cast<size_t>(p.channels));
    const std::uint8_t *px = shown.pixels.data();
    if (p.channels == 1) {
        const float scale = 1.0f / (255.0f * p.std[0]);
        const float shift = p.mean[0] / p.std[0];
        for (size_t i = 0; i < plane; ++i) {
            const float y = 0.299f * px[i * 3] + 0.587f * px[i * 3 + 1] + 0.114f * px[i * 3 + 2];
            out.chw[i] = y * scale - shift;
        }
        // Show what the network sees: the luma, replicated.
        for (size_t i = 0; i < plane; ++i) {
            const auto y = static_cast<std::uint8_t>(
                std::lround(0.299f * px[i * 3] + 0.587f * px[i * 3 + 1] + 0.114f * px[i * 3 + 2]));
            shown.pixels[i * 3] = shown.pixels[i * 3 + 1] = shown.pixels[i * 3 + 2] = y;
        }
    } else {
        for (int c = 0; c < 3; ++c) {
            const float scale = 1.0f / (255.0f * p.std[static_cast<size_t>(c)]);
            const float shift = p.mean[static_cast<size_t>(c)] / p.std[static_cast<size_t>(c)];
            float *dst = out.chw.data() + plane * static_cast<size_t>(c);
            for (size_t i = 0; i < plane; ++i)
                dst[i] = px[i * 3 + static_cast<size_t>(c)] * scale - shift;
        }
    }
    out.shown = std::move(shown);
    return out;
}

} // namespace resnext
