// Group analysis (resnext/groups.h): linear CKA's defining properties, the
// selectivity index, the block's merge step, and the engine's pass over a data
// set: unablated = evaluate() exactly, a zeroed group = a model whose group is
// zeroed in its weights, forms (a) and (c) give the same numbers, bad input
// is refused by name, cancel stops.
#include "resnext/checkpoint.h"
#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/groups.h"
#include "resnext/model.h"
#include "resnext/safetensors.h"
#include "resnext/usecases.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstdlib>
#include <numeric>
#include <random>
#include <set>

using namespace resnext;

namespace {

std::vector<double> gaussian(std::size_t n, std::size_t p, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> dist;
    std::vector<double> v(n * p);
    for (double &x : v)
        x = dist(rng);
    return v;
}

// X [n][p] times Q [p][q].
std::vector<double> times(const std::vector<double> &x, std::size_t n, std::size_t p, const std::vector<double> &q,
                          std::size_t cols)
{
    std::vector<double> out(n * cols, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < p; ++j)
            for (std::size_t k = 0; k < cols; ++k)
                out[i * cols + k] += x[i * p + j] * q[j * cols + k];
    return out;
}

// A random p x p orthogonal matrix (Gram-Schmidt of a Gaussian one).
std::vector<double> orthogonal(std::size_t p, unsigned seed)
{
    auto m = gaussian(p, p, seed); // rows become the basis
    for (std::size_t i = 0; i < p; ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            double dot = 0;
            for (std::size_t k = 0; k < p; ++k)
                dot += m[i * p + k] * m[j * p + k];
            for (std::size_t k = 0; k < p; ++k)
                m[i * p + k] -= dot * m[j * p + k];
        }
        double norm = 0;
        for (std::size_t k = 0; k < p; ++k)
            norm += m[i * p + k] * m[i * p + k];
        for (std::size_t k = 0; k < p; ++k)
            m[i * p + k] /= std::sqrt(norm);
    }
    return m;
}

bool haveFashionMnist() { return QFile::exists(QString(kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"); }

ImageSet firstImages(std::size_t n)
{
    static const ImageSet all = loadEvaluationSet("fashion-mnist", fashionMnistSpec()); // read once
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    return subset(all, idx);
}

} // namespace

class TestGroups : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ckaOfItselfIsOne()
    {
        const auto x = gaussian(200, 6, 1);
        QVERIFY(std::fabs(linearCka(x, 6, x, 6, 200) - 1.0) < 1e-12);
    }

    void ckaIsInvariantToOrthogonalTransformsAndIsotropicScaling()
    {
        const std::size_t n = 300, p = 5;
        auto x = gaussian(n, p, 2);
        // A representation related to x but not identical, so CKA is not trivially 1.
        auto y = times(x, n, p, gaussian(p, 3, 3), 3);
        const auto noise = gaussian(n, 3, 4);
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] += 0.5 * noise[i];
        const double base = linearCka(x, p, y, 3, n);
        QVERIFY(base > 0.05 && base < 0.99);
        const auto rotated = times(x, n, p, orthogonal(p, 5), p);
        QVERIFY(std::fabs(linearCka(rotated, p, y, 3, n) - base) < 1e-12);
        auto scaled = x;
        for (double &v : scaled)
            v *= 7.5;
        QVERIFY(std::fabs(linearCka(scaled, p, y, 3, n) - base) < 1e-12);
        // A constant offset is removed by the centring.
        auto shifted = y;
        for (double &v : shifted)
            v += 3.0;
        QVERIFY(std::fabs(linearCka(x, p, shifted, 3, n) - base) < 1e-12);
    }

    void ckaOfIndependentFeaturesIsNearZero()
    {
        const std::size_t n = 5000, p = 4;
        const auto x = gaussian(n, p, 6), y = gaussian(n, p, 7);
        const double independent = linearCka(x, p, y, p, n);
        QVERIFY2(independent < 0.01, qPrintable(QString::number(independent)));
        QCOMPARE(linearCka(x, p, x, p, n), 1.0);
    }

    void ckaRefusesMismatchedSizes()
    {
        try {
            linearCka(std::vector<double>(10), 2, std::vector<double>(9), 2, 5);
            QFAIL("no error");
        } catch (const Error &e) {
            QCOMPARE(QString(e.what()), QString("cka: the representations must hold n rows of their widths (10 and 9 "
                                                "values for n = 5)"));
        }
    }

    void groupCkaAgreesWithThePairwiseForm()
    {
        const std::size_t n = 400, c = 3, d = 4;
        const auto g = gaussian(n, c * d, 8);
        std::vector<float> pooled(g.begin(), g.end());
        // Group 2 = a rotation of group 0: CKA 1 between them.
        const auto q = orthogonal(d, 9);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t k = 0; k < d; ++k) {
                double v = 0;
                for (std::size_t j = 0; j < d; ++j)
                    v += static_cast<double>(pooled[i * c * d + j]) * q[j * d + k];
                pooled[i * c * d + 2 * d + k] = static_cast<float>(v);
            }
        const auto m = groupCka(pooled, n, static_cast<int>(c), static_cast<int>(d));
        const auto column = [&](std::size_t grp) {
            std::vector<double> v(n * d);
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < d; ++j)
                    v[i * d + j] = pooled[i * c * d + grp * d + j];
            return v;
        };
        for (std::size_t a = 0; a < c; ++a) {
            QCOMPARE(m[a][a], 1.0);
            for (std::size_t b = 0; b < c; ++b) {
                QVERIFY(std::fabs(m[a][b] - m[b][a]) < 1e-15);
                QVERIFY(std::fabs(m[a][b] - linearCka(column(a), d, column(b), d, n)) < 1e-9);
            }
        }
        QVERIFY(std::fabs(m[0][2] - 1.0) < 1e-6);
        QVERIFY(m[0][1] < 0.05);
    }

    void selectivityIndexIsTheStandardOne()
    {
        QCOMPARE(selectivityIndex({2.0, 0.0, 0.0}), 1.0);
        QCOMPARE(selectivityIndex({1.0, 1.0, 1.0}), 0.0);
        // mu_max 3, mu_rest (1 + 2) / 2 = 1.5: (3 - 1.5) / 4.5.
        QVERIFY(std::fabs(selectivityIndex({1.0, 3.0, 2.0}) - 1.5 / 4.5) < 1e-15);
        QCOMPARE(selectivityIndex({0.0, 0.0}), 0.0);
    }

    void summaryCountsPerClassAndRanksTopImages()
    {
        GroupActivations pass;
        pass.block = "layer1.0";
        pass.cardinality = 2;
        pass.groupWidth = 1;
        pass.count = 4;
        pass.energy = {1, 0, 3, 0, 0, 2, 0, 4}; // [image][group]
        pass.pooled = {1, 0, 2, 1, 0, 3, 1, 4};
        pass.correct = 3;
        pass.zeroedCorrect = {2, 1};
        ImageSet data;
        data.labels = {0, 0, 1, 1};
        data.classNames = {"a", "b"};
        const GroupAnalysis a = summarizeGroups(pass, data, 2);
        QCOMPARE(a.selectivity[0], (std::vector<double>{2.0, 0.0}));
        QCOMPARE(a.selectivity[1], (std::vector<double>{0.0, 3.0}));
        QCOMPARE(a.selectivityIndex, (std::vector<double>{1.0, 1.0}));
        QCOMPARE(a.preferredClass, (std::vector<int>{0, 1}));
        QCOMPARE(a.topImages[0], (std::vector<std::size_t>{1, 0}));
        QCOMPARE(a.topImages[1], (std::vector<std::size_t>{3, 2}));
        QCOMPARE(a.accuracy, 0.75);
        QCOMPARE(a.zeroedAccuracy, (std::vector<double>{0.5, 0.25}));
        QCOMPARE(ablationCsv(a), std::string("group,zeroed_accuracy,zeroed_change\nnone,0.75,0\n0,0.5,-0.25\n1,0.25,-0.5\n"));
        QCOMPARE(selectivityCsv(a), std::string("group,a,b,selectivity_index\n0,2,0,1\n1,0,3,1\n"));
    }

    void mergeAfterTheTransformIsTheBlock()
    {
        for (BlockForm form : {BlockForm::A, BlockForm::B, BlockForm::C}) {
            ArchSpec spec = fashionMnistSpec();
            spec.form = form;
            torch::manual_seed(1);
            ResNet net = buildModel(spec);
            net->eval();
            torch::NoGradGuard ng;
            auto x = torch::randn({2, 64, 28, 28});
            auto block = net->stage(1)->ptr<BlockImpl>(0);
            torch::Tensor t;
            const auto expected = block->forwardTapped(x, [&](torch::Tensor &g, const TapSite &) { t = g; }, {});
            QVERIFY(torch::allclose(block->merge(x, t), expected, 1e-5, 1e-6));
            QVERIFY(torch::allclose(block->forward(x), expected, 1e-5, 1e-6));
        }
    }

    void unablatedPassIsEvaluateExactly()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        e.setThreads(2);
        auto model = e.loadBuiltin();
        const ImageSet data = firstImages(300);
        GroupPassOptions o;
        o.block = "layer2.0";
        o.batch = 128;
        const GroupActivations pass = model->groupActivations(data, o);
        const EvalResult ev = model->evaluate(data, 128);
        QCOMPARE(pass.correct, ev.correct);
        QCOMPARE(pass.count, std::size_t{300});
        std::vector<std::vector<std::int64_t>> confusion(10, std::vector<std::int64_t>(10, 0));
        for (std::size_t i = 0; i < data.count(); ++i)
            confusion[static_cast<size_t>(data.labels[i])][static_cast<size_t>(pass.predicted[i])] += 1;
        QVERIFY(confusion == ev.confusion);
        QCOMPARE(pass.cardinality, 8);
        QCOMPARE(pass.groupWidth, 8);
        QCOMPARE(pass.height, 14);
        QCOMPARE(pass.energy.size(), std::size_t{300 * 8});
        QCOMPARE(pass.pooled.size(), std::size_t{300 * 64});
        QCOMPARE(pass.zeroedCorrect.size(), std::size_t{8});
        QVERIFY(pass.keptOnlyCorrect.empty());
    }

    void energyIsTheFeatureViewsGroupEnergy()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        auto model = e.loadBuiltin();
        const ImageSet data = firstImages(3);
        const GroupActivations pass = model->groupActivations(data, {});
        for (std::size_t i = 0; i < 3; ++i) {
            RgbImage img;
            img.width = data.width;
            img.height = data.height;
            for (int p = 0; p < data.width * data.height; ++p)
                for (int ch = 0; ch < 3; ++ch)
                    img.pixels.push_back(data.image(i)[p]);
            const Analysis an = model->analyze(img, 1, "layer2.0");
            for (std::size_t g = 0; g < 8; ++g)
                QVERIFY(std::fabs(an.features.groupEnergy[g] - pass.energy[i * 8 + g]) <=
                        1e-4 * (1.0 + std::fabs(an.features.groupEnergy[g])));
        }
    }

    void zeroedGroupIsAModelWithThatGroupZeroed()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        auto model = e.loadBuiltin();
        const ImageSet data = firstImages(200);
        GroupPassOptions o;
        o.block = "layer2.0";
        o.ablateKeptOnly = true;
        const GroupActivations pass = model->groupActivations(data, o);
        // Zero group 3's BN scale and shift after the grouped conv: its ReLU output is 0.
        const int g = 3, d = 8;
        std::vector<NamedTensor> tensors = model->tensors();
        for (NamedTensor &t : tensors)
            if (t.name == "layer2.0.bn2.weight" || t.name == "layer2.0.bn2.bias")
                std::fill(t.values.begin() + g * d, t.values.begin() + (g + 1) * d, 0.0f);
        std::vector<TensorToWrite> w;
        for (const NamedTensor &t : tensors)
            w.push_back({t.name, DType::F32, t.shape, t.values.data()});
        QTemporaryDir dir;
        const std::string path = dir.filePath("zeroed.safetensors").toStdString();
        writeSafetensors(path, w, checkpointMetadata(model->info()));
        auto zeroed = e.load(path);
        QCOMPARE(pass.zeroedCorrect[static_cast<size_t>(g)], zeroed->evaluate(data, o.batch).correct);
        // Every other group's BN zeroed instead: the kept-only figure.
        tensors = model->tensors();
        for (NamedTensor &t : tensors)
            if (t.name == "layer2.0.bn2.weight" || t.name == "layer2.0.bn2.bias")
                for (int c = 0; c < 64; ++c)
                    if (c / d != g)
                        t.values[static_cast<size_t>(c)] = 0.0f;
        w.clear();
        for (const NamedTensor &t : tensors)
            w.push_back({t.name, DType::F32, t.shape, t.values.data()});
        writeSafetensors(path, w, checkpointMetadata(model->info()));
        QCOMPARE(pass.keptOnlyCorrect[static_cast<size_t>(g)], e.load(path)->evaluate(data, o.batch).correct);
    }

    void formsAAndCGiveTheSameNumbers()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        auto c = e.loadBuiltin();
        LoadOptions lo;
        lo.form = BlockForm::A;
        auto a = e.load(std::string(RESNEXT_SOURCE_DIR) + "/resources/fashion_mnist_resnext.safetensors", lo);
        QVERIFY(a->info().spec.form == BlockForm::A);
        const ImageSet data = firstImages(200);
        GroupRequest req;
        req.untrained = false;
        // On the plain path, where the two forms are different modules (the fast
        // path folds both into the same form (c) weights).
        c->setInferencePath(InferencePath::Plain);
        a->setInferencePath(InferencePath::Plain);
        const GroupReport rc = analyzeGroups(e, *c, data, "fashion-mnist", req);
        const GroupReport ra = analyzeGroups(e, *a, data, "fashion-mnist", req);
        const GroupAnalysis &x = rc.trained, &y = ra.trained;
        QCOMPARE(QString::fromStdString(x.path), QString("plain"));
        QCOMPARE(x.correct, y.correct);
        QCOMPARE(x.zeroedAccuracy, y.zeroedAccuracy);
        QCOMPARE(x.topImages, y.topImages);
        QCOMPARE(x.preferredClass, y.preferredClass);
        const auto close = [](double p, double q) { return std::fabs(p - q) <= 1e-4 * (1.0 + std::fabs(p)); };
        for (std::size_t g = 0; g < 8; ++g) {
            QVERIFY(close(x.selectivityIndex[g], y.selectivityIndex[g]));
            for (std::size_t k = 0; k < 10; ++k)
                QVERIFY(close(x.selectivity[g][k], y.selectivity[g][k]));
            for (std::size_t h = 0; h < 8; ++h)
                QVERIFY(close(x.cka[g][h], y.cka[g][h]));
        }
        // On the fast path (the default) both forms fold into the same weights:
        // every number is the same to the bit.
        if (!e.deviceInfo().fastPath)
            return;
        c->setInferencePath(InferencePath::Fast);
        a->setInferencePath(InferencePath::Fast);
        const GroupAnalysis fc = analyzeGroups(e, *c, data, "fashion-mnist", req).trained;
        const GroupAnalysis fa = analyzeGroups(e, *a, data, "fashion-mnist", req).trained;
        QCOMPARE(QString::fromStdString(fa.path), QString("fast"));
        QCOMPARE(fa.correct, fc.correct);
        QCOMPARE(fa.zeroedAccuracy, fc.zeroedAccuracy);
        QCOMPARE(fa.topImages, fc.topImages);
        QVERIFY(fa.selectivity == fc.selectivity);
        QVERIFY(fa.cka == fc.cka);
    }

    void fastAndPlainPassesAgree()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        if (!e.deviceInfo().fastPath)
            QSKIP("this build has no oneDNN fast path");
        e.setThreads(2);
        auto fast = e.loadBuiltin();
        auto plain = e.loadBuiltin();
        plain->setInferencePath(InferencePath::Plain);
        const ImageSet data = firstImages(300);
        GroupPassOptions o;
        o.batch = 128; // 128, 128, 44: a last batch of another size too
        o.ablateKeptOnly = true;
        const GroupActivations f = fast->groupActivations(data, o), p = plain->groupActivations(data, o);
        QCOMPARE(QString::fromStdString(f.path), QString("fast"));
        QCOMPARE(QString::fromStdString(p.path), QString("plain"));
        QCOMPARE(f.energy.size(), p.energy.size());
        for (std::size_t i = 0; i < f.energy.size(); ++i)
            QVERIFY2(std::fabs(f.energy[i] - p.energy[i]) <= 1e-4 * (1e-3 + std::fabs(p.energy[i])),
                     qPrintable(QString("energy %1: %2 vs %3").arg(i).arg(f.energy[i]).arg(p.energy[i])));
        for (std::size_t i = 0; i < f.pooled.size(); ++i)
            QVERIFY(std::fabs(f.pooled[i] - p.pooled[i]) <= 1e-4 * (1e-3 + std::fabs(p.pooled[i])));
        // Predictions may differ only where two logits tie to float rounding: none
        // of these images, so the counts agree exactly; the ablation's re-runs (the
        // fast path's forwardEdits against LibTorch's modules) agree to one image.
        QCOMPARE(f.predicted, p.predicted);
        QCOMPARE(f.correct, p.correct);
        for (std::size_t g = 0; g < 8; ++g) {
            QVERIFY2(std::llabs(static_cast<long long>(f.zeroedCorrect[g]) - static_cast<long long>(p.zeroedCorrect[g])) <= 1,
                     qPrintable(QString("group %1 zeroed: %2 vs %3").arg(g).arg(f.zeroedCorrect[g]).arg(p.zeroedCorrect[g])));
            QVERIFY(std::llabs(static_cast<long long>(f.keptOnlyCorrect[g]) - static_cast<long long>(p.keptOnlyCorrect[g])) <= 1);
        }
    }

    void untrainedModelIsAnalysedToo()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        auto model = e.loadBuiltin();
        const ImageSet data = firstImages(50);
        GroupRequest req;
        req.limit = 40;
        req.topK = 3;
        std::size_t last = 0, total = 0;
        GroupCallbacks cb;
        cb.progress = [&](std::size_t done, std::size_t all) {
            last = done;
            total = all;
            return true;
        };
        const GroupReport r = analyzeGroups(e, *model, data, "fashion-mnist", req, cb);
        QVERIFY(r.hasUntrained);
        QCOMPARE(r.trained.count, std::size_t{40});
        QCOMPARE(r.untrained.count, std::size_t{40});
        QCOMPARE(last, std::size_t{80});
        QCOMPARE(total, std::size_t{80});
        QCOMPARE(r.trained.topImages[0].size(), std::size_t{3});
        QVERIFY(r.trained.accuracy > 0.6);
        QVERIFY(r.untrained.accuracy < 0.5);
        const Json j = groupReportJson(r);
        QCOMPARE(j["trained"]["cka"].size(), std::size_t{8});
        QCOMPARE(j["untrained"]["ablation"].size(), std::size_t{8});
        QTemporaryDir dir;
        const auto files = writeGroupFiles(r, dir.path().toStdString() + "/out");
        QCOMPARE(files.size(), std::size_t{7});
        QVERIFY(QFile::exists(dir.path() + "/out/cka.csv"));
    }

    void unlabelledImagesAreLabelledByTheTrainedModel()
    {
        Engine &e = loadEngine();
        e.setThreads(2);
        auto model = e.loadBuiltin();
        const std::string samples = std::string(RESNEXT_SOURCE_DIR) + "/sample_images";
        QVERIFY(isUnlabelledFolder(samples));
        QVERIFY(!isUnlabelledFolder("fashion-mnist"));
        QVERIFY(!isUnlabelledFolder("/nonexistent/folder"));
        QTemporaryDir dir; // one sub-folder per class: labelled, not unlabelled
        QVERIFY(QDir(dir.path()).mkpath("a"));
        QVERIFY(QFile::copy(QString::fromStdString(samples) + "/photo-coffee.png", dir.filePath("a/x.png")));
        QVERIFY(!isUnlabelledFolder(dir.path().toStdString()));
        QVERIFY(QFile::copy(QString::fromStdString(samples) + "/photo-coffee.png", dir.filePath("y.png")));
        QVERIFY(!isUnlabelledFolder(dir.path().toStdString())); // a class folder wins over a stray image

        const std::vector<std::string> files = listImageFiles(samples);
        const ImageSet data = loadUnlabelledImages(files, model->info().spec);
        const AnalysisImages viaFolder = loadAnalysisImages(samples, model->info().spec);
        QVERIFY(!viaFolder.labelled);
        QCOMPARE(viaFolder.files, files);
        QVERIFY(viaFolder.data.pixels == data.pixels);
        QCOMPARE(data.count(), files.size());
        QCOMPARE(data.width, 28);
        QCOMPARE(data.classNames, std::vector<std::string>{"unlabelled"});
        GroupRequest req;
        req.predictedLabels = true;
        req.pass.ablateKeptOnly = true;
        const GroupReport r = analyzeGroups(e, *model, data, "sample_images", req);
        QVERIFY(r.predictedLabels && r.trained.predictedLabels && r.untrained.predictedLabels);
        // The labels are the trained model's own predictions: it agrees with all of them.
        QCOMPARE(r.trained.accuracy, 1.0);
        QVERIFY(r.untrained.accuracy < 0.5);
        // The classes are the predicted ones, by the model's names, each image in one.
        const auto &names = model->info().labels;
        QVERIFY(!r.trained.classNames.empty());
        for (const std::string &c : r.trained.classNames)
            QVERIFY2(std::find(names.begin(), names.end(), c) != names.end(), c.c_str());
        // Each image's class is what classify says of it.
        GroupRequest labelled = req;
        labelled.predictedLabels = false;
        ImageSet byHand = data;
        byHand.classNames = names;
        for (std::size_t i = 0; i < data.count(); ++i) {
            RgbImage img;
            img.width = img.height = 28;
            for (int p = 0; p < 28 * 28; ++p)
                for (int ch = 0; ch < 3; ++ch)
                    img.pixels.push_back(data.image(i)[p]);
            byHand.labels[i] = model->analyze(img, 1, "").top.at(0).index;
        }
        const GroupReport h = analyzeGroups(e, *model, byHand, "sample_images", labelled);
        QCOMPARE(h.trained.accuracy, 1.0);
        QCOMPARE(h.trained.zeroedAccuracy, r.trained.zeroedAccuracy);
        QCOMPARE(h.trained.keptOnlyAccuracy, r.trained.keptOnlyAccuracy);
        QCOMPARE(h.untrained.accuracy, r.untrained.accuracy);
        QCOMPARE(QString::fromStdString(groupReportJson(r)["labels"].get<std::string>()),
                 QString("predicted by the trained model"));
        QCOMPARE(QString::fromStdString(groupReportJson(h)["labels"].get<std::string>()), QString("data"));

        // A few images predicted as few classes: the table has just those columns.
        const ImageSet three = subset(data, {0, 2, 18}); // an ankle boot, a trouser, a bag
        const GroupReport t = analyzeGroups(e, *model, three, "three", req);
        QCOMPARE(t.trained.accuracy, 1.0);
        std::set<std::int64_t> predicted = {byHand.labels[0], byHand.labels[2], byHand.labels[18]};
        QCOMPARE(t.trained.classNames.size(), predicted.size());
        QCOMPARE(t.trained.selectivity.at(0).size(), predicted.size());
        QCOMPARE(t.trained.classNames.front(), names[static_cast<std::size_t>(*predicted.begin())]);
        for (const int p : t.trained.preferredClass)
            QVERIFY(p >= 0 && p < static_cast<int>(predicted.size()));

        // Bad input by name.
        try {
            loadUnlabelledImages({}, model->info().spec);
            QFAIL("no error");
        } catch (const Error &err) {
            QCOMPARE(QString(err.what()), QString("data: no images to analyse"));
        }
        try {
            loadUnlabelledImages({samples + "/README.md"}, model->info().spec);
            QFAIL("no error");
        } catch (const Error &err) {
            QVERIFY2(QString(err.what()).startsWith(QString::fromStdString(samples + "/README.md: ")), err.what());
        }
    }

    void cancelStopsThePass()
    {
        if (!haveFashionMnist())
            QSKIP("Debian's dataset-fashion-mnist is not installed");
        Engine &e = loadEngine();
        auto model = e.loadBuiltin();
        const ImageSet data = firstImages(64);
        GroupPassOptions o;
        o.batch = 16;
        int calls = 0;
        QVERIFY_EXCEPTION_THROWN(model->groupActivations(data, o,
                                                         [&](std::size_t, std::size_t) {
                                                             ++calls;
                                                             return false;
                                                         }),
                                 Cancelled);
        QCOMPARE(calls, 1);
    }

    void badRequestsAreRefusedByName()
    {
        Engine &e = loadEngine();
        auto model = e.loadBuiltin();
        const auto message = [&](GroupRequest r) {
            try {
                validateGroupRequest(r, *model);
            } catch (const Error &err) {
                return QString(err.what());
            }
            return QString();
        };
        GroupRequest r;
        r.pass.block = "layer9.0";
        QVERIFY2(message(r).startsWith("block: "), qPrintable(message(r)));
        QVERIFY2(message(r).contains("layer9.0"), qPrintable(message(r)));
        r = {};
        r.pass.block = "conv1";
        QVERIFY2(message(r).contains("conv1"), qPrintable(message(r)));
        r = {};
        r.topK = 0;
        QCOMPARE(message(r), QString("top: must be between 1 and 100 (got 0)"));
        r = {};
        r.pass.batch = 0;
        QVERIFY2(message(r).startsWith("batch: "), qPrintable(message(r)));
        ImageSet empty;
        empty.height = empty.width = 28;
        empty.channels = 1;
        try {
            analyzeGroups(e, *model, empty, "DIR", {});
            QFAIL("no error");
        } catch (const Error &err) {
            QCOMPARE(QString(err.what()), QString("data: 'DIR' holds no images"));
        }
    }
};

QTEST_APPLESS_MAIN(TestGroups)
#include "test_groups.moc"
