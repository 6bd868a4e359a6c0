// The layer plan is the one description of the network: the LibTorch model's
// module tree equals it name by name and shape by shape (every preset, every
// form, a random sweep); counts that would overflow are refused; block names
// are parsed without a regex; a weights file is checked against the plan of its
// spec before anything is allocated; the spec's one JSON form round-trips; a
// seed means the same random draws everywhere. Every consumer of the plan (the
// builder, the fast path, the ONNX writer, the PyTorch export, spec inference,
// the block diagram) is checked against it for every preset, form and SE setting.
#include "blockdiagram.h"
#include "engine/fastpath.h"

#include "resnext/accounting.h"
#include "resnext/checkpoint.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/model.h"
#include "resnext/plan.h"
#include "resnext/random.h"
#include "resnext/safetensors.h"
#include "resnext/serialize.h"
#include "test_util.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <tuple>

// Draws of SeededRandom(42): six below(1000), then a shuffle of 0..9.
#define SEEDED_GOLDEN "406 824 450 662 381 428 7450213896"

using namespace resnext;

namespace {

std::map<std::string, std::vector<std::int64_t>> moduleTree(const ResNet &m)
{
    std::map<std::string, std::vector<std::int64_t>> out;
    for (const auto &p : m->named_parameters(true))
        out[p.key()] = p.value().sizes().vec();
    for (const auto &b : m->named_buffers(true))
        out[b.key()] = b.value().sizes().vec();
    return out;
}

// The builder's module tree without storage, for the structure checks: while it
// builds, every tensor (the builder's and LibTorch's own initialisers') is made
// on the meta device, sizes without data, so even wide_resnet101_2 (126 M
// parameters) builds in milliseconds. The names and shapes are the real
// builder's. (Factory functions pick their device in the BackendSelect kernel;
// without it, the included Meta key decides. The whole thread-local key set is
// restored afterwards: LibTorch 1.13's IncludeDispatchKeyGuard leaves the Meta
// backend bit behind, which sends every later CPU operation to the meta device.)
ResNet buildStructure(const ArchSpec &s)
{
    const c10::impl::LocalDispatchKeySet now = c10::impl::tls_local_dispatch_key_set();
    c10::impl::PODLocalDispatchKeySet meta;
    meta.set_included(now.included_ | c10::DispatchKeySet(c10::DispatchKey::Meta));
    meta.set_excluded(now.excluded_ | c10::DispatchKeySet(c10::DispatchKey::BackendSelect));
    const c10::impl::ForceDispatchKeyGuard guard(meta);
    ResNet m = buildModel(s);
    for (const auto &p : m->parameters(true))
        if (!p.is_meta())
            throw Error("test: a parameter was allocated on " + p.device().str() + ", not on the meta device");
    return m;
}

std::map<std::string, std::vector<std::int64_t>> planned(const ArchSpec &s)
{
    std::map<std::string, std::vector<std::int64_t>> out;
    for (const auto &t : planTensors(s))
        out[t.name] = t.shape;
    return out;
}

// A random valid spec (small enough to build quickly).
ArchSpec randomSpec(std::mt19937 &rng)
{
    for (;;) {
        ArchSpec s;
        std::uniform_int_distribution<int> stages(1, 4), blocks(1, 3), pick(0, 5);
        s.stem = pick(rng) % 2 ? Stem::ImageNet : Stem::Cifar;
        s.block = pick(rng) == 0 ? BlockKind::Basic : BlockKind::Bottleneck;
        s.layers.assign(static_cast<size_t>(stages(rng)), 1);
        for (int &n : s.layers)
            n = blocks(rng);
        if (s.block == BlockKind::Bottleneck) {
            const int cs[] = {1, 2, 3, 4, 8, 16};
            const int ds[] = {1, 2, 4, 8, 13, 16};
            s.cardinality = cs[pick(rng)];
            s.width = ds[pick(rng)];
            s.expansion = 1 + pick(rng) % 4;
            s.form = static_cast<BlockForm>(pick(rng) % 3);
        }
        if (pick(rng) == 0)
            for (int i = 0; i < s.numStages(); ++i)
                s.planes.push_back(16 * (1 + pick(rng)));
        s.stemChannels = 8 * (1 + pick(rng));
        s.inChannels = 1 + pick(rng) % 3;
        s.numClasses = 2 + pick(rng);
        s.inputSize = 16 + 7 * pick(rng);
        if (validationError(s).empty())
            return s;
    }
}

// The nodes of an ONNX ModelProto, read with the field numbers of onnx.proto
// (ModelProto.graph = 7, GraphProto.node = 1; NodeProto: name 3, op_type 4,
// attribute 5; AttributeProto: name 1, i 3, ints 8), independently of the writer.
struct OnnxNode {
    std::string name, op;
    std::map<std::string, std::vector<std::int64_t>> ints; // int and ints attributes
};

class ProtoReader {
public:
    explicit ProtoReader(const std::string &bytes) : m_p(bytes.data()), m_end(bytes.data() + bytes.size()) {}
    // Calls f(field, value) for each length-delimited field; skips the others.
    template <class F> void fields(F f)
    {
        while (m_p < m_end) {
            const std::uint64_t key = varint();
            const int wire = static_cast<int>(key & 7);
            if (wire == 0) {
                const std::uint64_t v = varint();
                f(static_cast<int>(key >> 3), std::string(), v);
            } else if (wire == 2) {
                const std::uint64_t n = varint();
                if (n > static_cast<std::uint64_t>(m_end - m_p))
                    throw Error("onnx: truncated field");
                f(static_cast<int>(key >> 3), std::string(m_p, n), 0);
                m_p += n;
            } else if (wire == 5 || wire == 1) {
                m_p += wire == 5 ? 4 : 8;
            } else {
                throw Error("onnx: unexpected wire type " + std::to_string(wire));
            }
        }
    }

private:
    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; m_p < m_end && shift < 64; shift += 7) {
            const auto b = static_cast<unsigned char>(*m_p++);
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        throw Error("onnx: bad varint");
    }
    const char *m_p, *m_end;
};

std::vector<OnnxNode> onnxNodes(const std::string &model)
{
    std::vector<OnnxNode> nodes;
    ProtoReader(model).fields([&](int field, const std::string &graph, std::uint64_t) {
        if (field != 7)
            return;
        ProtoReader(graph).fields([&](int field, const std::string &node, std::uint64_t) {
            if (field != 1)
                return;
            OnnxNode n;
            ProtoReader(node).fields([&](int field, const std::string &text, std::uint64_t) {
                if (field == 3)
                    n.name = text;
                else if (field == 4)
                    n.op = text;
                else if (field == 5) {
                    std::string name;
                    std::vector<std::int64_t> ints;
                    ProtoReader(text).fields([&](int field, const std::string &s, std::uint64_t v) {
                        if (field == 1)
                            name = s;
                        else if (field == 3 || field == 8)
                            ints.push_back(static_cast<std::int64_t>(v));
                    });
                    if (!ints.empty())
                        n.ints[name] = ints;
                }
            });
            nodes.push_back(std::move(n));
        });
    });
    return nodes;
}

SafetensorsFile fileOf(const std::vector<TensorToWrite> &tensors, const std::map<std::string, std::string> &meta)
{
    return SafetensorsFile::parse(encodeSafetensors(tensors, meta, "test"), "test.safetensors");
}

} // namespace

class TestPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void randomSweepEqualsPlan();
    void planCarriesShapesAndActivations();
    void overflowIsRefused();
    void blockNamesWithoutRegex();
    void hugeTensorNameIsRefused();
    void memoryBombIsRefusedBeforeAllocating();
    void duplicateNamesAreRefused();
    void specJsonRoundTrip();
    void jsonIsAlwaysValid();
    void seededDrawsAreDefined();
    void consumersReadThePlan_data();
    void consumersReadThePlan();
    void fastPathRunsThePlan();
    void pytorchExportIsThePlan();
};

// Every consumer of the plan against the plan, for every preset, forms (a)/(b)/(c)
// where they apply and squeeze-and-excitation off and on: the builder's module
// tree, the typed kinds and roles, spec inference from the tensor names and
// shapes, the ONNX graph's nodes, what the fast path builds and the block
// diagram (the PyTorch export: pytorchExportIsThePlan; logits: fastPathRunsThePlan,
// test_engine and test_se).
void TestPlan::consumersReadThePlan_data()
{
    testutil::addColumns<QString, int, int>("name", "form", "se");
    for (const auto &p : presets())
        for (int f = 0; f < 3; ++f)
            for (int se : {0, 16})
                if (f == 2 || p.spec.block == BlockKind::Bottleneck)
                    QTest::newRow(qPrintable(QString::fromStdString(p.name) + "/" + "abc"[f] + "/se" +
                                             QString::number(se)))
                        << QString::fromStdString(p.name) << f << se;
}

void TestPlan::consumersReadThePlan()
{
    QFETCH(QString, name);
    QFETCH(int, form);
    QFETCH(int, se);
    ArchSpec s = preset(name.toStdString()).spec;
    s.form = static_cast<BlockForm>(form);
    s.seReduction = se;
    const std::vector<LayerInfo> plan = planLayers(s);
    for (const LayerInfo &l : plan) {
        // Kinds and roles agree with the geometry.
        if (l.role == LayerRole::Grouped && l.kind == LayerKind::Conv)
            QCOMPARE(l.groups, s.block == BlockKind::Basic ? 1 : s.cardinality);
        if (l.role == LayerRole::Excite && l.kind == LayerKind::Conv) {
            QVERIFY(l.bias);
            QVERIFY(l.channels == s.seChannels(l.stage - 1) || l.inChannels == s.seChannels(l.stage - 1));
        }
        QCOMPARE(l.role == LayerRole::Excite, se > 0 && l.name.find(".se.") != std::string::npos);
        QCOMPARE(l.paths > 0, s.form != BlockForm::C && s.block == BlockKind::Bottleneck &&
                                  (l.role == LayerRole::Reduce || l.role == LayerRole::Grouped ||
                                   (l.role == LayerRole::Expand && l.kind == LayerKind::Conv &&
                                    s.form == BlockForm::A)));
        QCOMPARE(l.stage == 0, l.role == LayerRole::Stem);
    }
    // The builder: module names and shapes are the plan's (built on the meta
    // device: no weights, so every preset is quick).
    QCOMPARE(moduleTree(buildStructure(s)), planned(s));
    if (s.form != BlockForm::C)
        return; // files and exporters use form (c)'s names
    // Spec inference from the plan's tensor names and shapes gives the spec back.
    std::vector<TensorRecord> records;
    for (const PlannedTensor &t : planTensors(s)) {
        TensorRecord r;
        r.name = t.name;
        r.shape = t.shape;
        records.push_back(r);
    }
    QCOMPARE(describe(inferSpec(records, "plan")), describe(s));
    QVERIFY(inferSpec(records, "plan") == s);
    // The block diagram of every stage: its channel numbers, the grouped
    // convolution's groups and the SE unit are the plan's.
    BlockDiagram diagram;
    diagram.setSpec(s);
    for (int st = 0; st < s.numStages(); ++st) {
        diagram.setStage(st);
        const std::vector<DiagramItem> items = diagram.diagramItems(QSize(1200, 700));
        const auto count = [&](DiagramItem::Kind kind, const QString &text) {
            return std::count_if(items.begin(), items.end(), [&](const DiagramItem &i) {
                return i.kind == kind && (i.kind == DiagramItem::Box ? i.text.contains(text) : i.text == text);
            });
        };
        const int columns = s.block == BlockKind::Bottleneck ? 3 : 1;
        for (const LayerInfo &l : plan) {
            if (l.stage != st + 1 || l.block != 0)
                continue;
            if (l.kind == LayerKind::Conv && l.role == LayerRole::Excite)
                QVERIFY2(count(DiagramItem::Box, QString("1x1, %1 \u2192 %2").arg(l.inChannels).arg(l.channels)) ==
                             columns,
                         l.name.c_str());
            if (l.kind == LayerKind::Conv && l.role == LayerRole::Grouped && l.groups > 1)
                QCOMPARE(count(DiagramItem::Box, QString("groups = %1").arg(l.groups)), 1);
            if (l.kind == LayerKind::Scale)
                QCOMPARE(count(DiagramItem::Circle, QString(QChar(0x00d7))), columns);
            if (l.kind == LayerKind::Add)
                QCOMPARE(count(DiagramItem::Text, QString("%1-d out").arg(l.channels)), columns);
        }
        if (!se)
            QCOMPARE(count(DiagramItem::Circle, QString(QChar(0x00d7))), 0);
    }
    // The fast path (form (c), what the engine runs): every convolution of the
    // plan in its order, with its geometry and the shapes of the tensors it was
    // given, in the slot its role says; the stem's pooling and the classifier.
    if (fast::available()) {
        // Meta tensors: the fast path folds and keeps sizes without data (values
        // do not matter: only shapes are compared), so every preset is quick.
        std::map<std::string, at::Tensor> tensors;
        for (const PlannedTensor &t : planTensors(s))
            tensors[t.name] = at::empty(t.shape, at::kMeta);
        const fast::NetShape net = fast::Net(s, tensors, false).shape();
        size_t k = 0;
        for (const LayerInfo &l : plan) {
            if (l.kind == LayerKind::MaxPool)
                QCOMPARE(std::make_tuple(net.poolKernel, net.poolStride, net.poolPadding),
                         std::make_tuple(l.kernel, l.stride, l.padding));
            if (l.kind == LayerKind::Linear)
                QCOMPARE(std::make_pair(net.features, net.classes), std::make_pair(l.inChannels, l.channels));
            if (l.kind != LayerKind::Conv)
                continue;
            QVERIFY2(k < net.convs.size(), l.name.c_str());
            const fast::ConvShape &c = net.convs[k++];
            QCOMPARE(c.name, l.name);
            QCOMPARE(QString::fromStdString(c.slot), QString(roleName(l.role)).toLower());
            QCOMPARE(std::make_tuple(c.in, c.out, c.kernel, c.stride, c.padding, c.groups, c.bias),
                     std::make_tuple(l.inChannels, l.channels, l.kernel, l.stride, l.padding, l.groups, l.bias));
            QCOMPARE(c.sigmoid, l.role == LayerRole::Excite && l.inChannels < l.channels);
        }
        QCOMPARE(k, net.convs.size());
        if (s.stem == Stem::Cifar)
            QCOMPARE(net.poolKernel, 0);
    }
    // The ONNX writer (the graph without weights: every preset is quick): one
    // node per layer of the count-all plan, in its order, under its name, with
    // the operator of its kind and the plan's geometry.
    std::vector<NamedTensor> tensors;
    for (const PlannedTensor &t : planTensors(s))
        tensors.push_back({t.name, t.shape, {}});
    OnnxOptions graphOnly;
    graphOnly.weights = false;
    const std::vector<OnnxNode> nodes = onnxNodes(encodeOnnx(s, tensors, graphOnly));
    size_t n = 0;
    for (const LayerInfo &l : plan) {
        static const std::map<LayerKind, std::string> ops{
            {LayerKind::Conv, "Conv"},       {LayerKind::BatchNorm, "BatchNormalization"},
            {LayerKind::ReLU, "Relu"},       {LayerKind::MaxPool, "MaxPool"},
            {LayerKind::AvgPool, "GlobalAveragePool"}, {LayerKind::Add, "Add"},
            {LayerKind::Linear, "Gemm"},     {LayerKind::Sigmoid, "Sigmoid"},
            {LayerKind::Scale, "Mul"}};
        QVERIFY2(n < nodes.size(), l.name.c_str());
        const OnnxNode &node = nodes[n++];
        QCOMPARE(node.name, l.name);
        QCOMPARE(node.op, ops.at(l.kind));
        using Ints = std::vector<std::int64_t>;
        const Ints k{l.kernel, l.kernel}, st{l.stride, l.stride}, p(4, l.padding);
        if (l.kind == LayerKind::Conv)
            QVERIFY2(node.ints == (std::map<std::string, Ints>{{"kernel_shape", k}, {"strides", st}, {"pads", p},
                                                               {"dilations", {l.dilation, l.dilation}},
                                                               {"group", {l.groups}}}),
                     l.name.c_str());
        if (l.kind == LayerKind::MaxPool)
            QVERIFY2(node.ints == (std::map<std::string, Ints>{{"kernel_shape", k}, {"strides", st}, {"pads", p}}),
                     l.name.c_str());
        if (l.kind == LayerKind::AvgPool && l.role == LayerRole::Head)
            QVERIFY(n < nodes.size() && nodes[n++].op == "Flatten"); // the writer's one node outside the plan
    }
    QCOMPARE(n, nodes.size());
}

// One forward of a small model on the fast path against the model built from
// the plan (seeded weights, BN statistics set), SE off and on. Relative to the
// largest logit: the fast path folds BN and sums in oneDNN's order.
void TestPlan::fastPathRunsThePlan()
{
    if (!fast::available())
        QSKIP("this build has no oneDNN fast path");
    for (int se : {0, 4}) {
        ArchSpec s = preset("resnext26_4x32d").spec;
        s.layers = {1, 1, 1};
        s.seReduction = se;
        torch::manual_seed(7);
        ResNet model = buildModel(s);
        model->eval();
        std::map<std::string, at::Tensor> tensors;
        torch::NoGradGuard noGrad;
        for (auto &b : model->named_buffers(true))
            if (b.key().find("running_var") != std::string::npos)
                b.value().uniform_(0.5, 2.0);
            else if (b.key().find("running_mean") != std::string::npos)
                b.value().uniform_(-0.2, 0.2);
        for (const auto &p : model->named_parameters(true))
            tensors[p.key()] = p.value().detach();
        for (const auto &b : model->named_buffers(true))
            tensors[b.key()] = b.value();
        const at::Tensor x = torch::randn({2, s.inChannels, s.inputSize, s.inputSize});
        const at::Tensor want = model->forward(x);
        const at::Tensor got = fast::Net(s, tensors, false).forward(x);
        const double rel = (got - want).abs().max().item<double>() / want.abs().max().item<double>();
        QVERIFY2(rel < 1e-4, qPrintable(QString("se %1: %2 relative").arg(se).arg(rel)));
    }
}

// The exported model.py of every preset, SE off and on, builds the plan's
// state_dict name by name, shape by shape: one Python process for all of them
// (initialisers made no-ops, so even the largest builds in milliseconds).
void TestPlan::pytorchExportIsThePlan()
{
    QTemporaryDir dir;
    std::vector<ArchSpec> specs;
    for (const auto &p : presets())
        for (int se : {0, 16}) {
            ArchSpec s = p.spec;
            s.seReduction = se;
            std::ofstream(dir.filePath(QString("m%1.py").arg(specs.size())).toStdString()) << pytorchModelCode(s);
            specs.push_back(s);
        }
    QProcess p;
    p.start(qEnvironmentVariable("RESNEXT_PYTHON", "/usr/bin/python3"),
            {"-c",
             "import importlib, json, sys, torch.nn as nn\n"
             "for f in ('kaiming_normal_', 'kaiming_uniform_', 'uniform_', 'constant_', 'ones_', 'zeros_'):\n"
             "    setattr(nn.init, f, lambda t, *a, **k: t)\n"
             "sys.path.insert(0, sys.argv[1])\n"
             "out = {}\n"
             "for i in range(int(sys.argv[2])):\n"
             "    m = importlib.import_module('m%d' % i).build_model()\n"
             "    out[str(i)] = {k: list(v.shape) for k, v in m.state_dict().items()}\n"
             "print(json.dumps(out))\n",
             dir.path(), QString::number(specs.size())});
    if (!p.waitForStarted(10000))
        QSKIP("no python3");
    QVERIFY(p.waitForFinished(120000));
    const QByteArray err = p.readAllStandardError();
    if (p.exitCode() != 0 && err.contains("No module named"))
        QSKIP("python3-torch / python3-torchvision are not installed");
    QVERIFY2(p.exitCode() == 0, err.constData());
    const QJsonObject all = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    QCOMPARE(all.size(), static_cast<int>(specs.size()));
    for (size_t i = 0; i < specs.size(); ++i) {
        const QJsonObject got = all[QString::number(i)].toObject();
        const std::vector<PlannedTensor> planned = planTensors(specs[i]);
        QVERIFY2(got.size() == static_cast<int>(planned.size()), describe(specs[i]).c_str());
        for (const PlannedTensor &t : planned) {
            const QJsonArray shape = got[QString::fromStdString(t.name)].toArray();
            QVERIFY2(shape.size() == static_cast<int>(t.shape.size()), (describe(specs[i]) + " " + t.name).c_str());
            for (int d = 0; d < shape.size(); ++d)
                QVERIFY2(shape[d].toInt() == t.shape[static_cast<size_t>(d)], (describe(specs[i]) + " " + t.name).c_str());
        }
    }
}

void TestPlan::randomSweepEqualsPlan()
{
    std::mt19937 rng(7);
    for (int i = 0; i < 60; ++i) {
        const ArchSpec s = randomSpec(rng);
        const auto tree = moduleTree(buildModel(s));
        const auto plan = planned(s);
        QVERIFY2(tree == plan, (describe(s) + " " + specToJson(s)).c_str());
        // The plan's parameter count is the module tree's.
        std::int64_t n = 0;
        for (const auto &l : planLayers(s))
            n += l.params;
        QCOMPARE(n, parameterCount(*buildModel(s)));
    }
}

void TestPlan::planCarriesShapesAndActivations()
{
    const auto plan = planLayers(preset("resnext50_32x4d").spec);
    const auto find = [&](const std::string &n) {
        for (const auto &l : plan)
            if (l.name == n)
                return l;
        throw Error("no " + n);
    };
    const LayerInfo c = find("layer2.0.conv2");
    QCOMPARE(c.inHeight, 56);
    QCOMPARE(c.height, 28);
    QCOMPARE(c.groups, 32);
    QCOMPARE(c.inChannels, 256);
    QCOMPARE(c.channels, 256);
    QCOMPARE(c.activations, std::int64_t(256) * 28 * 28);
    QCOMPARE(c.block, 0);
    QCOMPARE(find("layer4.2.add").channels, 2048);
    QCOMPARE(find("maxpool").inHeight, 112);
    // The default summary lists no ReLU/add; count-all does.
    QVERIFY(summarize(preset("resnet50").spec).layers.size() < summarize(preset("resnet50").spec, {true}).layers.size());
}

void TestPlan::overflowIsRefused()
{
    ArchSpec s;
    s.stem = Stem::Cifar;
    s.inputSize = 4096;
    s.layers = {64, 64, 64, 64, 64, 64};
    s.planes = {8192, 8192, 8192, 8192, 8192, 8192};
    s.width = 512;
    s.expansion = 16;
    QVERIFY(validationError(s).empty());
    try {
        countTotals(s);
        QFAIL("an overflowing count was returned");
    } catch (const SpecError &e) {
        QCOMPARE(QString(e.what()), QString("spec: too large to count exactly (a count exceeds 2^63); lower the widths or input"));
    }
    QVERIFY_THROWS_EXCEPTION(SpecError, summarize(s));
    // Below the overflow every count is exact and positive.
    s.inputSize = 64;
    const Totals t = countTotals(s);
    QVERIFY(t.macs > 0 && t.params > 0);
    // Too large to build: refused with the cap, before any allocation.
    try {
        checkBuildable(s);
        QFAIL("a model over the cap was accepted");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).contains("this app builds models of at most 1073741824"), e.what());
    }
}

void TestPlan::blockNamesWithoutRegex()
{
    const BlockRef r = parseBlockName("layer2.0");
    QCOMPARE(r.stage, 1);
    QCOMPARE(r.block, 0);
    const std::string digits(40000, '7');
    for (const std::string &bad : {std::string(""), std::string("layer99999999999.0"), std::string("layer2"),
                                  std::string("layer2.0.conv1"), std::string("layer0.0"), "layer" + digits + ".0",
                                  "layer1." + digits, std::string("layer1.0\n\x1b[31m")}) {
        try {
            parseBlockName(bad);
            QFAIL(("accepted: " + bad.substr(0, 40)).c_str());
        } catch (const Error &e) {
            const QString msg = e.what();
            QVERIFY2(msg.startsWith("block: '") && msg.endsWith("' is not a block name like layer2.0"), e.what());
            QVERIFY2(msg.size() < 120 && !msg.contains('\n') && !msg.contains('\x1b'), e.what());
        }
    }
    try {
        checkBlock(preset("resnet50").spec, parseBlockName("layer5.0"), "layer5.0");
        QFAIL("layer5.0 accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("block: 'layer5.0' does not exist; this model has layer1.0 to layer4.2"));
    }
}

void TestPlan::hugeTensorNameIsRefused()
{
    // ~40,000 digits in a tensor name crashed std::regex (stack overflow).
    const float zero[9] = {};
    const std::string name = "layer" + std::string(40000, '1') + ".0.conv1.weight";
    const SafetensorsFile f = fileOf({{"conv1.weight", DType::F32, {1, 1, 3, 3}, zero}, {name, DType::F32, {2}, zero}}, {});
    try {
        inferSpec(f);
        QFAIL("inferred a spec");
    } catch (const Error &e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains("cannot infer the architecture: tensor 'layer1111"), e.what());
        QVERIFY2(msg.size() < 400, "the message repeats the whole name");
    }
}

void TestPlan::memoryBombIsRefusedBeforeAllocating()
{
    // 300 bytes whose metadata claims a model of billions of parameters.
    ArchSpec huge;
    huge.layers = {64, 64, 64, 64};
    huge.width = 64;
    huge.cardinality = 64;
    QVERIFY(validationError(huge).empty());
    QVERIFY(countTotals(huge).params > 10'000'000'000LL);
    ModelInfo info;
    info.spec = huge;
    info.preprocessing = defaultPreprocessing(huge);
    info.labels.assign(1000, "x");
    const float one = 1;
    const std::string bytes =
        encodeSafetensors({{"fc.bias", DType::F32, {1}, &one}}, checkpointMetadata(info), "bomb");
    QVERIFY(bytes.size() < 100000);
    QTemporaryDir dir;
    const std::string path = dir.filePath("bomb.safetensors").toStdString();
    writeSafetensors(path, {{"fc.bias", DType::F32, {1}, &one}}, checkpointMetadata(info));
    const auto t0 = std::chrono::steady_clock::now();
    try {
        loadEngine().load(path);
        QFAIL("loaded");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).contains("does not match") && QString(e.what()).contains("missing"), e.what());
    }
    LoadOptions partial;
    partial.allowPartial = true;
    try {
        loadEngine().load(path, partial);
        QFAIL("built a model over the cap");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).contains("this app builds models of at most"), e.what());
    }
    // Refused from the plan alone: no time spent allocating billions of floats.
    QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));

    // A preprocessing size that would need a 21 GB batch is refused when read.
    info.spec = preset("resnet18").spec;
    info.preprocessing = defaultPreprocessing(info.spec);
    info.preprocessing.size = 4096;
    const auto meta = checkpointMetadata(info);
    try {
        readCheckpointMetadata(fileOf({{"fc.bias", DType::F32, {1}, &one}}, meta));
        QFAIL("accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("test.safetensors: metadata 'preprocessing': preprocessing: 'size' must be "
                                            "a whole number between 1 and 2048"));
    }
}

void TestPlan::duplicateNamesAreRefused()
{
    const float v[2] = {1, 2};
    const SafetensorsFile f = fileOf({{"fc.bias", DType::F32, {2}, v}, {"module.fc.bias", DType::F32, {2}, v}}, {});
    try {
        canonicalTensors(f);
        QFAIL("accepted");
    } catch (const Error &e) {
        QCOMPARE(QString(e.what()), QString("test.safetensors: tensors 'fc.bias' and 'module.fc.bias' both name the "
                                            "model's 'fc.bias'; remove one of them"));
    }
}

void TestPlan::specJsonRoundTrip()
{
    for (const auto &p : presets())
        QVERIFY2(specFromJson(specToJson(p.spec)) == p.spec, p.name.c_str());
    std::mt19937 rng(3);
    for (int i = 0; i < 300; ++i) {
        ArchSpec s = randomSpec(rng);
        s.stemChannels = 8 + i % 50;
        const ArchSpec back = specFromJson(specToJson(s));
        QVERIFY2(back == s, specToJson(s).c_str());
        // Field by field, not only through operator==.
        QCOMPARE(back.stemChannels, s.stemChannels);
        QCOMPARE(back.inChannels, s.inChannels);
        QCOMPARE(back.inputSize, s.inputSize);
        QCOMPARE(back.numClasses, s.numClasses);
        QVERIFY(back.form == s.form && back.stem == s.stem && back.block == s.block);
        QCOMPARE(back.layers, s.layers);
        QCOMPARE(back.blockExpansion(), s.blockExpansion());
    }
    try {
        specFromJson("{\"stem\": \"imagenet\", \"block\": \"bottleneck\", \"layers\": [3, 4], \"cardinality\": 1.5}");
        QFAIL("accepted");
    } catch (const SpecError &e) {
        QCOMPARE(QString(e.what()), QString("spec: 'cardinality' must be a whole number"));
    }
    try {
        specFromJson("{\"stem\": ");
        QFAIL("accepted");
    } catch (const Error &e) {
        QVERIFY2(QString(e.what()).startsWith("spec: not valid JSON ("), e.what());
    }
}

void TestPlan::jsonIsAlwaysValid()
{
    const Json j{{"probability", std::nan("")}, {"inf", INFINITY}, {"label", std::string("bad \xff utf-8")}};
    const std::string text = dumpJson(j);
    QVERIFY2(text.find("nan") == std::string::npos && text.find("inf\"") != std::string::npos, text.c_str());
    QVERIFY(Json::parse(text)["probability"].is_null());
}

void TestPlan::seededDrawsAreDefined()
{
    // std::mt19937_64's sequence is fixed by the standard; these draws on top of
    // it are this project's own, so the values below hold on every platform.
    SeededRandom r(42);
    std::vector<std::uint64_t> draws;
    for (int i = 0; i < 6; ++i)
        draws.push_back(r.below(1000));
    std::vector<std::size_t> order(10);
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    r.shuffle(order);
    QString text;
    for (auto d : draws)
        text += QString::number(d) + " ";
    for (auto o : order)
        text += QString::number(o);
    QCOMPARE(text, QString(SEEDED_GOLDEN));
    SeededRandom a(5), b(5);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(a.between(-2, 2), b.between(-2, 2));
}

// The block diagram needs a QApplication (fonts); offscreen unless told otherwise.
int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestPlan test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_plan.moc"
