#pragma once
// Reading and writing files that the user names, safely: paths are untrusted
// input. Reads open only regular files (a FIFO, a device or a directory is
// refused at once instead of blocking or reading forever) and stop at a size
// cap; writes go to a fresh temporary file in the target's folder (created with
// O_CREAT|O_EXCL, so a planted symlink or FIFO is never opened), are fsync'ed
// and then renamed over the target, so that a full disk or a crash never leaves
// a partial file and nothing is written through a symlink. Every failure is a
// resnext::Error "<path>: <problem>" on one line. POSIX; no Qt, no LibTorch.

#include "resnext/error.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace resnext {

// Caps on what the readers accept, in bytes.
constexpr std::uint64_t kMaxWeightsFileBytes = std::uint64_t(8) << 30; // the largest ResNeXt-101 is ~1 GB of F32
constexpr std::uint64_t kMaxLabelsFileBytes = std::uint64_t(16) << 20; // ImageNet-21k's names are ~0.5 MB

// A string as it may appear in a one-line message or a table cell: control
// characters (newline, ESC, ...), DEL and invalid UTF-8 bytes become \xNN, and
// anything longer than maxChars bytes is cut at a character boundary with "...".
std::string printableText(std::string_view text, std::size_t maxChars = 200);

// True if bytes is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points above U+10FFFF).
bool isValidUtf8(std::string_view bytes);

// Opens path for reading if it is a regular file (following symlinks); the open
// never blocks (O_NONBLOCK, cleared after the check). Throws Error
// "<path>: cannot open file (...)" or "<path>: not a regular file (a FIFO)".
std::unique_ptr<std::FILE, int (*)(std::FILE *)> openRegularFile(const std::string &path);

// The whole content of a regular file of at most maxBytes bytes; what names the
// kind of file in the size message ("weights file", "labels file").
std::string readRegularFile(const std::string &path, std::uint64_t maxBytes, const std::string &what = "file");

// The one writer for every file the program writes. Bytes go to a fresh
// temporary file beside path (O_CREAT|O_EXCL|O_NOFOLLOW: a name planted there,
// symlink or FIFO, is never opened); commit() fsyncs and closes it (both
// checked: a full disk is an error and the previous file stays) and renames it
// over path. A symlink at path itself is refused, when the writer is made and
// again before the rename. Destroyed without commit(), it removes the temporary
// file. Throws Error "<path>: cannot write file (<reason>)" or
// "<path>: is a symbolic link; not writing through it".
class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    void write(const void *data, std::size_t size);
    void commit();
    // The temporary file's path (for tests).
    const std::string &tempPath() const { return m_temp; }

private:
    [[noreturn]] void failWith(int err);
    std::string m_path;
    std::string m_temp;
    int m_fd = -1;
};

// Writes bytes to path through an AtomicFile.
void writeFileAtomically(const std::string &path, std::string_view bytes);

// The same guarantees for a library that writes a file by name itself
// (cv::VideoWriter): tempPath() lies in a fresh private folder (mkdtemp, mode
// 0700) beside path, so nothing can be planted at it; commit() opens what the
// library wrote without following links, fsyncs it and renames it over path.
// Destroyed without commit(), it removes the folder and what is in it.
class AtomicOutputPath {
public:
    explicit AtomicOutputPath(std::string path);
    ~AtomicOutputPath();
    AtomicOutputPath(const AtomicOutputPath &) = delete;
    AtomicOutputPath &operator=(const AtomicOutputPath &) = delete;

    // Where the library is to write (the final name's extension kept, for libraries that look at it).
    const std::string &tempPath() const { return m_temp; }
    void commit();

private:
    std::string m_path;
    std::string m_dir;
    std::string m_temp;
    bool m_done = false;
};

// Throws Error "<path>: is a symbolic link; not writing through it" if path is one.
void refuseSymlinkTarget(const std::string &path);

// Checks, before any long work, that a file can later be written at path: the
// path is not empty, not a folder, and its folder exists and accepts a new file
// (tried with a temporary file that is removed at once). what names the option
// in messages ("out"). Throws Error "<what>: <problem>".
void checkWritableFile(const std::string &path, const std::string &what);

// Creates the folder path (and its parents) unless it exists; throws Error
// "<what>: cannot create folder '<path>' (<reason>)" or "<what>: '<path>' is not a folder".
void ensureFolder(const std::string &path, const std::string &what);

} // namespace resnext
