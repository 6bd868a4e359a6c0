// The LibTorch implementation of resnext::Engine, built as libresnext_engine.so
// and loaded on first use (see engine_loader.cpp). Every LibTorch error is turned
// into a one-line resnext::Error here, at the boundary.

#include "engine/torch_model.h"

#include "resnext/plan.h"
#include "resnext/validate.h"

#include <malloc.h>

namespace resnext {

TorchEngine::TorchEngine()
{
    // Keep freed tensor memory in the heap instead of returning it to the
    // kernel: glibc otherwise mmaps and unmaps every large activation, and
    // the page faults cost more than the arithmetic of a small model.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1024 << 20);
    // LibTorch defaults to one intra-op thread on small machines: use every core
    // that other processes leave idle (several runs at once each taking every
    // core are many times slower than the same runs sharing them).
    setThreads(defaultThreadCount());
}

DeviceInfo TorchEngine::deviceInfo()
{
    DeviceInfo d;
    d.cudaAvailable = torch::cuda::is_available();
    if (d.cudaAvailable)
        d.cudaName = cudaName();
    d.threads = at::get_num_threads();
    d.torchVersion = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                     std::to_string(TORCH_VERSION_PATCH);
    d.fastPath = fast::available();
    d.bf16 = d.fastPath && fast::bf16Native();
    return d;
}

std::unique_ptr<Model> TorchEngine::create(const ModelInfo &info, std::uint64_t seed, const std::string &device)
{
    checkBuildable(info.spec);
    const torch::Device d = parseDevice(device);
    return guarded("model", [&] {
        torch::manual_seed(seed);
        ModelInfo i = info;
        if (i.labels.empty())
            i.labels = defaultLabels(i.spec);
        if (i.source.empty())
            i.source = "random weights (seed " + std::to_string(seed) + ")";
        ResNet net = buildModel(i.spec);
        net->to(d);
        return std::unique_ptr<Model>(new TorchModel(std::move(i), std::move(net), d));
    });
}

} // namespace resnext

extern "C" __attribute__((visibility("default"))) int resnext_engine_api_version()
{
    return resnext::kEngineApiVersion;
}

extern "C" __attribute__((visibility("default"))) resnext::Engine *resnext_engine_create()
{
    static resnext::TorchEngine engine;
    return &engine;
}
