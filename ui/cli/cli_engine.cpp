// The headless commands that run models: classify, features, bench, train,
// evaluate, export-samples. They load the LibTorch engine on first use.
#include "cli.h"
#include "cli_engine.h"
#include "cli_progress.h"

#include "resnext/accounting.h"
#include "resnext/application.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/featureview.h"
#include "resnext/fileio.h"
#include "resnext/report.h"
#include "resnext/serialize.h"
#include "resnext/usecases.h"
#include "resnext/validate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

namespace cli {

namespace {

using namespace resnext;

const std::set<std::string> kModelOptions = {"weights", "labels", "device", "threads"};
const std::set<std::string> kModelFlags = {"builtin", "allow-partial"};
// The inference path of classify, features and bench (see resnext::InferencePath).
const std::set<std::string> kPathFlags = {"plain", "bf16"};

std::set<std::string> merge(std::initializer_list<std::set<std::string>> sets)
{
    std::set<std::string> out;
    for (const auto &s : sets)
        out.insert(s.begin(), s.end());
    return out;
}

bool hasSpecOptions(const Args &a)
{
    for (const auto &k : kSpecOptions)
        if (a.has(k))
            return true;
    return false;
}

std::string fixed(double v, int digits)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(digits) << v;
    return os.str();
}

} // namespace

Engine &engineFor(const Args &a)
{
    Engine &e = loadEngine();
    if (a.has("threads")) {
        const int t = parseInt("threads", a.get("threads"));
        if (t < 1 || t > 256)
            throw SpecError("threads", "threads: must be between 1 and 256 (got " + std::to_string(t) + ")");
        e.setThreads(t);
    }
    return e;
}

namespace {

std::string deviceArg(const Args &a, Engine &e)
{
    const std::string d = a.get("device", "cpu");
    if (d != "cpu" && d != "cuda")
        throw SpecError("device", "device: unknown value '" + d + "'; use cpu or cuda");
    if (d == "cuda" && !e.deviceInfo().cudaAvailable) {
        std::cerr << "note: CUDA is not available in this build or on this machine; using the CPU\n";
        return "cpu";
    }
    return d;
}

// The CLI's words for openModel's report (the window shows the same notes in its own).
void printModelNotes(std::ostream &os, const ModelRequest &r, const OpenedModel &opened)
{
    const LoadReport &l = opened.load;
    for (const ModelNote &n : opened.notes) {
        switch (n.kind) {
        case ModelNote::Kind::CudaUnavailable:
            os << "note: CUDA is not available in this build or on this machine; using the CPU\n";
            break;
        case ModelNote::Kind::CudaFailed:
            os << "note: CUDA failed (" << n.detail << "); using the CPU\n";
            break;
        case ModelNote::Kind::NonFinite:
            os << "warning: " << printableText(r.weights) << ": " << n.count
               << " weights are NaN or infinite; the outputs are meaningless\n";
            break;
        case ModelNote::Kind::PartialLoad:
            os << "note: partial load: " << l.loaded << " tensors loaded, " << l.missing.size() << " missing, "
               << l.unexpected.size() << " unexpected, " << l.mismatched.size() << " of the wrong shape\n";
            break;
        }
    }
}

// --weights FILE, --builtin, or a spec (random weights); the built-in model by default.
std::unique_ptr<Model> modelFromArgs(const Args &a, Engine &e, const char *fallbackPreset = nullptr)
{
    if (a.has("labels") && !a.has("weights") && !hasSpecOptions(a) && !fallbackPreset)
        throw UsageError("labels: --labels names the classes of --weights FILE (or of a spec); the built-in model "
                         "has its own");
    ModelRequest r;
    r.device = a.get("device", "cpu");
    r.labels = a.get("labels");
    if (a.has("weights")) {
        r.source = ModelRequest::Source::Weights;
        r.weights = a.get("weights");
        r.allowPartial = a.flags.count("allow-partial") > 0;
    } else if (hasSpecOptions(a) || fallbackPreset) {
        r.source = ModelRequest::Source::Spec;
        r.spec = hasSpecOptions(a) ? specFromArgs(a) : preset(fallbackPreset).spec;
    }
    OpenedModel opened;
    try {
        opened = openModel(e, r);
    } catch (const WeightsMismatch &m) {
        throw Error(std::string(m.what()) + "; load anyway with --allow-partial");
    }
    printModelNotes(std::cerr, r, opened);
    return std::move(opened.model);
}

// --plain or --bf16 (the oneDNN FP32 path by default, where the build has it);
// prepares the chosen path now, as a load would.
void applyPathFlags(const Args &a, Model &model)
{
    const bool plain = a.flags.count("plain") > 0, bf16 = a.flags.count("bf16") > 0;
    if (plain && bf16)
        throw UsageError("plain: --plain and --bf16 exclude each other (--bf16 is the fast path in BF16)");
    if (model.device() != "cpu" && (plain || bf16))
        throw UsageError(std::string(plain ? "plain" : "bf16") + ": inference paths are for the CPU; on CUDA the "
                         "plain path runs (use --half for FP16)");
    if (!bf16) {
        model.setInferencePath(plain ? InferencePath::Plain : model.inferencePath());
        return;
    }
    // BF16 is never chosen silently: say how far it agrees with FP32 first.
    const std::string samples = sampleImagesDir();
    if (samples.empty()) {
        model.setInferencePath(InferencePath::FastBf16);
        std::cerr << "note: bf16: no sample images found to measure its agreement with fp32\n";
        return;
    }
    const PathAgreement agreement =
        comparePaths(model, InferencePath::Fast, InferencePath::FastBf16, listImageFiles(samples));
    std::cerr << "note: bf16: " << describe(agreement) << "\n";
}

int cmdClassify(int argc, char **argv)
{
    const Args a =
        parse("classify", argc, argv, 2, merge({kSpecOptions, kModelOptions, {"topk", "format"}}),
              merge({kModelFlags, kPathFlags}), true);
    if (a.positional.empty())
        throw UsageError("classify: give one or more image files");
    const auto format = formatArg(a);
    const int topk = a.has("topk") ? parseInt("topk", a.get("topk")) : 5;
    if (topk < 1 || topk > 1000)
        throw SpecError("topk", "topk: must be between 1 and 1000 (got " + std::to_string(topk) + ")");
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e);
    applyPathFlags(a, *model);
    const ModelInfo &info = model->info();
    Json results = Json::array();
    int failures = 0, nonFinite = 0;
    if (format == Format::Table)
        std::cout << "model: " << describe(info.spec) << " (" << printableText(info.source) << ") on "
                  << model->device() << ", " << e.deviceInfo().threads
                  << " threads, " << toString(model->inferencePath()) << " path\npreprocessing: "
                  << describe(info.preprocessing) << "\n";
    for (const auto &path : a.positional) {
        try {
            const auto t0 = std::chrono::steady_clock::now();
            const RgbImage img = decodeImage(path);
            const double decodeMs =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            Analysis r = model->analyze(img, topk, "");
            r.timings.decodeMs = decodeMs;
            for (const auto &p : r.top)
                nonFinite += !std::isfinite(p.probability);
            if (format == Format::Table) {
                std::cout << "\n" << printableText(path) << "\n";
                for (size_t i = 0; i < r.top.size(); ++i)
                    std::cout << "  " << std::setw(2) << i + 1 << ". " << std::left << std::setw(32)
                              << printableText(r.top[i].label, 60) << std::right << std::setw(8)
                              << (std::isfinite(r.top[i].probability) ? fixed(100 * r.top[i].probability, 2) + "%"
                                                                       : std::string("n/a "))
                              << "\n";
                if (r.oodKnown)
                    std::cout << "  " << (r.outOfDistribution ? "this image is unlike the model's training data"
                                                              : "like the model's training data")
                              << " (distance " << fixed(r.oodScore, 1) << ", threshold " << fixed(r.oodThreshold, 1)
                              << ")\n";
                std::cout << "  decode " << fixed(r.timings.decodeMs, 1) << " ms, preprocess "
                          << fixed(r.timings.preprocessMs, 1) << " ms, forward " << fixed(r.timings.forwardMs, 1)
                          << " ms\n";
            } else {
                Json top = Json::array();
                for (const auto &p : r.top)
                    top.push_back({{"index", p.index}, {"label", p.label}, {"probability", p.probability}});
                const auto ms = [](double v) { return std::round(v * 1000.0) / 1000.0; };
                Json one{{"image", path}, {"top", top}};
                if (r.oodKnown) {
                    one["out_of_distribution"] = r.outOfDistribution;
                    one["ood_score"] = r.oodScore;
                    one["ood_threshold"] = r.oodThreshold;
                }
                one["timings_ms"] = {{"decode", ms(r.timings.decodeMs)},
                                     {"preprocess", ms(r.timings.preprocessMs)},
                                     {"forward", ms(r.timings.forwardMs)}};
                results.push_back(one);
            }
        } catch (const Cancelled &) {
            throw;
        } catch (const Error &err) {
            ++failures;
            std::cerr << "resnext-explorer classify: " << printableText(err.what(), 2000) << "\n";
        }
    }
    if (nonFinite)
        std::cerr << "warning: the model's outputs are NaN or infinite (the weights contain non-finite values); "
                     "probabilities are shown as n/a (null in JSON)\n";
    if (format == Format::Json)
        std::cout << dumpJson(Json{{"model", describe(info.spec)},
                                   {"weights", info.source},
                                   {"device", model->device()},
                                   {"threads", e.deviceInfo().threads},
                                   {"path", toString(model->inferencePath())},
                                   {"results", results}});
    return failures ? 2 : 0;
}

int cmdFeatures(int argc, char **argv)
{
    const Args a = parse("features", argc, argv, 2,
                         merge({kSpecOptions, kModelOptions, {"block", "out", "colormap", "norm"}}),
                         merge({kModelFlags, kPathFlags}), true);
    if (a.positional.size() != 1)
        throw UsageError("features: give exactly one image file");
    a.require("out", "DIR");
    const Colormap cmap = parseColormap(a.get("colormap", "viridis"));
    const Normalization norm = parseNormalization(a.get("norm", "channel"));
    const std::string block = a.get("block", "layer1.0");
    if (block.empty())
        throw UsageError("block: empty; name a residual block like layer2.0");
    namespace fs = std::filesystem;
    const fs::path out(a.get("out"));
    ensureFolder(out.string(), "out");
    Engine &e = engineFor(a);
    // Here --block names a residual block, not the spec's block kind.
    Args modelArgs = a;
    modelArgs.options.erase("block");
    auto model = modelFromArgs(modelArgs, e);
    applyPathFlags(a, *model);
    const RgbImage img = decodeImage(a.positional[0]);
    const Analysis r = model->analyze(img, 5, block);
    const FeatureMaps &f = r.features;
    const int stage = parseBlockName(block).stage + 1;
    const GradCam cam = model->gradCam(img, r.top.front().index, stage);

    writePng((out / "groups.png").string(), renderGroups(f, cmap, norm));
    const GridGeometry gin = gridGeometry(1, f.inChannels, f.inHeight, f.inWidth, 8);
    writePng((out / "block_input.png").string(),
             renderGrid(f.input, 1, f.inChannels, f.inHeight, f.inWidth, cmap, norm, gin));
    const GridGeometry gout = gridGeometry(1, f.outChannels, f.outHeight, f.outWidth, 8);
    writePng((out / "block_output.png").string(),
             renderGrid(f.output, 1, f.outChannels, f.outHeight, f.outWidth, cmap, norm, gout));
    writePng((out / "image.png").string(), r.shown);
    writePng((out / "gradcam.png").string(), overlayHeat(r.shown, cam.heat, cam.width, cam.height));
    writeFileAtomically((out / "energy.csv").string(), energyCsv(f));
    std::cout << block << " of " << describe(model->info().spec) << ": " << f.cardinality << " groups of w = "
              << f.groupWidth << " maps, " << f.height << "x" << f.width
              << (f.form == BlockForm::A ? " (form (a): each group is one path's output)" : "") << "\n";
    std::cout << "top class: " << printableText(r.top.front().label, 60) << " (" << fixed(100 * r.top.front().probability, 1)
              << "%), Grad-CAM on layer" << stage << "\n";
    std::cout << "wrote groups.png, block_input.png, block_output.png, image.png, gradcam.png, energy.csv to "
              << printableText(out.string()) << "\n";
    return 0;
}

int cmdBench(int argc, char **argv)
{
    const Args a = parse("bench", argc, argv, 2, merge({kSpecOptions, kModelOptions, {"batch", "runs", "warmup", "format"}}),
                         merge({kModelFlags, kPathFlags, {"half", "channels-last"}}));
    const auto format = parseFormat(a.get("format", "table"));
    if ((a.flags.count("half") || a.flags.count("channels-last")) && a.flags.count("bf16"))
        throw UsageError("bf16: --half and --channels-last run the plain LibTorch modules; --bf16 is the fast path's");
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e, "resnext50_32x4d");
    applyPathFlags(a, *model);
    BenchOptions o;
    a.read("batch", o.batch);
    a.read("runs", o.runs);
    a.read("warmup", o.warmup);
    o.half = a.flags.count("half") > 0;
    o.channelsLast = a.flags.count("channels-last") > 0;
    validateBenchOptions(o);
    const BenchResult r = model->bench(o);
    const ArchSpec &s = model->info().spec;
    // Achieved arithmetic rate: 2 FLOPs per multiply-accumulate, torchvision's MAC count.
    const double gflops = r.medianMs > 0 ? 2.0 * static_cast<double>(countTotals(s).macs) * r.batch / (r.medianMs * 1e6) : 0;
    if (format == Format::Json) {
        std::cout << dumpJson(Json{{"model", describe(s)},
                                   {"device", r.device},
                                   {"threads", e.deviceInfo().threads},
                                   {"batch", r.batch},
                                   {"input", s.inputSize},
                                   {"half", o.half},
                                   {"channels_last", o.channelsLast},
                                   {"runs", o.runs},
                                   {"path", r.path},
                                   {"prepare_ms", model->preparationMs()},
                                   {"median_ms", r.medianMs},
                                   {"gflops_per_s", gflops},
                                   {"reorders", r.reorders},
                                   {"own_grouped_kernels", r.ownKernels},
                                   {"winograd_convolutions", r.winograd},
                                   {"peak_1x1_gflops_per_s", r.peakGflops},
                                   {"peak_1x1_layer", r.peakLayer},
                                   {"images_per_s", r.imagesPerSecond}},
                              false)
                  << "\n";
    } else {
        std::cout << describe(s) << " on " << r.device << " (" << e.deviceInfo().threads << " threads), batch "
                  << r.batch << ", " << s.inputSize << "x" << s.inputSize << (o.half ? ", fp16" : "")
                  << (o.channelsLast ? ", channels-last" : "") << ", " << r.path << " path: median "
                  << fixed(r.medianMs, 2) << " ms over " << o.runs << " runs, " << fixed(r.imagesPerSecond, 1)
                  << " images/s, " << fixed(gflops, 1) << " GFLOP/s\n";
        if (r.reorders >= 0)
            std::cout << "layout reorders in the forward: " << r.reorders << "; grouped 3x3 on our own kernel: "
                      << r.ownKernels << "; dense 3x3 on Winograd: " << r.winograd << "; achieved " << fixed(gflops, 1) << " GFLOP/s vs the best single 1x1 convolution's "
                      << fixed(r.peakGflops, 1) << " GFLOP/s (" << r.peakLayer << "): "
                      << fixed(r.peakGflops > 0 ? 100 * gflops / r.peakGflops : 0, 0) << "% of that peak"
                      << (r.winograd > 0 ? " (an effective rate: Winograd does fewer multiplications than it counts)" : "")
                      << "\n";
        if (r.path != "plain")
            std::cout << "preparation (BatchNorm folding, weight prepacking): " << fixed(model->preparationMs(), 1)
                      << " ms\n";
    }
    return 0;
}

void printConfusion(const EvalResult &r, const std::vector<std::string> &labels)
{
    std::cout << "confusion matrix (rows: true class, columns: predicted)\n" << std::setw(14) << "";
    for (size_t j = 0; j < r.confusion.size(); ++j)
        std::cout << std::setw(6) << j;
    std::cout << "\n";
    for (size_t i = 0; i < r.confusion.size(); ++i) {
        std::string name = std::to_string(i) + " " + (i < labels.size() ? printableText(labels[i], 13) : "");
        if (name.size() > 13)
            name = name.substr(0, 13);
        std::cout << std::left << std::setw(14) << name << std::right;
        for (auto v : r.confusion[i])
            std::cout << std::setw(6) << v;
        std::cout << "\n";
    }
}

int cmdEvaluate(int argc, char **argv)
{
    const Args a = parse("evaluate", argc, argv, 2, merge({kModelOptions, {"data", "format", "batch", "limit"}}),
                         merge({kModelFlags, kPathFlags}));
    a.require("data", "fashion-mnist|DIR");
    const auto format = parseFormat(a.get("format", "table"));
    const int batch = a.has("batch") ? parseInt("batch", a.get("batch")) : kEvalBatch;
    validateEvalBatch(batch);
    // The first N images only (0 = all): a quick check of a model, and of this command in the tests.
    const int limit = a.has("limit") ? parseInt("limit", a.get("limit")) : 0;
    if (limit < 0)
        throw UsageError("evaluate: limit: must be 0 (all) or more (got " + std::to_string(limit) + ")");
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e);
    applyPathFlags(a, *model);
    const ModelInfo &info = model->info();
    const std::string source = a.get("data");
    ImageSet test = loadEvaluationSet(source, info.spec);
    if (limit > 0 && static_cast<std::size_t>(limit) < test.count()) {
        std::vector<std::size_t> first(static_cast<std::size_t>(limit));
        std::iota(first.begin(), first.end(), std::size_t{0});
        test = subset(test, first);
    }
    Progress progress;
    const EvalResult r = model->evaluate(test, batch, [&](size_t done, size_t total) {
        progress.update(static_cast<double>(done) / static_cast<double>(total), "evaluating");
        return true;
    });
    progress.end();
    const std::string path = toString(runningPath(*model));
    if (format == Format::Json) {
        std::cout << dumpJson(Json{{"model", describe(info.spec)},
                                   {"weights", info.source},
                                   {"data", source},
                                   {"count", r.count},
                                   {"correct", r.correct},
                                   {"accuracy", r.accuracy()},
                                   {"seconds", r.seconds},
                                   {"path", path},
                                   {"confusion", r.confusion}},
                              false)
                  << "\n";
    } else {
        std::cout << describe(info.spec) << " (" << printableText(info.source) << ") on " << printableText(source) << ": " << r.correct << " / "
                  << r.count << " correct, accuracy " << fixed(100 * r.accuracy(), 2) << "% in " << fixed(r.seconds, 2)
                  << " s (" << path << " path)\n\n";
        printConfusion(r, info.labels);
    }
    return 0;
}

int cmdTrain(int argc, char **argv)
{
    const Args a = parse("train", argc, argv, 2,
                         merge({kSpecOptions,
                                {"data", "epochs", "out", "batch", "lr", "momentum", "wd", "seed", "limit",
                                 "val-fraction", "schedule", "format", "device", "threads", "test-limit"}}),
                         {"compare-resnet", "no-augment"});
    a.require("data", "fashion-mnist|DIR");
    a.require("out", "FILE.safetensors");
    const auto format = parseFormat(a.get("format", "table"));
    TrainOptions o;
    o.spec = hasSpecOptions(a) ? specFromArgs(a) : fashionMnistSpec();
    if (!hasSpecOptions(a))
        validate(o.spec);
    a.read("epochs", o.epochs);
    a.read("batch", o.batch);
    const auto number = [&](const char *key, double fallback) {
        return a.has(key) ? parseFiniteNumber(key, a.get(key)) : fallback;
    };
    o.learningRate = number("lr", o.learningRate);
    o.momentum = number("momentum", o.momentum);
    o.weightDecay = number("wd", o.weightDecay);
    a.read("seed", o.seed);
    if (a.has("limit"))
        o.limitTrain = static_cast<size_t>(std::max(0, parseInt("limit", a.get("limit"))));
    if (a.has("schedule")) {
        const std::string s = a.get("schedule");
        if (s != "cosine" && s != "step")
            throw SpecError("schedule", "schedule: unknown value '" + s + "'; use cosine or step");
        o.schedule = s == "cosine" ? TrainOptions::Schedule::Cosine : TrainOptions::Schedule::Step;
    }
    o.augment = a.flags.count("no-augment") == 0;
    TrainRequest req;
    req.data = a.get("data");
    req.valFraction = number("val-fraction", req.valFraction);
    req.compareResnet = a.flags.count("compare-resnet") > 0;
    req.quickValidation = true; // with --limit, as `experiment` and the window do
    if (a.has("test-limit"))
        req.testLimit = parseCount(a, "test-limit", "test images");
    validateTrainOptions(o);
    // Before the first step: a folder or unwritable path would otherwise fail after the whole run.
    const std::string outPath = a.get("out");
    checkWritableFile(outPath, "out");
    Engine &e = engineFor(a);
    o.device = deviceArg(a, e);
    req.options = o;

    TrainCallbacks cb;
    Progress progress;
    if (format == Format::Table) {
        cb.status = [&](const std::string &line) { progress.note(printableText(line, 2000)); };
        cb.progress = [&](int, const TrainProgress &p) {
            if (p.valAccuracy >= 0) {
                progress.note("epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs) + ": loss " +
                              fixed(p.loss, 4) + ", train " + fixed(100 * p.trainAccuracy, 2) + "%, validation " +
                              fixed(100 * p.valAccuracy, 2) + "%, " + fixed(p.epochSeconds, 1) + " s (" +
                              fixed(p.imagesPerSecond, 0) + " images/s)");
            } else if (p.step % 10 == 0 || p.step == p.steps) {
                const double done = (p.epoch - 1 + static_cast<double>(p.step) / p.steps) / p.epochs;
                progress.update(done, "epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs) +
                                          " loss " + fixed(p.loss, 3) + " " + fixed(p.imagesPerSecond, 0) + " img/s");
            }
            return true;
        };
    }
    TrainOutcome result = trainAndTest(e, req, cb);
    auto &runs = result.runs;
    runs[0].result.model->save(outPath);
    std::string resnetPath;
    if (runs.size() > 1) {
        namespace fs = std::filesystem;
        fs::path p(outPath);
        resnetPath = (p.parent_path() / (p.stem().string() + "-resnet" + p.extension().string())).string();
        runs[1].result.model->save(resnetPath);
    }
    if (format == Format::Json) {
        Json out{{"data", result.dataDescription}, {"out", outPath}};
        if (!resnetPath.empty())
            out["out_resnet"] = resnetPath;
        Json list = Json::array();
        for (const auto &r : runs) {
            Json epochs = Json::array();
            for (const auto &p : r.result.epochs)
                epochs.push_back({{"epoch", p.epoch},
                                  {"loss", p.loss},
                                  {"train_accuracy", p.trainAccuracy},
                                  {"val_accuracy", p.valAccuracy},
                                  {"seconds", p.epochSeconds}});
            list.push_back({{"model", r.name},
                            {"params", r.totals.params},
                            {"macs", r.totals.macs},
                            {"epochs", epochs},
                            {"seconds_per_epoch", r.secondsPerEpoch()},
                            {"test_accuracy", r.test.accuracy()},
                            {"test_images", r.test.count}});
        }
        out["runs"] = list;
        std::cout << dumpJson(out, false) << "\n";
    } else {
        std::cout << "\n" << std::left << std::setw(54) << "model" << std::right << std::setw(12) << "params"
                  << std::setw(14) << "MACs" << std::setw(12) << "s/epoch" << std::setw(12) << "test acc" << "\n";
        for (const auto &r : runs)
            std::cout << std::left << std::setw(54) << r.name << std::right << std::setw(12)
                      << withThousands(r.totals.params) << std::setw(14) << withThousands(r.totals.macs)
                      << std::setw(12) << fixed(r.secondsPerEpoch(), 1) << std::setw(11)
                      << fixed(100 * r.test.accuracy(), 2) << "%\n";
        std::cout << "\nwrote " << outPath << (resnetPath.empty() ? "" : " and " + resnetPath) << "\n";
    }
    return 0;
}

int cmdExportSamples(int argc, char **argv)
{
    const Args a = parse("export-samples", argc, argv, 2, {"out", "per-class"}, {});
    a.require("out", "DIR");
    const int perClass = a.has("per-class") ? parseInt("per-class", a.get("per-class")) : 4;
    if (perClass < 1 || perClass > 1000)
        throw SpecError("per-class", "per-class: must be between 1 and 1000");
    namespace fs = std::filesystem;
    ensureFolder(a.get("out"), "out");
    const ImageSet test = loadFashionMnist(false);
    std::vector<int> taken(test.classNames.size(), 0);
    int written = 0;
    for (size_t i = 0; i < test.count(); ++i) {
        const auto label = static_cast<size_t>(test.labels[i]);
        if (taken[label] >= perClass)
            continue;
        ++taken[label];
        std::string slug;
        for (char c : test.classNames[label])
            slug += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
        char name[96];
        std::snprintf(name, sizeof name, "fmnist-test%05zu-%s.png", i, slug.c_str());
        writeGrayPng((fs::path(a.get("out")) / name).string(), test.width, test.height, test.image(i));
        ++written;
    }
    std::cout << "wrote " << written << " Fashion-MNIST test images to " << printableText(a.get("out")) << "\n";
    return 0;
}

// Fits the out-of-distribution statistics of a model on a data set's training
// split and sets the threshold on its validation split; writes the model with them.
double parseDouble(const std::string &key, const std::string &text)
{
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !std::isfinite(v))
        throw SpecError(key, key + ": '" + text + "' is not a number");
    return v;
}

int cmdCalibrate(int argc, char **argv)
{
    const Args a = parse("calibrate", argc, argv, 2,
                         merge({kModelOptions, {"data", "out", "val-fraction", "seed", "quantile", "format"}}), kModelFlags);
    a.require("data", "fashion-mnist|DIR");
    a.require("out", "FILE.safetensors");
    const auto format = parseFormat(a.get("format", "table"));
    const double valFraction = a.has("val-fraction") ? parseDouble("val-fraction", a.get("val-fraction")) : 0.1;
    const double quantile = a.has("quantile") ? parseDouble("quantile", a.get("quantile")) : 0.95;
    std::uint64_t seed = 0;
    a.read("seed", seed);
    if (!(valFraction > 0 && valFraction <= 0.9))
        throw SpecError("val-fraction", "val-fraction: must be in (0, 0.9] (the threshold needs held-out images)");
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e);
    const ModelInfo &info = model->info();
    const DataSplit data = loadData(a.get("data"), info.spec.inputSize, info.spec.inChannels, valFraction, seed);
    Progress progress;
    const OodCalibration c = model->calibrateOod(data.train, data.validation, quantile, [&](size_t done, size_t total) {
        if (format == Format::Table)
            progress.update(static_cast<double>(done) / static_cast<double>(total), "features");
        return true;
    });
    progress.end();
    // The share of the test images that pass: the figure a user of the model sees.
    const std::vector<double> test = model->oodScores(data.test);
    const auto passed = static_cast<size_t>(
        std::count_if(test.begin(), test.end(), [&](double v) { return v <= c.threshold; }));
    model->save(a.get("out"));
    const double testPass = test.empty() ? 0.0 : static_cast<double>(passed) / static_cast<double>(test.size());
    if (format == Format::Json) {
        std::cout << dumpJson(Json{{"model", describe(info.spec)},
                                   {"data", data.description},
                                   {"features", c.features},
                                   {"fit_images", c.fitImages},
                                   {"held_out_images", c.heldOutImages},
                                   {"quantile", c.quantile},
                                   {"threshold", c.threshold},
                                   {"held_out_pass_rate", c.heldOutPassRate},
                                   {"test_images", test.size()},
                                   {"test_pass_rate", testPass},
                                   {"out", a.get("out")}},
                              false)
                  << "\n";
    } else {
        std::cout << describe(info.spec) << " on " << data.description << "\n"
                  << "class means and shared covariance of the " << c.features << " pooled features of "
                  << c.fitImages << " training images\n"
                  << "threshold " << fixed(c.threshold, 2) << " (the " << fixed(100 * c.quantile, 1)
                  << "th percentile of " << c.heldOutImages << " held-out images; " << fixed(100 * c.heldOutPassRate, 2)
                  << "% of them pass)\n"
                  << "test images not flagged: " << passed << " / " << test.size() << " (" << fixed(100 * testPass, 2)
                  << "%)\nwrote " << a.get("out") << "\n";
    }
    return 0;
}

} // namespace

const std::set<std::string> kModelValueOptions = kModelOptions;
const std::set<std::string> kModelFlagOptions = kModelFlags;

std::unique_ptr<Model> loadModelFromArgs(const Args &args) { return modelFromArgs(args, engineFor(args)); }

const CommandTable &engineCommands()
{
    static const CommandTable all = {
        {"classify", cmdClassify}, {"features", cmdFeatures}, {"bench", cmdBench},
        {"train", cmdTrain},       {"evaluate", cmdEvaluate}, {"export-samples", cmdExportSamples},
        {"calibrate", cmdCalibrate}};
    return all;
}

} // namespace cli
