#include "resnext/model.h"

#include "resnext/error.h"
#include "resnext/text.h"
#include "spatial.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/init.h>
#include <torch/utils.h>

#include <map>

namespace resnext {

namespace F = torch::nn::functional;

namespace detail {

torch::nn::Conv2d conv(int in, int out, int k, int stride = 1, int groups = 1)
{
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).groups(groups).bias(false));
}

torch::nn::BatchNorm2d bn(int ch) { return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(ch)); }

} // namespace detail

PathImpl::PathImpl(int inplanes, int groupWidth, int outChannels, int stride, bool withConv3)
{
    conv1 = register_module("conv1", detail::conv(inplanes, groupWidth, 1));
    bn1 = register_module("bn1", detail::bn(groupWidth));
    conv2 = register_module("conv2", detail::conv(groupWidth, groupWidth, 3, stride));
    bn2 = register_module("bn2", detail::bn(groupWidth));
    if (withConv3)
        conv3 = register_module("conv3", detail::conv(groupWidth, outChannels, 1));
}

// ReLUs run in place on BN outputs, as torchvision does: BN's backward needs
// its input, not its output, so this is safe under autograd and saves memory traffic.
torch::Tensor PathImpl::transform(const torch::Tensor &x)
{
    auto out = bn1(conv1(x)).relu_();
    return bn2(conv2(out)).relu_();
}

torch::Tensor PathImpl::forward(const torch::Tensor &x)
{
    auto out = transform(x);
    return conv3 ? conv3(out) : out;
}

BlockImpl::BlockImpl(const ArchSpec &spec, int stage, int inplanes, int stride)
    : kind(spec.block), form(spec.form), cardinality(spec.cardinality)
{
    const int out = spec.stageOutChannels(stage);
    if (kind == BlockKind::Basic) {
        conv1 = register_module("conv1", detail::conv(inplanes, out, 3, stride));
        bn1 = register_module("bn1", detail::bn(out));
        conv2 = register_module("conv2", detail::conv(out, out, 3));
        bn2 = register_module("bn2", detail::bn(out));
    } else {
        const int grouped = spec.stageGroupedWidth(stage);
        const int perGroup = spec.groupWidth(stage);
        if (form == BlockForm::C) {
            conv1 = register_module("conv1", detail::conv(inplanes, grouped, 1));
            bn1 = register_module("bn1", detail::bn(grouped));
            conv2 = register_module("conv2", detail::conv(grouped, grouped, 3, stride, cardinality));
            bn2 = register_module("bn2", detail::bn(grouped));
        } else {
            paths = register_module("paths", torch::nn::ModuleList());
            for (int i = 0; i < cardinality; ++i)
                paths->push_back(Path(inplanes, perGroup, out, stride, form == BlockForm::A));
        }
        if (form != BlockForm::A)
            conv3 = register_module("conv3", detail::conv(grouped, out, 1));
        bn3 = register_module("bn3", detail::bn(out));
    }
    if (stride != 1 || inplanes != out) {
        downsample = register_module(
            "downsample", torch::nn::Sequential(detail::conv(inplanes, out, 1, stride), detail::bn(out)));
    }
}

torch::Tensor BlockImpl::forward(const torch::Tensor &x) { return forwardWithTransform(x, nullptr); }

torch::Tensor BlockImpl::forwardWithTransform(const torch::Tensor &x, torch::Tensor *transformed)
{
    torch::Tensor out;
    if (kind == BlockKind::Basic) {
        out = bn1(conv1(x)).relu_();
        if (transformed)
            *transformed = out;
        out = bn2(conv2(out));
    } else if (form == BlockForm::C) {
        out = bn1(conv1(x)).relu_();
        out = bn2(conv2(out)).relu_();
        if (transformed)
            *transformed = out;
        out = bn3(conv3(out));
    } else {
        std::vector<torch::Tensor> parts;
        parts.reserve(paths->size());
        for (size_t i = 0; i < paths->size(); ++i)
            parts.push_back(paths->ptr<PathImpl>(i)->transform(x));
        if (transformed)
            *transformed = torch::cat(parts, 1);
        if (form == BlockForm::B) {
            out = bn3(conv3(transformed ? *transformed : torch::cat(parts, 1)));
        } else {
            // Form (a): aggregate by summation of each path's 1x1 projection.
            for (size_t i = 0; i < paths->size(); ++i) {
                auto y = paths->ptr<PathImpl>(i)->conv3(parts[i]);
                out = out.defined() ? out + y : y;
            }
            out = bn3(out);
        }
    }
    const auto identity = downsample ? downsample->forward(x) : x;
    return out.add_(identity).relu_();
}

torch::Tensor BlockImpl::shortcut(const torch::Tensor &x) { return downsample ? downsample->forward(x) : x; }

torch::Tensor BlockImpl::merge(const torch::Tensor &x, const torch::Tensor &transformed, const torch::Tensor &identity)
{
    torch::Tensor out;
    if (kind == BlockKind::Basic) {
        out = bn2(conv2(transformed));
    } else if (form != BlockForm::A) {
        out = bn3(conv3(transformed));
    } else {
        const int64_t d = transformed.size(1) / static_cast<int64_t>(paths->size());
        for (size_t i = 0; i < paths->size(); ++i) {
            auto y = paths->ptr<PathImpl>(i)->conv3(transformed.narrow(1, static_cast<int64_t>(i) * d, d));
            out = out.defined() ? out + y : y;
        }
        out = bn3(out);
    }
    return out.add_(identity.defined() ? identity : shortcut(x)).relu_();
}

ResNetImpl::ResNetImpl(const ArchSpec &spec) : m_spec(spec)
{
    if (spec.stem == Stem::ImageNet)
        conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(spec.inChannels, spec.stemChannels, 7)
                                                               .stride(2)
                                                               .padding(3)
                                                               .bias(false)));
    else
        conv1 = register_module("conv1", detail::conv(spec.inChannels, spec.stemChannels, 3));
    bn1 = register_module("bn1", detail::bn(spec.stemChannels));
    int inplanes = spec.stemChannels;
    for (int st = 0; st < spec.numStages(); ++st) {
        torch::nn::Sequential seq;
        for (int b = 0; b < spec.layers[st]; ++b) {
            seq->push_back(Block(spec, st, inplanes, b == 0 ? resnext::detail::stageStride(st) : 1));
            inplanes = spec.stageOutChannels(st);
        }
        m_stages.push_back(register_module("layer" + std::to_string(st + 1), seq));
    }
    fc = register_module("fc", torch::nn::Linear(inplanes, spec.numClasses));

    // torchvision's initialisation.
    torch::NoGradGuard guard;
    for (auto &m : modules(/*include_self=*/false)) {
        if (auto *c = m->as<torch::nn::Conv2dImpl>())
            torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
        else if (auto *b = m->as<torch::nn::BatchNorm2dImpl>()) {
            torch::nn::init::ones_(b->weight);
            torch::nn::init::zeros_(b->bias);
        }
    }
}

torch::Tensor ResNetImpl::forward(torch::Tensor x)
{
    x = bn1(conv1(x)).relu_();
    if (m_spec.stem == Stem::ImageNet)
        x = torch::max_pool2d(x, 3, 2, 1);
    for (auto &s : m_stages)
        x = s->forward(x);
    x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    return fc(x);
}

std::vector<torch::Tensor> ResNetImpl::forwardStages(torch::Tensor x)
{
    std::vector<torch::Tensor> out;
    x = bn1(conv1(x)).relu_();
    if (m_spec.stem == Stem::ImageNet)
        x = torch::max_pool2d(x, 3, 2, 1);
    out.push_back(x);
    for (auto &s : m_stages) {
        x = s->forward(x);
        out.push_back(x);
    }
    out.push_back(fc(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1)));
    return out;
}

ResNet buildModel(const ArchSpec &spec)
{
    validate(spec);
    try {
        return ResNet(spec);
    } catch (const c10::Error &e) {
        throw Error("model: LibTorch could not build " + describe(spec) + ": " +
                    firstLine(e.what_without_backtrace()));
    } catch (const std::bad_alloc &) {
        throw Error("model: not enough memory to build " + describe(spec));
    }
}

void copyFromFormC(const ResNet &source, ResNet &target)
{
    if (source->spec().form != BlockForm::C)
        throw Error("copy: the source model must be in form (c)");
    ArchSpec a = source->spec(), b = target->spec();
    a.form = b.form = BlockForm::C;
    if (a != b)
        throw Error("copy: source and target specs differ (" + describe(a) + " vs " + describe(b) + ")");

    std::map<std::string, torch::Tensor> src;
    for (const auto &p : source->named_parameters(true))
        src.emplace(p.key(), p.value());
    for (const auto &p : source->named_buffers(true))
        src.emplace(p.key(), p.value());

    const auto copyOne = [&](const std::string &name, torch::Tensor dst) {
        std::string key = name;
        int path = -1;
        const auto at = name.find(".paths.");
        if (at != std::string::npos) {
            const auto idxStart = at + 7;
            const auto dot = name.find('.', idxStart);
            path = std::stoi(name.substr(idxStart, dot - idxStart));
            key = name.substr(0, at + 1) + name.substr(dot + 1);
        }
        const auto it = src.find(key);
        if (it == src.end())
            throw Error("copy: no source tensor for " + name);
        torch::Tensor s = it->second;
        if (path >= 0 && dst.dim() > 0) {
            // conv3 of a form-(a) path takes its input-channel slice; the rest slice outputs.
            const bool conv3 = key.size() >= 12 && key.compare(key.size() - 12, 12, "conv3.weight") == 0;
            const int64_t dim = conv3 ? 1 : 0;
            const int64_t n = dst.size(dim);
            s = s.narrow(dim, path * n, n);
        }
        if (s.sizes() != dst.sizes())
            throw Error("copy: shape mismatch for " + name);
        dst.copy_(s);
    };

    torch::NoGradGuard guard;
    for (auto &p : target->named_parameters(true))
        copyOne(p.key(), p.value());
    for (auto &p : target->named_buffers(true))
        copyOne(p.key(), p.value());
}

std::int64_t parameterCount(const torch::nn::Module &module)
{
    std::int64_t n = 0;
    for (const auto &p : module.parameters(true))
        n += p.numel();
    return n;
}

} // namespace resnext
