#include "resnext/weights_cache.h"

#include "resnext/checkpoint.h"
#include "resnext/fileio.h"
#include "resnext/plan.h"
#include "resnext/pytorch_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

namespace resnext {

namespace {

namespace fs = std::filesystem;

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

// The spec of a safetensors file from its header alone (the one header
// reader, with all its checks): this program's metadata, else the shapes.
ArchSpec inspectSafetensors(const std::string &path)
{
    const SafetensorsFile file = SafetensorsFile::readHeader(path);
    const CheckpointMetadata meta = readCheckpointMetadata(file);
    return meta.spec ? *meta.spec : inferSpec(file);
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
        const auto fp = openRegularFile(path); // never blocks on a FIFO
        head.resize(std::fread(head.data(), 1, head.size(), fp.get()));
    }
    switch (sniffWeightsFormat(head)) {
    case WeightsFormat::PytorchZip: return inferSpec(readPytorchHeader(path), path);
    case WeightsFormat::PytorchLegacy: readWeightsFile(path); break; // throws the legacy-format message
    case WeightsFormat::Safetensors: break;
    }
    return inspectSafetensors(path);
}

TensorLimits tensorLimitsFor(const ArchSpec &spec)
{
    auto most = std::make_shared<std::map<std::string, std::uint64_t>>();
    std::uint64_t largest = 1;
    for (const PlannedTensor &t : planTensors(spec)) {
        std::uint64_t n = 1;
        for (std::int64_t d : t.shape)
            n *= static_cast<std::uint64_t>(d);
        (*most)[t.name] = n;
        largest = std::max(largest, n);
    }
    // The engine's "ood.*" statistics: class means [classes, D], precision [D, D], a scalar threshold,
    // D being the classifier's input width.
    std::string classifier; // the head's weight, as the plan names it
    for (const LayerInfo &l : planLayers(spec))
        if (l.role == LayerRole::Head && l.kind == LayerKind::Linear)
            classifier = layerTensors(l).front().name;
    if (const auto fc = most->find(classifier); fc != most->end()) {
        const std::uint64_t dims = fc->second / static_cast<std::uint64_t>(std::max(1, spec.numClasses));
        (*most)["ood.class_means"] = fc->second;
        (*most)["ood.precision"] = dims * dims;
        (*most)["ood.threshold"] = 1;
    }
    TensorLimits limits;
    for (const auto &entry : *most)
        limits.maxTotalElements += entry.second;
    // Room for a few tensors the plan does not name (extra buffers, a second head).
    limits.maxTotalElements += 2 * largest + (std::uint64_t(1) << 20);
    limits.architecture = describe(spec);
    limits.maxElements = [most, largest](const std::string &name) {
        const auto it = most->find(canonicalTensorName(name));
        return it != most->end() ? it->second : largest;
    };
    return limits;
}

SafetensorsFile readModelWeights(const std::string &path)
{
    const ArchSpec spec = inspectWeights(path);
    const TensorLimits limits = tensorLimitsFor(spec);
    return readWeightsFile(path, &limits);
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
