#pragma once
// The frame size a video container declares in its header, read before any
// decoder runs: FFmpeg decodes a first frame while it opens a file, so a 600-byte
// header claiming 16000 x 16000 frames would cost gigabytes before OpenCV could
// tell us the size. A small, bounded prober over hostile bytes (fuzzed by
// fuzz_video): MP4/MOV (tkhd and the visual sample entries of video tracks),
// Matroska/WebM (PixelWidth/PixelHeight) and AVI (avih and the video streams'
// BITMAPINFOHEADER). Private to the core library.

#include <cstdint>
#include <functional>
#include <string>

namespace resnext {

struct VideoFrameSize {
    std::int64_t width = 0, height = 0; // the largest frame any stream declares; 0 x 0 when none is found
    const char *container = "";         // "MP4/MOV", "Matroska/WebM", "AVI" or "" (not recognised)
};

// Reads up to n bytes at offset (fewer at the end of the file, none past it).
using ReadAt = std::function<std::string(std::uint64_t offset, std::size_t n)>;

// The declared frame size of a file of fileSize bytes. Never throws for bad
// input (what cannot be parsed declares nothing); reads at most a few hundred
// kilobytes in small pieces whatever the file claims.
VideoFrameSize probeVideoFrameSize(const ReadAt &read, std::uint64_t fileSize);

// The same over bytes held in memory (fuzzing, tests).
VideoFrameSize probeVideoFrameSize(const std::string &bytes);

} // namespace resnext
