// Group analysis statistics (resnext/groups.h): what the engine's pass over a
// data set measured, turned into selectivity, top images, CKA and ablation
// figures; and the use case that runs the trained and an untrained model.
#include "resnext/groups.h"

#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/plan.h"
#include "resnext/report.h"
#include "resnext/validate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

namespace resnext {

namespace {

// Column-centred copy of X [n][p] (double).
std::vector<double> centred(const std::vector<double> &x, std::size_t p, std::size_t n)
{
    std::vector<double> mean(p, 0.0), out(x);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < p; ++j)
            mean[j] += x[i * p + j];
    for (double &m : mean)
        m /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < p; ++j)
            out[i * p + j] -= mean[j];
    return out;
}

// ||A^T B||_F^2 for A [n][pa], B [n][pb].
double crossNorm2(const std::vector<double> &a, std::size_t pa, const std::vector<double> &b, std::size_t pb,
                  std::size_t n)
{
    std::vector<double> m(pa * pb, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < pa; ++j) {
            const double v = a[i * pa + j];
            for (std::size_t k = 0; k < pb; ++k)
                m[j * pb + k] += v * b[i * pb + k];
        }
    double s = 0;
    for (double v : m)
        s += v * v;
    return s;
}

// CKA from the blocks of one covariance: ||S_xy||^2 / (||S_xx|| ||S_yy||).
double ckaOf(double xy2, double xx2, double yy2)
{
    const double den = std::sqrt(xx2) * std::sqrt(yy2);
    return den > 0 ? xy2 / den : 0.0;
}

std::string num(double v)
{
    std::ostringstream os;
    os.precision(9);
    os << v;
    return os.str();
}

Json analysisJson(const GroupAnalysis &a)
{
    Json ablation = Json::array();
    for (int g = 0; g < a.cardinality; ++g) {
        Json row{{"group", g}};
        if (!a.zeroedAccuracy.empty()) {
            row["zeroed_accuracy"] = a.zeroedAccuracy[static_cast<size_t>(g)];
            row["zeroed_change"] = a.zeroedAccuracy[static_cast<size_t>(g)] - a.accuracy;
        }
        if (!a.keptOnlyAccuracy.empty()) {
            row["kept_only_accuracy"] = a.keptOnlyAccuracy[static_cast<size_t>(g)];
            row["kept_only_change"] = a.keptOnlyAccuracy[static_cast<size_t>(g)] - a.accuracy;
        }
        ablation.push_back(row);
    }
    return Json{{"model", a.model},
                {"block", a.block},
                {"cardinality", a.cardinality},
                {"group_width", a.groupWidth},
                {"map_size", {a.height, a.width}},
                {"count", a.count},
                {"classes", a.classNames},
                {"correct", a.correct},
                {"accuracy", a.accuracy},
                {"selectivity", a.selectivity},
                {"selectivity_index", a.selectivityIndex},
                {"preferred_class", a.preferredClass},
                {"mean_energy", a.meanEnergy},
                {"top_images", a.topImages},
                {"top_energy", a.topEnergy},
                {"cka", a.cka},
                {"mean_off_diagonal_cka", a.meanOffDiagonalCka},
                {"ablation", ablation},
                {"path", a.path},
                {"seconds", a.seconds}};
}

// `data` with each image labelled by the class the model predicts for it,
// named by the model's labels.
ImageSet labelledByPrediction(const ImageSet &data, const std::vector<std::int64_t> &predicted, const ModelInfo &info)
{
    ImageSet out = data;
    out.labels = predicted;
    out.classNames = info.labels;
    while (out.classNames.size() < static_cast<std::size_t>(info.spec.numClasses))
        out.classNames.push_back("class " + std::to_string(out.classNames.size()));
    return out;
}

// Leaves out of the selectivity table the classes no image of `data` has (with
// predicted labels, most of an ImageNet model's 1000), keeping the order.
void keepClassesWithImages(GroupAnalysis &a, const ImageSet &data)
{
    std::vector<bool> seen(a.classNames.size(), false);
    for (const std::int64_t l : data.labels)
        seen[static_cast<std::size_t>(l)] = true;
    std::vector<std::size_t> kept;
    std::vector<int> newIndex(a.classNames.size(), -1);
    for (std::size_t k = 0; k < seen.size(); ++k)
        if (seen[k]) {
            newIndex[k] = static_cast<int>(kept.size());
            kept.push_back(k);
        }
    std::vector<std::string> names;
    for (const std::size_t k : kept)
        names.push_back(a.classNames[k]);
    a.classNames = names;
    for (auto &row : a.selectivity) {
        std::vector<double> r;
        for (const std::size_t k : kept)
            r.push_back(row[k]);
        row = r;
    }
    for (int &p : a.preferredClass)
        p = p >= 0 ? newIndex[static_cast<std::size_t>(p)] : -1;
}

} // namespace

double linearCka(const std::vector<double> &x, std::size_t px, const std::vector<double> &y, std::size_t py,
                 std::size_t n)
{
    if (x.size() != n * px || y.size() != n * py)
        throw Error("cka: the representations must hold n rows of their widths (" + std::to_string(x.size()) +
                    " and " + std::to_string(y.size()) + " values for n = " + std::to_string(n) + ")");
    if (n < 2)
        return 0.0;
    const auto xc = centred(x, px, n), yc = centred(y, py, n);
    return ckaOf(crossNorm2(yc, py, xc, px, n), crossNorm2(xc, px, xc, px, n), crossNorm2(yc, py, yc, py, n));
}

std::vector<std::vector<double>> groupCka(const std::vector<float> &pooled, std::size_t n, int cardinality,
                                          int groupWidth)
{
    const std::size_t c = static_cast<std::size_t>(cardinality), d = static_cast<std::size_t>(groupWidth);
    const std::size_t p = c * d;
    if (pooled.size() != n * p)
        throw Error("cka: pooled features hold " + std::to_string(pooled.size()) + " values, expected " +
                    std::to_string(n * p));
    // One covariance of all C*d channels; group pairs are its d x d blocks.
    std::vector<double> mean(p, 0.0), cov(p * p, 0.0), row(p);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < p; ++j)
            mean[j] += pooled[i * p + j];
    for (double &m : mean)
        m /= static_cast<double>(std::max<std::size_t>(n, 1));
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < p; ++j)
            row[j] = pooled[i * p + j] - mean[j];
        for (std::size_t j = 0; j < p; ++j) {
            const double v = row[j];
            double *out = &cov[j * p];
            for (std::size_t k = j; k < p; ++k)
                out[k] += v * row[k];
        }
    }
    for (std::size_t j = 0; j < p; ++j)
        for (std::size_t k = 0; k < j; ++k)
            cov[j * p + k] = cov[k * p + j];
    const auto block2 = [&](std::size_t g, std::size_t h) {
        double s = 0;
        for (std::size_t j = 0; j < d; ++j)
            for (std::size_t k = 0; k < d; ++k) {
                const double v = cov[(g * d + j) * p + h * d + k];
                s += v * v;
            }
        return s;
    };
    std::vector<double> self(c);
    for (std::size_t g = 0; g < c; ++g)
        self[g] = block2(g, g);
    std::vector<std::vector<double>> out(c, std::vector<double>(c, 0.0));
    for (std::size_t g = 0; g < c; ++g)
        for (std::size_t h = g; h < c; ++h)
            out[g][h] = out[h][g] = g == h ? (self[g] > 0 ? 1.0 : 0.0) : ckaOf(block2(g, h), self[g], self[h]);
    return out;
}

double selectivityIndex(const std::vector<double> &classMeans)
{
    if (classMeans.size() < 2)
        return 0.0;
    const auto top = std::max_element(classMeans.begin(), classMeans.end());
    const double rest = (std::accumulate(classMeans.begin(), classMeans.end(), 0.0) - *top) /
                        static_cast<double>(classMeans.size() - 1);
    const double den = *top + rest;
    return den > 0 ? (*top - rest) / den : 0.0;
}

GroupAnalysis summarizeGroups(const GroupActivations &pass, const ImageSet &data, int topK)
{
    GroupAnalysis a;
    a.block = pass.block;
    a.cardinality = pass.cardinality;
    a.groupWidth = pass.groupWidth;
    a.height = pass.height;
    a.width = pass.width;
    a.count = pass.count;
    a.seconds = pass.seconds;
    a.path = pass.path;
    a.classNames = data.classNames;
    const std::size_t c = static_cast<std::size_t>(pass.cardinality), n = pass.count;
    std::int64_t maxLabel = -1;
    for (std::size_t i = 0; i < n; ++i)
        maxLabel = std::max(maxLabel, data.labels[i]);
    const std::size_t classes = std::max(data.classNames.size(), static_cast<std::size_t>(maxLabel + 1));
    while (a.classNames.size() < classes)
        a.classNames.push_back("class " + std::to_string(a.classNames.size()));

    std::vector<std::size_t> perClass(classes, 0);
    a.selectivity.assign(c, std::vector<double>(classes, 0.0));
    a.meanEnergy.assign(c, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(data.labels[i]);
        ++perClass[k];
        for (std::size_t g = 0; g < c; ++g) {
            a.selectivity[g][k] += pass.energy[i * c + g];
            a.meanEnergy[g] += pass.energy[i * c + g];
        }
    }
    for (std::size_t g = 0; g < c; ++g) {
        for (std::size_t k = 0; k < classes; ++k)
            a.selectivity[g][k] = perClass[k] ? a.selectivity[g][k] / static_cast<double>(perClass[k]) : 0.0;
        a.meanEnergy[g] = n ? a.meanEnergy[g] / static_cast<double>(n) : 0.0;
        // Classes without images in the data say nothing about selectivity.
        std::vector<double> present;
        int best = -1;
        for (std::size_t k = 0; k < classes; ++k)
            if (perClass[k]) {
                present.push_back(a.selectivity[g][k]);
                if (best < 0 || a.selectivity[g][k] > a.selectivity[g][static_cast<size_t>(best)])
                    best = static_cast<int>(k);
            }
        a.selectivityIndex.push_back(selectivityIndex(present));
        a.preferredClass.push_back(best);
    }

    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(std::max(topK, 0)), n);
    a.topImages.assign(c, {});
    a.topEnergy.assign(c, {});
    std::vector<std::size_t> order(n);
    for (std::size_t g = 0; g < c; ++g) {
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + static_cast<long>(k), order.end(),
                          [&](std::size_t x, std::size_t y) {
                              const float ex = pass.energy[x * c + g], ey = pass.energy[y * c + g];
                              return ex != ey ? ex > ey : x < y;
                          });
        for (std::size_t j = 0; j < k; ++j) {
            a.topImages[g].push_back(order[j]);
            a.topEnergy[g].push_back(pass.energy[order[j] * c + g]);
        }
    }

    a.cka = groupCka(pass.pooled, n, pass.cardinality, pass.groupWidth);
    double off = 0;
    for (std::size_t g = 0; g < c; ++g)
        for (std::size_t h = 0; h < c; ++h)
            if (g != h)
                off += a.cka[g][h];
    a.meanOffDiagonalCka = c > 1 ? off / static_cast<double>(c * (c - 1)) : 1.0;

    const auto acc = [&](std::size_t correct) { return n ? static_cast<double>(correct) / static_cast<double>(n) : 0.0; };
    a.correct = pass.correct;
    a.accuracy = acc(pass.correct);
    for (std::size_t v : pass.zeroedCorrect)
        a.zeroedAccuracy.push_back(acc(v));
    for (std::size_t v : pass.keptOnlyCorrect)
        a.keptOnlyAccuracy.push_back(acc(v));
    return a;
}

void validateGroupRequest(const GroupRequest &r, const Model &model)
{
    const ArchSpec &spec = model.info().spec;
    checkBlock(spec, parseBlockName(r.pass.block), r.pass.block);
    validateEvalBatch(r.pass.batch);
    if (r.topK < 1 || r.topK > 100)
        throw Error("top: must be between 1 and 100 (got " + std::to_string(r.topK) + ")");
}

GroupReport analyzeGroups(Engine &engine, Model &model, const ImageSet &data, const std::string &dataName,
                          const GroupRequest &request, const GroupCallbacks &callbacks)
{
    validateGroupRequest(request, model);
    const auto t0 = std::chrono::steady_clock::now();
    ImageSet limited;
    const ImageSet *use = &data;
    if (request.limit > 0 && request.limit < data.count()) {
        std::vector<std::size_t> first(request.limit);
        std::iota(first.begin(), first.end(), 0);
        limited = subset(data, first);
        use = &limited;
    }
    if (use->count() == 0)
        throw Error("data: '" + dataName + "' holds no images");
    if (use->count() < 2)
        throw Error("data: '" + dataName + "' holds one image; the analysis compares images, so it needs at least 2");
    const std::size_t n = use->count();
    const std::size_t total = request.untrained ? 2 * n : n;
    const auto tick = [&](std::size_t offset) {
        return [&, offset](std::size_t done, std::size_t) {
            return !callbacks.progress || callbacks.progress(offset + done, total);
        };
    };
    GroupReport report;
    report.data = dataName;
    ImageSet relabelled;
    if (request.predictedLabels) {
        // One pass without ablation for the trained model's predictions, which
        // become the labels (cancel works during it; progress stays at 0).
        GroupPassOptions first = request.pass;
        first.ablateZeroed = first.ablateKeptOnly = false;
        const GroupActivations pre = model.groupActivations(*use, first, [&](std::size_t, std::size_t) {
            return !callbacks.progress || callbacks.progress(0, total);
        });
        relabelled = labelledByPrediction(*use, pre.predicted, model.info());
        use = &relabelled;
        report.predictedLabels = true;
    }
    report.trained = summarizeGroups(model.groupActivations(*use, request.pass, tick(0)), *use, request.topK);
    report.trained.model = "trained";
    report.trained.predictedLabels = report.predictedLabels;
    if (report.predictedLabels)
        keepClassesWithImages(report.trained, *use);
    if (request.untrained) {
        ModelInfo info = model.info();
        info.source = "random weights (seed " + std::to_string(request.seed) + ")";
        auto random = engine.create(info, request.seed, "cpu");
        if (model.device() != "cpu")
            random->toDevice("cuda");
        else if (model.inferencePath() == InferencePath::Plain)
            random->setInferencePath(InferencePath::Plain); // both models on the same path
        report.untrained = summarizeGroups(random->groupActivations(*use, request.pass, tick(n)), *use, request.topK);
        report.untrained.model = "untrained (random init, seed " + std::to_string(request.seed) + ")";
        report.untrained.predictedLabels = report.predictedLabels;
        if (report.predictedLabels)
            keepClassesWithImages(report.untrained, *use);
        report.hasUntrained = true;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

Json groupReportJson(const GroupReport &r)
{
    Json j{{"data", r.data},
           {"labels", r.predictedLabels ? "predicted by the trained model" : "data"},
           {"seconds", r.seconds},
           {"trained", analysisJson(r.trained)}};
    if (r.hasUntrained)
        j["untrained"] = analysisJson(r.untrained);
    return j;
}

std::string selectivityCsv(const GroupAnalysis &a)
{
    std::string s = "group";
    for (const auto &name : a.classNames)
        s += "," + csvField(name);
    s += ",selectivity_index\n";
    for (std::size_t g = 0; g < a.selectivity.size(); ++g) {
        s += std::to_string(g);
        for (double v : a.selectivity[g])
            s += "," + num(v);
        s += "," + num(a.selectivityIndex[g]) + "\n";
    }
    return s;
}

std::string ckaCsv(const GroupAnalysis &a)
{
    std::string s = "group";
    for (std::size_t g = 0; g < a.cka.size(); ++g)
        s += ",g" + std::to_string(g);
    s += "\n";
    for (std::size_t g = 0; g < a.cka.size(); ++g) {
        s += std::to_string(g);
        for (double v : a.cka[g])
            s += "," + num(v);
        s += "\n";
    }
    return s;
}

std::string ablationCsv(const GroupAnalysis &a)
{
    std::string s = "group";
    if (!a.zeroedAccuracy.empty())
        s += ",zeroed_accuracy,zeroed_change";
    if (!a.keptOnlyAccuracy.empty())
        s += ",kept_only_accuracy,kept_only_change";
    s += "\n";
    s += "none";
    for (bool present : {!a.zeroedAccuracy.empty(), !a.keptOnlyAccuracy.empty()})
        if (present)
            s += "," + num(a.accuracy) + ",0";
    s += "\n";
    for (int g = 0; g < a.cardinality; ++g) {
        s += std::to_string(g);
        if (!a.zeroedAccuracy.empty())
            s += "," + num(a.zeroedAccuracy[static_cast<size_t>(g)]) + "," +
                 num(a.zeroedAccuracy[static_cast<size_t>(g)] - a.accuracy);
        if (!a.keptOnlyAccuracy.empty())
            s += "," + num(a.keptOnlyAccuracy[static_cast<size_t>(g)]) + "," +
                 num(a.keptOnlyAccuracy[static_cast<size_t>(g)] - a.accuracy);
        s += "\n";
    }
    return s;
}

std::vector<std::string> writeGroupFiles(const GroupReport &report, const std::string &dir)
{
    namespace fs = std::filesystem;
    ensureFolder(dir, "out");
    std::vector<std::string> written;
    const auto write = [&](const std::string &name, const std::string &text) {
        const std::string path = (fs::path(dir) / name).string();
        writeFileAtomically(path, text);
        written.push_back(path);
    };
    write("groups.json", dumpJson(groupReportJson(report)));
    write("selectivity.csv", selectivityCsv(report.trained));
    write("cka.csv", ckaCsv(report.trained));
    write("ablation.csv", ablationCsv(report.trained));
    if (report.hasUntrained) {
        write("untrained_selectivity.csv", selectivityCsv(report.untrained));
        write("untrained_cka.csv", ckaCsv(report.untrained));
        write("untrained_ablation.csv", ablationCsv(report.untrained));
    }
    return written;
}

} // namespace resnext
