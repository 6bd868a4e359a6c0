// Where and how a model runs: its device, its memory layout and the choice of the
// plain LibTorch path or the oneDNN fast path (made on first use).

#include "engine/torch_model.h"

#include "resnext/application.h"
#include "resnext/error.h"

namespace resnext {

std::string TorchModel::device() const
{
    return m_device.is_cpu() ? "cpu" : "cuda:" + std::to_string(m_device.index() < 0 ? 0 : m_device.index()) +
                                           " (" + cudaName() + ")";
}

bool TorchModel::channelsLast() const
{
    for (const auto &p : m_net->parameters())
        if (p.dim() == 4)
            return p.is_contiguous(at::MemoryFormat::ChannelsLast) && !p.is_contiguous();
    return false;
}

void TorchModel::toDevice(const std::string &device)
{
    const torch::Device d = parseDevice(device);
    guarded("device", [&] {
        m_net->to(d);
        m_device = d;
        return 0;
    });
}

void TorchModel::setInferencePath(InferencePath path)
{
    if (path != InferencePath::Plain && !fast::available())
        throw Error("inference path: this build has no oneDNN fast path (build with libdnnl-dev); use plain");
    if (path == InferencePath::FastBf16 && !fast::bf16Native())
        throw Error("bf16: this CPU has no native BF16 convolutions (AVX-512 BF16 or AMX); use fast (FP32)");
    guarded("inference path", [&] {
        const auto t0 = Clock::now();
        std::unique_ptr<fast::Net> net;
        if (runningPath(path, m_device.is_cpu()) != InferencePath::Plain) {
            net = makeFastNet(path == InferencePath::FastBf16);
            net->prepare(1);
        }
        m_path = path;
        m_fast = std::move(net);
        m_prepareMs = msSince(t0);
        return 0;
    });
}

// The fast path of the chosen kind on the CPU, made on first use; null for the plain path.
fast::Net *TorchModel::fastNet()
{
    if (runningPath(m_path, m_device.is_cpu()) == InferencePath::Plain)
        return nullptr;
    if (!m_fast) {
        const auto t0 = Clock::now();
        m_fast = makeFastNet(m_path == InferencePath::FastBf16);
        m_prepareMs = msSince(t0);
    }
    return m_fast.get();
}

std::unique_ptr<fast::Net> TorchModel::makeFastNet(bool bf16) const
{
    c10::InferenceMode guard;
    std::map<std::string, torch::Tensor> byName;
    for (auto &[name, t] : formCTensors())
        byName.emplace(name, t);
    return std::make_unique<fast::Net>(m_info.spec, byName, bf16);
}

} // namespace resnext
