#pragma once
// Image decoding for the CLI (`classify IMAGE`) and the GUI (drag and drop).
// Image files are untrusted input: the format and size are read from the header
// before any pixel is decoded, truncated files are refused rather than decoded
// into grey rows, and every failure is a resnext::Error with one line
// "<path or label>: <problem>". Built on OpenCV's imgcodecs (no Qt, no LibTorch).

#include "resnext/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace resnext {

// 8-bit RGB, row-major, 3 bytes per pixel, top row first, EXIF orientation applied.
struct RgbImage {
    int width = 0;                    // pixels per row
    int height = 0;                   // rows
    std::vector<std::uint8_t> pixels; // width * height * 3 bytes: R, G, B of each pixel
    // True when the image has no pixels.
    bool empty() const;
};

// What the file says about itself, read from the header without decoding pixels.
struct ImageHeader {
    std::string format; // "png", "jpeg", "bmp", "webp" or "tiff"
    int width = 0;      // as stored, before any EXIF orientation is applied
    int height = 0;     // as stored, before any EXIF orientation is applied
};

// Images with more pixels than this are refused before decoding (a 50 MP RGB
// image already takes 150 MB; the decoders' intermediates take several times that).
constexpr std::int64_t kMaxImagePixels = 50'000'000;

// Files larger than this are refused before they are read (no supported image
// within kMaxImagePixels needs more, and a device file could be endless).
constexpr std::int64_t kMaxImageFileBytes = std::int64_t(1) << 30;

// Identifies the format by its signature and reads the width and height from the
// header: PNG IHDR; JPEG SOFn (walking the segment lengths); BMP core or info
// header (a negative height is a top-down image); WebP VP8, VP8L or VP8X chunk;
// TIFF / BigTIFF, either byte order, ImageWidth and ImageLength of the first IFD.
// Throws Error "<label>: <problem>" for empty input ("empty file"), an unknown
// signature ("not an image (...)"), a header too short to hold the size
// ("truncated header"), or a header that is malformed or declares a zero size.
ImageHeader probeImage(const std::string &bytes, const std::string &label);

// Reads the file at path and decodes it (see decodeImageBytes); path is the label
// of every message. A file that cannot be opened or read, or is larger than
// kMaxImageFileBytes, is an Error.
RgbImage decodeImage(const std::string &path);

// Decodes a whole file's content. Refuses before decoding: anything probeImage
// refuses, more than kMaxImagePixels pixels ("image is WxH = X megapixels; the
// limit is 50 megapixels"), a JPEG without its end-of-image marker and a PNG
// without its IEND chunk (libjpeg and libpng would otherwise return grey rows for
// the missing part). Converts whatever the decoder returns to 8-bit RGB: grey is
// replicated, alpha is composited over white, 16-bit samples are divided by 257
// with rounding, float samples are clamped to [0, 1] and scaled by 255. Applies
// the EXIF orientation of JPEG (APP1), PNG (eXIf) and WebP (EXIF) files and the
// TIFF Orientation tag.
RgbImage decodeImageBytes(const std::string &bytes, const std::string &label);

// Writes an 8-bit RGB image as PNG; throws Error "<path>: <problem>" on failure.
void writePng(const std::string &path, const RgbImage &image);

// Writes an 8-bit single-channel image (width * height bytes, row-major, top row
// first) as PNG; throws Error "<path>: <problem>" on failure.
void writeGrayPng(const std::string &path, int width, int height, const std::uint8_t *pixels);

// Resizes to exactly width x height: bilinear (cv::INTER_LINEAR), or pixel-area
// averaging (cv::INTER_AREA) when shrinking by 2x or more without enlarging, so
// that small outputs do not alias. Throws Error for an empty image or a bad size.
RgbImage resizeImage(const RgbImage &image, int width, int height);

// Resizes so that the shorter side becomes `shorter` pixels, keeping the aspect
// ratio; the longer side is truncated as torchvision's Resize(int) does.
RgbImage resizeShorterSide(const RgbImage &image, int shorter);

// Crops the centred width x height window (offsets rounded half to even, as
// torchvision's CenterCrop does); where the window is larger than the image the
// outside is black, again as torchvision pads it. Throws Error for a bad size.
RgbImage centerCrop(const RgbImage &image, int width, int height);

} // namespace resnext
