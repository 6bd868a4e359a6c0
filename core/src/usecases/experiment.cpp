#include "resnext/experiment.h"

#include "resnext/datasource.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/report.h"
#include "resnext/text.h"
#include "resnext/validate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace resnext {

namespace fs = std::filesystem;

const std::initializer_list<NamedValue<ExperimentKind>> kKindNames = {
    {"cardinality", ExperimentKind::Cardinality},
    {"double", ExperimentKind::Double},
    {"custom", ExperimentKind::Custom}};

std::string toString(ExperimentKind kind) { return nameOf(kind, kKindNames, "custom"); }

ExperimentKind parseExperimentKind(const std::string &text)
{
    if (const auto k = lookupName(text, kKindNames))
        return *k;
    throw Error("experiment: unknown experiment '" + text + "'; use cardinality, double or a FILE.json");
}

// ---------------------------------------------------------------- statistics

double mean(const std::vector<double> &v)
{
    if (v.empty())
        return 0.0;
    double s = 0;
    for (double x : v)
        s += x;
    return s / static_cast<double>(v.size());
}

double sampleStddev(const std::vector<double> &v)
{
    if (v.size() < 2)
        return 0.0;
    const double m = mean(v);
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

namespace {

// Continued fraction of the regularised incomplete beta function (Lentz's method).
double betaContinuedFraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 500; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + aa * d;
        d = std::fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = std::fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + aa * d;
        d = std::fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = std::fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) < 1e-15)
            break;
    }
    return h;
}

double regularizedBeta(double a, double b, double x)
{
    if (x <= 0)
        return 0.0;
    if (x >= 1)
        return 1.0;
    const double lnFront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return std::exp(lnFront) * betaContinuedFraction(a, b, x) / a;
    return 1.0 - std::exp(lnFront) * betaContinuedFraction(b, a, 1.0 - x) / b;
}

} // namespace

double studentTCdf(double t, double df)
{
    if (!(df > 0))
        throw Error("student t: degrees of freedom must be positive");
    const double tail = 0.5 * regularizedBeta(df / 2.0, 0.5, df / (df + t * t)); // P(T > |t|)
    return t >= 0 ? 1.0 - tail : tail;
}

double studentTQuantile(double p, double df)
{
    if (!(p > 0 && p < 1))
        throw Error("student t: probability must lie strictly between 0 and 1");
    double lo = -1e7, hi = 1e7;
    for (int i = 0; i < 300 && hi - lo > 1e-12 * std::max(1.0, std::fabs(lo)); ++i) {
        const double mid = 0.5 * (lo + hi);
        (studentTCdf(mid, df) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

Interval pairedDifference(const std::vector<double> &a, const std::vector<double> &b, double level)
{
    if (a.size() != b.size())
        throw Error("paired difference: the two samples differ in size");
    if (a.size() < 2)
        throw Error("paired difference: needs at least 2 pairs");
    std::vector<double> d(a.size());
    for (size_t i = 0; i < a.size(); ++i)
        d[i] = a[i] - b[i];
    const double n = static_cast<double>(d.size());
    const double half = studentTQuantile(0.5 + level / 2.0, n - 1.0) * sampleStddev(d) / std::sqrt(n);
    const double m = mean(d);
    return {m, m - half, m + half};
}

namespace {

PointStats statsOf(const std::vector<double> &values)
{
    PointStats s;
    s.n = static_cast<int>(values.size());
    if (values.empty())
        return s;
    s.mean = mean(values);
    s.stddev = sampleStddev(values);
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    return s;
}

} // namespace

void computeStatistics(ExperimentResult &r)
{
    const size_t n = r.points.size();
    r.accuracy.assign(n, {});
    r.loss.assign(n, {});
    // Per point, value by seed, so that differences pair the same seeds.
    std::vector<std::map<std::uint64_t, double>> acc(n), loss(n);
    for (const RunRecord &run : r.runs) {
        acc[static_cast<size_t>(run.point)][run.seed] = run.testAccuracy;
        loss[static_cast<size_t>(run.point)][run.seed] = run.finalLoss;
    }
    const auto values = [](const std::map<std::uint64_t, double> &m) {
        std::vector<double> v;
        for (const auto &kv : m)
            v.push_back(kv.second);
        return v;
    };
    for (size_t p = 0; p < n; ++p) {
        r.accuracy[p] = statsOf(values(acc[p]));
        r.loss[p] = statsOf(values(loss[p]));
        if (p == 0)
            continue;
        for (auto [stats, table] : {std::pair{&r.accuracy[p], &acc}, std::pair{&r.loss[p], &loss}}) {
            std::vector<double> a, b;
            for (const auto &[seed, v] : (*table)[p])
                if (const auto it = (*table)[0].find(seed); it != (*table)[0].end()) {
                    a.push_back(v);
                    b.push_back(it->second);
                }
            if (a.size() >= 2) {
                const Interval i = pairedDifference(a, b);
                stats->diffMean = i.mean;
                stats->diffLow = i.low;
                stats->diffHigh = i.high;
                stats->hasDiff = true;
            }
        }
    }
}

// ---------------------------------------------------------------- points

ArchSpec withDepth(const ArchSpec &spec, int depth)
{
    ArchSpec s = spec;
    if (depth == 0)
        return s;
    if (s.numStages() == 4 && s.block == BlockKind::Bottleneck)
        for (const StandardDepth &d : standardDepths())
            if (d.depth == depth && d.block == BlockKind::Bottleneck && d.layers.size() == 4) {
                s.layers = d.layers;
                return s;
            }
    if (depth < 1 || depth > 64)
        throw SpecError("depth", "depth: must be 1 to 64 blocks per stage, or 26/50/101/152 for four-stage "
                                 "bottleneck specs (got " + std::to_string(depth) + ")");
    std::fill(s.layers.begin(), s.layers.end(), depth);
    return s;
}

namespace {

std::string layersText(const ArchSpec &s)
{
    std::string t;
    for (size_t i = 0; i < s.layers.size(); ++i)
        t += (i ? "," : "") + std::to_string(s.layers[i]);
    return t;
}

std::string shape(const ArchSpec &s) { return std::to_string(s.cardinality) + "x" + std::to_string(s.width) + "d"; }

ExperimentPoint point(std::string label, const ArchSpec &spec, double x)
{
    validate(spec);
    return {std::move(label), spec, countTotals(spec), x};
}

} // namespace

std::vector<ExperimentPoint> experimentPoints(const ExperimentRequest &req, int numClasses)
{
    std::vector<ExperimentPoint> out;
    if (req.kind == ExperimentKind::Custom) {
        if (req.customSpecs.empty())
            throw Error("experiment: the custom experiment lists no specs");
        for (size_t i = 0; i < req.customSpecs.size(); ++i) {
            ArchSpec s = req.customSpecs[i];
            s.numClasses = numClasses;
            out.push_back(point(describe(s) + " [" + layersText(s) + "]", s, static_cast<double>(i)));
        }
        return out;
    }
    ArchSpec base = withDepth(req.base, req.depth);
    base.numClasses = numClasses;
    if (base.block != BlockKind::Bottleneck)
        throw SpecError("block", "experiment: needs bottleneck blocks (basic blocks have no C or d)");
    validate(baselineOf(base));
    if (req.kind == ExperimentKind::Cardinality) {
        if (req.cardinalities.empty())
            throw SpecError("cardinalities", "cardinalities: the list is empty");
        // Every value is checked before any width is matched: a long list of
        // repeats is refused at once instead of matching each copy.
        std::set<int> seen;
        for (int c : req.cardinalities) {
            if (c < 1 || c > 1024)
                throw SpecError("cardinalities", "cardinalities: each C must be between 1 and 1024 (got " +
                                                     std::to_string(c) + ")");
            if (!seen.insert(c).second)
                throw SpecError("cardinalities", "cardinalities: C=" + std::to_string(c) + " appears twice");
        }
        for (int c : req.cardinalities) {
            const MatchResult m = matchWidth(base, c, req.by);
            out.push_back(point("C=" + std::to_string(c) + " (" + shape(m.matched) + ")", m.matched, c));
        }
        return out;
    }
    // Twice the complexity of the ResNet (C = 1, d = 64) of this depth, as in Table 4.
    const ArchSpec resnet = baselineOf(base);
    const Totals t = countTotals(resnet);
    const Totals twice{2 * t.params, 2 * t.macs};
    out.push_back(point("ResNet 1x64d (1x complexity)", resnet, 0));
    ArchSpec deeper = resnet;
    for (int &n : deeper.layers)
        n *= 2;
    out.push_back(point("deeper: 1x64d, layers " + layersText(deeper), deeper, 1));
    const MatchResult wider = matchWidthTo(resnet, 1, twice, req.by);
    out.push_back(point("wider: " + shape(wider.matched), wider.matched, 2));
    ArchSpec twoGroups = resnet;
    twoGroups.cardinality = 2;
    out.push_back(point("more C: 2x64d", twoGroups, 3));
    const MatchResult many = matchWidthTo(resnet, 32, twice, req.by);
    out.push_back(point("more C: " + shape(many.matched), many.matched, 4));
    return out;
}

std::vector<ArchSpec> readCustomSpecs(const std::string &path)
{
    // A regular file of bounded size (a FIFO or /dev/zero is refused at once).
    const Json j = parseJson(readRegularFile(path, kMaxJsonTextBytes, "specs file"), printableText(path));
    const Json *list = &j;
    if (j.is_object()) {
        if (!j.contains("specs"))
            throw Error(path + ": needs a \"specs\" array of specs");
        list = &j["specs"];
    }
    if (!list->is_array() || list->empty())
        throw Error(path + ": \"specs\" must be a non-empty array of specs");
    std::vector<ArchSpec> specs;
    for (size_t i = 0; i < list->size(); ++i) {
        try {
            specs.push_back(specFromJsonValue((*list)[i]));
        } catch (const Error &e) {
            throw Error(path + ": spec " + std::to_string(i + 1) + ": " + e.what());
        }
    }
    return specs;
}

// ---------------------------------------------------------------- storage

namespace {

Json keyJson(const ExperimentRequest &r, const ArchSpec &spec, std::uint64_t seed)
{
    const TrainOptions &o = r.schedule;
    return Json{{"spec", specJson(spec)},
                {"seed", seed},
                {"data", r.data},
                {"val_fraction", r.valFraction},
                {"split_seed", r.splitSeed},
                {"quick_validation", r.quickValidation},
                {"test_limit", r.testLimit},
                {"limit", o.limitTrain},
                {"epochs", o.epochs},
                {"batch", o.batch},
                {"lr", o.learningRate},
                {"momentum", o.momentum},
                {"weight_decay", o.weightDecay},
                {"schedule", o.schedule == TrainOptions::Schedule::Cosine ? "cosine" : "step"},
                {"augment", o.augment},
                {"device", o.device}};
}

std::string hex64(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// FNV-1a: a stable file name for a key (the file holds the key itself, which is compared).
std::uint64_t fnv1a(const std::string &s)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

void writeAtomically(const fs::path &path, const std::string &text)
{
    writeFileAtomically(path.string(), text); // O_EXCL temp, fsync and close checked, rename
}

// An exclusive lock on <dir>/.lock for as long as a run writes into dir: a
// second process resuming into the same folder is refused with one clear line
// instead of racing over the same run files.
class FolderLock {
public:
    FolderLock() = default;
    explicit FolderLock(int fd) : m_fd(fd) {}
    FolderLock(FolderLock &&o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    FolderLock &operator=(FolderLock &&o) noexcept
    {
        std::swap(m_fd, o.m_fd);
        return *this;
    }
    ~FolderLock()
    {
        if (m_fd >= 0)
            ::close(m_fd); // releases the flock
    }

private:
    int m_fd = -1;
};

FolderLock lockFolder(const std::string &dir)
{
    const std::string path = (fs::path(dir) / ".lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error("out: cannot open the lock file '" + printableText(path) + "' (" + std::strerror(errno) + ")");
    FolderLock lock(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw Error("out: the lock file '" + printableText(path) + "' is not a regular file");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        throw Error("out: '" + printableText(dir) +
                    "' is in use by another experiment (it holds the lock " + printableText(path) +
                    "); wait for it to finish or choose another --out");
    return lock;
}

Json runJson(const RunRecord &run, const Json &key)
{
    Json epochs = Json::array();
    for (size_t i = 0; i < run.epochs.size(); ++i) {
        const TrainProgress &p = run.epochs[i];
        epochs.push_back({{"epoch", p.epoch},
                          {"mean_loss", i < run.epochLoss.size() ? run.epochLoss[i] : 0.0},
                          {"last_loss", p.loss},
                          {"train_accuracy", p.trainAccuracy},
                          {"val_accuracy", p.valAccuracy},
                          {"seconds", p.epochSeconds},
                          {"images_per_second", p.imagesPerSecond}});
    }
    return Json{{"key", key},
                {"seed", run.seed},
                {"epochs", epochs},
                {"test_accuracy", run.testAccuracy},
                {"final_loss", run.finalLoss},
                {"train_seconds", run.trainSeconds},
                {"test_seconds", run.testSeconds}};
}


} // namespace

std::string runKey(const ExperimentRequest &request, const ArchSpec &spec, std::uint64_t seed)
{
    return dumpJson(keyJson(request, spec, seed), false);
}

Json experimentJson(const ExperimentResult &r)
{
    Json points = Json::array();
    for (size_t i = 0; i < r.points.size(); ++i) {
        const ExperimentPoint &p = r.points[i];
        Json pj{{"label", p.label},
                {"x", p.x},
                {"cardinality", p.spec.cardinality},
                {"width", p.spec.width},
                {"layers", p.spec.layers},
                {"params", p.totals.params},
                {"macs", p.totals.macs}};
        const auto stats = [](const PointStats &s) {
            Json j{{"n", s.n}, {"mean", s.mean}, {"std", s.stddev}, {"min", s.min}, {"max", s.max}};
            if (s.hasDiff)
                j["diff_to_reference"] = {{"mean", s.diffMean}, {"low95", s.diffLow}, {"high95", s.diffHigh}};
            return j;
        };
        if (i < r.accuracy.size()) {
            pj["test_accuracy"] = stats(r.accuracy[i]);
            pj["final_loss"] = stats(r.loss[i]);
        }
        pj["spec"] = specJson(p.spec);
        points.push_back(pj);
    }
    Json runs = Json::array();
    for (const RunRecord &run : r.runs) {
        Json j = runJson(run, Json());
        j.erase("key");
        j["point"] = run.point;
        j["resumed"] = run.resumed;
        runs.push_back(j);
    }
    return Json{{"experiment", r.name},
                {"data", r.dataDescription},
                {"planned_runs", r.plannedRuns},
                {"finished_runs", r.runs.size()},
                {"wall_seconds", r.wallSeconds},
                {"reference", r.points.empty() ? "" : r.points.front().label},
                {"points", points},
                {"runs", runs}};
}

std::string experimentCsv(const ExperimentResult &r)
{
    std::ostringstream os;
    os << "point,label,cardinality,width,layers,params,macs,runs,acc_mean_pct,acc_std_pct,acc_min_pct,acc_max_pct,"
          "diff_mean_pct,diff_low95_pct,diff_high95_pct,loss_mean,loss_std\n";
    const auto num = [](double v, int digits) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", digits, v);
        return std::string(buf);
    };
    for (size_t i = 0; i < r.points.size(); ++i) {
        const ExperimentPoint &p = r.points[i];
        const PointStats a = i < r.accuracy.size() ? r.accuracy[i] : PointStats{};
        const PointStats l = i < r.loss.size() ? r.loss[i] : PointStats{};
        os << i << ",\"" << p.label << "\"," << p.spec.cardinality << "," << p.spec.width << ",\"" << layersText(p.spec)
           << "\"," << p.totals.params << "," << p.totals.macs << "," << a.n << "," << num(100 * a.mean, 3) << ","
           << num(100 * a.stddev, 3) << "," << num(100 * a.min, 3) << "," << num(100 * a.max, 3) << ","
           << (a.hasDiff ? num(100 * a.diffMean, 3) : "") << "," << (a.hasDiff ? num(100 * a.diffLow, 3) : "") << ","
           << (a.hasDiff ? num(100 * a.diffHigh, 3) : "") << "," << num(l.mean, 5) << "," << num(l.stddev, 5) << "\n";
    }
    return os.str();
}

// ---------------------------------------------------------------- runner

ExperimentResult runExperiment(Engine &engine, const ExperimentRequest &req, const ExperimentCallbacks &cb)
{
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    if (req.seeds < 1 || req.seeds > 100)
        throw SpecError("seeds", "seeds: must be between 1 and 100 (got " + std::to_string(req.seeds) + ")");
    if (req.schedule.epochs < 1 || req.schedule.epochs > kMaxEpochs)
        throw SpecError("epochs", "epochs: must be between 1 and " + std::to_string(kMaxEpochs) + " (got " +
                                      std::to_string(req.schedule.epochs) + ")");
    if (!(req.valFraction >= 0 && req.valFraction <= 0.9)) // NaN too
        throw SpecError("val-fraction", "val-fraction: must be between 0 and 0.9");
    const ArchSpec &shapeSpec = req.kind == ExperimentKind::Custom && !req.customSpecs.empty() ? req.customSpecs.front()
                                                                                              : req.base;
    if (req.kind == ExperimentKind::Custom)
        for (const ArchSpec &s : req.customSpecs)
            if (s.inputSize != shapeSpec.inputSize || s.inChannels != shapeSpec.inChannels)
                throw SpecError("input", "experiment: every spec must take the same input size and channels");
    // The points are checked before the data is read: a bad spec fails fast.
    experimentPoints(req, std::max(2, shapeSpec.numClasses));
    fs::path runsDir;
    FolderLock lock;
    if (!req.outDir.empty()) {
        std::error_code ec;
        fs::create_directories(fs::path(req.outDir) / "runs", ec);
        if (ec)
            throw Error("out: cannot create folder '" + req.outDir + "' (" + ec.message() + ")");
        runsDir = fs::path(req.outDir) / "runs";
        lock = lockFolder(req.outDir);
    }

    DataSplit data = loadData(req.data, shapeSpec.inputSize, shapeSpec.inChannels, req.valFraction, req.splitSeed);
    if (req.quickValidation && req.schedule.limitTrain > 0 && req.valFraction > 0) {
        const size_t classes = std::max<size_t>(1, data.classNames.size());
        data.validation = firstPerClass(data.validation, std::max<size_t>(1, req.schedule.limitTrain / 2 / classes));
    }
    if (req.testLimit > 0) {
        const size_t classes = std::max<size_t>(1, data.classNames.size());
        data.test = firstPerClass(data.test, std::max<size_t>(1, req.testLimit / classes));
    }
    const size_t trainCount = req.schedule.limitTrain ? std::min(req.schedule.limitTrain, data.train.count())
                                                      : data.train.count();

    ExperimentResult result;
    result.points = experimentPoints(req, static_cast<int>(data.classNames.size()));
    {
        std::ostringstream name;
        if (req.kind == ExperimentKind::Cardinality)
            name << "cardinality at equal " << toString(req.by) << ", layers " << layersText(result.points.front().spec);
        else if (req.kind == ExperimentKind::Double)
            name << "double the complexity (by " << toString(req.by) << "), layers "
                 << layersText(result.points.front().spec);
        else
            name << "custom: " << result.points.size() << " specs";
        result.name = name.str();
        std::ostringstream d;
        d << data.description << "; split seed " << req.splitSeed << " (fixed for every run); training on the first "
          << trainCount << " training images";
        d << "; validation " << data.validation.count() << " images (shown, never used to select); test "
          << data.test.count() << " images" << (req.testLimit ? " (the first of each class)" : "")
          << (req.data == "fashion-mnist" ? "" : " (= validation: a folder has no separate test set)");
        result.dataDescription = d.str();
    }
    const int seeds = req.seeds;
    result.plannedRuns = static_cast<int>(result.points.size()) * seeds;
    if (cb.status)
        cb.status(result.dataDescription);
    const auto publish = [&] {
        computeStatistics(result);
        result.wallSeconds = std::chrono::duration<double>(Clock::now() - started).count();
        if (!req.outDir.empty()) {
            writeAtomically(fs::path(req.outDir) / "summary.json", dumpJson(experimentJson(result)));
            writeAtomically(fs::path(req.outDir) / "summary.csv", experimentCsv(result));
        }
        if (cb.runFinished)
            cb.runFinished(result);
    };

    int runIndex = 0;
    for (size_t p = 0; p < result.points.size(); ++p) {
        const ExperimentPoint &pt = result.points[p];
        for (int s = 0; s < seeds; ++s, ++runIndex) {
            const auto seed = static_cast<std::uint64_t>(s);
            const Json key = keyJson(req, pt.spec, seed);
            const std::string keyText = dumpJson(key, false);
            fs::path file;
            if (!runsDir.empty()) {
                file = runsDir / (hex64(fnv1a(keyText)) + ".json");
                struct stat st {};
                if (::lstat(file.c_str(), &st) == 0) { // anything at the name: read it, or say why not
                    const Json j = parseJson(readRegularFile(file.string(), kMaxJsonTextBytes, "run file"),
                                             printableText(file.string()));
                    if (!j.contains("key") || dumpJson(j["key"], false) != keyText)
                        throw Error(file.string() + ": holds another run (its key differs); remove it");
                    RunRecord r = runFromJson(j, file.string());
                    r.point = static_cast<int>(p);
                    result.runs.push_back(std::move(r));
                    if (cb.status)
                        cb.status("run " + std::to_string(runIndex + 1) + "/" + std::to_string(result.plannedRuns) +
                                  ": " + pt.label + ", seed " + std::to_string(seed) + ": already done (" +
                                  file.filename().string() + ")");
                    publish();
                    continue;
                }
            }
            ExperimentProgress progress;
            progress.run = runIndex;
            progress.runs = result.plannedRuns;
            progress.done = static_cast<int>(result.runs.size());
            progress.point = static_cast<int>(p);
            progress.seed = seed;
            if (cb.progress && !cb.progress(progress))
                throw Cancelled();
            if (cb.status) {
                std::ostringstream line;
                line << "run " << runIndex + 1 << "/" << result.plannedRuns << ": " << pt.label << ", seed " << seed
                     << ": " << withThousands(pt.totals.params) << " params, " << withThousands(pt.totals.macs)
                     << " MACs";
                cb.status(line.str());
            }
            TrainOptions o = req.schedule;
            o.spec = pt.spec;
            o.seed = seed;
            RunRecord run;
            run.point = static_cast<int>(p);
            run.seed = seed;
            double lossSum = 0;
            size_t lossSteps = 0;
            TrainResult trained = engine.train(o, data.train, data.validation, data.classNames, [&](const TrainProgress &tp) {
                if (tp.trainAccuracy < 0) { // a step (the epoch-end report repeats the last step)
                    lossSum += tp.loss;
                    ++lossSteps;
                } else {
                    run.epochLoss.push_back(lossSteps ? lossSum / static_cast<double>(lossSteps) : tp.loss);
                    lossSum = 0;
                    lossSteps = 0;
                }
                progress.train = tp;
                return !cb.progress || cb.progress(progress);
            });
            run.epochs = trained.epochs;
            run.trainSeconds = trained.seconds;
            run.finalLoss = run.epochLoss.empty() ? 0.0 : run.epochLoss.back();
            progress.testing = true;
            const EvalResult test = trained.model->evaluate(data.test, kEvalBatch, [&](size_t, size_t) {
                return !cb.progress || cb.progress(progress);
            });
            run.testAccuracy = test.accuracy();
            run.testSeconds = test.seconds;
            if (!file.empty())
                writeAtomically(file, dumpJson(runJson(run, key)));
            result.runs.push_back(std::move(run));
            if (cb.status) {
                std::ostringstream line;
                line << "  test accuracy " << std::fixed;
                line.precision(2);
                line << 100 * result.runs.back().testAccuracy << "%, " << result.runs.back().trainSeconds << " s";
                cb.status(line.str());
            }
            publish();
        }
    }
    if (result.runs.empty())
        publish();
    result.wallSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

} // namespace resnext
