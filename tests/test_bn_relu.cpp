// Training's fused BatchNorm + ReLU (and + residual add) against ATen's separate
// operators: outputs, every gradient, the running statistics.
// Tolerance: tolerance::kFp32 relative to the largest magnitude compared (the two
// differ only by summation order; see tolerance.h).

#include "bn_relu.h"
#include "resnext/datasource.h"
#include "resnext/model.h"
#include "test_util.h"
#include "tolerance.h"

#include <QtTest/QtTest>

#include <map>
#include <set>

#include <torch/torch.h>

namespace {

std::vector<float> values(const torch::Tensor &t)
{
    auto c = t.detach().contiguous().to(torch::kFloat);
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

double rel(const torch::Tensor &a, const torch::Tensor &b) { return tolerance::relDiff(values(a), values(b)); }

// RESNEXT_FUSED_BN=0 switches the fusion off (to measure without it): the checks of which form ran skip then.
bool fusionOff() { return qgetenv("RESNEXT_FUSED_BN") == "0"; }

torch::Tensor channelsLast(torch::Tensor t) { return t.contiguous(at::MemoryFormat::ChannelsLast); }

// Two BatchNorm2d with the same random affine parameters, in training mode.
std::pair<torch::nn::BatchNorm2d, torch::nn::BatchNorm2d> twoNorms(int64_t c)
{
    torch::nn::BatchNorm2d a(c), b(c);
    torch::NoGradGuard ng;
    a->weight.uniform_(0.5, 1.5);
    a->bias.uniform_(-0.5, 0.5);
    b->weight.copy_(a->weight);
    b->bias.copy_(a->bias);
    a->train();
    b->train();
    return {a, b};
}

} // namespace

class TestBnRelu : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fusedMatchesAten_data();
    void fusedMatchesAten();
    void downsampleFusedMatchesAten();
    void fallsBackOutsideTraining();
    void oneChannelInputReachesTheFusedPath();
    void builtinModelTrainsOnFusedNormsOnly();
    void variantAsRequested();
};

void TestBnRelu::fusedMatchesAten_data()
{
    testutil::addColumns<int, int, int, int, bool>("n", "c", "h", "w", "residual");
    QTest::newRow("relu 8x16x5x7") << 8 << 16 << 5 << 7 << false;
    QTest::newRow("relu 3x13x9x4 (odd channels)") << 3 << 13 << 9 << 4 << false;
    QTest::newRow("add+relu 8x16x5x7") << 8 << 16 << 5 << 7 << true;
    QTest::newRow("add+relu 2x67x6x6 (odd channels)") << 2 << 67 << 6 << 6 << true;
    // 2,304 rows: split between two threads (sums per thread, then combined).
    QTest::newRow("relu 16x8x12x12 (two threads)") << 16 << 8 << 12 << 12 << false;
    QTest::newRow("add+relu 16x8x12x12 (two threads)") << 16 << 8 << 12 << 12 << true;
}

void TestBnRelu::fusedMatchesAten()
{
    QFETCH(int, n);
    QFETCH(int, c);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(bool, residual);
    torch::manual_seed(3);
    at::set_num_threads(2);
    auto [ref, fused] = twoNorms(c);
    // An offset of 3: statistics must not cancel when |mean| >> std.
    const auto x0 = channelsLast(torch::randn({n, c, h, w}) * 0.7 + 3.0);
    const auto id0 = channelsLast(torch::randn({n, c, h, w}));
    const auto dy = channelsLast(torch::randn({n, c, h, w}));
    auto xr = x0.clone().requires_grad_(), xf = x0.clone().requires_grad_();
    auto ir = id0.clone().requires_grad_(), jf = id0.clone().requires_grad_();
    for (int step = 0; step < 2; ++step) { // twice: the running statistics accumulate
        const auto yr = residual ? ref(xr).add(ir).relu() : ref(xr).relu();
        const auto yf = residual ? resnext::detail::bnAddRelu(*fused, xf, jf) : resnext::detail::bnRelu(*fused, xf);
        QVERIFY2(yf.is_contiguous(at::MemoryFormat::ChannelsLast), "the output keeps the input's layout");
        QVERIFY2(rel(yf, yr) < tolerance::kFp32, qPrintable(QString::number(rel(yf, yr))));
        xr.mutable_grad() = torch::Tensor();
        xf.mutable_grad() = torch::Tensor();
        ref->weight.mutable_grad() = torch::Tensor();
        ref->bias.mutable_grad() = torch::Tensor();
        fused->weight.mutable_grad() = torch::Tensor();
        fused->bias.mutable_grad() = torch::Tensor();
        ir.mutable_grad() = torch::Tensor();
        jf.mutable_grad() = torch::Tensor();
        yr.backward(dy);
        yf.backward(dy);
        QVERIFY2(rel(xf.grad(), xr.grad()) < tolerance::kFp32, qPrintable(QString::number(rel(xf.grad(), xr.grad()))));
        QVERIFY(rel(fused->weight.grad(), ref->weight.grad()) < tolerance::kFp32);
        QVERIFY(rel(fused->bias.grad(), ref->bias.grad()) < tolerance::kFp32);
        if (residual)
            QVERIFY(rel(jf.grad(), ir.grad()) < tolerance::kFp32);
    }
    QVERIFY(rel(fused->running_mean, ref->running_mean) < tolerance::kFp32);
    QVERIFY(rel(fused->running_var, ref->running_var) < tolerance::kFp32);
    QCOMPARE(fused->num_batches_tracked.item<int64_t>(), int64_t(2));
}

void TestBnRelu::fallsBackOutsideTraining()
{
    torch::manual_seed(4);
    auto [ref, fused] = twoNorms(6);
    // NCHW input in training, then channels-last in evaluation: ATen's own operators, bit for bit.
    const auto x = torch::randn({4, 6, 5, 5});
    QVERIFY(torch::equal(resnext::detail::bnRelu(*fused, x), ref(x).relu()));
    ref->eval();
    fused->eval();
    const auto xl = channelsLast(x);
    const auto id = channelsLast(torch::randn({4, 6, 5, 5}));
    QVERIFY(torch::equal(resnext::detail::bnAddRelu(*fused, xl, id), ref(xl).add(id).relu()));
}

// A block with a downsampling shortcut: relu(bn(x) + bnD(xd)) against ATen's
// operators, both inputs' and BatchNorms' gradients and running statistics.
void TestBnRelu::downsampleFusedMatchesAten()
{
    if (fusionOff())
        QSKIP("RESNEXT_FUSED_BN=0");
    torch::manual_seed(6);
    at::set_num_threads(2);
    for (const auto &[n, c, h, w] : {std::tuple{8, 16, 5, 7}, std::tuple{2, 67, 6, 6}, std::tuple{16, 8, 12, 12}}) {
        auto [ref, fused] = twoNorms(c);
        auto [refD, fusedD] = twoNorms(c);
        {
            torch::NoGradGuard ng;
            refD->weight.uniform_(0.2, 0.8); // not the main BatchNorm's parameters
            fusedD->weight.copy_(refD->weight);
        }
        const auto x0 = channelsLast(torch::randn({n, c, h, w}) * 0.7 + 3.0);
        const auto xd0 = channelsLast(torch::randn({n, c, h, w}) * 2.0 - 1.0);
        const auto dy = channelsLast(torch::randn({n, c, h, w}));
        auto xr = x0.clone().requires_grad_(), xf = x0.clone().requires_grad_();
        auto dr = xd0.clone().requires_grad_(), df = xd0.clone().requires_grad_();
        for (int step = 0; step < 2; ++step) {
            for (auto *t : {&xr, &xf, &dr, &df, &ref->weight, &ref->bias, &fused->weight, &fused->bias, &refD->weight,
                            &refD->bias, &fusedD->weight, &fusedD->bias})
                t->mutable_grad() = torch::Tensor();
            const auto yr = ref(xr).add(refD(dr)).relu();
            const auto yf = resnext::detail::bnAddBnRelu(*fused, xf, *fusedD, df);
            QVERIFY(QString::fromStdString(yf.grad_fn()->name()).contains("BnBnAddReluFn"));
            QVERIFY(yf.is_contiguous(at::MemoryFormat::ChannelsLast));
            QVERIFY2(rel(yf, yr) < tolerance::kFp32, qPrintable(QString::number(rel(yf, yr))));
            yr.backward(dy);
            yf.backward(dy);
            for (const auto &[what, a, b] :
                 {std::tuple{"x", xf.grad(), xr.grad()}, std::tuple{"xd", df.grad(), dr.grad()},
                  std::tuple{"weight", fused->weight.grad(), ref->weight.grad()},
                  std::tuple{"bias", fused->bias.grad(), ref->bias.grad()},
                  std::tuple{"weightD", fusedD->weight.grad(), refD->weight.grad()},
                  std::tuple{"biasD", fusedD->bias.grad(), refD->bias.grad()}})
                QVERIFY2(rel(a, b) < tolerance::kFp32, qPrintable(QString("%1: %2").arg(what).arg(rel(a, b))));
        }
        for (const auto &[a, b] : {std::pair{fused, ref}, std::pair{fusedD, refD}}) {
            QVERIFY(rel(a->running_mean, b->running_mean) < tolerance::kFp32);
            QVERIFY(rel(a->running_var, b->running_var) < tolerance::kFp32);
            QCOMPARE(a->num_batches_tracked.item<int64_t>(), int64_t(2));
        }
    }
}

// Fashion-MNIST's one channel: training's input must carry NHWC strides, or the
// convolution after it infers NCHW and the BatchNorm after that leaves the fused
// path (the stem and layer1.0 did, and the backward mixed layouts: 0.8x PyTorch).
void TestBnRelu::oneChannelInputReachesTheFusedPath()
{
    if (fusionOff())
        QSKIP("RESNEXT_FUSED_BN=0");
    torch::manual_seed(5);
    const auto x = torch::randn({4, 1, 8, 8});
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(1, 16, 3).padding(1).bias(false));
    // As training's setLayout leaves it: [16, 1, 3, 3] keeps NCHW strides too, so only the input decides.
    conv->weight.set_data(channelsLast(conv->weight.detach()));
    qInfo("contiguous(ChannelsLast) on [4, 1, 8, 8]: the convolution's output is %s",
          conv(channelsLast(x)).is_contiguous(at::MemoryFormat::ChannelsLast) ? "NHWC" : "NCHW");
    const auto in = resnext::detail::toChannelsLast(x);
    QVERIFY(torch::equal(in, x));
    QCOMPARE(in.suggest_memory_format(), at::MemoryFormat::ChannelsLast);
    const auto y = conv(in);
    QVERIFY(y.is_contiguous(at::MemoryFormat::ChannelsLast));
    QVERIFY(!y.is_contiguous());
    auto [ref, fused] = twoNorms(16);
    const auto out = resnext::detail::bnRelu(*fused, y);
    QVERIFY(out.grad_fn());
    const QString node = QString::fromStdString(out.grad_fn()->name());
    QVERIFY2(node.contains("BnReluFn"), qPrintable("the BatchNorm ran as " + node));
    QVERIFY(rel(out, ref(y).relu()) < tolerance::kFp32);
}

// One training forward of the built-in architecture as `train` runs it (weights and
// input channels-last, FP32, training mode): every BatchNorm of the graph is one of
// the fused forms — 13 with a ReLU, 3 with the add, 3 with the downsampling
// BatchNorm — and none is ATen's (6 of 22 were, unnoticed, before the input was
// restrided and the downsampling BatchNorm fused).
void TestBnRelu::builtinModelTrainsOnFusedNormsOnly()
{
    if (fusionOff())
        QSKIP("RESNEXT_FUSED_BN=0");
    torch::manual_seed(7);
    resnext::ResNet net = resnext::buildModel(resnext::fashionMnistSpec());
    {
        torch::NoGradGuard ng;
        for (auto &p : net->parameters())
            if (p.dim() == 4)
                p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast)); // as train's setLayout
    }
    net->train();
    const auto logits = net->forward(resnext::detail::toChannelsLast(torch::randn({4, 1, 28, 28})));
    std::map<std::string, int> nodes;
    std::vector<torch::autograd::Node *> todo{logits.grad_fn().get()};
    std::set<torch::autograd::Node *> seen;
    while (!todo.empty()) {
        torch::autograd::Node *n = todo.back();
        todo.pop_back();
        if (!n || !seen.insert(n).second)
            continue;
        const std::string name = n->name();
        for (const char *kind : {"BnBnAddReluFn", "BnAddReluFn", "BnReluFn", "NativeBatchNormBackward"})
            if (name.find(std::string(kind) + (kind[0] == 'N' ? "" : ">")) != std::string::npos) {
                ++nodes[kind];
                break;
            }
        for (const auto &edge : n->next_edges())
            todo.push_back(edge.function.get());
    }
    qInfo("fused: %d relu, %d add, %d downsample; ATen: %d", nodes["BnReluFn"], nodes["BnAddReluFn"],
          nodes["BnBnAddReluFn"], nodes["NativeBatchNormBackward"]);
    QCOMPARE(nodes["NativeBatchNormBackward"], 0);
    QCOMPARE(nodes["BnReluFn"], 13);
    QCOMPARE(nodes["BnAddReluFn"], 3);
    QCOMPARE(nodes["BnBnAddReluFn"], 3);
}

// The row kernels exist for AVX-512, AVX2 and plain x86-64; ctest runs this file
// three times (test_bn_relu, _avx2 with RESNEXT_FUSED_BN=avx2, _generic with
// RESNEXT_FUSED_BN=generic), so an AVX-512 machine checks all three. This makes
// sure each run used the variant it names.
void TestBnRelu::variantAsRequested()
{
    const QByteArray want = qgetenv("RESNEXT_FUSED_BN");
    const QString isa = QString::fromLatin1(resnext::detail::fusedBnIsa());
    if (want == "generic") {
        QCOMPARE(isa, QStringLiteral("generic"));
        return;
    }
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    if (want == "avx2") {
        if (!avx2)
            QSKIP("this CPU has no AVX2");
        QCOMPARE(isa, QStringLiteral("avx2"));
    } else if (avx512) {
        QCOMPARE(isa, QStringLiteral("avx512")); // the CPU's best by default
    } else {
        QVERIFY2(isa != QStringLiteral("avx512"), qPrintable(isa));
    }
#else
    QCOMPARE(isa, QStringLiteral("generic"));
#endif
}

QTEST_APPLESS_MAIN(TestBnRelu)
#include "test_bn_relu.moc"
