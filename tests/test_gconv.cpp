// The fast path's own kernels: the grouped 3x3 convolution for small groups
// (core/src/engine/gconv.cpp), the kernel itself against ATen's convolution and
// the whole fast path with it against the plain LibTorch path, on each ISA
// variant this CPU runs; squeeze-and-excitation (excite.cpp) against ATen's ops.
//
// Tolerance: 1e-4 of the largest magnitude compared (max |a - b| / max |b|), the
// fast path's tolerance; the sums run in another order than ATen's (and AVX2 vs
// AVX-512 differ), so exact equality is not expected.
#include "engine/excite.h"
#include "engine/gconv.h"

#include "resnext/datasource.h"
#include "resnext/engine.h"
#include "resnext/preprocess.h"
#include "test_util.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cstdlib>
#include <random>

using namespace resnext;
using testutil::noiseImage;

namespace {

constexpr double kTolerance = 1e-4;

double relDiff(const at::Tensor &a, const at::Tensor &b)
{
    return (a - b).abs().max().item<double>() / std::max(b.abs().max().item<double>(), 1e-30);
}

double relDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    if (a.size() != b.size() || a.empty())
        return 1e9;
    double d = 0, scale = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        d = std::max(d, static_cast<double>(std::fabs(a[i] - b[i])));
        scale = std::max(scale, static_cast<double>(std::fabs(b[i])));
    }
    return d / std::max(scale, 1e-30);
}

// NCHW -> nChw{B}c and back.
at::Tensor toBlocked(const at::Tensor &x, int b)
{
    return x.view({x.size(0), x.size(1) / b, b, x.size(2), x.size(3)}).permute({0, 1, 3, 4, 2}).contiguous();
}
at::Tensor fromBlocked(const at::Tensor &y, int n, int c, int h, int w)
{
    return y.view({n, c / y.size(4), h, w, y.size(4)}).permute({0, 1, 4, 2, 3}).reshape({n, c, h, w});
}

std::vector<gconv::Isa> variants()
{
    std::vector<gconv::Isa> v;
    if (gconv::cpuIsa() != gconv::Isa::None)
        v.push_back(gconv::Isa::Avx2);
    if (gconv::cpuIsa() == gconv::Isa::Avx512)
        v.push_back(gconv::Isa::Avx512);
    return v;
}

} // namespace

class TestGconv : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kernelMatchesAten();
    void rejectsWhatItCannotRun();
    void fastPathMatchesPlain();
    void exciteMatchesAten();
};

void TestGconv::kernelMatchesAten()
{
    if (variants().empty())
        QSKIP("this CPU has neither AVX2 + FMA nor AVX-512");
    at::manual_seed(3);
    struct Case {
        int batch, channels, groups, height, width, stride;
    };
    // Every group width the kernel takes (1, 2, 4, 8, 16), strides 1 and 2, odd
    // and even sizes, batch 1 and 8; widths past one register tile and below it.
    const std::vector<Case> cases = {
        {1, 32, 32, 9, 11, 1}, {8, 32, 16, 7, 5, 2}, {1, 64, 16, 17, 15, 1}, {8, 64, 16, 13, 13, 2},
        {1, 64, 8, 29, 31, 1}, {8, 64, 8, 10, 9, 2},  {1, 128, 8, 23, 3, 2}, {8, 128, 8, 6, 6, 1},
        {1, 32, 2, 15, 17, 1}, {8, 48, 3, 9, 9, 2},   {1, 16, 1, 5, 33, 1},
    };
    for (const gconv::Isa isa : variants())
        for (const int block : {8, 16})
            for (const Case &k : cases)
                for (const bool relu : {true, false}) {
                    const gconv::Shape s{k.batch, k.channels, k.groups, k.height, k.width, k.stride, block};
                    const std::string why = gconv::unsupported(isa, s);
                    const QString what = QString("%1 block %2 C %3 g %4 %5x%6 stride %7 batch %8")
                                             .arg(QString::fromStdString(gconv::toString(isa)))
                                             .arg(block)
                                             .arg(k.channels)
                                             .arg(k.groups)
                                             .arg(k.height)
                                             .arg(k.width)
                                             .arg(k.stride)
                                             .arg(k.batch);
                    if (!why.empty()) {
                        // Only an AVX-512 vector on 8-channel blocks is turned away here.
                        QVERIFY2(isa == gconv::Isa::Avx512 && block == 8, qPrintable(what + ": " + why.c_str()));
                        continue;
                    }
                    const auto x = at::randn({k.batch, k.channels, k.height, k.width});
                    const auto w = at::randn({k.channels, k.channels / k.groups, 3, 3});
                    const auto b = at::randn({k.channels});
                    auto ref = at::conv2d(x, w, b, {k.stride, k.stride}, {1, 1}, {1, 1}, k.groups);
                    if (relu)
                        ref = ref.relu();
                    const gconv::Conv conv(isa, s, w.contiguous().data_ptr<float>(), b.data_ptr<float>(), relu);
                    const auto src = toBlocked(x, block);
                    auto dst = at::full({k.batch, k.channels / block, s.outHeight(), s.outWidth(), block}, NAN);
                    conv.run(src.data_ptr<float>(), dst.data_ptr<float>());
                    const auto got = fromBlocked(dst, k.batch, k.channels, s.outHeight(), s.outWidth());
                    QCOMPARE(got.sizes(), ref.sizes());
                    const double d = relDiff(got, ref);
                    QVERIFY2(d <= kTolerance, qPrintable(what + QString(": differs by %1").arg(d)));
                }
}

void TestGconv::rejectsWhatItCannotRun()
{
    gconv::Shape s;
    s.channels = 96;
    s.groups = 4; // 24 channels a group
    s.height = s.width = 8;
    QCOMPARE(QString::fromStdString(gconv::unsupported(gconv::Isa::Avx2, s)),
             QString("24 channels per group (1, 2, 4, 8 or 16 only)"));
    s.groups = 32;
    s.block = 8;
    QCOMPARE(QString::fromStdString(gconv::unsupported(gconv::Isa::Avx512, s)),
             QString("a 16-lane vector does not fit a 8-channel block"));
    QCOMPARE(QString::fromStdString(gconv::unsupported(gconv::Isa::None, s)), QString("no AVX2 or AVX-512 variant chosen"));
    try {
        gconv::Conv(gconv::Isa::Avx512, s, nullptr, nullptr, true);
        QFAIL("an unsupported shape was accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString(e.what()), QString("gconv: a 16-lane vector does not fit a 8-channel block"));
    }
}

void TestGconv::fastPathMatchesPlain()
{
    if (!loadEngine().deviceInfo().fastPath)
        QSKIP("this build has no oneDNN fast path");
    // 4, 8 and 16 channels a group (the built-in model's), an odd input size
    // (67: odd maps in every stage, stride-2 grouped convolutions in layer2.0 and
    // layer3.0), the three block forms; each kernel variant, forced.
    ArchSpec spec = fashionMnistSpec();
    spec.inputSize = 67;
    spec.inChannels = 3;
    const char *old = std::getenv("RESNEXT_GCONV");
    const QByteArray saved = old ? QByteArray(old) : QByteArray();
    for (const gconv::Isa isa : variants()) {
        qputenv("RESNEXT_GCONV", QByteArray::fromStdString(gconv::toString(isa)));
        for (const BlockForm form : {BlockForm::A, BlockForm::B, BlockForm::C}) {
            ModelInfo info;
            info.spec = spec;
            info.spec.form = form;
            info.preprocessing = defaultPreprocessing(info.spec);
            auto m = loadEngine().create(info, 7);
            for (const char *block : {"layer1.1", "layer2.0", "layer3.0"}) {
                const RgbImage img = noiseImage(70, 69, 5);
                m->setInferencePath(InferencePath::Plain);
                const Analysis plain = m->analyze(img, 3, block);
                m->setInferencePath(InferencePath::Fast);
                const Analysis fast = m->analyze(img, 3, block);
                const QString what = QString("%1 form %2 %3")
                                         .arg(QString::fromStdString(gconv::toString(isa)))
                                         .arg(QString::fromStdString(toString(form)))
                                         .arg(block);
                for (const auto &[name, a, b] : {std::tuple{"logits", &fast.logits, &plain.logits},
                                                 std::tuple{"grouped maps", &fast.features.grouped, &plain.features.grouped},
                                                 std::tuple{"block output", &fast.features.output, &plain.features.output}}) {
                    const double d = relDiff(*a, *b);
                    QVERIFY2(d <= kTolerance, qPrintable(what + QString(" %1: fast differs from plain by %2").arg(name).arg(d)));
                }
            }
        }
    }
    if (old)
        qputenv("RESNEXT_GCONV", saved);
    else
        qunsetenv("RESNEXT_GCONV");
}

// Squeeze-and-excitation on blocked maps: y = relu(x * sigmoid(fc2(relu(fc1(mean(x))))) + y)
// against ATen's ops, for each pair of channel blocks (the block's output and
// the shortcut may differ: oneDNN gave layer2's 8 and the shortcut 16), batch 1
// and 3, odd maps; and what it turns away.
void TestGconv::exciteMatchesAten()
{
    at::manual_seed(5);
    struct Case {
        int batch, channels, reduced, height, width;
    };
    const std::vector<Case> cases = {{1, 32, 8, 7, 9}, {3, 64, 8, 5, 5}, {1, 48, 16, 1, 1}, {3, 256, 16, 13, 11}};
    for (const int srcBlock : {8, 16})
        for (const int dstBlock : {8, 16})
            for (const Case &k : cases) {
                const excite::Shape s{k.batch, k.channels, k.reduced, k.height, k.width, srcBlock, dstBlock};
                const QString what = QString("blocks %1, %2 C %3 rd %4 %5x%6 batch %7")
                                         .arg(srcBlock)
                                         .arg(dstBlock)
                                         .arg(k.channels)
                                         .arg(k.reduced)
                                         .arg(k.height)
                                         .arg(k.width)
                                         .arg(k.batch);
                if (k.channels % std::max(srcBlock, dstBlock) != 0) {
                    QCOMPARE(QString::fromStdString(excite::unsupported(s)),
                             QString("48 channels: not a multiple of the channel block 16"));
                    continue;
                }
                const auto x = at::randn({k.batch, k.channels, k.height, k.width});
                const auto shortcut = at::randn({k.batch, k.channels, k.height, k.width});
                const auto w1 = at::randn({k.reduced, k.channels}) * 0.2, b1 = at::randn({k.reduced});
                const auto w2 = at::randn({k.channels, k.reduced}) * 0.5, b2 = at::randn({k.channels});
                const auto gate = at::linear(at::linear(x.mean({2, 3}), w1, b1).relu(), w2, b2).sigmoid();
                const auto ref = (x * gate.view({k.batch, k.channels, 1, 1}) + shortcut).relu();
                const excite::Unit unit(s, w1.contiguous().data_ptr<float>(), b1.data_ptr<float>(),
                                        w2.contiguous().data_ptr<float>(), b2.data_ptr<float>());
                const auto src = toBlocked(x, srcBlock);
                auto dst = toBlocked(shortcut, dstBlock);
                unit.run(src.data_ptr<float>(), dst.data_ptr<float>());
                const double d = relDiff(fromBlocked(dst, k.batch, k.channels, k.height, k.width), ref);
                QVERIFY2(d <= kTolerance, qPrintable(what + QString(": differs by %1").arg(d)));
            }
    excite::Shape s;
    s.channels = 64;
    s.reduced = 8;
    s.height = s.width = 4;
    s.srcBlock = 4;
    QCOMPARE(QString::fromStdString(excite::unsupported(s)), QString("not a float nChw8c or nChw16c layout"));
    try {
        excite::Unit(s, nullptr, nullptr, nullptr, nullptr);
        QFAIL("an unsupported shape was accepted");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString(e.what()), QString("excite: not a float nChw8c or nChw16c layout"));
    }
}

QTEST_APPLESS_MAIN(TestGconv)
#include "test_gconv.moc"
