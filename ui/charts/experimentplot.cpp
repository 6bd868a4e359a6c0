#include "experimentplot.h"
#include "language.h"

#include "resnext/report.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace resnext;

namespace {

QString compact(std::int64_t v)
{
    const double d = static_cast<double>(v);
    if (d >= 1e9)
        return language::decimal(d / 1e9, 2) + "G";
    if (d >= 1e6)
        return language::decimal(d / 1e6, 1) + "M";
    if (d >= 1e3)
        return language::decimal(d / 1e3, 0) + "k";
    return language::count(v);
}

QString shortLabel(const ExperimentPoint &p)
{
    return QString("%1x%2d").arg(p.spec.cardinality).arg(p.spec.width);
}

// One axis rect: faint per-seed curves, the mean with +-std error bars.
void drawSeries(QCustomPlot *plot, QCPAxisRect *rect, const ExperimentResult &r, bool accuracy, bool logX)
{
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
    const double scale = accuracy ? 100.0 : 1.0;
    std::map<std::uint64_t, std::pair<QVector<double>, QVector<double>>> bySeed;
    for (const RunRecord &run : r.runs) {
        auto &[xs, ys] = bySeed[run.seed];
        xs << r.points[static_cast<size_t>(run.point)].x;
        ys << scale * (accuracy ? run.testAccuracy : run.finalLoss);
    }
    double lo = 1e300, hi = -1e300;
    for (auto &[seed, xy] : bySeed) {
        QCPGraph *g = plot->addGraph(x, y);
        g->setData(xy.first, xy.second);
        g->setPen(QPen(QColor(120, 120, 120, 90), 1));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(120, 120, 120, 110), 4));
        g->setName(QObject::tr("seed %1").arg(seed));
        g->removeFromLegend();
        for (double v : xy.second) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    QVector<double> mx, my, err;
    const auto &stats = accuracy ? r.accuracy : r.loss;
    for (size_t i = 0; i < r.points.size() && i < stats.size(); ++i) {
        if (stats[i].n == 0)
            continue;
        mx << r.points[i].x;
        my << scale * stats[i].mean;
        err << scale * stats[i].stddev;
        lo = std::min(lo, scale * (stats[i].mean - stats[i].stddev));
        hi = std::max(hi, scale * (stats[i].mean + stats[i].stddev));
    }
    const QColor colour = accuracy ? tab10::kBlue : tab10::kRed;
    QCPGraph *mean = plot->addGraph(x, y);
    mean->setData(mx, my);
    mean->setPen(QPen(colour, 2));
    mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 7));
    mean->setName(accuracy ? QObject::tr("test accuracy, mean ± std over seeds")
                           : QObject::tr("training loss (last epoch), mean ± std"));
    auto *bars = new QCPErrorBars(x, y);
    bars->setDataPlottable(mean);
    bars->setData(err);
    bars->setPen(QPen(colour, 1.5));
    bars->removeFromLegend();
    y->setLabel(accuracy ? QObject::tr("test accuracy (%)") : QObject::tr("training loss"));
    if (lo <= hi) {
        const double pad = std::max(0.05 * (hi - lo), accuracy ? 0.5 : 0.01);
        y->setRange(lo - pad, hi + pad);
    }
    if (r.points.empty())
        return;
    double x0 = r.points.front().x, x1 = x0;
    for (const ExperimentPoint &p : r.points) {
        x0 = std::min(x0, p.x);
        x1 = std::max(x1, p.x);
    }
    if (logX) {
        x->setScaleType(QCPAxis::stLogarithmic);
        x->setRange(x0 / 1.4, x1 * 1.4);
    } else {
        x->setScaleType(QCPAxis::stLinear);
        x->setRange(x0 - 0.5, x1 + 0.5);
    }
}

} // namespace

void drawExperiment(QCustomPlot *plot, const ExperimentResult &r)
{
    clearEmptyState(plot); // before clearItems() deletes its text
    plot->clearPlottables();
    plot->clearItems();
    if (plot->plotLayout()->rowCount() < 3) {
        // Title, accuracy, loss (with params and MACs under its axis).
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, QString(), QFont(plot->font().family(), 10, QFont::Bold)));
        auto *lower = new QCPAxisRect(plot);
        plot->plotLayout()->addElement(2, 0, lower);
        plot->plotLayout()->setRowStretchFactor(1, 1.6);
        plot->plotLayout()->setRowStretchFactor(2, 1.0);
        auto *group = new QCPMarginGroup(plot);
        plot->axisRect(0)->setMarginGroup(QCP::msLeft | QCP::msRight, group);
        lower->setMarginGroup(QCP::msLeft | QCP::msRight, group);
        moveLegendBelow(plot, 4);
    }
    QCPAxisRect *top = plot->axisRect(0), *bottom = plot->axisRect(1);
    const bool cardinality = r.name.rfind("cardinality", 0) == 0;
    drawSeries(plot, top, r, true, cardinality);
    drawSeries(plot, bottom, r, false, cardinality);
    QCPAxis *topX = top->axis(QCPAxis::atBottom), *bottomX = bottom->axis(QCPAxis::atBottom);
    QSharedPointer<QCPAxisTickerText> under(new QCPAxisTickerText);
    for (const ExperimentPoint &p : r.points)
        //: an x-axis tick: the spec, its parameters and its MACs
        under->addTick(p.x, QObject::tr("%1\n%2 params\n%3 MACs").arg(shortLabel(p), compact(p.totals.params),
                                                                 compact(p.totals.macs)));
    bottomX->setTicker(under);
    bottomX->setLabel(cardinality ? QObject::tr("cardinality C (log scale), with the solver's d") : QString());
    if (cardinality) {
        QSharedPointer<QCPAxisTickerLog> log(new QCPAxisTickerLog);
        log->setLogBase(2);
        log->setSubTickCount(0);
        topX->setTicker(log);
        topX->setLabel(QObject::tr("cardinality C"));
    } else {
        QSharedPointer<QCPAxisTickerText> names(new QCPAxisTickerText);
        for (const ExperimentPoint &p : r.points)
            names->addTick(p.x, QString::fromStdString(p.label));
        topX->setTicker(names);
        topX->setLabel(QString());
    }
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(plot->font().family(), 8));
    int seeds = 0;
    for (const PointStats &st : r.accuracy)
        seeds = std::max(seeds, st.n);
    if (auto *title = qobject_cast<QCPTextElement *>(plot->plotLayout()->element(0, 0)))
        title->setText(QObject::tr("%1: %2 of %3 runs, up to %4 seeds per point")
                           .arg(QString::fromStdString(r.name))
                           .arg(r.runs.size())
                           .arg(r.plannedRuns)
                           .arg(seeds));
    plot->replot();
}
