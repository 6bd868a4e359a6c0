// The experiment runner: statistics against known values, the ready
// experiments' points, determinism of a tiny run, resume and cancel.
#include "resnext/datasource.h"
#include "resnext/error.h"
#include "resnext/experiment.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace resnext;

namespace {

// Forwards to the real engine and counts the training runs it is asked for.
class CountingEngine : public Engine {
public:
    explicit CountingEngine(Engine &inner) : m_inner(inner) {}
    int trainCalls = 0;
    DeviceInfo deviceInfo() override { return m_inner.deviceInfo(); }
    void setThreads(int threads) override { m_inner.setThreads(threads); }
    std::unique_ptr<Model> create(const ModelInfo &info, std::uint64_t seed, const std::string &device) override
    {
        return m_inner.create(info, seed, device);
    }
    std::unique_ptr<Model> load(const std::string &path, const LoadOptions &options, LoadReport *report,
                                const std::string &device) override
    {
        return m_inner.load(path, options, report, device);
    }
    std::unique_ptr<Model> loadBuiltin(const std::string &device) override { return m_inner.loadBuiltin(device); }
    TrainResult train(const TrainOptions &options, const ImageSet &train, const ImageSet &validation,
                      const std::vector<std::string> &labels,
                      const std::function<bool(const TrainProgress &)> &progress) override
    {
        ++trainCalls;
        return m_inner.train(options, train, validation, labels, progress);
    }

private:
    Engine &m_inner;
};

// 2 points x `seeds` seeds of the built-in family at one block per stage, on 200 images for one epoch.
ExperimentRequest tinyRequest(int seeds = 1)
{
    ExperimentRequest r;
    r.base = fashionMnistSpec();
    r.depth = 1;
    r.cardinalities = {1, 4};
    r.seeds = seeds;
    r.schedule.epochs = 1;
    r.schedule.batch = 50;
    r.schedule.limitTrain = 200;
    r.testLimit = 100;
    return r;
}

template <typename F> QString errorOf(F &&f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return "(no error)";
}

} // namespace

class TestExperiment : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { loadEngine().setThreads(1); }

    void meanAndStd()
    {
        QCOMPARE(mean({1, 2, 3, 4}), 2.5);
        QVERIFY(std::fabs(sampleStddev({1, 2, 3, 4}) - 1.2909944487358056) < 1e-15);
        QCOMPARE(sampleStddev({5}), 0.0);
    }

    void tQuantilesMatchTheTable()
    {
        // Two-sided 95% critical values of Student's t (any statistics table).
        const std::vector<std::pair<double, double>> table = {
            {1, 12.706204736174698}, {2, 4.302652729749464}, {4, 2.7764451051977934},
            {9, 2.2621571628540993}, {29, 2.045229642132703}};
        for (const auto &[df, t] : table)
            QVERIFY2(std::fabs(studentTQuantile(0.975, df) - t) < 1e-9, qPrintable(QString::number(df)));
        QVERIFY(std::fabs(studentTQuantile(0.975, 1e7) - 1.959963984540054) < 1e-5); // the normal limit
        QCOMPARE(studentTCdf(0, 3), 0.5);
        QVERIFY(std::fabs(studentTCdf(1, 1) - 0.75) < 1e-12); // Cauchy: 1/2 + atan(1)/pi
        QVERIFY(std::fabs(studentTCdf(-2, 5) - 0.05096973941492914) < 1e-12);
    }

    void pairedIntervalOverSeeds()
    {
        // Differences 0.02, 0.03, 0.01: mean 0.02, sd 0.01, half width t(0.975, 2) * 0.01 / sqrt(3).
        const Interval i = pairedDifference({0.80, 0.82, 0.81}, {0.78, 0.79, 0.80});
        const double half = 4.302652729749464 * 0.01 / std::sqrt(3.0);
        QVERIFY(std::fabs(i.mean - 0.02) < 1e-12);
        QVERIFY(std::fabs(i.low - (0.02 - half)) < 1e-9);
        QVERIFY(std::fabs(i.high - (0.02 + half)) < 1e-9);
        QCOMPARE(errorOf([] { pairedDifference({1}, {2}); }), QString("paired difference: needs at least 2 pairs"));
    }

    void statisticsPairBySeed()
    {
        ExperimentResult r;
        r.points.resize(2);
        // Point 1 has seeds 2, 0, 1 in another order and one unmatched seed 7.
        const std::vector<std::tuple<int, std::uint64_t, double>> runs = {
            {0, 0, 0.78}, {0, 1, 0.79}, {0, 2, 0.80}, {1, 2, 0.81}, {1, 0, 0.80}, {1, 1, 0.82}, {1, 7, 0.5}};
        for (const auto &[p, seed, acc] : runs) {
            RunRecord run;
            run.point = p;
            run.seed = seed;
            run.testAccuracy = acc;
            r.runs.push_back(run);
        }
        computeStatistics(r);
        QCOMPARE(r.accuracy[0].n, 3);
        QVERIFY(std::fabs(r.accuracy[0].mean - 0.79) < 1e-12);
        QCOMPARE(r.accuracy[0].min, 0.78);
        QCOMPARE(r.accuracy[0].max, 0.80);
        QVERIFY(!r.accuracy[0].hasDiff);
        QCOMPARE(r.accuracy[1].n, 4);
        QVERIFY(r.accuracy[1].hasDiff);
        QVERIFY(std::fabs(r.accuracy[1].diffMean - 0.02) < 1e-12); // seed 7 has no partner
        const double half = 4.302652729749464 * 0.01 / std::sqrt(3.0);
        QVERIFY(std::fabs(r.accuracy[1].diffHigh - (0.02 + half)) < 1e-9);
    }

    void cardinalityPointsUseTheSolver()
    {
        ExperimentRequest r;
        r.base = fashionMnistSpec();
        r.depth = 2;
        const auto points = experimentPoints(r, 10);
        QCOMPARE(points.size(), size_t(6));
        for (const ExperimentPoint &p : points) {
            const MatchResult m = matchWidth(p.spec, p.spec.cardinality, MatchBy::Params);
            QCOMPARE(p.spec.width, m.width);
            QCOMPARE(p.x, double(p.spec.cardinality));
            QCOMPARE(p.spec.layers, (std::vector<int>{2, 2, 2}));
        }
        QCOMPARE(points[0].label, std::string("C=1 (1x64d)"));
        QCOMPARE(points[3].spec.width, 16); // the built-in 8x16d is the solver's pick at C = 8
        r.by = MatchBy::Macs;
        QCOMPARE(experimentPoints(r, 10)[3].spec.width, matchWidth(points[3].spec, 8, MatchBy::Macs).width);
    }

    void doublePointsAreTwiceTheResNet()
    {
        ExperimentRequest r;
        r.kind = ExperimentKind::Double;
        r.base = fashionMnistSpec();
        r.depth = 1;
        const auto points = experimentPoints(r, 10);
        QCOMPARE(points.size(), size_t(5));
        QCOMPARE(points[0].spec.cardinality, 1);
        QCOMPARE(points[0].spec.width, 64);
        QCOMPARE(points[1].spec.layers, (std::vector<int>{2, 2, 2}));
        QCOMPARE(points[3].spec.cardinality, 2);
        QCOMPARE(points[3].spec.width, 64);
        const Totals twice{2 * points[0].totals.params, 2 * points[0].totals.macs};
        QVERIFY(points[2].spec == matchWidthTo(points[0].spec, 1, twice).matched);
        QVERIFY(points[4].spec == matchWidthTo(points[0].spec, 32, twice).matched);
        QVERIFY(std::fabs(points[2].totals.params / static_cast<double>(twice.params) - 1.0) < 0.05);
    }

    void depthMapsToLayers()
    {
        QCOMPARE(withDepth(preset("resnet50").spec, 101).layers, (std::vector<int>{3, 4, 23, 3}));
        QCOMPARE(withDepth(preset("resnet50").spec, 2).layers, (std::vector<int>{2, 2, 2, 2}));
        QCOMPARE(withDepth(fashionMnistSpec(), 3).layers, (std::vector<int>{3, 3, 3}));
        QCOMPARE(errorOf([] { withDepth(fashionMnistSpec(), 65); }),
                 QString("depth: must be 1 to 64 blocks per stage, or 26/50/101/152 for four-stage bottleneck specs "
                         "(got 65)"));
    }

    void badInputIsNamed()
    {
        Engine &e = loadEngine();
        ExperimentRequest r = tinyRequest();
        r.seeds = 0;
        QCOMPARE(errorOf([&] { runExperiment(e, r); }), QString("seeds: must be between 1 and 100 (got 0)"));
        r = tinyRequest();
        r.schedule.epochs = 0;
        QCOMPARE(errorOf([&] { runExperiment(e, r); }), QString("epochs: must be between 1 and 1000 (got 0)"));
        r = tinyRequest();
        r.cardinalities = {1, 0};
        QCOMPARE(errorOf([&] { runExperiment(e, r); }),
                 QString("cardinalities: each C must be between 1 and 1024 (got 0)"));
        QCOMPARE(errorOf([] { parseExperimentKind("widest"); }),
                 QString("experiment: unknown experiment 'widest'; use cardinality, double or a FILE.json"));
        QCOMPARE(errorOf([] { readCustomSpecs("/nonexistent/x.json"); }), QString("/nonexistent/x.json: cannot open file (No such file or directory)"));
        QTemporaryDir dir;
        const std::string path = dir.filePath("specs.json").toStdString();
        std::ofstream(path) << "{\"specs\": []}";
        QCOMPARE(errorOf([&] { readCustomSpecs(path); }),
                 QString::fromStdString(path + ": \"specs\" must be a non-empty array of specs"));
        Json bad = specJson(fashionMnistSpec());
        bad["cardinality"] = 0;
        std::ofstream(path) << dumpJson(Json{{"specs", {bad}}});
        QVERIFY2(errorOf([&] { readCustomSpecs(path); }).startsWith(QString::fromStdString(path + ": spec 1: cardinality")),
                 qPrintable(errorOf([&] { readCustomSpecs(path); })));
    }

    void customSpecsRoundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("specs.json").toStdString();
        ArchSpec a = withDepth(fashionMnistSpec(), 1), b = a;
        b.cardinality = 4;
        b.width = 24;
        std::ofstream(path) << dumpJson(Json{{"specs", {specJson(a), specJson(b)}}});
        ExperimentRequest r;
        r.kind = ExperimentKind::Custom;
        r.customSpecs = readCustomSpecs(path);
        const auto points = experimentPoints(r, 10);
        QCOMPARE(points.size(), size_t(2));
        QVERIFY(points[1].spec == b);
    }

    void sameSeedSameNumbers()
    {
        Engine &e = loadEngine();
        ExperimentRequest r = tinyRequest(2);
        r.cardinalities = {4};
        const ExperimentResult first = runExperiment(e, r);
        const ExperimentResult second = runExperiment(e, r);
        QCOMPARE(first.runs.size(), size_t(2));
        for (size_t i = 0; i < first.runs.size(); ++i) {
            QCOMPARE(first.runs[i].testAccuracy, second.runs[i].testAccuracy);
            QCOMPARE(first.runs[i].epochLoss, second.runs[i].epochLoss);
            QCOMPARE(first.runs[i].epochs.back().valAccuracy, second.runs[i].epochs.back().valAccuracy);
        }
        // Seeds 0 and 1 are different runs: the test above could fail.
        QVERIFY(first.runs[0].epochLoss != first.runs[1].epochLoss);
    }

    void resumeSkipsFinishedRuns()
    {
        QTemporaryDir dir;
        CountingEngine e(loadEngine());
        ExperimentRequest r = tinyRequest();
        r.outDir = dir.path().toStdString();
        int finishedCallbacks = 0;
        ExperimentCallbacks cb;
        cb.runFinished = [&](const ExperimentResult &) { ++finishedCallbacks; };
        const ExperimentResult first = runExperiment(e, r, cb);
        QCOMPARE(e.trainCalls, 2);
        QCOMPARE(finishedCallbacks, 2);
        QVERIFY(std::filesystem::exists(dir.filePath("summary.json").toStdString()));
        QVERIFY(std::filesystem::exists(dir.filePath("summary.csv").toStdString()));

        const ExperimentResult again = runExperiment(e, r);
        QCOMPARE(e.trainCalls, 2); // nothing trained the second time
        QCOMPARE(again.runs.size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            QVERIFY(again.runs[i].resumed);
            QCOMPARE(again.runs[i].testAccuracy, first.runs[i].testAccuracy);
            QCOMPARE(again.runs[i].epochLoss, first.runs[i].epochLoss);
        }
        // Other settings are other runs.
        r.schedule.learningRate = 0.05;
        runExperiment(e, r);
        QCOMPARE(e.trainCalls, 4);
    }

    void cancelKeepsFinishedRuns()
    {
        QTemporaryDir dir;
        CountingEngine e(loadEngine());
        ExperimentRequest r = tinyRequest();
        r.outDir = dir.path().toStdString();
        ExperimentCallbacks cb;
        cb.progress = [](const ExperimentProgress &p) { return !(p.run == 1 && p.train.step >= 1); };
        bool cancelled = false;
        try {
            runExperiment(e, r, cb);
        } catch (const Cancelled &) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(e.trainCalls, 2); // the second run started and stopped
        const auto files = std::distance(std::filesystem::directory_iterator(dir.filePath("runs").toStdString()),
                                         std::filesystem::directory_iterator{});
        QCOMPARE(files, 1L); // only the finished run is stored
        const ExperimentResult rest = runExperiment(e, r);
        QCOMPARE(e.trainCalls, 3); // only the cancelled run is trained again
        QVERIFY(rest.runs[0].resumed);
        QVERIFY(!rest.runs[1].resumed);
    }
};

QTEST_APPLESS_MAIN(TestExperiment)
#include "test_experiment.moc"
