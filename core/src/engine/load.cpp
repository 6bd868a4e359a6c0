// Models from files and back: loading safetensors or torch.save files (labels beside
// them, the partial-load report, conversion between forms), the built-in model,
// and saving.

#include "engine/torch_model.h"

#include "resnext/checkpoint.h"
#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/pytorch_file.h"
#include "resnext/validate.h"
#include "resnext/weights_cache.h"

#include "io/resources.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace resnext {

std::vector<std::string> defaultLabels(const ArchSpec &spec)
{
    if (spec.numClasses == 1000)
        return imagenetClasses();
    std::vector<std::string> l;
    for (int i = 0; i < spec.numClasses; ++i)
        l.push_back("class " + std::to_string(i));
    return l;
}

std::unique_ptr<Model> TorchEngine::load(const std::string &path, const LoadOptions &options, LoadReport *report,
                                         const std::string &device)
{
    // Safetensors or torch.save zip, by content; nothing larger than the architecture its header claims.
    const SafetensorsFile file = readModelWeights(path);
    return loadFrom(file, path, options, report, device);
}

std::unique_ptr<Model> TorchEngine::loadBuiltin(const std::string &device)
{
    const std::string_view bytes = builtinModelBytes();
    if (bytes.empty())
        throw Error("built-in model: this build has none (resources/fashion_mnist_resnext.safetensors was "
                    "missing when it was built)");
    const SafetensorsFile file = SafetensorsFile::parse(std::string(bytes), "built-in model");
    auto m = loadFrom(file, "", {}, nullptr, device);
    return m;
}

std::unique_ptr<Model> TorchEngine::loadFrom(const SafetensorsFile &file, const std::string &path,
                                             const LoadOptions &options, LoadReport *reportOut,
                                             const std::string &device)
{
    const torch::Device d = parseDevice(device);
    canonicalTensors(file); // refuses "x" beside "module.x" before either is used
    const CheckpointMetadata meta = readCheckpointMetadata(file);
    ModelInfo info;
    info.spec = meta.spec ? *meta.spec : inferSpec(file);
    info.preprocessing = meta.preprocessing ? *meta.preprocessing : defaultPreprocessing(info.spec);
    info.source = path.empty() ? file.label() : path;
    if (!options.labelsPath.empty()) {
        info.labels = readLabelsFile(options.labelsPath);
    } else if (!meta.labels.empty()) {
        info.labels = meta.labels;
    } else if (!path.empty()) {
        namespace fs = std::filesystem;
        const fs::path p(path);
        for (const fs::path &candidate : {fs::path(path + ".labels.txt"), p.parent_path() / "labels.txt"})
            if (fs::exists(candidate)) {
                info.labels = readLabelsFile(candidate.string());
                break;
            }
    }
    if (info.labels.empty())
        info.labels = defaultLabels(info.spec);
    if (static_cast<int>(info.labels.size()) != info.spec.numClasses)
        throw Error(file.label() + ": " + std::to_string(info.labels.size()) + " labels for a model of " +
                    std::to_string(info.spec.numClasses) + " classes");

    // Compare the file with the plan of the spec before allocating anything:
    // a tiny file may claim an enormous model.
    LoadReport report;
    static_cast<TensorCheck &>(report) = checkTensors(file, info.spec);
    {
        std::set<std::string> dtypes;
        for (const auto &t : file.tensors())
            dtypes.insert(toString(t.dtype));
        report.dtypes.assign(dtypes.begin(), dtypes.end());
    }
    if (reportOut)
        *reportOut = report;
    if (!report.ok() && !options.allowPartial) {
        std::string msg = file.label() + ": does not match " + describe(info.spec) + ":";
        if (!report.missing.empty())
            msg += " " + std::to_string(report.missing.size()) + " missing (" + joinFew(report.missing) + ");";
        if (!report.unexpected.empty())
            msg += " " + std::to_string(report.unexpected.size()) + " unexpected (" + joinFew(report.unexpected) +
                   ");";
        if (!report.mismatched.empty())
            msg += " " + std::to_string(report.mismatched.size()) + " of the wrong shape (" +
                   joinFew(report.mismatched) + ");";
        msg.pop_back(); // the last ';': the front end says how to go on (a flag, a button)
        throw WeightsMismatch(msg);
    }
    checkBuildable(info.spec);
    {
        ArchSpec atRunSize = info.spec; // what preprocessing will feed it
        atRunSize.inputSize = info.preprocessing.size;
        checkBuildable(atRunSize);
    }

    return guarded(file.label(), [&] {
        torch::manual_seed(0);
        ResNet net = buildModel(info.spec);
        const auto byName = canonicalTensors(file);
        torch::NoGradGuard ng;
        const auto assign = [&](const std::string &name, torch::Tensor target) {
            const auto it = byName.find(name);
            if (it == byName.end())
                return;
            const TensorRecord &t = *it->second;
            std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
            if (at::IntArrayRef(shape) != target.sizes())
                return; // reported as mismatched above
            std::vector<float> values = toFloats(file, t);
            report.nonFinite += static_cast<std::size_t>(
                std::count_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }));
            auto src = torch::from_blob(values.data(), shape, torch::kFloat);
            target.copy_(src.to(target.scalar_type()));
            ++report.loaded;
        };
        for (auto &p : net->named_parameters(true))
            assign(p.key(), p.value());
        for (auto &b : net->named_buffers(true))
            assign(b.key(), b.value());
        if (reportOut) {
            reportOut->loaded = report.loaded;
            reportOut->nonFinite = report.nonFinite;
        }
        if (options.form && *options.form != info.spec.form) {
            if (info.spec.form != BlockForm::C)
                throw Error(file.label() + ": weights saved in form (" + toString(info.spec.form) +
                            ") convert only from form (c)");
            ArchSpec other = info.spec;
            other.form = *options.form;
            ResNet converted = buildModel(other);
            copyFromFormC(net, converted);
            net = converted;
            info.spec = other;
        }
        net->to(d);
        const int64_t dims = info.spec.stageOutChannels(info.spec.numStages() - 1); // the pooled features
        auto model = std::make_unique<TorchModel>(std::move(info), std::move(net), d);
        readOod(file, byName, model->info().spec.numClasses, dims, *model);
        // Fold and prepack now, on the loading worker, not at the first image.
        model->setInferencePath(model->inferencePath());
        return std::unique_ptr<Model>(std::move(model));
    });
}

void TorchModel::save(const std::string &path) const
{
    guarded("save", [&] {
        std::vector<torch::Tensor> keep;
        std::vector<TensorToWrite> tensors;
        const auto add = [&](const std::string &name, const torch::Tensor &t) {
            auto c = t.detach().to(torch::kCPU).contiguous();
            keep.push_back(c);
            TensorToWrite w;
            w.name = name;
            w.dtype = c.scalar_type() == torch::kLong ? DType::I64 : DType::F32;
            if (c.scalar_type() != torch::kLong && c.scalar_type() != torch::kFloat) {
                c = c.to(torch::kFloat);
                keep.back() = c;
            }
            w.shape.assign(c.sizes().begin(), c.sizes().end());
            w.data = c.data_ptr();
            tensors.push_back(w);
        };
        for (const auto &p : m_net->named_parameters(true))
            add(p.key(), p.value());
        for (const auto &b : m_net->named_buffers(true))
            add(b.key(), b.value());
        auto metadata = checkpointMetadata(m_info);
        if (m_ood) {
            add("ood.class_means", m_ood->means);
            add("ood.precision", m_ood->precision);
            add("ood.threshold", torch::tensor(m_ood->info.threshold, torch::kDouble));
            const OodCalibration &c = m_ood->info;
            metadata["ood"] = nlohmann::json{{"method", "mahalanobis, tied covariance of pooled features"},
                                             {"quantile", c.quantile},
                                             {"fit_images", c.fitImages},
                                             {"held_out_images", c.heldOutImages},
                                             {"held_out_pass_rate", c.heldOutPassRate}}
                                  .dump();
        }
        writeSafetensors(path, tensors, metadata);
        return 0;
    });
}

std::vector<NamedTensor> TorchModel::tensors() const
{
    return guarded("tensors", [&] {
        std::vector<NamedTensor> out;
        for (const auto &[name, t] : formCTensors()) {
            NamedTensor n;
            n.name = name;
            n.shape.assign(t.sizes().begin(), t.sizes().end());
            n.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
            out.push_back(std::move(n));
        }
        return out;
    });
}

// Every parameter and buffer as CPU float tensors with form (c)'s names, in
// the model's order: form (a)/(b) per-path tensors "X.paths.I.leaf" join into
// form (c)'s "X.leaf" (outputs concatenate on dim 0, form (a)'s per-path conv3
// inputs on dim 1).
std::vector<std::pair<std::string, torch::Tensor>> TorchModel::formCTensors() const
{
    std::vector<std::string> order;
    std::map<std::string, std::vector<torch::Tensor>> parts;
    const auto add = [&](const std::string &name, const torch::Tensor &t) {
        const std::string key = formCName(name);
        if (!parts.count(key))
            order.push_back(key);
        parts[key].push_back(t.detach().to(torch::kCPU).to(torch::kFloat));
    };
    // Form (a)'s per-path expanding convs join on their inputs (the plan's role).
    std::set<std::string> joinInputs;
    for (const LayerInfo &l : planLayers(m_info.spec))
        if (l.paths > 0 && l.role == LayerRole::Expand)
            joinInputs.insert(l.name + ".weight");
    for (const auto &p : m_net->named_parameters(true))
        add(p.key(), p.value());
    for (const auto &b : m_net->named_buffers(true))
        add(b.key(), b.value());
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &key : order) {
        const auto &list = parts[key];
        torch::Tensor t = list.front();
        if (list.size() > 1 && t.dim() > 0) {
            t = torch::cat(list, joinInputs.count(key) ? 1 : 0);
        }
        out.emplace_back(key, t.contiguous());
    }
    return out;
}

} // namespace resnext
