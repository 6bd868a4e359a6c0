#include "controls.h"
#include "costpanel.h"

#include "resnext/report.h"

#include "figure.h"
#include "plot.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace resnext;

namespace {

const QColor kParams = tab10::kBlue, kMacs = tab10::kGreen, kActivations = tab10::kOrange,
             kMeasured = tab10::kRed, kBaseline = tab10::kGrey;
const int kSweepC[] = {1, 2, 4, 8, 16, 32, 64};

} // namespace

CostPanel::CostPanel(ModelService *service, QWidget *parent) : QWidget(parent), m_service(service)
{
    auto *layout = new QVBoxLayout(this);
    auto *controls = new QHBoxLayout;
    m_batch = makeSpinBox(1, 256, 1, tr("Images per forward pass of the measurement."));
    addCaptioned(controls, tr("Batch"), m_batch);
    m_runs = makeSpinBox(1, 200, 5, tr("Timed forward passes (after 2 untimed ones); every figure is their median."));
    addCaptioned(controls, tr("Runs"), m_runs);
    m_device = makeComboBox(nullptr, {{"cpu", {}}, {"cuda", {}}},
                            tr("Where to measure (CUDA falls back to the CPU with a note)."));
    controls->addWidget(m_device);
    m_measure = makeButton(tr("&Measure"), "measureCurrent",
                           tr("Forward time per stage of the current model with random weights, on the worker."));
    m_sweep = makeButton(tr("&Sweep C = 1..64"), "measureSweep",
                         tr("Every C = 1, 2, 4, ..., 64 with the solver's d (equal complexity); cached per spec, "
                            "device, threads and batch."));
    m_cancel = makeButton(tr("Cancel"), nullptr, {}, false);
    controls->addWidget(m_measure);
    controls->addWidget(m_sweep);
    controls->addWidget(m_cancel);
    controls->addStretch();
    layout->addLayout(controls);
    auto *statusRow = new QHBoxLayout;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setMaximumWidth(240);
    statusRow->addWidget(m_progress);
    m_status = new QLabel;
    m_status->setObjectName("costStatus");
    m_status->setWordWrap(true);
    statusRow->addWidget(m_status, 1);
    auto *why = new QLabel(tr("<a href=\"cost\">Why are equal MACs not equal time?</a>"));
    why->setObjectName("why_cost");
    connect(why, &QLabel::linkActivated, this, &CostPanel::whyRequested);
    statusRow->addWidget(why);
    layout->addLayout(statusRow);
    m_cost = new QCustomPlot;
    m_cost->setObjectName("costPlot");
    registerFigure(m_cost, "cost");
    setupCostPlot();
    layout->addWidget(m_cost, 3);
    m_stages = new QCustomPlot;
    m_stages->setObjectName("costStagePlot");
    registerFigure(m_stages, "cost-stages");
    setupStagePlot();
    layout->addWidget(m_stages, 2);

    connect(m_measure, &QPushButton::clicked, this, [this] { measure(false); });
    connect(m_sweep, &QPushButton::clicked, this, [this] { measure(true); });
    connect(m_cancel, &QPushButton::clicked, this, &CostPanel::cancel);
    connect(m_service, &ModelService::profileRow, this, &CostPanel::addRow);
    connect(m_service, &ModelService::profileProgress, this,
            [this](const Job &job, int row, int rows, int done, int total) {
                if (job.id != m_job.id)
                    return;
                m_progress->setValue(static_cast<int>(1000.0 * (row + double(done) / total) / rows));
            });
    connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &message) {
        if (job.id == m_job.id)
            m_status->setText("<span style='color:#b00020'>" + message.toHtmlEscaped() + "</span>");
    });
    connect(m_service, &ModelService::jobFinished, this, [this](const Job &job, JobOutcome outcome) {
        if (job.id != m_job.id)
            return;
        m_cancel->setEnabled(false);
        m_measure->setEnabled(true);
        m_sweep->setEnabled(true);
        if (outcome == JobOutcome::Done) {
            m_progress->setValue(1000);
            m_status->setText(tr("Measured on the worker with random weights; the machine's other load changes the "
                                 "times, the counts are exact."));
        }
        m_job = {};
    });
}

std::string CostPanel::measureKey() const
{
    if (!m_baseline)
        return {};
    return describe(m_baseline->spec) + "|" + std::to_string(m_baseline->spec.inputSize) + "|" +
           m_device->currentText().toStdString() + "|" + std::to_string(m_batch->value()) + "|" + toString(m_by);
}

Job CostPanel::measure(bool sweep)
{
    if (!m_current)
        return {};
    if (m_job.id) {
        const Job previous = m_job; // a copy: jobFinished resets m_job while cancel() still reads it
        m_service->cancel(previous);
    }
    if (measureKey() != m_measuredFor) {
        m_rows.clear();
        m_currentRow.reset();
        m_measuredFor = measureKey();
    }
    ProfileRequest req;
    req.spec = m_current->spec;
    req.sweepCardinality = sweep;
    req.by = m_by;
    req.options.batch = m_batch->value();
    req.options.runs = m_runs->value();
    req.device = m_device->currentText().toStdString();
    m_job = m_service->profile(req);
    m_progress->setValue(0);
    m_cancel->setEnabled(true);
    m_status->setText(sweep ? tr("Measuring C = 1, 2, 4, ..., 64 at equal complexity (points appear as they come)...")
                            : tr("Measuring %1...").arg(QString::fromStdString(describe(req.spec))));
    return m_job;
}

void CostPanel::cancel()
{
    const Job job = m_job; // a copy: jobFinished resets m_job while cancel() still reads it
    if (job.id)
        m_service->cancel(job);
}

void CostPanel::addRow(const Job &job, const ProfileRow &row, bool cached)
{
    if (job.id != m_job.id)
        return;
    if (m_current && row.spec == m_current->spec)
        m_currentRow = row;
    if (m_baseline && baselineOf(row.spec) == m_baseline->spec) {
        for (const Summary &s : m_curve)
            if (s.spec == row.spec)
                m_rows[row.spec.cardinality] = row;
    }
    if (cached)
        m_status->setText(tr("%1: from the cache").arg(QString::fromStdString(describe(row.spec))));
    updateCostPlot();
    updateStagePlot();
}

std::map<int, double> CostPanel::measuredByC() const
{
    std::map<int, double> out;
    for (const auto &[c, row] : m_rows)
        out[c] = row.measured.totalMs;
    return out;
}

void CostPanel::setSummaries(const Summary &cur, const Summary &base, MatchBy by)
{
    const bool newCurve = !m_baseline || m_baseline->spec != base.spec || m_by != by;
    m_current = cur;
    m_baseline = base;
    m_by = by;
    if (m_currentRow && m_currentRow->spec != cur.spec)
        m_currentRow.reset();
    if (newCurve) {
        m_curve.clear();
        m_rows.clear();
        m_measuredFor.clear();
    }
    m_stale = true;
    if (isVisible()) {
        updateCostPlot();
        updateStagePlot();
    }
}

void CostPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        updateCostPlot();
        updateStagePlot();
    }
}

void CostPanel::setupCostPlot()
{
    QCustomPlot *plot = m_cost;
    plot->setMinimumHeight(120);
    addPlotTitle(plot, tr("Cost against C at equal complexity, ResNet (C = 1) = 1"));
    setLog2Axis(plot->xAxis, tr("cardinality C (log scale), d from the equal-complexity solver"), 0.8, 80);
    plot->yAxis->setLabel(tr("relative to the ResNet"));
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(font().family(), 8));
    moveLegendBelow(plot, 4);
    const auto add = [&](const QColor &c, Qt::PenStyle style, const QString &name, QCPScatterStyle::ScatterShape s) {
        QCPGraph *g = plot->addGraph();
        g->setPen(QPen(c, 2, style));
        g->setName(name);
        g->setScatterStyle(QCPScatterStyle(s, QPen(c, 2), QBrush(Qt::white), 7));
        return g;
    };
    add(kParams, Qt::SolidLine, tr("parameters"), QCPScatterStyle::ssCircle);
    add(kMacs, Qt::SolidLine, tr("MACs"), QCPScatterStyle::ssSquare);
    add(kActivations, Qt::SolidLine, tr("activations"), QCPScatterStyle::ssTriangle);
    add(kMeasured, Qt::DashLine, tr("measured forward time"), QCPScatterStyle::ssDisc);
    QCPGraph *one = plot->addGraph();
    one->setPen(QPen(kBaseline, 1, Qt::DotLine));
    one->removeFromLegend();
}

void CostPanel::updateCostPlot()
{
    if (!m_baseline || !isVisible())
        return;
    m_stale = false;
    if (m_curve.empty() && m_baseline->spec.block == BlockKind::Bottleneck) {
        // Seven summaries: computed only when the panel is shown, not on every slider tick.
        ProfileRequest req;
        req.spec = m_baseline->spec;
        req.sweepCardinality = true;
        req.by = m_by;
        for (const ArchSpec &s : profileSpecs(req))
            m_curve.push_back(summarize(s));
    }
    QVector<double> c, p, m, a, mc, ms;
    const Summary *ref = nullptr;
    for (const Summary &s : m_curve)
        if (s.spec.cardinality == 1)
            ref = &s;
    if (ref) {
        for (const Summary &s : m_curve) {
            c << s.spec.cardinality;
            p << double(s.params) / double(ref->params);
            m << double(s.macs) / double(ref->macs);
            a << double(s.activations) / double(ref->activations);
        }
    }
    const auto base = m_rows.find(1);
    if (base != m_rows.end() && base->second.measured.totalMs > 0)
        for (const auto &[card, row] : m_rows) {
            mc << card;
            ms << row.measured.totalMs / base->second.measured.totalMs;
        }
    m_cost->graph(0)->setData(c, p, true);
    m_cost->graph(1)->setData(c, m, true);
    m_cost->graph(2)->setData(c, a, true);
    m_cost->graph(3)->setData(mc, ms, true);
    m_cost->graph(4)->setData({0.8, 80}, {1, 1}, true);
    double hi = 1.2;
    for (const auto *v : {&p, &m, &a, &ms})
        for (double x : *v)
            hi = std::max(hi, x * 1.1);
    m_cost->yAxis->setRange(0, hi);
    if (m_rows.size() > 0 && base == m_rows.end())
        m_status->setText(tr("Measure the sweep (it includes C = 1) to normalise the measured times."));
    m_cost->replot();
}

void CostPanel::setupStagePlot()
{
    QCustomPlot *plot = m_stages;
    plot->setMinimumHeight(100);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(
        0, 0,
        new QCPTextElement(plot, tr("Activations (millions, one image) and measured time (ms) per stage"),
                           QFont(font().family(), 11, QFont::Bold)));
    // Short axis labels: at 1280x720 the plot is about 130 px high; the title carries the units.
    plot->yAxis->setLabel(tr("activations (M)"));
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setLabel(tr("time (ms)"));
    plot->xAxis->setTickLength(0, 0);
    plot->xAxis->grid()->setVisible(false);
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(font().family(), 8));
    moveLegendBelow(plot, 4);
}

void CostPanel::updateStagePlot()
{
    if (!m_current || !isVisible())
        return;
    QCustomPlot *plot = m_stages;
    plot->clearPlottables();
    auto *group = new QCPBarsGroup(plot);
    QVector<double> keys;
    QVector<QString> names;
    for (size_t i = 0; i < m_current->stages.size(); ++i) {
        keys << double(i + 1);
        names << QString::fromStdString(m_current->stages[i].name);
    }
    double hi = 0;
    const auto bars = [&](const Summary &s, const QColor &colour, const QString &name) {
        if (s.stages.size() != m_current->stages.size())
            return;
        auto *b = new QCPBars(plot->xAxis, plot->yAxis);
        b->setName(name);
        b->setPen(Qt::NoPen);
        b->setBrush(colour);
        b->setWidth(0.35);
        b->setBarsGroup(group);
        QVector<double> v;
        for (const auto &st : s.stages) {
            v << double(st.activations) / 1e6;
            hi = std::max(hi, v.back());
        }
        b->setData(keys, v, true);
    };
    bars(*m_current, kActivations, tr("activations: %1").arg(QString::fromStdString(describe(m_current->spec))));
    if (m_baseline)
        bars(*m_baseline, kBaseline, tr("activations: %1").arg(QString::fromStdString(describe(m_baseline->spec))));
    if (m_currentRow && m_currentRow->measured.stages.size() == m_current->stages.size()) {
        QCPGraph *g = plot->addGraph(plot->xAxis, plot->yAxis2);
        g->setName(tr("measured ms (%1, batch %2)")
                       .arg(QString::fromStdString(m_currentRow->measured.device))
                       .arg(m_currentRow->measured.batch));
        g->setPen(QPen(kMeasured, 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
        QVector<double> v;
        double top = 0;
        for (const auto &st : m_currentRow->measured.stages) {
            v << st.medianMs;
            top = std::max(top, st.medianMs);
        }
        g->setData(keys, v, true);
        plot->yAxis2->setRange(0, top > 0 ? top * 1.15 : 1);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(keys, names);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(0.4, keys.size() + 0.6);
    plot->yAxis->setRange(0, hi > 0 ? hi * 1.15 : 1);
    plot->replot();
}
