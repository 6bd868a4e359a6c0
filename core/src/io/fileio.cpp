#include "resnext/fileio.h"
#include "resnext/text.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace resnext {

namespace {

// RFC 3629, as in table 3-7 of the Unicode standard.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto in = [](unsigned char b, unsigned char lo, unsigned char hi) { return b >= lo && b <= hi; };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80)
        return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (in(b0, 0xC2, 0xDF)) {
        len = 2;
    } else if (in(b0, 0xE0, 0xEF)) {
        len = 3;
        if (b0 == 0xE0)
            lo = 0xA0; // overlong
        else if (b0 == 0xED)
            hi = 0x9F; // UTF-16 surrogates
    } else if (in(b0, 0xF0, 0xF4)) {
        len = 4;
        if (b0 == 0xF0)
            lo = 0x90; // overlong
        else if (b0 == 0xF4)
            hi = 0x8F; // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i < len || !in(byte(i + 1), lo, hi))
        return 0;
    for (std::size_t k = 2; k < len; ++k)
        if (!in(byte(i + k), 0x80, 0xBF))
            return 0;
    return len;
}

const char *kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a plain file";
}

// O_CREAT|O_EXCL never follows a symlink and never opens an existing file (or
// FIFO), so a name planted in the folder cannot redirect or block the write.
int createExclusive(const std::string &pattern, std::string &made)
{
    static thread_local std::mt19937_64 rng(std::random_device{}() ^ static_cast<std::uint64_t>(::getpid()));
    for (int attempt = 0; attempt < 100; ++attempt) {
        char suffix[24];
        std::snprintf(suffix, sizeof suffix, ".%012llx.part",
                      static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFULL));
        made = pattern + suffix;
        const int fd = ::open(made.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

// The temporary name's stem: the target's folder and a hidden version of its name.
std::string tempStem(const std::string &path)
{
    namespace fs = std::filesystem;
    const fs::path p(path);
    std::string name = p.filename().string();
    if (name.size() > 200)
        name.resize(200); // keep within NAME_MAX with the suffix
    return (p.parent_path() / ("." + name)).string();
}

} // namespace

bool isValidUtf8(std::string_view bytes)
{
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t len = utf8SequenceLength(bytes, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

std::string printableText(std::string_view s, std::size_t maxChars)
{
    std::string out;
    out.reserve(std::min(s.size(), maxChars) + 8);
    for (std::size_t i = 0; i < s.size();) {
        if (i >= maxChars) {
            out += "...";
            break;
        }
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t len = utf8SequenceLength(s, i);
        if (len == 0 || c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

std::unique_ptr<std::FILE, int (*)(std::FILE *)> openRegularFile(const std::string &path)
{
    const std::string name = printableText(path);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        throw Error(name + ": cannot open file (" + errnoText(errno) + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(name + ": cannot open file (" + errnoText(err) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(name + ": not a regular file (" + kindOf(st.st_mode) + ")");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    std::FILE *fp = ::fdopen(fd, "rb");
    if (!fp) {
        const int err = errno;
        ::close(fd);
        throw Error(name + ": cannot open file (" + errnoText(err) + ")");
    }
    return {fp, &std::fclose};
}

std::string readRegularFile(const std::string &path, std::uint64_t maxBytes, const std::string &what)
{
    const std::string name = printableText(path);
    auto fp = openRegularFile(path);
    struct stat st {};
    if (::fstat(::fileno(fp.get()), &st) == 0 && static_cast<std::uint64_t>(st.st_size) > maxBytes)
        throw Error(name + ": " + what + " is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                    std::to_string(maxBytes >> 20) + " MiB)");
    std::string bytes;
    try {
        bytes.reserve(static_cast<std::size_t>(st.st_size));
        char chunk[1 << 16];
        std::size_t got;
        // The size is only a hint: a file that grows while it is read still stops at the cap.
        while ((got = std::fread(chunk, 1, sizeof chunk, fp.get())) > 0) {
            if (bytes.size() + got > maxBytes)
                throw Error(name + ": " + what + " is too large (the limit is " + std::to_string(maxBytes >> 20) +
                            " MiB)");
            bytes.append(chunk, got);
        }
    } catch (const std::bad_alloc &) {
        throw Error(name + ": " + what + " is too large to read into memory");
    }
    if (std::ferror(fp.get()))
        throw Error(name + ": cannot read file (" + errnoText(errno) + ")");
    return bytes;
}

void refuseSymlinkTarget(const std::string &path)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        throw Error(printableText(path) + ": is a symbolic link; not writing through it");
}

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path))
{
    if (m_path.empty())
        throw Error("cannot write a file with an empty name");
    refuseSymlinkTarget(m_path);
    m_fd = createExclusive(tempStem(m_path), m_temp);
    if (m_fd < 0)
        throw Error(printableText(m_path) + ": cannot open file for writing (" + errnoText(errno) + ")");
    // O_CREAT's 0666 already went through the umask, as a plain fopen would have.
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        ::unlink(m_temp.c_str());
    }
}

void AtomicFile::failWith(int err)
{
    if (m_fd >= 0) {
        ::close(m_fd);
        ::unlink(m_temp.c_str());
        m_fd = -1;
    }
    throw Error(printableText(m_path) + ": cannot write file (" + errnoText(err) + ")");
}

void AtomicFile::write(const void *data, std::size_t size)
{
    if (m_fd < 0)
        throw Error(printableText(m_path) + ": cannot write file (already closed)");
    const auto *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(m_fd, p, std::min<std::size_t>(size, std::size_t(1) << 30));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            failWith(errno);
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
}

void AtomicFile::commit()
{
    if (m_fd < 0)
        throw Error(printableText(m_path) + ": cannot write file (already closed)");
    if (::fsync(m_fd) != 0)
        failWith(errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(m_temp.c_str());
        throw Error(printableText(m_path) + ": cannot write file (" + errnoText(err) + ")");
    }
    try {
        refuseSymlinkTarget(m_path); // planted while we wrote
    } catch (...) {
        ::unlink(m_temp.c_str());
        throw;
    }
    // rename replaces whatever is at the target rather than writing through it.
    if (std::rename(m_temp.c_str(), m_path.c_str()) != 0) {
        const int err = errno;
        ::unlink(m_temp.c_str());
        throw Error(printableText(m_path) + ": cannot write file (" + errnoText(err) + ")");
    }
}

void writeFileAtomically(const std::string &path, std::string_view bytes)
{
    AtomicFile f(path);
    f.write(bytes.data(), bytes.size());
    f.commit();
}

AtomicOutputPath::AtomicOutputPath(std::string path) : m_path(std::move(path))
{
    if (m_path.empty())
        throw Error("cannot write a file with an empty name");
    refuseSymlinkTarget(m_path);
    std::string pattern = tempStem(m_path) + ".XXXXXX";
    if (!::mkdtemp(pattern.data()))
        throw Error(printableText(m_path) + ": cannot open file for writing (" + errnoText(errno) + ")");
    m_dir = pattern;
    m_temp = m_dir + "/out" + std::filesystem::path(m_path).extension().string();
}

AtomicOutputPath::~AtomicOutputPath()
{
    if (!m_done) {
        ::unlink(m_temp.c_str());
        ::rmdir(m_dir.c_str());
    }
}

void AtomicOutputPath::commit()
{
    const std::string name = printableText(m_path);
    const auto fail = [&](const std::string &why) {
        ::unlink(m_temp.c_str());
        ::rmdir(m_dir.c_str());
        m_done = true;
        throw Error(name + ": cannot write file (" + why + ")");
    };
    if (m_done)
        throw Error(name + ": cannot write file (already closed)");
    const int fd = ::open(m_temp.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        fail(errno == ENOENT ? std::string("nothing was written") : errnoText(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail("not a regular file");
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        fail(errnoText(err));
    }
    ::close(fd);
    try {
        refuseSymlinkTarget(m_path);
    } catch (...) {
        ::unlink(m_temp.c_str());
        ::rmdir(m_dir.c_str());
        m_done = true;
        throw;
    }
    if (std::rename(m_temp.c_str(), m_path.c_str()) != 0)
        fail(errnoText(errno));
    ::rmdir(m_dir.c_str());
    m_done = true;
}

void checkWritableFile(const std::string &path, const std::string &what)
{
    namespace fs = std::filesystem;
    if (path.empty())
        throw Error(what + ": the file name is empty");
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(what + ": '" + printableText(path) + "' is a folder; give a file name");
    if (fs::is_symlink(path, ec))
        throw Error(what + ": '" + printableText(path) + "' is a symbolic link; not writing through it");
    const fs::path parent = fs::absolute(fs::path(path), ec).parent_path();
    if (ec || !fs::is_directory(parent, ec))
        throw Error(what + ": folder '" + printableText(parent.string()) + "' does not exist");
    std::string probe;
    const int fd = createExclusive(tempStem(path), probe);
    if (fd < 0)
        throw Error(what + ": cannot write in folder '" + printableText(parent.string()) + "' (" + errnoText(errno) +
                    ")");
    ::close(fd);
    ::unlink(probe.c_str());
}

void ensureFolder(const std::string &path, const std::string &what)
{
    namespace fs = std::filesystem;
    if (path.empty())
        throw Error(what + ": the folder name is empty");
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec)
        throw Error(what + ": cannot create folder '" + printableText(path) + "' (" + ec.message() + ")");
    if (!fs::is_directory(path, ec))
        throw Error(what + ": '" + printableText(path) + "' is not a folder");
}

} // namespace resnext
