// Small helpers shared by the engine's files.

#include "engine/common.h"

#ifdef RESNEXT_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

#include <cstring>

namespace resnext {

std::string firstLine(const std::string &text)
{
    const auto pos = text.find('\n');
    return pos == std::string::npos ? text : text.substr(0, pos);
}

std::string cudaName()
{
#ifdef RESNEXT_WITH_CUDA
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess)
        return prop.name;
#endif
    return torch::cuda::is_available() ? "CUDA device 0" : "";
}

torch::Device parseDevice(const std::string &text)
{
    if (text == "cpu" || text.empty())
        return torch::kCPU;
    if (text.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw Error("device: CUDA is not available (this LibTorch has no CUDA or no GPU is visible)");
        return torch::Device(text);
    }
    throw Error("device: unknown value '" + text + "'; use cpu or cuda");
}

std::vector<float> toFloats(const SafetensorsFile &file, const TensorRecord &t)
{
    const unsigned char *p = file.data(t);
    const auto n = static_cast<size_t>(t.numel());
    std::vector<float> out(n);
    switch (t.dtype) {
    case DType::F32: std::memcpy(out.data(), p, n * 4); break;
    case DType::F64:
        for (size_t i = 0; i < n; ++i) {
            double d;
            std::memcpy(&d, p + i * 8, 8);
            out[i] = static_cast<float>(d);
        }
        break;
    case DType::F16:
    case DType::BF16:
        for (size_t i = 0; i < n; ++i) {
            std::uint16_t h;
            std::memcpy(&h, p + i * 2, 2);
            out[i] = t.dtype == DType::F16 ? halfToFloat(h) : bfloat16ToFloat(h);
        }
        break;
    case DType::I64:
        for (size_t i = 0; i < n; ++i) {
            std::int64_t v;
            std::memcpy(&v, p + i * 8, 8);
            out[i] = static_cast<float>(v);
        }
        break;
    default:
        throw Error(file.label() + ": tensor '" + t.name + "' has dtype " + toString(t.dtype) +
                    "; weights must be F32, F16, BF16 or F64");
    }
    return out;
}

std::string shapeText(at::IntArrayRef s)
{
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

std::string joinFew(const std::vector<std::string> &names)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < 3; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > 3)
        s += ", ... (" + std::to_string(names.size() - 3) + " more)";
    return s;
}

torch::Tensor batchFromPixels(const ImageSet &data, const std::vector<size_t> &idx, const Preprocessing &pre)
{
    const int h = data.height, w = data.width, c = data.channels;
    auto bytes = torch::empty({static_cast<int64_t>(idx.size()), h, w, c}, torch::kUInt8);
    auto *dst = bytes.data_ptr<std::uint8_t>();
    const size_t one = static_cast<size_t>(h) * w * c;
    for (size_t i = 0; i < idx.size(); ++i)
        std::memcpy(dst + i * one, data.image(idx[i]), one);
    auto x = bytes.permute({0, 3, 1, 2}).to(torch::kFloat).div_(255.0);
    if (c == 1 && pre.channels == 3)
        x = x.expand({-1, 3, -1, -1});
    auto mean = torch::tensor(pre.mean).view({1, -1, 1, 1});
    auto stdv = torch::tensor(pre.std).view({1, -1, 1, 1});
    return ((x - mean) / stdv).contiguous();
}

void setLayout(ResNet &net, at::MemoryFormat format)
{
    torch::NoGradGuard ng;
    for (auto &p : net->parameters())
        if (p.dim() == 4)
            p.set_data(p.data().contiguous(format));
}

} // namespace resnext
