// The Experiments tab on a tiny sweep (offscreen), and the `experiment`
// subcommand: a tiny resumable run and every bad input's message and exit code.
#include "experimentpanel.h"
#include "modelservice.h"
#include "plot.h"
#include "cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QStringList kTiny = {"--depth", "1", "--cardinalities", "1,4", "--seeds", "2", "--epochs", "1",
                           "--limit", "200", "--batch", "50", "--test-limit", "100", "--threads", "1"};

} // namespace

class TestGuiExperiment : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tinySweepFillsTableAndPlot()
    {
        ModelService service;
        ExperimentPanel panel(&service);
        panel.cardinalitiesEdit()->setText("1,4");
        panel.depthSpin()->setValue(1);
        panel.seedsSpin()->setValue(2);
        panel.epochsSpin()->setValue(1);
        panel.limitSpin()->setValue(200);
        panel.testLimitSpin()->setValue(100);
        QSignalSpy updates(&service, &ModelService::experimentUpdated);
        panel.start();
        QVERIFY(panel.job().id != 0);
        QVERIFY(panel.cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!service.pending(panel.job()), 600000);
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        QCOMPARE(updates.count(), 5); // after each of the 4 runs, and the end

        QTableWidget *t = panel.table();
        QCOMPARE(t->rowCount(), 2);
        QCOMPARE(t->item(0, 1)->text(), QString("1"));
        QCOMPARE(t->item(1, 1)->text(), QString("4"));
        QCOMPARE(t->item(0, 5)->text(), QString("2")); // runs per point
        QCOMPARE(t->item(1, 5)->text(), QString("2"));
        QVERIFY(t->item(1, 11)->text().startsWith("[")); // the paired interval
        const auto r = panel.result();
        QCOMPARE(r->runs.size(), size_t(4));
        QCOMPARE(t->item(1, 6)->text(), QString::number(100 * r->accuracy[1].mean, 'f', 2));

        // Per rect: one faint curve per seed and the mean with error bars.
        QCustomPlot *plot = panel.plot();
        QCOMPARE(plot->graphCount(), 6);
        QCPGraph *mean = plot->graph(2);
        QCOMPARE(mean->data()->size(), 2);
        QCOMPARE(mean->data()->at(1)->value, 100 * r->accuracy[1].mean);
        QCOMPARE(plot->axisRect(0)->axis(QCPAxis::atBottom)->scaleType(), QCPAxis::stLogarithmic);
        int errorBars = 0;
        for (int i = 0; i < plot->plottableCount(); ++i)
            if (auto *bars = qobject_cast<QCPErrorBars *>(plot->plottable(i))) {
                ++errorBars;
                QCOMPARE(bars->dataCount(), 2);
            }
        QCOMPARE(errorBars, 2);

        QTemporaryDir dir;
        QVERIFY(panel.exportPng(dir.filePath("e.png")));
        QVERIFY(QFileInfo(dir.filePath("e.png")).size() > 1000);
        QVERIFY(panel.exportCsv(dir.filePath("e.csv")));
        QFile csv(dir.filePath("e.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 3); // header + 2 points
    }

    void badControlsAreRefusedInline()
    {
        ExperimentPanel panel(nullptr);
        panel.cardinalitiesEdit()->setText("1,0");
        QCOMPARE(panel.job().id, quint64(0));
        bool threw = false;
        try {
            panel.request();
        } catch (const resnext::Error &e) {
            threw = true;
            QCOMPARE(QString(e.what()), QString("cardinalities: each C must be between 1 and 1024 (got 0)"));
        }
        QVERIFY(threw);
    }

    void cliRunsAndResumes()
    {
        QTemporaryDir dir;
        const QStringList args = QStringList{"experiment", "cardinality", "--data", "fashion-mnist", "--out", dir.path(),
                                             "--format", "json"} +
                                 kTiny;
        const Result first = run(args);
        QVERIFY2(first.code == 0, qPrintable(first.err));
        const QJsonObject j = QJsonDocument::fromJson(first.out.toUtf8()).object();
        QCOMPARE(j["finished_runs"].toInt(), 4);
        QCOMPARE(j["points"].toArray().size(), 2);
        QVERIFY(j["data"].toString().contains("split seed 0"));
        QVERIFY(QFileInfo(dir.filePath("summary.csv")).exists());
        const Result again = run(args);
        QCOMPARE(again.code, 0);
        QCOMPARE(again.err.count("already done"), 4);
        QVERIFY(!again.err.contains("epoch 1/1"));
        // The same numbers, read back.
        const QJsonObject k = QJsonDocument::fromJson(again.out.toUtf8()).object();
        QCOMPARE(k["points"].toArray(), j["points"].toArray());
    }

    void cliBadInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList d = {"--data", "fashion-mnist", "--out", "/tmp/unused-experiment-out"};
        // `experiment cardinality` with one option and valid data and output.
        const auto card = [&d](const char *option, const char *value) {
            return QStringList{"experiment", "cardinality", option, value} + d;
        };
        QTest::newRow("no name") << (QStringList{"experiment"} + d)
                                 << "experiment: name one experiment: cardinality, double or FILE.json";
        QTest::newRow("unknown") << (QStringList{"experiment", "widest"} + d)
                                 << "experiment: unknown experiment 'widest'; use cardinality, double or FILE.json";
        QTest::newRow("no data") << QStringList{"experiment", "cardinality", "--out", "/tmp/x"}
                                 << "experiment: --data fashion-mnist|DIR is required";
        QTest::newRow("no out") << QStringList{"experiment", "cardinality", "--data", "fashion-mnist"}
                                << "experiment: --out DIR is required (results are stored there and resumed from there)";
        QTest::newRow("depth") << card("--depth", "65")
                               << "depth: must be 1 to 64 blocks per stage, or 26/50/101/152 for four-stage "
                                  "bottleneck specs (got 65)";
        QTest::newRow("C") << card("--cardinalities", "1,0")
                           << "cardinalities: each C must be between 1 and 1024 (got 0)";
        QTest::newRow("by") << card("--by", "width") << "by: unknown value 'width'; use params or macs";
        QTest::newRow("limit") << card("--limit", "-1")
                               << "limit: must be 0 (all) or a number of training images (got -1)";
        QTest::newRow("test-limit") << card("--test-limit", "-5")
                                    << "test-limit: must be 0 (all) or a number of test images (got -5)";
        QTest::newRow("format") << card("--format", "csv") << "format: experiment supports table or json (got 'csv')";
        QTest::newRow("plot") << card("--plot", "x.jpg") << "plot: 'x.jpg' must end in .png";
        QTest::newRow("file") << (QStringList{"experiment", "/nonexistent/specs.json"} + d)
                              << "/nonexistent/specs.json: cannot open file (No such file or directory)";
        QTest::newRow("seeds") << card("--seeds", "0") << "seeds: must be between 1 and 100 (got 0)";
        QTest::newRow("epochs") << card("--epochs", "0") << "epochs: must be between 1 and 1000 (got 0)";
    }

    void cliBadInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        expectRefused(args, "resnext-explorer experiment: " + message);
    }
};

QTEST_MAIN(TestGuiExperiment)
#include "test_gui_experiment.moc"
