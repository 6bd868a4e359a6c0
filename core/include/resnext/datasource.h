#pragma once
// Where training and evaluation data come from: "fashion-mnist" (Debian's
// dataset-fashion-mnist) or an image folder root/<class>/*.png|jpg, decoded and
// resized to the model's input. No LibTorch.

#include "resnext/dataset.h"
#include "resnext/spec.h"

#include <string>
#include <vector>

namespace resnext {

struct DataSplit {
    ImageSet train;      // what the optimiser sees
    ImageSet validation; // per-epoch accuracy
    ImageSet test;       // the final figure (Fashion-MNIST's 10k test set; = validation for folders)
    std::vector<std::string> classNames;
    std::string description; // "Fashion-MNIST: 54000 train, 6000 validation, 10000 test"
};

// The architecture of the small model that ships with the app (and the default
// of `train --data fashion-mnist`): CIFAR stem, 3 stages, C = 8, 28x28 grey.
ArchSpec fashionMnistSpec();

// `source` is "fashion-mnist" or a folder. Folder images are decoded, converted
// to `channels` (1 = luma) and resized to size x size. The validation split is
// seeded and stratified. Throws Error naming the file and the problem
// (including an unreadable image in a folder).
DataSplit loadData(const std::string &source, int size, int channels, double valFraction, std::uint64_t seed);

// The images of a folder listing, decoded and resized (used by loadData).
ImageSet loadImageFiles(const std::vector<FileSample> &files, const std::vector<std::string> &classNames, int size,
                        int channels);

} // namespace resnext
