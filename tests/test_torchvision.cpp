// Cross-checks against Debian's python3-torchvision: for every preset that
// torchvision has, the state_dict keys and shapes of the LibTorch model and the
// analytic parameter count must equal torchvision's exactly.
#include "resnext/accounting.h"
#include "resnext/model.h"
#include "test_util.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QProcess>
#include <QtTest/QtTest>

using namespace resnext;

class TestTorchvision : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keysShapesAndCounts_data();
    void keysShapesAndCounts();

private:
    QJsonObject m_reference;
};

static const QStringList kModels = {"resnet18",        "resnet34",         "resnet50",         "resnet101",
                                    "resnet152",       "resnext50_32x4d",  "resnext101_32x8d", "resnext101_64x4d",
                                    "wide_resnet50_2", "wide_resnet101_2"};

void TestTorchvision::initTestCase()
{
    const testutil::PythonRun py = testutil::runReferenceScript("torchvision_keys.py", kModels);
    if (!py.ok && py.missingModule())
        QSKIP("Debian's python3-torchvision is not installed; the README's test command installs it");
    QVERIFY2(py.ok, qPrintable("torchvision reference failed: " + py.error));
    m_reference = QJsonDocument::fromJson(py.out).object();
    QCOMPARE(m_reference.size(), kModels.size());
}

void TestTorchvision::keysShapesAndCounts_data()
{
    QTest::addColumn<QString>("name");
    for (const auto &n : kModels)
        QTest::newRow(qPrintable(n)) << n;
}

void TestTorchvision::keysShapesAndCounts()
{
    QFETCH(QString, name);
    const QJsonObject ref = m_reference.value(name).toObject();
    const ArchSpec spec = preset(name.toStdString()).spec;
    QCOMPARE(countTotals(spec).params, std::int64_t(ref.value("params").toDouble()));

    ResNet m = buildModel(spec);
    QCOMPARE(parameterCount(*m), std::int64_t(ref.value("params").toDouble()));
    const QJsonObject state = ref.value("state").toObject();
    int seen = 0;
    const auto check = [&](const std::string &key, const torch::Tensor &t) {
        ++seen;
        const QJsonValue v = state.value(QString::fromStdString(key));
        QVERIFY2(v.isArray(), ("not in torchvision: " + key).c_str());
        const QJsonArray shape = v.toArray();
        QCOMPARE(qsizetype(t.dim()), shape.size());
        for (int i = 0; i < shape.size(); ++i)
            QCOMPARE(t.size(i), int64_t(shape[i].toInt()));
    };
    for (const auto &p : m->named_parameters(true))
        check(p.key(), p.value());
    for (const auto &b : m->named_buffers(true))
        check(b.key(), b.value());
    QCOMPARE(seen, int(state.size()));
}

QTEST_APPLESS_MAIN(TestTorchvision)
#include "test_torchvision.moc"
