// The headless commands that run models: classify, features, bench, train,
// evaluate, export-samples. They load the LibTorch engine on first use.
#include "cli.h"
#include "cli_engine.h"

#include "resnext/accounting.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/featureview.h"
#include "resnext/report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {

namespace {

using namespace resnext;

const std::set<std::string> kModelOptions = {"weights", "labels", "device", "threads"};
const std::set<std::string> kModelFlags = {"builtin", "allow-partial"};

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

// --weights FILE, --builtin, or a spec (random weights); the built-in model by default.
std::unique_ptr<Model> modelFromArgs(const Args &a, Engine &e, const char *fallbackPreset = nullptr)
{
    const std::string device = deviceArg(a, e);
    const auto make = [&](const std::string &dev) -> std::unique_ptr<Model> {
        if (a.has("weights")) {
            LoadOptions o;
            o.allowPartial = a.flags.count("allow-partial") > 0;
            o.labelsPath = a.get("labels");
            LoadReport report;
            auto m = e.load(a.get("weights"), o, &report, dev);
            if (o.allowPartial && (report.missing.size() + report.unexpected.size() + report.mismatched.size()))
                std::cerr << "note: partial load: " << report.loaded << " tensors loaded, " << report.missing.size()
                          << " missing, " << report.unexpected.size() << " unexpected, " << report.mismatched.size()
                          << " of the wrong shape\n";
            return m;
        }
        if (hasSpecOptions(a) || fallbackPreset) {
            ArchSpec spec = hasSpecOptions(a) ? specFromArgs(a) : preset(fallbackPreset).spec;
            ModelInfo info;
            info.spec = spec;
            info.preprocessing = defaultPreprocessing(spec);
            if (a.has("labels"))
                info.labels = readLabelsFile(a.get("labels"));
            return e.create(info, 0, dev);
        }
        return e.loadBuiltin(dev);
    };
    if (device == "cuda") {
        try {
            return make("cuda");
        } catch (const Error &err) {
            std::cerr << "note: CUDA failed (" << err.what() << "); using the CPU\n";
        }
    }
    return make("cpu");
}

void progressBar(std::ostream &os, double fraction, const std::string &text)
{
    const int width = 28;
    const int filled = static_cast<int>(fraction * width);
    os << "\r[";
    for (int i = 0; i < width; ++i)
        os << (i < filled ? '=' : (i == filled ? '>' : ' '));
    os << "] " << std::setw(3) << static_cast<int>(fraction * 100) << "% " << text << "   " << std::flush;
}

std::string clock(double seconds)
{
    const int s = static_cast<int>(seconds + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d:%02d", s / 60, s % 60);
    return buf;
}

int cmdClassify(int argc, char **argv)
{
    const Args a = parse("classify", argc, argv, 2, merge({kSpecOptions, kModelOptions, {"topk", "format"}}), kModelFlags);
    if (a.positional.empty())
        throw UsageError("classify: give one or more image files");
    const auto format = parseFormat(a.get("format", "table"));
    if (format != Format::Table && format != Format::Json)
        throw SpecError("format", "format: classify supports table or json (got '" + a.get("format") + "')");
    const int topk = a.has("topk") ? parseInt("topk", a.get("topk")) : 5;
    if (topk < 1 || topk > 1000)
        throw SpecError("topk", "topk: must be between 1 and 1000 (got " + std::to_string(topk) + ")");
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e);
    const ModelInfo &info = model->info();
    std::ostringstream json;
    json << "{\n  \"model\": " << jsonString(describe(info.spec)) << ",\n  \"weights\": " << jsonString(info.source)
         << ",\n  \"device\": " << jsonString(model->device()) << ",\n  \"threads\": " << e.deviceInfo().threads
         << ",\n  \"results\": [";
    int failures = 0, done = 0;
    if (format == Format::Table)
        std::cout << "model: " << describe(info.spec) << " (" << info.source << ") on " << model->device() << ", "
                  << e.deviceInfo().threads << " threads\npreprocessing: " << describe(info.preprocessing) << "\n";
    for (const auto &path : a.positional) {
        try {
            const auto t0 = std::chrono::steady_clock::now();
            const RgbImage img = decodeImage(path);
            const double decodeMs =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            Analysis r = model->analyze(img, topk, "");
            r.timings.decodeMs = decodeMs;
            if (format == Format::Table) {
                std::cout << "\n" << path << "\n";
                for (size_t i = 0; i < r.top.size(); ++i)
                    std::cout << "  " << std::setw(2) << i + 1 << ". " << std::left << std::setw(32) << r.top[i].label
                              << std::right << std::setw(8) << fixed(100 * r.top[i].probability, 2) << "%\n";
                if (r.oodKnown)
                    std::cout << "  " << (r.outOfDistribution ? "this image is unlike the model's training data"
                                                              : "like the model's training data")
                              << " (distance " << fixed(r.oodScore, 1) << ", threshold " << fixed(r.oodThreshold, 1)
                              << ")\n";
                std::cout << "  decode " << fixed(r.timings.decodeMs, 1) << " ms, preprocess "
                          << fixed(r.timings.preprocessMs, 1) << " ms, forward " << fixed(r.timings.forwardMs, 1)
                          << " ms\n";
            } else {
                json << (done ? "," : "") << "\n    {\"image\": " << jsonString(path) << ", \"top\": [";
                for (size_t i = 0; i < r.top.size(); ++i)
                    json << (i ? ", " : "") << "{\"index\": " << r.top[i].index
                         << ", \"label\": " << jsonString(r.top[i].label)
                         << ", \"probability\": " << std::setprecision(6) << r.top[i].probability << "}";
                json << "]";
                if (r.oodKnown)
                    json << ", \"out_of_distribution\": " << (r.outOfDistribution ? "true" : "false")
                         << ", \"ood_score\": " << fixed(r.oodScore, 4) << ", \"ood_threshold\": " << fixed(r.oodThreshold, 4);
                json << ", \"timings_ms\": {\"decode\": " << fixed(r.timings.decodeMs, 3)
                     << ", \"preprocess\": " << fixed(r.timings.preprocessMs, 3)
                     << ", \"forward\": " << fixed(r.timings.forwardMs, 3) << "}}";
            }
            ++done;
        } catch (const Cancelled &) {
            throw;
        } catch (const Error &err) {
            ++failures;
            std::cerr << "resnext-explorer classify: " << err.what() << "\n";
        }
    }
    if (format == Format::Json) {
        json << "\n  ]\n}\n";
        std::cout << json.str();
    }
    return failures ? 2 : 0;
}

int cmdFeatures(int argc, char **argv)
{
    const Args a = parse("features", argc, argv, 2,
                         merge({kSpecOptions, kModelOptions, {"block", "out", "colormap", "norm"}}), kModelFlags);
    if (a.positional.size() != 1)
        throw UsageError("features: give exactly one image file");
    if (!a.has("out"))
        throw UsageError("features: --out DIR is required");
    const Colormap cmap = parseColormap(a.get("colormap", "viridis"));
    const Normalization norm = parseNormalization(a.get("norm", "channel"));
    const std::string block = a.get("block", "layer1.0");
    namespace fs = std::filesystem;
    const fs::path out(a.get("out"));
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec || !fs::is_directory(out))
        throw Error("out: cannot create folder '" + out.string() + "'");
    Engine &e = engineFor(a);
    // Here --block names a residual block, not the spec's block kind.
    Args modelArgs = a;
    modelArgs.options.erase("block");
    auto model = modelFromArgs(modelArgs, e);
    const RgbImage img = decodeImage(a.positional[0]);
    const Analysis r = model->analyze(img, 5, block);
    const FeatureMaps &f = r.features;
    const int stage = std::stoi(block.substr(5, block.find('.') - 5));
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
    {
        std::ofstream csv(out / "energy.csv");
        csv << energyCsv(f);
        if (!csv)
            throw Error("out: cannot write '" + (out / "energy.csv").string() + "'");
    }
    std::cout << block << " of " << describe(model->info().spec) << ": " << f.cardinality << " groups of "
              << f.groupWidth << " maps, " << f.height << "x" << f.width
              << (f.form == BlockForm::A ? " (form (a): each group is one path's output)" : "") << "\n";
    std::cout << "top class: " << r.top.front().label << " (" << fixed(100 * r.top.front().probability, 1)
              << "%), Grad-CAM on layer" << stage << "\n";
    std::cout << "wrote groups.png, block_input.png, block_output.png, image.png, gradcam.png, energy.csv to "
              << out.string() << "\n";
    return 0;
}

int cmdBench(int argc, char **argv)
{
    const Args a = parse("bench", argc, argv, 2, merge({kSpecOptions, kModelOptions, {"batch", "runs", "warmup", "format"}}),
                         merge({kModelFlags, {"half", "channels-last"}}));
    const auto format = parseFormat(a.get("format", "table"));
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e, "resnext50_32x4d");
    BenchOptions o;
    if (a.has("batch"))
        o.batch = parseInt("batch", a.get("batch"));
    if (a.has("runs"))
        o.runs = parseInt("runs", a.get("runs"));
    if (a.has("warmup"))
        o.warmup = parseInt("warmup", a.get("warmup"));
    o.half = a.flags.count("half") > 0;
    o.channelsLast = a.flags.count("channels-last") > 0;
    const BenchResult r = model->bench(o);
    const ArchSpec &s = model->info().spec;
    if (format == Format::Json) {
        std::cout << "{\"model\": " << jsonString(describe(s)) << ", \"device\": " << jsonString(r.device)
                  << ", \"threads\": " << e.deviceInfo().threads << ", \"batch\": " << r.batch
                  << ", \"input\": " << s.inputSize << ", \"half\": " << (o.half ? "true" : "false")
                  << ", \"channels_last\": " << (o.channelsLast ? "true" : "false") << ", \"runs\": " << o.runs
                  << ", \"median_ms\": " << fixed(r.medianMs, 3) << ", \"images_per_s\": " << fixed(r.imagesPerSecond, 2)
                  << "}\n";
    } else {
        std::cout << describe(s) << " on " << r.device << " (" << e.deviceInfo().threads << " threads), batch "
                  << r.batch << ", " << s.inputSize << "x" << s.inputSize << (o.half ? ", fp16" : "")
                  << (o.channelsLast ? ", channels-last" : "") << ": median " << fixed(r.medianMs, 2) << " ms over "
                  << o.runs << " runs, " << fixed(r.imagesPerSecond, 1) << " images/s\n";
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
        std::string name = std::to_string(i) + " " + (i < labels.size() ? labels[i] : "");
        if (name.size() > 13)
            name = name.substr(0, 13);
        std::cout << std::left << std::setw(14) << name << std::right;
        for (auto v : r.confusion[i])
            std::cout << std::setw(6) << v;
        std::cout << "\n";
    }
}

std::string confusionJson(const EvalResult &r)
{
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < r.confusion.size(); ++i) {
        os << (i ? ", " : "") << "[";
        for (size_t j = 0; j < r.confusion[i].size(); ++j)
            os << (j ? ", " : "") << r.confusion[i][j];
        os << "]";
    }
    return os.str() + "]";
}

int cmdEvaluate(int argc, char **argv)
{
    const Args a = parse("evaluate", argc, argv, 2, merge({kModelOptions, {"data", "format", "batch"}}), kModelFlags);
    if (!a.has("data"))
        throw UsageError("evaluate: --data fashion-mnist|DIR is required");
    const auto format = parseFormat(a.get("format", "table"));
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e);
    const ModelInfo &info = model->info();
    const std::string source = a.get("data");
    ImageSet test;
    if (source == "fashion-mnist") {
        test = loadData(source, info.spec.inputSize, info.spec.inChannels, 0.0, 0).test;
    } else {
        const FolderListing all = listImageFolder(source, 0.0, 0);
        test = loadImageFiles(all.train, all.classNames, info.spec.inputSize, info.spec.inChannels);
    }
    const EvalResult r = model->evaluate(test, a.has("batch") ? parseInt("batch", a.get("batch")) : 500);
    if (format == Format::Json) {
        std::cout << "{\"model\": " << jsonString(describe(info.spec)) << ", \"weights\": " << jsonString(info.source)
                  << ", \"data\": " << jsonString(source) << ", \"count\": " << r.count << ", \"correct\": " << r.correct
                  << ", \"accuracy\": " << fixed(r.accuracy(), 6) << ", \"seconds\": " << fixed(r.seconds, 3)
                  << ", \"confusion\": " << confusionJson(r) << "}\n";
    } else {
        std::cout << describe(info.spec) << " (" << info.source << ") on " << source << ": " << r.correct << " / "
                  << r.count << " correct, accuracy " << fixed(100 * r.accuracy(), 2) << "% in " << fixed(r.seconds, 2)
                  << " s\n\n";
        printConfusion(r, info.labels);
    }
    return 0;
}

struct TrainRun {
    std::string name;
    ArchSpec spec;
    TrainResult result;
    double testAccuracy = 0;
};

int cmdTrain(int argc, char **argv)
{
    const Args a = parse("train", argc, argv, 2,
                         merge({kSpecOptions,
                                {"data", "epochs", "out", "batch", "lr", "momentum", "wd", "seed", "limit",
                                 "val-fraction", "schedule", "format", "device", "threads"}}),
                         {"compare-resnet", "no-augment"});
    if (!a.has("data"))
        throw UsageError("train: --data fashion-mnist|DIR is required");
    if (!a.has("out"))
        throw UsageError("train: --out FILE.safetensors is required");
    const auto format = parseFormat(a.get("format", "table"));
    TrainOptions o;
    o.spec = hasSpecOptions(a) ? specFromArgs(a) : fashionMnistSpec();
    if (!hasSpecOptions(a))
        validate(o.spec);
    if (a.has("epochs"))
        o.epochs = parseInt("epochs", a.get("epochs"));
    if (a.has("batch"))
        o.batch = parseInt("batch", a.get("batch"));
    const auto number = [&](const char *key, double fallback) {
        if (!a.has(key))
            return fallback;
        const std::string t = a.get(key);
        char *end = nullptr;
        const double v = std::strtod(t.c_str(), &end);
        if (t.empty() || *end)
            throw SpecError(key, std::string(key) + ": '" + t + "' is not a number");
        return v;
    };
    o.learningRate = number("lr", o.learningRate);
    o.momentum = number("momentum", o.momentum);
    o.weightDecay = number("wd", o.weightDecay);
    if (a.has("seed"))
        o.seed = static_cast<std::uint64_t>(parseInt("seed", a.get("seed")));
    if (a.has("limit"))
        o.limitTrain = static_cast<size_t>(std::max(0, parseInt("limit", a.get("limit"))));
    if (a.has("schedule")) {
        const std::string s = a.get("schedule");
        if (s != "cosine" && s != "step")
            throw SpecError("schedule", "schedule: unknown value '" + s + "'; use cosine or step");
        o.schedule = s == "cosine" ? TrainOptions::Schedule::Cosine : TrainOptions::Schedule::Step;
    }
    o.augment = a.flags.count("no-augment") == 0;
    const double valFraction = number("val-fraction", 0.1);
    if (valFraction < 0 || valFraction > 0.9)
        throw SpecError("val-fraction", "val-fraction: must be between 0 and 0.9");
    const std::string outPath = a.get("out");
    {
        namespace fs = std::filesystem;
        const fs::path parent = fs::absolute(outPath).parent_path();
        if (!fs::is_directory(parent))
            throw Error("out: folder '" + parent.string() + "' does not exist");
    }
    Engine &e = engineFor(a);
    o.device = deviceArg(a, e);
    const DataSplit data = loadData(a.get("data"), o.spec.inputSize, o.spec.inChannels, valFraction, o.seed);
    if (format == Format::Table)
        std::cerr << data.description << "\n";

    std::vector<TrainRun> runs;
    runs.push_back({describe(o.spec), o.spec, {}, 0});
    if (a.flags.count("compare-resnet")) {
        if (o.spec.block != BlockKind::Bottleneck)
            throw SpecError("block", "compare-resnet: needs bottleneck blocks");
        // The ResNet (C = 1) whose parameter count is closest to this model's.
        const MatchResult m = matchWidthTo(o.spec, 1, countTotals(o.spec));
        runs.push_back({describe(m.matched) + " (ResNet, equal params)", m.matched, {}, 0});
    }
    for (auto &run : runs) {
        TrainOptions ro = o;
        ro.spec = run.spec;
        if (format == Format::Table)
            std::cerr << "training " << run.name << ": " << withThousands(countTotals(run.spec).params) << " params, "
                      << ro.epochs << " epochs, batch " << ro.batch << ", lr " << ro.learningRate << ", seed " << ro.seed
                      << ", " << e.deviceInfo().threads << " threads\n";
        const auto started = std::chrono::steady_clock::now();
        run.result = e.train(ro, data.train, data.validation, data.classNames, [&](const TrainProgress &p) {
            if (format != Format::Table)
                return true;
            if (p.valAccuracy >= 0) {
                std::cerr << "\repoch " << p.epoch << "/" << p.epochs << ": loss " << fixed(p.loss, 4) << ", train "
                          << fixed(100 * p.trainAccuracy, 2) << "%, validation " << fixed(100 * p.valAccuracy, 2)
                          << "%, " << fixed(p.epochSeconds, 1) << " s (" << fixed(p.imagesPerSecond, 0)
                          << " images/s)" << std::string(30, ' ') << "\n";
            } else if (p.step % 10 == 0 || p.step == p.steps) {
                const double elapsed =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                const double done = (p.epoch - 1 + static_cast<double>(p.step) / p.steps) / p.epochs;
                progressBar(std::cerr, done,
                            "epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs) + " loss " +
                                fixed(p.loss, 3) + " " + fixed(p.imagesPerSecond, 0) + " img/s, " +
                                clock(elapsed / std::max(done, 1e-9) - elapsed) + " left");
            }
            return true;
        });
        run.testAccuracy = run.result.model->evaluate(data.test).accuracy();
    }
    runs[0].result.model->save(outPath);
    std::string resnetPath;
    if (runs.size() > 1) {
        namespace fs = std::filesystem;
        fs::path p(outPath);
        resnetPath = (p.parent_path() / (p.stem().string() + "-resnet" + p.extension().string())).string();
        runs[1].result.model->save(resnetPath);
    }
    const auto epochTime = [](const TrainRun &r) {
        double s = 0;
        for (const auto &p : r.result.epochs)
            s += p.epochSeconds;
        return r.result.epochs.empty() ? 0.0 : s / static_cast<double>(r.result.epochs.size());
    };
    if (format == Format::Json) {
        std::cout << "{\"data\": " << jsonString(data.description) << ", \"out\": " << jsonString(outPath)
                  << (resnetPath.empty() ? "" : ", \"out_resnet\": " + jsonString(resnetPath)) << ", \"runs\": [";
        for (size_t i = 0; i < runs.size(); ++i) {
            const auto &r = runs[i];
            const Totals t = countTotals(r.spec);
            std::cout << (i ? ", " : "") << "{\"model\": " << jsonString(r.name) << ", \"params\": " << t.params
                      << ", \"macs\": " << t.macs << ", \"epochs\": [";
            for (size_t k = 0; k < r.result.epochs.size(); ++k) {
                const auto &p = r.result.epochs[k];
                std::cout << (k ? ", " : "") << "{\"epoch\": " << p.epoch << ", \"loss\": " << fixed(p.loss, 5)
                          << ", \"train_accuracy\": " << fixed(p.trainAccuracy, 5)
                          << ", \"val_accuracy\": " << fixed(p.valAccuracy, 5) << ", \"seconds\": " << fixed(p.epochSeconds, 2)
                          << "}";
            }
            std::cout << "], \"seconds_per_epoch\": " << fixed(epochTime(r), 2)
                      << ", \"test_accuracy\": " << fixed(r.testAccuracy, 5) << "}";
        }
        std::cout << "]}\n";
    } else {
        std::cout << "\n" << std::left << std::setw(54) << "model" << std::right << std::setw(12) << "params"
                  << std::setw(14) << "MACs" << std::setw(12) << "s/epoch" << std::setw(12) << "test acc" << "\n";
        for (const auto &r : runs) {
            const Totals t = countTotals(r.spec);
            std::cout << std::left << std::setw(54) << r.name << std::right << std::setw(12) << withThousands(t.params)
                      << std::setw(14) << withThousands(t.macs) << std::setw(12) << fixed(epochTime(r), 1)
                      << std::setw(11) << fixed(100 * r.testAccuracy, 2) << "%\n";
        }
        std::cout << "\nwrote " << outPath << (resnetPath.empty() ? "" : " and " + resnetPath) << "\n";
    }
    return 0;
}

int cmdExportSamples(int argc, char **argv)
{
    const Args a = parse("export-samples", argc, argv, 2, {"out", "per-class"}, {});
    if (!a.has("out"))
        throw UsageError("export-samples: --out DIR is required");
    const int perClass = a.has("per-class") ? parseInt("per-class", a.get("per-class")) : 4;
    if (perClass < 1 || perClass > 1000)
        throw SpecError("per-class", "per-class: must be between 1 and 1000");
    namespace fs = std::filesystem;
    fs::create_directories(a.get("out"));
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
    std::cout << "wrote " << written << " Fashion-MNIST test images to " << a.get("out") << "\n";
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
    if (!a.has("data"))
        throw UsageError("calibrate: --data fashion-mnist|DIR is required");
    if (!a.has("out"))
        throw UsageError("calibrate: --out FILE.safetensors is required");
    const auto format = parseFormat(a.get("format", "table"));
    const double valFraction = a.has("val-fraction") ? parseDouble("val-fraction", a.get("val-fraction")) : 0.1;
    const double quantile = a.has("quantile") ? parseDouble("quantile", a.get("quantile")) : 0.95;
    const auto seed = static_cast<std::uint64_t>(a.has("seed") ? parseInt("seed", a.get("seed")) : 0);
    if (!(valFraction > 0 && valFraction <= 0.9))
        throw SpecError("val-fraction", "val-fraction: must be in (0, 0.9] (the threshold needs held-out images)");
    Engine &e = engineFor(a);
    auto model = modelFromArgs(a, e);
    const ModelInfo &info = model->info();
    const DataSplit data = loadData(a.get("data"), info.spec.inputSize, info.spec.inChannels, valFraction, seed);
    const OodCalibration c = model->calibrateOod(data.train, data.validation, quantile, [&](size_t done, size_t total) {
        if (format == Format::Table)
            progressBar(std::cerr, static_cast<double>(done) / static_cast<double>(total), "features");
        return true;
    });
    if (format == Format::Table)
        std::cerr << "\n";
    // The share of the test images that pass: the figure a user of the model sees.
    const std::vector<double> test = model->oodScores(data.test);
    const auto passed = static_cast<size_t>(
        std::count_if(test.begin(), test.end(), [&](double v) { return v <= c.threshold; }));
    model->save(a.get("out"));
    const double testPass = test.empty() ? 0.0 : static_cast<double>(passed) / static_cast<double>(test.size());
    if (format == Format::Json) {
        std::cout << "{\"model\": " << jsonString(describe(info.spec)) << ", \"data\": " << jsonString(data.description)
                  << ", \"features\": " << c.features << ", \"fit_images\": " << c.fitImages
                  << ", \"held_out_images\": " << c.heldOutImages << ", \"quantile\": " << fixed(c.quantile, 4)
                  << ", \"threshold\": " << fixed(c.threshold, 4) << ", \"held_out_pass_rate\": "
                  << fixed(c.heldOutPassRate, 5) << ", \"test_images\": " << test.size()
                  << ", \"test_pass_rate\": " << fixed(testPass, 5) << ", \"out\": " << jsonString(a.get("out"))
                  << "}\n";
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

const std::map<std::string, std::function<int(int, char **)>> &engineCommands()
{
    static const std::map<std::string, std::function<int(int, char **)>> all = {
        {"classify", cmdClassify}, {"features", cmdFeatures}, {"bench", cmdBench},
        {"train", cmdTrain},       {"evaluate", cmdEvaluate}, {"export-samples", cmdExportSamples},
        {"calibrate", cmdCalibrate}};
    return all;
}

} // namespace cli
