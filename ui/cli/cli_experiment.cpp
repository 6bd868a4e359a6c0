// `resnext-explorer experiment`: the paper's sweeps in miniature (core's
// runExperiment), resumable in --out DIR, printed as a table or JSON.
#include "cli.h"
#include "cli_engine.h"
#include "cli_experiment.h"
#include "cli_progress.h"
#include "experimentplot.h"
#include "plot.h"

#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/experiment.h"
#include "resnext/report.h"
#include "resnext/serialize.h"

#include <QApplication>
#include <QFileInfo>

#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {

namespace {

using namespace resnext;

std::string pct(double v, int digits = 2)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, 100.0 * v);
    return buf;
}

double number(const Args &a, const char *key, double fallback)
{
    if (!a.has(key))
        return fallback;
    const std::string t = a.get(key);
    char *end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end)
        throw SpecError(key, std::string(key) + ": '" + t + "' is not a number");
    return v;
}

void printTable(const ExperimentResult &r)
{
    std::cout << r.name << "\n" << r.dataDescription << "\n\n";
    std::cout << std::left << std::setw(31) << "point" << std::right << std::setw(11) << "params" << std::setw(13)
              << "MACs" << std::setw(5) << "n" << std::setw(9) << "mean %" << std::setw(8) << "std" << std::setw(8)
              << "min" << std::setw(8) << "max" << "  diff to " << (r.points.empty() ? "" : r.points[0].label)
              << " (paired 95%)\n";
    for (size_t i = 0; i < r.points.size(); ++i) {
        const PointStats &a = r.accuracy[i];
        std::cout << std::left << std::setw(31) << r.points[i].label << std::right << std::setw(11)
                  << withThousands(r.points[i].totals.params) << std::setw(13)
                  << withThousands(r.points[i].totals.macs) << std::setw(5) << a.n << std::setw(9) << pct(a.mean)
                  << std::setw(8) << pct(a.stddev) << std::setw(8) << pct(a.min) << std::setw(8) << pct(a.max);
        if (a.hasDiff)
            std::cout << "  " << (a.diffMean >= 0 ? "+" : "") << pct(a.diffMean) << " [" << pct(a.diffLow) << ", "
                      << pct(a.diffHigh) << "]";
        std::cout << "\n";
    }
    double trained = 0;
    int fresh = 0;
    for (const RunRecord &run : r.runs)
        if (!run.resumed) {
            trained += run.trainSeconds + run.testSeconds;
            ++fresh;
        }
    std::cout << "\n" << r.runs.size() << " of " << r.plannedRuns << " runs (" << fresh << " trained now, "
              << r.runs.size() - static_cast<size_t>(fresh) << " resumed); wall " << std::fixed << std::setprecision(1)
              << r.wallSeconds << " s, of which training and testing " << trained << " s\n";
}

int cmdExperiment(int argc, char **argv)
{
    std::set<std::string> valued = {"data",  "depth", "seeds",  "epochs", "limit",      "by",      "out",
                                     "format", "batch", "lr",    "cardinalities", "val-fraction", "device", "threads", "test-limit", "plot"};
    valued.insert(kSpecOptions.begin(), kSpecOptions.end());
    const Args a = parse("experiment", argc, argv, 2, valued, {"no-augment"}, true);
    if (a.positional.size() != 1)
        throw UsageError("experiment: name one experiment: cardinality, double or FILE.json");
    a.require("data", "fashion-mnist|DIR");
    a.require("out", "DIR", "results are stored there and resumed from there");
    const auto format = formatArg(a);

    ExperimentRequest req;
    const std::string what = a.positional.front();
    if (what == "cardinality" || what == "double") {
        req.kind = parseExperimentKind(what);
    } else if (what.size() > 5 && what.compare(what.size() - 5, 5, ".json") == 0) {
        req.kind = ExperimentKind::Custom;
        req.customSpecs = readCustomSpecs(what);
    } else {
        throw UsageError("experiment: unknown experiment '" + what + "'; use cardinality, double or FILE.json");
    }
    req.data = a.get("data");
    bool specGiven = false;
    for (const auto &k : kSpecOptions)
        specGiven = specGiven || a.has(k);
    if (specGiven) {
        req.base = specFromArgs(a);
    } else {
        req.base = fashionMnistSpec();
        if (req.data != "fashion-mnist") { // an image folder: RGB 32x32 with the same family
            req.base.inChannels = 3;
            req.base.inputSize = 32;
        }
    }
    a.read("depth", req.depth);
    a.read("cardinalities", req.cardinalities);
    a.read("by", req.by, parseMatchBy);
    a.read("seeds", req.seeds);
    a.read("epochs", req.schedule.epochs);
    if (a.has("batch")) {
        req.schedule.batch = parseInt("batch", a.get("batch"));
        if (req.schedule.batch < 1 || req.schedule.batch > 65536)
            throw SpecError("batch", "batch: must be between 1 and 65536");
    }
    if (a.has("limit"))
        req.schedule.limitTrain = parseCount(a, "limit", "training images");
    if (a.has("test-limit"))
        req.testLimit = parseCount(a, "test-limit", "test images");
    req.schedule.learningRate = number(a, "lr", req.schedule.learningRate);
    req.valFraction = number(a, "val-fraction", req.valFraction);
    req.schedule.augment = a.flags.count("no-augment") == 0;
    req.outDir = a.get("out");
    const std::string plotPath = a.get("plot");
    if (!plotPath.empty()) {
        // The plot may go into the results folder, which the runner would create later.
        std::error_code ec;
        std::filesystem::create_directories(req.outDir, ec);
        const QFileInfo f(QString::fromStdString(plotPath));
        if (f.suffix().toLower() != "png")
            throw SpecError("plot", "plot: '" + plotPath + "' must end in .png");
        if (!f.absoluteDir().exists())
            throw SpecError("plot", "plot: folder '" + f.absolutePath().toStdString() + "' does not exist");
    }
    // Reports bad specs, depth and C's before the engine loads.
    experimentPoints(req, req.base.numClasses);

    Engine &e = engineFor(a);
    const std::string device = a.get("device", "cpu");
    if (device != "cpu" && device != "cuda")
        throw SpecError("device", "device: unknown value '" + device + "'; use cpu or cuda");
    req.schedule.device = device == "cuda" && e.deviceInfo().cudaAvailable ? "cuda" : "cpu";

    ExperimentCallbacks cb;
    Progress progress;
    cb.status = [&](const std::string &line) { progress.note(line); };
    if (format == Format::Table)
        cb.progress = [&](const ExperimentProgress &p) {
            const TrainProgress &t = p.train;
            if (p.testing)
                return true;
            if (t.steps && (t.step % 10 == 0 || t.step == t.steps)) {
                std::ostringstream text;
                text << "run " << p.run + 1 << "/" << p.runs << " epoch " << t.epoch << "/" << t.epochs << " step "
                     << t.step << "/" << t.steps << " loss " << std::fixed << std::setprecision(3) << t.loss << " "
                     << std::setprecision(0) << t.imagesPerSecond << " img/s";
                const double inRun = t.epochs ? (t.epoch - 1 + double(t.step) / t.steps) / t.epochs : 0;
                progress.update(p.runs ? (p.run + inRun) / p.runs : 0, text.str());
            }
            return true;
        };
    std::cerr << e.deviceInfo().threads << " threads, device " << req.schedule.device << "\n";
    const ExperimentResult result = runExperiment(e, req, cb);
    progress.end();
    if (format == Format::Json)
        std::cout << dumpJson(experimentJson(result), false) << "\n";
    else
        printTable(result);
    std::cerr << "wrote " << req.outDir << "/summary.json, summary.csv and runs/*.json\n";
    if (!plotPath.empty()) {
        // The same drawing as the Experiments tab's Export PNG, offscreen.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        QCustomPlot plot;
        plot.resize(1100, 760);
        drawExperiment(&plot, result);
        savePngAtomically(plot.toPixmap(1100, 760).toImage(), QString::fromStdString(plotPath));
        std::cerr << "wrote " << plotPath << "\n";
    }
    return 0;
}

} // namespace

int experimentCommand(int argc, char **argv) { return cmdExperiment(argc, argv); }

} // namespace cli
