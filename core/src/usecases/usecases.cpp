#include "resnext/usecases.h"

#include "resnext/error.h"
#include "resnext/image.h"
#include "resnext/plan.h"
#include "resnext/preprocess.h"
#include "resnext/report.h"
#include "resnext/validate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace resnext {

ImageSet loadEvaluationSet(const std::string &source, const ArchSpec &spec)
{
    if (source == "fashion-mnist")
        return loadData(source, spec.inputSize, spec.inChannels, 0.0, 0).test;
    const FolderListing all = listImageFolder(source, 0.0, 0);
    return loadImageFiles(all.train, all.classNames, spec.inputSize, spec.inChannels);
}

ImageSet loadUnlabelledImages(const std::vector<std::string> &files, const ArchSpec &spec)
{
    if (files.empty())
        throw Error("data: no images to analyse");
    std::vector<FileSample> samples;
    for (const std::string &f : files)
        samples.push_back({f, 0});
    return loadImageFiles(samples, {"unlabelled"}, spec.inputSize, spec.inChannels);
}

bool isUnlabelledFolder(const std::string &source)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (source == "fashion-mnist" || !fs::is_directory(source, ec))
        return false;
    if (listImageFiles(source).empty())
        return false;
    for (const auto &entry : fs::directory_iterator(source, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.empty() && name[0] != '.' && entry.is_directory(ec) && !listImageFiles(entry.path().string()).empty())
            return false;
    }
    return true;
}

AnalysisImages loadAnalysisImages(const std::string &source, const ArchSpec &spec)
{
    AnalysisImages in;
    if (!isUnlabelledFolder(source)) {
        in.data = loadEvaluationSet(source, spec);
        return in;
    }
    in.files = listImageFiles(source);
    in.data = loadUnlabelledImages(in.files, spec);
    in.labelled = false;
    return in;
}

double TrainRun::secondsPerEpoch() const
{
    double s = 0;
    for (const auto &p : result.epochs)
        s += p.epochSeconds;
    return result.epochs.empty() ? 0.0 : s / static_cast<double>(result.epochs.size());
}

TrainOutcome trainAndTest(Engine &engine, const TrainRequest &req, const TrainCallbacks &cb)
{
    const ArchSpec &spec = req.options.spec;
    validate(spec);
    if (req.valFraction < 0 || req.valFraction > 0.9)
        throw SpecError("val-fraction", "val-fraction: must be between 0 and 0.9");
    if (req.compareResnet && spec.block != BlockKind::Bottleneck)
        throw SpecError("block", "compare-resnet: needs bottleneck blocks");

    TrainOutcome out;
    std::vector<TrainRun> runs;
    runs.push_back({describe(spec), spec, countTotals(spec), {}, {}});
    if (req.compareResnet) {
        const MatchResult m = matchWidthTo(spec, 1, countTotals(spec));
        runs.push_back({describe(m.matched) + " (ResNet, equal params)", m.matched, m.matchedTotals, {}, {}});
    }

    DataSplit data = loadData(req.data, spec.inputSize, spec.inChannels, req.valFraction, req.options.seed);
    const size_t classes = std::max<size_t>(1, data.classNames.size());
    if ((req.quickEvaluation || req.quickValidation) && req.options.limitTrain > 0) {
        const size_t perClass = std::max<size_t>(1, req.options.limitTrain / 2 / classes);
        data.validation = firstPerClass(data.validation, perClass);
        if (req.quickEvaluation)
            data.test = firstPerClass(data.test, perClass);
    }
    if (req.testLimit > 0)
        data.test = firstPerClass(data.test, std::max<size_t>(1, req.testLimit / classes));
    out.dataDescription = data.description;
    if (cb.status)
        cb.status(data.description);

    for (size_t i = 0; i < runs.size(); ++i) {
        TrainRun &run = runs[i];
        const int index = static_cast<int>(i);
        TrainOptions o = req.options;
        o.spec = run.spec;
        if (cb.status) {
            std::ostringstream line;
            line << "training " << run.name << ": " << withThousands(run.totals.params) << " params, " << o.epochs
                 << " epochs, batch " << o.batch << ", lr " << o.learningRate << ", seed " << o.seed << ", "
                 << engine.deviceInfo().threads << " threads";
            cb.status(line.str());
        }
        run.result = engine.train(o, data.train, data.validation, data.classNames, [&](const TrainProgress &p) {
            return !cb.progress || cb.progress(index, p);
        });
        run.test = run.result.model->evaluate(data.test, kEvalBatch, [&](size_t done, size_t total) {
            return !cb.testing || cb.testing(index, done, total);
        });
    }
    out.runs = std::move(runs);
    return out;
}

std::vector<ArchSpec> profileSpecs(const ProfileRequest &req)
{
    validate(req.spec);
    if (!req.sweepCardinality)
        return {req.spec};
    std::vector<ArchSpec> out;
    for (int c : req.cardinalities) {
        try {
            out.push_back(matchWidth(req.spec, c, req.by).matched);
        } catch (const SpecError &e) {
            if (e.field() == "block")
                throw; // basic blocks have no d: the whole sweep is meaningless
            // no valid d for this C: a gap in the curve
        }
    }
    return out;
}

std::vector<ProfileRow> profile(Engine &engine, const ProfileRequest &req, const ProfileCallbacks &cb)
{
    CostOptions cost;
    cost.batch = req.options.batch;
    cost.bytesPerElement = req.bytesPerElement;
    validate(cost);
    const std::vector<ArchSpec> specs = profileSpecs(req);
    for (const ArchSpec &s : specs)
        checkBuildable(s);
    std::vector<ProfileRow> rows;
    const int n = static_cast<int>(specs.size());
    for (int i = 0; i < n; ++i) {
        ProfileRow row;
        row.spec = specs[static_cast<size_t>(i)];
        row.summary = summarize(row.spec, {}, cost);
        ModelInfo info;
        info.spec = row.spec;
        info.preprocessing = defaultPreprocessing(row.spec);
        {
            auto model = engine.create(info, 0, req.device);
            row.measured = model->profile(req.options, [&](int done, int total) {
                return !cb.progress || cb.progress(i, n, done, total);
            });
        } // the model is freed before the next one is built
        if (cb.rowDone)
            cb.rowDone(row);
        rows.push_back(std::move(row));
    }
    return rows;
}

PathAgreement comparePaths(Model &model, InferencePath reference, InferencePath other,
                           const std::vector<std::string> &files,
                           const std::function<bool(std::size_t, std::size_t)> &progress)
{
    const InferencePath before = model.inferencePath();
    PathAgreement r;
    r.reference = reference;
    r.other = other;
    std::vector<RgbImage> images;
    std::vector<std::string> names;
    for (const auto &f : files) {
        try {
            images.push_back(decodeImage(f));
            names.push_back(f);
        } catch (const Error &) {
            // a sample that does not decode is not evidence either way
        }
    }
    std::vector<Analysis> ref;
    const std::size_t total = 2 * images.size();
    try {
        model.setInferencePath(reference);
        for (std::size_t i = 0; i < images.size(); ++i) {
            ref.push_back(model.analyze(images[i], 1, ""));
            if (progress && !progress(i + 1, total))
                throw Cancelled();
        }
        model.setInferencePath(other);
        for (std::size_t i = 0; i < images.size(); ++i) {
            const Analysis a = model.analyze(images[i], 1, "");
            double scale = 0, diff = 0;
            for (std::size_t k = 0; k < a.logits.size() && k < ref[i].logits.size(); ++k) {
                scale = std::max(scale, static_cast<double>(std::fabs(ref[i].logits[k])));
                diff = std::max(diff, static_cast<double>(std::fabs(a.logits[k] - ref[i].logits[k])));
            }
            r.maxRelativeLogitDiff = std::max(r.maxRelativeLogitDiff, scale > 0 ? diff / scale : diff);
            ++r.images;
            if (a.top.front().index == ref[i].top.front().index)
                ++r.top1Agree;
            else
                r.differ.push_back(names[i]);
            if (progress && !progress(images.size() + i + 1, total))
                throw Cancelled();
        }
    } catch (...) {
        model.setInferencePath(before);
        throw;
    }
    return r;
}

std::string describe(const PathAgreement &a)
{
    std::ostringstream os;
    os << "top-1 agrees with " << toString(a.reference) << " on " << a.top1Agree << "/" << a.images
       << " sample images; logits within " << std::fixed << std::setprecision(2) << 100.0 * a.maxRelativeLogitDiff
       << "% (relative)";
    return os.str();
}

} // namespace resnext
