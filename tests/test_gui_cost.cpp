// The Cost tab against the real engine, offscreen: the sweep runs on the worker
// and fills the chart, a second request answers from the cache, and Cancel stops
// a measurement. No figure is asserted: only what was measured and where.
#include "costpanel.h"
#include "mainwindow.h"
#include "modelservice.h"
#include "plot.h"

#include "resnext/accounting.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace resnext;

class TestGuiCost : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sweepFillsTheChartThenComesFromTheCache();
    void cancelStopsAMeasurement();

private:
    QTemporaryDir m_dir;
};

void TestGuiCost::sweepFillsTheChartThenComesFromTheCache()
{
    MainWindow w(m_dir.filePath("c.ini"));
    ArchSpec spec; // ResNet-50 depth at 32x32: every C of the sweep measures in about a second
    spec.inputSize = 32;
    QVERIFY(w.applySpec(spec));
    w.show();
    w.showPanel("cost");
    CostPanel *p = w.costPanel();
    // The analytic curve is there before anything is measured: C = 1..64, ResNet = 1.
    QTRY_COMPARE(p->costPlot()->graph(0)->dataCount(), 7);
    QCOMPARE(p->costPlot()->graph(3)->dataCount(), 0);
    QSignalSpy finished(w.modelService(), &ModelService::jobFinished);
    const Job job = p->measure(true);
    QCOMPARE(job.kind, JobKind::Profile);
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->pending(job), 600000);
    QCOMPARE(finished.last().at(1).value<JobOutcome>(), JobOutcome::Done);
    const auto measured = p->measuredByC();
    QCOMPARE(int(measured.size()), 7);
    for (int c : {1, 2, 4, 8, 16, 32, 64})
        QVERIFY(measured.count(c) && measured.at(c) > 0);
    QCOMPARE(p->costPlot()->graph(3)->dataCount(), 7);
    // The activations series is the analytic ratio to the ResNet's.
    const Summary base = summarize(spec);
    const Summary c32 = summarize(matchWidth(spec, 32).matched);
    double at32 = 0;
    for (auto it = p->costPlot()->graph(2)->data()->begin(); it != p->costPlot()->graph(2)->data()->end(); ++it)
        if (it->key == 32)
            at32 = it->value;
    QCOMPARE(at32, double(c32.activations) / double(base.activations));
    // The same request again: every row from the cache, at once.
    const Job again = p->measure(true);
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->pending(again), 20000);
    QVERIFY(p->findChild<QLabel *>("costStatus")->text().contains("Measured") ||
            p->findChild<QLabel *>("costStatus")->text().contains("from the cache"));
    QCOMPARE(p->measuredByC(), measured); // cached rows carry the same figures
}

void TestGuiCost::cancelStopsAMeasurement()
{
    MainWindow w(m_dir.filePath("d.ini"));
    ArchSpec spec;
    spec.inputSize = 64;
    spec.cardinality = 8;
    spec.width = 14;
    QVERIFY(w.applySpec(spec));
    w.show();
    w.showPanel("cost");
    QSignalSpy finished(w.modelService(), &ModelService::jobFinished);
    const Job job = w.costPanel()->measure(true);
    w.costPanel()->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!w.modelService()->pending(job), 120000);
    QCOMPARE(finished.last().at(0).value<Job>().id, job.id);
    QCOMPARE(finished.last().at(1).value<JobOutcome>(), JobOutcome::Cancelled);
    QVERIFY(w.costPanel()->measuredByC().size() < 7);
}

QTEST_MAIN(TestGuiCost)
#include "test_gui_cost.moc"
