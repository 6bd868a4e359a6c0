#pragma once
// Data-set readers for training and evaluation: IDX files (MNIST / Fashion-MNIST,
// gzipped or not) into memory, and image folders (one sub-folder per class) as
// file lists. Plain C++17 + zlib, no Qt and no LibTorch, so that the readers can
// be tested and fuzzed on their own. Files are untrusted input: headers are
// checked before anything is allocated, and every failure is a resnext::Error
// with one line "<path>: <problem>".

#include "resnext/error.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace resnext {

// Images as 8-bit pixels, N x H x W x C (C = 1 for grey, 3 for RGB), with integer labels.
struct ImageSet {
    int height = 0, width = 0, channels = 0; // size of every image; channels 1 for IDX files
    std::vector<std::uint8_t> pixels;    // count() * imageBytes(), image after image, row-major, channels last
    std::vector<std::int64_t> labels;    // count() labels, each in [0, classNames.size())
    std::vector<std::string> classNames; // the name of each label value
    // Number of images (= labels.size()).
    std::size_t count() const { return labels.size(); }
    // Bytes of one image: height * width * channels.
    std::size_t imageBytes() const;
    // The first pixel of image i; throws Error if i >= count() or pixels is too short.
    const std::uint8_t *image(std::size_t i) const;
};

// Reads an IDX image file (magic 0x00000803) and an IDX label file (magic 0x00000801),
// each gzipped or not (gzip is recognised by its magic bytes 1f 8b, not by the name).
// classNames name the label values and default to "0".."9"; every label must be
// below classNames.size(). Checks magic numbers, image size (1..1024 rows and
// columns), count (at most 10 million), exact data length, gzip integrity and
// that both files hold the same number of items.
ImageSet readIdx(const std::string &imagesPath, const std::string &labelsPath,
                 std::vector<std::string> classNames = {});

// Where Debian's dataset-fashion-mnist package installs Fashion-MNIST.
constexpr const char *kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Fashion-MNIST's training set (60000 images, train = true) or test set (10000
// images) from dir/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz: 28x28 grey
// images with fashionMnistClasses() as class names. A missing folder or file is
// an Error "<path>: not found; install Debian's dataset-fashion-mnist package".
ImageSet loadFashionMnist(bool train, const std::string &dir = kFashionMnistDir);

// The image files (png, jpg, jpeg, bmp, webp, tif, tiff) directly in `folder`,
// sorted by name, hidden files left out. Throws Error when it cannot be listed.
std::vector<std::string> listImageFiles(const std::string &folder);

// Fashion-MNIST's 10 class names in label order: "T-shirt/top", "Trouser", ..., "Ankle boot".
const std::vector<std::string> &fashionMnistClasses();

// One image file of an image folder and the index of its class.
struct FileSample {
    std::string path;       // root/<class>/<file>
    std::int64_t label = 0; // index into FolderListing::classNames
};

// The classes of an image folder and its files, split into training and validation.
struct FolderListing {
    std::vector<std::string> classNames;   // the class folders' names, sorted
    std::vector<FileSample> train;         // by class, then by file name
    std::vector<FileSample> validation;    // by class, then by file name
};

// Lists root/<class>/*.{png,jpg,jpeg,bmp,webp,tif,tiff} (extensions in any case;
// hidden entries, other extensions and nested folders ignored), classes and files
// sorted by name, and splits each class with the seeded stratified rule of
// splitImageSet. Needs at least 2 class folders, each with at least one image,
// and valFraction in [0, 0.9]. Files are listed, not decoded.
FolderListing listImageFolder(const std::string &root, double valFraction, std::uint64_t seed);

// Splits set into (train, validation), stratified and reproducible: for each class,
// its images are shuffled with a std::mt19937_64 seeded with seed (one engine for
// all classes, in label order) and the first round(valFraction * n) go to
// validation; at least 1 when n >= 2 and valFraction > 0, and at most n - 1 so
// every class keeps a training image. Both halves keep the images' original order.
// The shuffle draws from the engine's raw output, so a seed gives the same split
// with every standard library. valFraction must lie in [0, 0.9].
std::pair<ImageSet, ImageSet> splitImageSet(const ImageSet &set, double valFraction, std::uint64_t seed);

// The images at indices (in that order, repeats allowed) with their labels; same
// size and class names as set. Throws Error for an index >= set.count().
ImageSet subset(const ImageSet &set, const std::vector<std::size_t> &indices);

// The first perClass images of each class (fewer where a class has fewer), in the
// set's order: a small, balanced set for quick runs.
ImageSet firstPerClass(const ImageSet &set, std::size_t perClass);

} // namespace resnext
