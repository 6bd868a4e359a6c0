// `resnext-explorer groups`: core's analyzeGroups over a data set for the model
// and (unless --no-untrained) a random model of its spec; the numbers as a
// table or JSON, the files (groups.json, *.csv) and the figures (*.png, drawn
// offscreen as the Groups tab draws them) in --out DIR.
#include "cli.h"
#include "cli_engine.h"
#include "cli_groups.h"
#include "cli_progress.h"
#include "groupsview.h"
#include "plot.h"

#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/groups.h"
#include "resnext/report.h"
#include "resnext/serialize.h"
#include "resnext/usecases.h"
#include "resnext/validate.h"

#include <QApplication>
#include <QPainter>

#include <filesystem>
#include <iomanip>
#include <iostream>

namespace cli {

namespace {

using namespace resnext;

void printAnalysis(const GroupAnalysis &a, bool predictedLabels)
{
    std::cout << a.model << ": " << a.block << ", C = " << a.cardinality << " groups of d = " << a.groupWidth
              << " maps " << a.height << "x" << a.width << ", " << a.count << " images\n"
              << (predictedLabels ? "agreement with the trained model's predictions " : "accuracy ") << std::fixed << std::setprecision(2) << 100.0 * a.accuracy
              << "%, mean off-diagonal linear CKA " << std::setprecision(3) << a.meanOffDiagonalCka << "\n\n";
    std::cout << std::left << std::setw(7) << "group" << std::right << std::setw(8) << "SI" << "  " << std::left
              << std::setw(14) << "preferred" << std::right << std::setw(13) << "mean energy";
    if (!a.zeroedAccuracy.empty())
        std::cout << std::setw(12) << "zeroed pp";
    if (!a.keptOnlyAccuracy.empty())
        std::cout << std::setw(12) << "alone pp";
    std::cout << "\n";
    for (const int g : groupOrder(a, true)) {
        const auto i = static_cast<size_t>(g);
        const int pref = a.preferredClass[i];
        std::cout << std::left << std::setw(7) << ("g" + std::to_string(g)) << std::right << std::setw(8)
                  << std::setprecision(3) << a.selectivityIndex[i] << "  " << std::left << std::setw(14)
                  << (pref >= 0 ? printableText(a.classNames[static_cast<size_t>(pref)]) : "-") << std::right
                  << std::setw(13) << std::setprecision(4) << a.meanEnergy[i];
        if (!a.zeroedAccuracy.empty())
            std::cout << std::setw(12) << std::setprecision(2) << 100.0 * (a.zeroedAccuracy[i] - a.accuracy);
        if (!a.keptOnlyAccuracy.empty())
            std::cout << std::setw(12) << std::setprecision(2) << 100.0 * (a.keptOnlyAccuracy[i] - a.accuracy);
        std::cout << "\n";
    }
    std::cout << "\n";
}

// Two plots side by side (trained | untrained) in one PNG.
void savePair(const std::string &path, const std::function<void(QCustomPlot *, const GroupAnalysis &)> &draw,
              const GroupReport &r, int width, int height)
{
    QImage out(r.hasUntrained ? 2 * width : width, height, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter painter(&out);
    int x = 0;
    for (const GroupAnalysis *a : {&r.trained, r.hasUntrained ? &r.untrained : nullptr}) {
        if (!a)
            continue;
        QCustomPlot plot;
        plot.resize(width, height);
        draw(&plot, *a);
        painter.drawPixmap(x, 0, plot.toPixmap(width, height));
        x += width;
    }
    painter.end();
    savePngAtomically(out, QString::fromStdString(path));
}

QString titleOf(const GroupAnalysis &a, const char *what)
{
    return QString("%1, %2 (%3)")
        .arg(what, QString::fromStdString(a.block), a.model == "trained" ? QString("trained") : QString("untrained"));
}

std::vector<std::string> writeFigures(const GroupReport &r, const ImageSet &data, const std::string &dir, int argc,
                                      char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    namespace fs = std::filesystem;
    const auto file = [&](const char *name) { return (fs::path(dir) / name).string(); };
    std::vector<std::string> written;
    savePair(file("selectivity.png"),
             [](QCustomPlot *p, const GroupAnalysis &a) {
                 drawSelectivity(p, a, groupOrder(a, true),
                                 titleOf(a, a.predictedLabels ? "Mean energy per predicted class" : "Mean energy per class"));
             },
             r, 820, 120 + 26 * r.trained.cardinality + 120);
    written.push_back(file("selectivity.png"));
    savePair(file("cka.png"), [](QCustomPlot *p, const GroupAnalysis &a) { drawCka(p, a, titleOf(a, "Linear CKA")); },
             r, 620, 560);
    written.push_back(file("cka.png"));
    if (!r.trained.zeroedAccuracy.empty() || !r.trained.keptOnlyAccuracy.empty()) {
        savePair(file("ablation.png"),
                 [](QCustomPlot *p, const GroupAnalysis &a) { drawAblation(p, a, titleOf(a, "Ablation")); }, r, 700,
                 440);
        written.push_back(file("ablation.png"));
    }
    for (const GroupAnalysis *a : {&r.trained, r.hasUntrained ? &r.untrained : nullptr}) {
        if (!a)
            continue;
        const char *name = a == &r.trained ? "top_images.png" : "untrained_top_images.png";
        savePngAtomically(topImagesStrip(*a, data, groupOrder(*a, true), 56), QString::fromStdString(file(name)));
        written.push_back(file(name));
    }
    return written;
}

int cmdGroups(int argc, char **argv)
{
    std::set<std::string> valued = {"data", "block", "limit", "top", "batch", "format", "out", "seed"};
    valued.insert(kSpecOptions.begin(), kSpecOptions.end());
    valued.insert(kModelValueOptions.begin(), kModelValueOptions.end());
    std::set<std::string> flags = {"keep-only", "no-untrained", "no-ablation", "plain"};
    flags.insert(kModelFlagOptions.begin(), kModelFlagOptions.end());
    const Args a = parse("groups", argc, argv, 2, valued, flags);
    a.require("data", "fashion-mnist|DIR");
    a.require("out", "DIR", "the figures and numbers go there");
    const auto format = formatArg(a);
    GroupRequest req;
    req.pass.block = a.get("block", "layer2.0");
    if (req.pass.block.empty())
        throw UsageError("block: empty; name a residual block like layer2.0");
    if (a.has("limit"))
        req.limit = parseCount(a, "limit", "images");
    a.read("top", req.topK);
    a.read("batch", req.pass.batch);
    a.read("seed", req.seed);
    req.untrained = a.flags.count("no-untrained") == 0;
    req.pass.ablateZeroed = a.flags.count("no-ablation") == 0;
    req.pass.ablateKeptOnly = a.flags.count("keep-only") > 0;
    const std::string out = a.get("out");
    ensureFolder(out, "out");

    // Here --block names a residual block, not the spec's block kind.
    Args modelArgs = a;
    modelArgs.options.erase("block");
    auto model = loadModelFromArgs(modelArgs);
    if (a.flags.count("plain")) {
        if (model->device() != "cpu")
            throw UsageError("plain: inference paths are for the CPU; on CUDA the plain path runs");
        model->setInferencePath(InferencePath::Plain); // LibTorch's modules, for comparison
    }
    validateGroupRequest(req, *model); // a bad block fails before the data is read
    const std::string source = a.get("data");
    const AnalysisImages images = loadAnalysisImages(source, model->info().spec);
    const ImageSet &data = images.data;
    req.predictedLabels = !images.labelled; // no class folders: the model's own predictions label them
    if (!images.labelled)
        std::cerr << "note: " << printableText(source) << " has no class folders: each image is labelled with the "
                  << "trained model's prediction, and accuracy means agreement with it\n";
    Engine &e = loadEngine();
    std::cerr << e.deviceInfo().threads << " threads, " << model->device() << "\n";
    GroupCallbacks cb;
    Progress progress;
    cb.progress = [&](size_t done, size_t total) {
        progress.update(total ? static_cast<double>(done) / static_cast<double>(total) : 0,
                        std::to_string(done) + " / " + std::to_string(total) + " images");
        return true;
    };
    const GroupReport r = analyzeGroups(e, *model, data, source, req, cb);
    progress.end();
    auto written = writeGroupFiles(r, out);
    for (const auto &f : writeFigures(r, data, out, argc, argv))
        written.push_back(f);
    if (format == Format::Json) {
        std::cout << dumpJson(groupReportJson(r), false) << "\n";
    } else {
        printAnalysis(r.trained, r.predictedLabels);
        if (r.hasUntrained)
            printAnalysis(r.untrained, r.predictedLabels);
        std::cout << "analysis of " << r.trained.count << " images" << (r.hasUntrained ? " (trained and untrained)" : "")
                  << " in " << std::fixed << std::setprecision(1) << r.seconds << " s on the " << r.trained.path
                  << " path (trained pass " << r.trained.seconds;
        if (r.hasUntrained)
            std::cout << " s, untrained pass " << r.untrained.seconds;
        std::cout << " s)\n";
    }
    for (const auto &f : written)
        std::cerr << "wrote " << printableText(f) << "\n";
    return 0;
}

} // namespace

int groupsCommand(int argc, char **argv) { return cmdGroups(argc, argv); }

} // namespace cli
