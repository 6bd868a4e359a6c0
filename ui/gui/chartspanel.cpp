#include "chartspanel.h"

#include "language.h"

#include "resnext/fileio.h"
#include "resnext/report.h"

#include "figure.h"
#include "plot.h"

#include <QBuffer>
#include <QFileDialog>
#include <QTemporaryFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QMenu>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <cstdio>

#include <unistd.h>

using namespace resnext;

namespace {

// The current model, the baseline, the pinned model and the equal-complexity line.
const QColor kCurrent = tab10::kBlue, kBaseline = tab10::kGrey, kPinned = tab10::kOrange, kEqual = tab10::kGreen;

} // namespace

ChartsPanel::ChartsPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_params = new QCustomPlot;
    m_params->setObjectName("stageParamsPlot");
    m_macs = new QCustomPlot;
    m_macs->setObjectName("stageMacsPlot");
    setupStagePlot(m_params, tr("Parameters per stage"), tr("parameters (millions)"));
    setupStagePlot(m_macs, tr("MACs per stage"), tr("MACs (billions)"));
    top->addWidget(m_params);
    top->addWidget(m_macs);
    layout->addLayout(top, 1);
    m_curve = new QCustomPlot;
    m_curve->setObjectName("cardinalityPlot");
    setupCurvePlot();
    layout->addWidget(m_curve, 1);
    registerFigure(m_params, "stage-params");
    registerFigure(m_macs, "stage-macs");
    registerFigure(m_curve, "cardinality");
}

void ChartsPanel::setupStagePlot(QCustomPlot *plot, const QString &title, const QString &unit)
{
    plot->setMinimumHeight(160);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont(font().family(), 11, QFont::Bold)));
    plot->yAxis->setLabel(unit);
    plot->xAxis->setTickLength(0, 0);
    plot->xAxis->grid()->setVisible(false);
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(font().family(), 8));
    moveLegendBelow(plot, 3);
}

void ChartsPanel::updateStagePlot(QCustomPlot *plot, const std::vector<std::vector<double>> &series,
                                  const QStringList &names, const QVector<QString> &stageNames)
{
    plot->clearPlottables();
    auto *group = new QCPBarsGroup(plot);
    group->setSpacing(1);
    const QColor colours[] = {kCurrent, kBaseline, kPinned};
    QVector<double> keys;
    for (int i = 0; i < stageNames.size(); ++i)
        keys << i + 1;
    double maxV = 0;
    for (size_t s = 0; s < series.size(); ++s) {
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(names[static_cast<int>(s)]);
        bars->setPen(Qt::NoPen);
        bars->setBrush(colours[s % 3]);
        bars->setWidth(0.8 / static_cast<double>(series.size()));
        bars->setBarsGroup(group);
        QVector<double> values(series[s].begin(), series[s].end());
        for (double v : values)
            maxV = std::max(maxV, v);
        bars->setData(keys, values, true);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(keys, stageNames);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(0.4, stageNames.size() + 0.6);
    plot->yAxis->setRange(0, maxV > 0 ? maxV * 1.15 : 1);
    replot(plot);
}

void ChartsPanel::setStages(const Summary &cur, const Summary &base, const std::optional<Summary> &pinned)
{
    // Stage lists can differ in length (pinned model of another depth): use the longest.
    const Summary *all[] = {&cur, &base, pinned ? &*pinned : nullptr};
    QVector<QString> stageNames;
    for (const Summary *s : all)
        if (s && s->stages.size() > static_cast<size_t>(stageNames.size())) {
            stageNames.clear();
            for (const auto &st : s->stages)
                stageNames << QString::fromStdString(st.name);
        }
    // Align by name: head is always last.
    const auto valuesOf = [&](const Summary &s, bool params) {
        std::vector<double> v(static_cast<size_t>(stageNames.size()), 0.0);
        for (size_t i = 0; i < s.stages.size(); ++i) {
            const bool head = i + 1 == s.stages.size();
            const size_t slot = head ? v.size() - 1 : i;
            const double x = params ? static_cast<double>(s.stages[i].params) / 1e6
                                    : static_cast<double>(s.stages[i].macs) / 1e9;
            v[slot] = x;
        }
        return v;
    };
    QStringList names = {QString::fromStdString(describe(cur.spec)), QString::fromStdString(describe(base.spec))};
    std::vector<std::vector<double>> p = {valuesOf(cur, true), valuesOf(base, true)};
    std::vector<std::vector<double>> m = {valuesOf(cur, false), valuesOf(base, false)};
    if (pinned) {
        names << tr("pinned: %1").arg(QString::fromStdString(describe(pinned->spec)));
        p.push_back(valuesOf(*pinned, true));
        m.push_back(valuesOf(*pinned, false));
    }
    updateStagePlot(m_params, p, names, stageNames);
    updateStagePlot(m_macs, m, names, stageNames);
}

void ChartsPanel::setupCurvePlot()
{
    QCustomPlot *plot = m_curve;
    plot->setMinimumHeight(160);
    addPlotTitle(plot, tr("Complexity against cardinality C"));
    plot->setToolTip(tr("Hover over the curves for the values at each C."));
    setLog2Axis(plot->xAxis, tr("cardinality C (log scale)"), 0.9, 70);
    plot->yAxis->setLabel(tr("parameters (millions)"));
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setLabel(tr("MACs (billions)"));
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(font().family(), 8));
    moveLegendBelow(plot, 3);

    const auto addGraph = [&](QCPAxis *y, const QColor &c, Qt::PenStyle style, const QString &name) {
        QCPGraph *g = plot->addGraph(plot->xAxis, y);
        g->setPen(QPen(c, 2, style));
        g->setName(name);
        return g;
    };
    addGraph(plot->yAxis, kCurrent, Qt::SolidLine, tr("params at current d"));
    addGraph(plot->yAxis2, kCurrent, Qt::DashLine, tr("MACs at current d (right axis)"));
    addGraph(plot->yAxis, kEqual, Qt::SolidLine, tr("params at equal complexity d*(C)"));
    addGraph(plot->yAxis, kBaseline, Qt::DotLine, tr("ResNet (C=1, d=64) params"));
    QCPGraph *marker = addGraph(plot->yAxis, kPinned, Qt::SolidLine, tr("current model"));
    marker->setLineStyle(QCPGraph::lsNone);
    marker->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kPinned, 2), QBrush(kPinned), 10));
    connect(plot, &QCustomPlot::mouseMove, this, &ChartsPanel::showCurveTip);
}

void ChartsPanel::setCurves(const std::vector<CurvePoint> &atWidth, const std::vector<CurvePoint> &equal,
                            std::int64_t baselineParams, std::int64_t baselineMacs, int currentC, MatchBy by)
{
    m_atWidth = atWidth;
    m_equal = equal;
    m_baselineParams = baselineParams;
    m_baselineMacs = baselineMacs;
    m_by = by;
    QVector<double> c, p, m, ec, ep, bx, bp, mx, my;
    double maxP = static_cast<double>(baselineParams) / 1e6, maxM = static_cast<double>(baselineMacs) / 1e9;
    for (const auto &pt : atWidth) {
        c << pt.cardinality;
        p << static_cast<double>(pt.totals.params) / 1e6;
        m << static_cast<double>(pt.totals.macs) / 1e9;
        maxP = std::max(maxP, p.back());
        maxM = std::max(maxM, m.back());
        if (pt.cardinality == currentC) {
            mx << pt.cardinality;
            my << p.back();
        }
    }
    for (const auto &pt : equal) {
        ec << pt.cardinality;
        ep << static_cast<double>(pt.totals.params) / 1e6;
    }
    bx << 0.9 << 70;
    bp << static_cast<double>(baselineParams) / 1e6 << static_cast<double>(baselineParams) / 1e6;
    m_curve->graph(0)->setData(c, p, true);
    m_curve->graph(1)->setData(c, m, true);
    m_curve->graph(2)->setData(ec, ep, true);
    m_curve->graph(3)->setData(bx, bp, true);
    m_curve->graph(4)->setData(mx, my, true);
    m_curve->graph(2)->setName(by == MatchBy::Params ? tr("params at equal complexity d*(C), by params")
                                                     : tr("params at equal complexity d*(C), by MACs"));
    m_curve->yAxis->setRange(0, maxP * 1.1);
    m_curve->yAxis2->setRange(0, maxM * 1.1);
    replot(m_curve);
}

void ChartsPanel::replot(QCustomPlot *plot)
{
    if (isVisible())
        plot->replot();
    else
        m_stale = true;
}

void ChartsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        m_stale = false;
        for (QCustomPlot *p : {m_params, m_macs, m_curve})
            p->replot();
    }
}

void ChartsPanel::showCurveTip(QMouseEvent *event)
{
    if (m_atWidth.empty())
        return;
    const double x = m_curve->xAxis->pixelToCoord(event->position().x());
    const int c = static_cast<int>(std::lround(x));
    const auto at = std::find_if(m_atWidth.begin(), m_atWidth.end(),
                                 [&](const CurvePoint &p) { return p.cardinality == c; });
    if (at == m_atWidth.end()) {
        QToolTip::hideText();
        return;
    }
    QString text = tr("<b>C = %1, d = %2</b><br>params %3<br>MACs %4")
                       .arg(c)
                       .arg(at->width)
                       .arg(language::count(at->totals.params),
                            language::count(at->totals.macs));
    const auto eq = std::find_if(m_equal.begin(), m_equal.end(), [&](const CurvePoint &p) { return p.cardinality == c; });
    if (eq != m_equal.end())
        text += tr("<br><br><b>Equal complexity (by %1): d* = %2</b><br>params %3<br>MACs %4")
                    .arg(m_by == MatchBy::Params ? tr("parameters") : tr("MACs"))
                    .arg(eq->width)
                    .arg(language::count(eq->totals.params),
                         language::count(eq->totals.macs));
    text += tr("<br><br>ResNet: params %1, MACs %2")
                .arg(language::count(m_baselineParams),
                     language::count(m_baselineMacs));
    QToolTip::showText(event->globalPosition().toPoint(), text, m_curve);
}

bool ChartsPanel::exportChart(QCustomPlot *plot, const QString &path, QString *error)
{
    // Slide size, whatever the window's: the same render as Export figure and snapshot.
    return writeFigure(plot, path, QSize(1920, 1080), error);
}

QStringList ChartsPanel::exportAll(const QString &path, QString *error)
{
    const QFileInfo info(path);
    const QString base = info.path() + "/" + info.completeBaseName();
    const QString suffix = info.suffix().isEmpty() ? QString("png") : info.suffix();
    QStringList written;
    if (m_stale) { // bring hidden charts up to date before saving them
        m_stale = false;
        for (QCustomPlot *p : {m_params, m_macs, m_curve})
            p->replot();
    }
    const std::pair<QCustomPlot *, const char *> charts[] = {
        {m_params, "stage-params"}, {m_macs, "stage-macs"}, {m_curve, "cardinality"}};
    for (const auto &[plot, name] : charts) {
        const QString file = base + "-" + name + "." + suffix;
        if (!exportChart(plot, file, error))
            return written;
        written << file;
    }
    return written;
}
