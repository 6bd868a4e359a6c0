#include "resnext/model.h"

#include "bn_relu.h"
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

torch::nn::Conv2d convOf(const LayerInfo &layer, bool perPath)
{
    const LayerInfo l = perPath ? onePath(layer) : layer;
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(l.inChannels, l.channels, l.kernel)
                                 .stride(l.stride)
                                 .padding(l.padding)
                                 .dilation(l.dilation)
                                 .groups(l.groups)
                                 .bias(l.bias));
}

torch::nn::BatchNorm2d bnOf(const LayerInfo &layer, bool perPath)
{
    const LayerInfo l = perPath ? onePath(layer) : layer;
    return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(l.channels));
}

// The module name inside its block: "layer1.0.downsample.0" -> "downsample.0".
std::string blockLeaf(const std::string &name)
{
    const auto first = name.find('.');
    const auto second = first == std::string::npos ? first : name.find('.', first + 1);
    return second == std::string::npos ? name : name.substr(second + 1);
}

} // namespace detail

PathImpl::PathImpl(const std::vector<LayerInfo> &blockLayers)
{
    // The block's per-path layers, in the plan's order (conv1, bn1, conv2, bn2[, conv3]).
    for (const LayerInfo &l : blockLayers) {
        if (l.paths == 0)
            continue;
        const std::string leaf = detail::blockLeaf(l.name);
        if (l.kind == LayerKind::Conv) {
            auto &slot = leaf == "conv1" ? conv1 : leaf == "conv2" ? conv2 : conv3;
            slot = register_module(leaf, detail::convOf(l, true));
        } else if (l.kind == LayerKind::BatchNorm) {
            auto &slot = leaf == "bn1" ? bn1 : bn2;
            slot = register_module(leaf, detail::bnOf(l, true));
        }
    }
}

// ReLUs run in place on BN outputs, as torchvision does: BN's backward needs
// its input, not its output, so this is safe under autograd and saves memory traffic.
torch::Tensor PathImpl::transform(const torch::Tensor &x)
{
    auto out = detail::bnRelu(*bn1, conv1(x));
    return detail::bnRelu(*bn2, conv2(out));
}

torch::Tensor PathImpl::forward(const torch::Tensor &x)
{
    auto out = transform(x);
    return conv3 ? conv3(out) : out;
}

SqueezeExciteImpl::SqueezeExciteImpl(const std::vector<LayerInfo> &blockLayers)
{
    for (const LayerInfo &l : blockLayers)
        if (l.role == LayerRole::Excite && l.kind == LayerKind::Conv) {
            const std::string leaf = detail::blockLeaf(l.name).substr(3); // "se.fc1" -> "fc1"
            (fc1 ? fc2 : fc1) = register_module(leaf, detail::convOf(l));
        }
}

torch::Tensor SqueezeExciteImpl::forward(const torch::Tensor &x)
{
    const auto gate = torch::sigmoid(fc2(fc1(x.mean({2, 3}, true)).relu_()));
    return x * gate;
}

BlockImpl::BlockImpl(const ArchSpec &spec, const std::vector<LayerInfo> &layers)
    : kind(spec.block), form(spec.form), cardinality(spec.cardinality)
{
    // Modules in the plan's order, under the plan's names.
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerInfo &l = layers[i];
        const std::string leaf = detail::blockLeaf(l.name);
        if (l.paths > 0) {
            if (!paths) {
                paths = register_module("paths", torch::nn::ModuleList());
                for (int p = 0; p < l.paths; ++p)
                    paths->push_back(Path(layers));
            }
        } else if (l.role == LayerRole::Excite) {
            if (!se)
                se = register_module("se", SqueezeExcite(layers));
        } else if (l.role == LayerRole::Shortcut) {
            if (l.kind == LayerKind::Conv && i + 1 < layers.size())
                downsample = register_module(
                    "downsample", torch::nn::Sequential(detail::convOf(l), detail::bnOf(layers[i + 1])));
        } else if (l.kind == LayerKind::Conv) {
            auto &slot = leaf == "conv1" ? conv1 : leaf == "conv2" ? conv2 : conv3;
            slot = register_module(leaf, detail::convOf(l));
        } else if (l.kind == LayerKind::BatchNorm) {
            auto &slot = leaf == "bn1" ? bn1 : leaf == "bn2" ? bn2 : bn3;
            slot = register_module(leaf, detail::bnOf(l));
        }
    }
}

torch::Tensor BlockImpl::forward(const torch::Tensor &x) { return forwardTapped(x, {}, {}); }

torch::Tensor BlockImpl::transform(const torch::Tensor &x, std::vector<torch::Tensor> *parts)
{
    if (kind == BlockKind::Basic)
        return detail::bnRelu(*bn1, conv1(x));
    if (form == BlockForm::C) {
        auto out = detail::bnRelu(*bn1, conv1(x));
        return detail::bnRelu(*bn2, conv2(out));
    }
    parts->reserve(paths->size());
    for (size_t i = 0; i < paths->size(); ++i)
        parts->push_back(paths->ptr<PathImpl>(i)->transform(x));
    return form == BlockForm::B ? torch::cat(*parts, 1) : torch::Tensor();
}

torch::Tensor BlockImpl::forwardTapped(const torch::Tensor &x, const ForwardHook &hook, TapSite site)
{
    std::vector<torch::Tensor> parts;
    torch::Tensor t = transform(x, &parts);
    if (hook) {
        if (!t.defined())
            t = torch::cat(parts, 1); // form (a): the paths' outputs side by side
        const torch::Tensor seen = t;
        site.tap = Tap::Grouped;
        hook(t, site);
        if (!t.is_same(seen))
            return merge(x, t);
    }
    torch::Tensor out; // before the last BatchNorm
    torch::nn::BatchNorm2dImpl *bn = kind == BlockKind::Basic ? bn2.get() : bn3.get();
    if (kind == BlockKind::Basic) {
        out = conv2(t);
    } else if (form != BlockForm::A) {
        out = conv3(t);
    } else {
        // Form (a): aggregate by summation of each path's 1x1 projection.
        for (size_t i = 0; i < paths->size(); ++i) {
            auto y = paths->ptr<PathImpl>(i)->conv3(parts[i]);
            out = out.defined() ? out + y : y;
        }
    }
    if (!se && downsample) { // fused in training: both BatchNorms, the add and the ReLU
        auto *convD = downsample[0]->as<torch::nn::Conv2dImpl>();
        auto *bnD = downsample[1]->as<torch::nn::BatchNorm2dImpl>();
        if (convD && bnD)
            return detail::bnAddBnRelu(*bn, out, *bnD, convD->forward(x));
    }
    const auto identity = downsample ? downsample->forward(x) : x;
    if (!se)
        return detail::bnAddRelu(*bn, out, identity); // fused in training: the BatchNorm, the add and the ReLU
    return se(bn->forward(out)).add_(identity).relu_();
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
    if (se)
        out = se(out);
    return out.add_(identity.defined() ? identity : shortcut(x)).relu_();
}

ResNetImpl::ResNetImpl(const ArchSpec &spec) : m_spec(spec)
{
    // Every module from the plan, in its order and under its name.
    const std::vector<LayerInfo> plan = planLayers(spec);
    std::vector<LayerInfo> block;
    torch::nn::Sequential seq;
    const auto endBlock = [&] {
        if (!block.empty())
            seq->push_back(Block(spec, block));
        block.clear();
    };
    for (size_t i = 0; i < plan.size(); ++i) {
        const LayerInfo &l = plan[i];
        if (l.block >= 0) {
            if (!block.empty() && block.front().block != l.block)
                endBlock();
            block.push_back(l);
            const bool stageEnds = i + 1 == plan.size() || plan[i + 1].stage != l.stage;
            if (stageEnds) {
                endBlock();
                m_stages.push_back(register_module(stageName(l.stage), seq));
                seq = torch::nn::Sequential();
            }
            continue;
        }
        switch (l.kind) {
        case LayerKind::Conv: conv1 = register_module(l.name, detail::convOf(l)); break;
        case LayerKind::BatchNorm: bn1 = register_module(l.name, detail::bnOf(l)); break;
        case LayerKind::MaxPool:
            m_maxPool = true;
            m_poolKernel = l.kernel;
            m_poolStride = l.stride;
            m_poolPadding = l.padding;
            break;
        case LayerKind::Linear: fc = register_module(l.name, torch::nn::Linear(l.inChannels, l.channels)); break;
        default: break; // ReLU and pooling have no module
        }
    }

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

torch::Tensor ResNetImpl::stem(torch::Tensor x)
{
    x = detail::bnRelu(*bn1, conv1(x));
    if (m_maxPool)
        x = torch::max_pool2d(x, m_poolKernel, m_poolStride, m_poolPadding);
    return x;
}

torch::Tensor ResNetImpl::head(const torch::Tensor &x, const ForwardHook &hook)
{
    torch::Tensor pooled = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    if (hook)
        hook(pooled, {Tap::Pooled, -1, -1});
    torch::Tensor logits = fc(pooled);
    if (hook)
        hook(logits, {Tap::Logits, -1, -1});
    return logits;
}

torch::Tensor ResNetImpl::runStage(int i, int firstBlock, torch::Tensor x, const ForwardHook &hook)
{
    auto seq = m_stages.at(static_cast<size_t>(i));
    if (!hook && firstBlock == 0)
        return seq->forward(x);
    for (size_t b = static_cast<size_t>(firstBlock); b < seq->size(); ++b) {
        auto *blk = seq->ptr<BlockImpl>(b).get();
        if (!hook) {
            x = blk->forward(x);
            continue;
        }
        const TapSite site{Tap::BlockIn, i, static_cast<int>(b)};
        hook(x, site);
        x = blk->forwardTapped(x, hook, site);
        hook(x, {Tap::BlockOut, i, static_cast<int>(b)});
    }
    if (hook)
        hook(x, {Tap::Stage, i, -1});
    return x;
}

torch::Tensor ResNetImpl::forward(torch::Tensor x) { return forward(std::move(x), {}); }

torch::Tensor ResNetImpl::forward(torch::Tensor x, const ForwardHook &hook)
{
    x = stem(x);
    if (hook)
        hook(x, {Tap::Stem, -1, -1});
    for (int i = 0; i < static_cast<int>(m_stages.size()); ++i)
        x = runStage(i, 0, x, hook);
    return head(x, hook);
}

torch::Tensor ResNetImpl::forwardAfter(int stage, int block, torch::Tensor x, const ForwardHook &hook)
{
    x = runStage(stage, block + 1, x, hook);
    for (int i = stage + 1; i < static_cast<int>(m_stages.size()); ++i)
        x = runStage(i, 0, x, hook);
    return head(x, hook);
}

std::vector<torch::Tensor> ResNetImpl::forwardStages(torch::Tensor x)
{
    std::vector<torch::Tensor> out;
    out.push_back(forward(std::move(x), [&](torch::Tensor &t, const TapSite &site) {
        if (site.tap == Tap::Stem || site.tap == Tap::Stage)
            out.push_back(t);
    })); // the hooks run first: the logits come last
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

    // Form (a)'s expanding conv takes its path's input channels; every other
    // per-path tensor takes its path's output channels (the plan's roles).
    std::map<std::string, LayerRole> roles;
    for (const LayerInfo &l : planLayers(target->spec()))
        roles[l.name] = l.role;
    const auto copyOne = [&](const std::string &name, torch::Tensor dst) {
        int path = -1;
        const std::string key = formCName(name, &path);
        const auto it = src.find(key);
        if (it == src.end())
            throw Error("copy: no source tensor for " + name);
        torch::Tensor s = it->second;
        if (path >= 0 && dst.dim() > 0) {
            const auto role = roles.find(key.substr(0, key.rfind('.')));
            const int64_t dim = role != roles.end() && role->second == LayerRole::Expand ? 1 : 0;
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
