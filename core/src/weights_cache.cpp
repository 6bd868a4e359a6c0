#include "resnext/weights_cache.h"

#include "json.h"
#include "resnext/checkpoint.h"
#include "resnext/pytorch_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

namespace resnext {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxHeaderBytes = 100000000; // as the safetensors reader

std::string env(const char *name)
{
    const char *v = std::getenv(name);
    return v && *v ? std::string(v) : std::string();
}

std::string cacheHome()
{
    const std::string xdg = env("XDG_CACHE_HOME");
    if (!xdg.empty())
        return xdg;
    const std::string home = env("HOME");
    return (fs::path(home.empty() ? "." : home) / ".cache").string();
}

// The spec of a safetensors file from its header alone: this program's metadata, else the shapes.
ArchSpec inspectSafetensors(const std::string &path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> fp(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!fp)
        throw Error(path + ": cannot open file (" + std::strerror(errno) + ")");
    unsigned char len[8];
    if (std::fread(len, 1, 8, fp.get()) != 8)
        throw Error(path + ": not a safetensors file (too short for the 8-byte header length)");
    std::uint64_t n = 0;
    for (int k = 7; k >= 0; --k)
        n = (n << 8) | len[k];
    if (n == 0 || n > kMaxHeaderBytes)
        throw Error(path + ": not a safetensors file (header length " + std::to_string(n) + ")");
    std::string header(static_cast<std::size_t>(n), '\0');
    if (std::fread(header.data(), 1, header.size(), fp.get()) != header.size())
        throw Error(path + ": header runs past the end of the file");
    json::Value root;
    try {
        root = json::parse(header, 64);
    } catch (const json::ParseError &e) {
        throw Error(path + ": header is not valid JSON (" + e.what() + ")");
    }
    if (root.kind() != json::Value::Kind::Object)
        throw Error(path + ": header is not a JSON object");
    std::vector<TensorRecord> records;
    for (const auto &[key, value] : root.asObject()) {
        if (key == "__metadata__") {
            if (const json::Value *spec = value.find("spec"); spec && spec->kind() == json::Value::Kind::String) {
                try {
                    return specFromJson(spec->asString());
                } catch (const Error &e) {
                    throw Error(path + ": metadata 'spec': " + e.what());
                }
            }
            continue;
        }
        const json::Value *shape = value.kind() == json::Value::Kind::Object ? value.find("shape") : nullptr;
        if (!shape || shape->kind() != json::Value::Kind::Array)
            throw Error(path + ": tensor '" + key + "' has no shape");
        TensorRecord r;
        r.name = key;
        for (const auto &d : shape->asArray()) {
            if (d.kind() != json::Value::Kind::Int || d.asInt() < 0)
                throw Error(path + ": tensor '" + key + "' has a malformed shape");
            r.shape.push_back(d.asInt());
        }
        records.push_back(std::move(r));
    }
    return inferSpec(records, path);
}

void consider(std::vector<CachedWeights> &out, const fs::path &file, const std::string &name, const std::string &source)
{
    const std::string ext = file.extension().string();
    const bool safetensors = ext == ".safetensors";
    if (!safetensors && ext != ".pth" && ext != ".pt" && ext != ".bin")
        return;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) // follows the snapshot links to the blobs
        return;
    CachedWeights w;
    w.path = file.string();
    w.name = name;
    w.source = source;
    w.format = safetensors ? "safetensors" : "pth";
    w.bytes = fs::file_size(file, ec);
    try {
        w.spec = inspectWeights(w.path);
    } catch (const Error &e) {
        w.problem = e.what();
        // The path is in its own column.
        if (w.problem.rfind(w.path + ": ", 0) == 0)
            w.problem = w.problem.substr(w.path.size() + 2);
    }
    out.push_back(std::move(w));
}

} // namespace

CacheLocations cacheLocations()
{
    CacheLocations c;
    const std::string torchHome = env("TORCH_HOME");
    c.torchHub = ((torchHome.empty() ? fs::path(cacheHome()) / "torch" : fs::path(torchHome)) / "hub" / "checkpoints")
                     .string();
    const std::string hubCache = env("HF_HUB_CACHE");
    const std::string hfHome = env("HF_HOME");
    c.huggingFace = !hubCache.empty() ? hubCache
                                      : ((hfHome.empty() ? fs::path(cacheHome()) / "huggingface" : fs::path(hfHome)) /
                                         "hub")
                                            .string();
    return c;
}

ArchSpec inspectWeights(const std::string &path)
{
    std::string head(16, '\0');
    {
        std::unique_ptr<std::FILE, int (*)(std::FILE *)> fp(std::fopen(path.c_str(), "rb"), &std::fclose);
        if (!fp)
            throw Error(path + ": cannot open file (" + std::strerror(errno) + ")");
        head.resize(std::fread(head.data(), 1, head.size(), fp.get()));
    }
    switch (sniffWeightsFormat(head)) {
    case WeightsFormat::PytorchZip: return inferSpec(readPytorchHeader(path), path);
    case WeightsFormat::PytorchLegacy: readWeightsFile(path); break; // throws the legacy-format message
    case WeightsFormat::Safetensors: break;
    }
    return inspectSafetensors(path);
}

std::vector<CachedWeights> findCachedWeights(const CacheLocations &where)
{
    std::vector<CachedWeights> out;
    std::error_code ec;
    if (!where.torchHub.empty() && fs::is_directory(where.torchHub, ec)) {
        std::vector<fs::path> files;
        for (const auto &e : fs::directory_iterator(where.torchHub, ec))
            files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto &f : files)
            consider(out, f, f.filename().string(), "torchvision hub");
    }
    // <hub>/models--ORG--NAME/snapshots/REVISION/FILE (links into blobs/).
    if (!where.huggingFace.empty() && fs::is_directory(where.huggingFace, ec)) {
        std::vector<fs::path> repos;
        for (const auto &e : fs::directory_iterator(where.huggingFace, ec))
            if (e.path().filename().string().rfind("models--", 0) == 0)
                repos.push_back(e.path());
        std::sort(repos.begin(), repos.end());
        for (const auto &repo : repos) {
            std::string id = repo.filename().string().substr(8);
            if (const auto sep = id.find("--"); sep != std::string::npos)
                id = id.substr(0, sep) + "/" + id.substr(sep + 2);
            std::vector<fs::path> files;
            std::error_code ec2;
            for (const auto &snap : fs::directory_iterator(repo / "snapshots", ec2))
                for (const auto &e : fs::directory_iterator(snap.path(), ec2))
                    files.push_back(e.path());
            std::sort(files.begin(), files.end());
            for (const auto &f : files)
                consider(out, f, id + "/" + f.filename().string(), "Hugging Face hub");
        }
    }
    return out;
}

} // namespace resnext
