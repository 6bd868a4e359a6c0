// Out-of-distribution statistics: fitting class means and a tied precision on pooled
// features, scoring images, and reading the statistics back from a checkpoint.

#include "engine/torch_model.h"

#include "resnext/error.h"

#include "io/bounded_json.h"

#include <algorithm>
#include <cmath>

namespace resnext {

OodCalibration TorchModel::calibrateOod(const ImageSet &fit, const ImageSet &heldOut, double quantile,
                                        const std::function<bool(size_t, size_t)> &progress)
{
    if (!(quantile > 0 && quantile < 1))
        throw Error("quantile: must be between 0 and 1 (got " + std::to_string(quantile) + ")");
    if (fit.count() == 0)
        throw Error("ood: no images to fit the class means on");
    if (heldOut.count() == 0)
        throw Error("ood: no held-out images to set the threshold on (use a validation split)");
    const int classes = m_info.spec.numClasses;
    for (auto l : fit.labels)
        if (l < 0 || l >= classes)
            throw Error("ood: label " + std::to_string(l) + " is outside the model's " + std::to_string(classes) +
                        " classes");
    const size_t total = fit.count() + heldOut.count();
    // Statistics are replaced only when the whole calibration succeeds.
    std::optional<Ood> previous = m_ood;
    try {
        return calibrate(fit, heldOut, quantile, progress, total);
    } catch (...) {
        m_ood = std::move(previous);
        throw;
    }
}

OodCalibration TorchModel::calibrate(const ImageSet &fit, const ImageSet &heldOut, double quantile,
                                     const std::function<bool(size_t, size_t)> &progress, size_t total)
{
    const int classes = m_info.spec.numClasses;
    return guarded("ood", [&] {
        const auto tick = [&](size_t offset) {
            return [&, offset](size_t done, size_t) { return !progress || progress(offset + done, total); };
        };
        const torch::Tensor f = featuresOf(fit, tick(0)); // N x D, double
        const auto labels = torch::tensor(fit.labels, torch::kLong);
        const int64_t dims = f.size(1);
        auto sums = torch::zeros({classes, dims}, torch::kDouble).index_add_(0, labels, f);
        auto counts = torch::bincount(labels, {}, classes).to(torch::kDouble);
        for (int k = 0; k < classes; ++k)
            if (counts[k].item<double>() == 0)
                throw Error("ood: class '" + labelOf(k) + "' has no images to fit on");
        Ood o;
        o.means = sums / counts.unsqueeze(1);
        const auto centred = f - o.means.index_select(0, labels);
        auto cov = centred.t().mm(centred) / static_cast<double>(f.size(0));
        // A small ridge keeps the inverse finite when features are collinear (e.g. dead ReLUs).
        const double ridge = 1e-6 * (cov.trace().item<double>() / static_cast<double>(dims) + 1e-12);
        cov += ridge * torch::eye(dims, torch::kDouble);
        o.precision = torch::linalg_inv(cov);
        setOod(std::move(o));
        auto scores = oodScoresOf(featuresOf(heldOut, tick(fit.count())));
        std::vector<double> v(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
        std::sort(v.begin(), v.end());
        const size_t at = std::min(v.size() - 1, static_cast<size_t>(std::ceil(quantile * v.size())) - 1);
        OodCalibration &c = m_ood->info;
        c.fitImages = fit.count();
        c.heldOutImages = heldOut.count();
        c.features = static_cast<int>(dims);
        c.quantile = quantile;
        c.threshold = v[at];
        c.heldOutPassRate = static_cast<double>(std::upper_bound(v.begin(), v.end(), c.threshold) - v.begin()) /
                            static_cast<double>(v.size());
        return c;
    });
}

std::optional<OodCalibration> TorchModel::ood() const
{
    return m_ood ? std::optional<OodCalibration>(m_ood->info) : std::nullopt;
}

std::vector<double> TorchModel::oodScores(const ImageSet &data, const std::function<bool(size_t, size_t)> &progress)
{
    if (!m_ood)
        throw Error("ood: this model has no out-of-distribution statistics (run calibrate)");
    return guarded("ood", [&] {
        auto scores = oodScoresOf(featuresOf(data, progress));
        return std::vector<double>(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
    });
}

// The statistics from a checkpoint: class means [classes, D], precision [D, D], threshold.
void TorchModel::setOod(torch::Tensor means, torch::Tensor precision, double threshold, const OodCalibration &info)
{
    Ood o;
    o.means = std::move(means);
    o.precision = std::move(precision);
    o.info = info;
    o.info.threshold = threshold;
    o.info.features = static_cast<int>(o.means.size(1));
    setOod(std::move(o));
}

void TorchModel::setOod(Ood o)
{
    o.meansP = o.means.mm(o.precision);
    o.meanTerm = (o.meansP * o.means).sum(1);
    m_ood = std::move(o);
}

// min_k (f - mu_k)^T P (f - mu_k) for each row f, expanded so no B x K x D tensor is formed.
torch::Tensor TorchModel::oodScoresOf(const torch::Tensor &features) const
{
    const auto f = features.to(torch::kCPU).to(torch::kDouble);
    const auto fP = f.mm(m_ood->precision);
    const auto d = (fP * f).sum(1, true) - 2.0 * f.mm(m_ood->meansP.t()) + m_ood->meanTerm.unsqueeze(0);
    return std::get<0>(d.min(1)).clamp_min(0).contiguous();
}

// The "ood.*" tensors this program's calibrate/train write; all three or none.
void TorchEngine::readOod(const SafetensorsFile &file, const std::map<std::string, const TensorRecord *> &byName,
                          int classes, int64_t dims, TorchModel &model)
{
    const char *names[] = {"ood.class_means", "ood.precision", "ood.threshold"};
    const std::vector<std::vector<int64_t>> shapes = {{classes, dims}, {dims, dims}, {}};
    int present = 0;
    for (const char *n : names)
        present += byName.count(n) ? 1 : 0;
    if (present == 0)
        return;
    std::vector<torch::Tensor> t;
    for (size_t i = 0; i < 3; ++i) {
        const auto it = byName.find(names[i]);
        if (it == byName.end())
            throw Error(file.label() + ": out-of-distribution statistics are incomplete (no tensor '" + names[i] +
                        "')");
        const TensorRecord &r = *it->second;
        std::vector<int64_t> shape(r.shape.begin(), r.shape.end());
        if (shape != shapes[i])
            throw Error(file.label() + ": tensor '" + names[i] + "' has shape " + shapeText(shape) +
                        ", expected " + shapeText(shapes[i]));
        std::vector<float> v = toFloats(file, r);
        for (float x : v)
            if (!std::isfinite(x))
                throw Error(file.label() + ": tensor '" + names[i] + "' holds a value that is not finite");
        t.push_back(torch::from_blob(v.data(), shape, torch::kFloat).to(torch::kDouble).clone());
    }
    OodCalibration info;
    if (const auto it = file.metadata().find("ood"); it != file.metadata().end()) {
        // Descriptive only (the threshold is the tensor); malformed text is ignored.
        try {
            JsonLimits limits;
            limits.maxBytes = 1 << 16;
            limits.maxDepth = 8;
            const auto v = parseBoundedJson<nlohmann::json>(it->second, limits);
            const auto number = [&](const char *key, double fallback) {
                const auto x = v.is_object() ? v.find(key) : v.end();
                return x != v.end() && x->is_number() ? x->get<double>() : fallback;
            };
            info.quantile = number("quantile", info.quantile);
            info.fitImages = static_cast<size_t>(std::max(0.0, number("fit_images", 0)));
            info.heldOutImages = static_cast<size_t>(std::max(0.0, number("held_out_images", 0)));
            info.heldOutPassRate = number("held_out_pass_rate", 0);
        } catch (const JsonError &) {
        }
    }
    model.setOod(t[0], t[1], t[2].item<double>(), info);
}

} // namespace resnext
