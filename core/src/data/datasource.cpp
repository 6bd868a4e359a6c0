#include "resnext/datasource.h"

#include "resnext/error.h"
#include "resnext/image.h"

#include <cmath>

namespace resnext {

ArchSpec fashionMnistSpec()
{
    ArchSpec s;
    s.stem = Stem::Cifar;
    s.stemChannels = 16;
    s.layers = {2, 2, 2};
    s.planes = {16, 32, 64}; // outputs 64, 128, 256; grouped widths 32, 64, 128
    s.cardinality = 8;
    s.width = 16;
    s.numClasses = 10;
    s.inChannels = 1;
    s.inputSize = 28;
    return s;
}

ImageSet loadImageFiles(const std::vector<FileSample> &files, const std::vector<std::string> &classNames, int size,
                        int channels)
{
    ImageSet set;
    set.height = set.width = size;
    set.channels = channels;
    set.classNames = classNames;
    const size_t one = static_cast<size_t>(size) * size * channels;
    set.pixels.resize(files.size() * one);
    set.labels.reserve(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
        RgbImage img = decodeImage(files[i].path); // throws "<path>: ..." for unreadable files
        if (img.width != size || img.height != size)
            img = resizeImage(img, size, size);
        std::uint8_t *dst = set.pixels.data() + i * one;
        for (size_t p = 0; p < static_cast<size_t>(size) * size; ++p) {
            const std::uint8_t *rgb = &img.pixels[p * 3];
            if (channels == 1)
                dst[p] = static_cast<std::uint8_t>(std::lround(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]));
            else
                for (int c = 0; c < 3; ++c)
                    dst[p * 3 + static_cast<size_t>(c)] = rgb[c];
        }
        set.labels.push_back(files[i].label);
    }
    return set;
}

DataSplit loadData(const std::string &source, int size, int channels, double valFraction, std::uint64_t seed)
{
    if (channels != 1 && channels != 3)
        throw Error("channels: data can be loaded as 1 (grey) or 3 (RGB) channels, not " + std::to_string(channels));
    DataSplit d;
    if (source == "fashion-mnist") {
        ImageSet train = loadFashionMnist(true);
        d.test = loadFashionMnist(false);
        if (size != train.width || channels != train.channels)
            throw Error("fashion-mnist: images are 28x28 grey; the model takes " + std::to_string(size) + "x" +
                        std::to_string(size) + " with " + std::to_string(channels) +
                        " channel(s) (use --input 28 --channels 1)");
        if (valFraction > 0) {
            auto [t, v] = splitImageSet(train, valFraction, seed);
            d.train = std::move(t);
            d.validation = std::move(v);
        } else {
            d.train = std::move(train);
            d.validation = d.test;
        }
        d.classNames = fashionMnistClasses();
        d.description = "Fashion-MNIST: " + std::to_string(d.train.count()) + " train, " +
                        std::to_string(d.validation.count()) + (valFraction > 0 ? " validation, " : " validation (= test), ") +
                        std::to_string(d.test.count()) + " test";
        return d;
    }
    const FolderListing listing = listImageFolder(source, valFraction, seed);
    d.classNames = listing.classNames;
    d.train = loadImageFiles(listing.train, listing.classNames, size, channels);
    d.validation = loadImageFiles(listing.validation, listing.classNames, size, channels);
    d.test = d.validation;
    d.description = source + ": " + std::to_string(d.classNames.size()) + " classes, " +
                    std::to_string(d.train.count()) + " train, " + std::to_string(d.validation.count()) + " validation";
    return d;
}

} // namespace resnext
