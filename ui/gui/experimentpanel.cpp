#include "controls.h"
#include "experimentpanel.h"
#include "language.h"
#include "inlineerror.h"

#include "experimentplot.h"
#include "figure.h"
#include "plot.h"

#include "resnext/datasource.h"
#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/report.h"
#include "resnext/validate.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

using namespace resnext;

ExperimentPanel::ExperimentPanel(ModelService *service, QWidget *parent) : QWidget(parent), m_service(service)
{
    auto *outer = new QHBoxLayout(this);
    auto *left = new QVBoxLayout;
    auto *box = new QGroupBox(tr("Experiment"));
    auto *form = new QFormLayout(box);
    m_kind = makeComboBox("experimentKind",
                          {{tr("Cardinality at equal complexity (Table 3)"), "cardinality"},
                           {tr("Double the complexity: deeper, wider, more C (Table 4)"), "double"},
                           {tr("Custom list of specs (JSON)..."), "custom"}});
    form->addRow(tr("&Experiment"), m_kind);
    m_customButton = makeButton(tr("Choose specs file..."));
    form->addRow(tr("Specs"), m_customButton);
    m_depth = makeSpinBox(1, 152, 2,
                          tr("Blocks per stage of the built-in family (CIFAR stem, 3 stages, planes 16/32/64, "
                             "28x28 grey): 2 is the built-in model's depth."));
    form->addRow(tr("&Depth"), m_depth);
    m_cardinalities = new QLineEdit("1,2,4,8,16,32");
    m_cardinalities->setToolTip(tr("The C's of the sweep; each gets the d the equal-complexity solver picks."));
    form->addRow(tr("&C values"), m_cardinalities);
    m_by = makeComboBox(nullptr, {{tr("parameters"), "params"}, {tr("MACs"), "macs"}});
    form->addRow(tr("Equal &by"), m_by);
    m_seeds = makeSpinBox(1, 100, 3, tr("Seeds 0..N-1 per point; runs differ only in the seed and the spec."));
    form->addRow(tr("&Seeds"), m_seeds);
    m_epochs = makeSpinBox(1, resnext::kMaxEpochs, 3);
    form->addRow(tr("E&pochs"), m_epochs);
    m_batch = makeSpinBox(1, resnext::kMaxBatch, 64);
    form->addRow(tr("&Batch"), m_batch);
    m_limit = makeCountSpin(1000000, 1000, tr("all"),
                            tr("Train on the first N training images of the fixed split (0 = all); validation "
                               "then uses N/2 images, balanced per class."));
    form->addRow(tr("Training &images"), m_limit);
    m_testLimit =
        makeCountSpin(10000, 2000, tr("all"), tr("Test on the first N/10 test images of each class (0 = all 10,000)."));
    form->addRow(tr("&Test images"), m_testLimit);
    m_out = new QLineEdit;
    m_out->setObjectName("experimentOut");
    m_out->setPlaceholderText(tr("(not stored)"));
    m_out->setToolTip(tr("Folder for one JSON per finished run and the summary: a restarted experiment with the "
                         "same settings skips the runs already there."));
    auto *outRow = new QHBoxLayout;
    outRow->addWidget(m_out);
    auto *browse = new QPushButton(tr("..."));
    outRow->addWidget(browse);
    // A label with a buddy: addRow(QString, QLayout *) would show the "&" literally.
    auto *outLabel = new QLabel(tr("&Results folder"));
    outLabel->setBuddy(m_out);
    form->addRow(outLabel, outRow);
    left->addWidget(box);
    auto *buttons = new QHBoxLayout;
    m_start = makeButton(tr("&Run"), "experimentStart");
    m_cancel = makeButton(tr("Cancel"), nullptr, {}, false);
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    left->addLayout(buttons);
    auto *exports = new QHBoxLayout;
    m_exportPng = makeButton(tr("Export PNG..."), nullptr, {}, false);
    m_exportCsv = makeButton(tr("Export CSV..."), nullptr, {}, false);
    exports->addWidget(m_exportPng);
    exports->addWidget(m_exportCsv);
    left->addLayout(exports);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    left->addWidget(m_progress);
    m_status = new QLabel(tr("Data: Fashion-MNIST, validation split fixed with seed 0; test accuracy is reported, "
                             "never used to select a run."));
    m_status->setObjectName("experimentStatus");
    m_status->setWordWrap(true);
    left->addWidget(m_status);
    m_error = makeInlineError("experimentError");
    left->addWidget(m_error);
    left->addStretch();
    outer->addLayout(left, 2);

    auto *right = new QVBoxLayout;
    m_plot = new QCustomPlot;
    m_plot->setObjectName("experimentPlot");
    registerFigure(m_plot, "experiment");
    showEmptyState(m_plot, tr("Accuracy, params and MACs appear here\nonce a sweep has run."));
    m_plot->setMinimumHeight(380);
    right->addWidget(m_plot, 3);
    m_table = new QTableWidget(0, 12);
    m_table->setObjectName("experimentTable");
    m_table->setHorizontalHeaderLabels({tr("Point"), tr("C"), tr("d"), tr("Params"), tr("MACs"), tr("Runs"),
                                        tr("Mean %"), tr("Std"), tr("Min"), tr("Max"), tr("Δ vs reference"),
                                        tr("95% interval (paired)")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    right->addWidget(m_table, 2);
    outer->addLayout(right, 5);

    connect(m_kind, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { updateKind(); });
    connect(m_customButton, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Specs file"), {}, tr("JSON (*.json)"));
        if (!f.isEmpty()) {
            m_customFile = f;
            m_customButton->setText(QFileInfo(f).fileName());
        }
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Results folder"), m_out->text());
        if (!d.isEmpty())
            m_out->setText(d);
    });
    connect(m_start, &QPushButton::clicked, this, &ExperimentPanel::start);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_service)
            m_service->cancel(m_job);
    });
    connect(m_exportPng, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export plot"), "experiment.png", tr("PNG (*.png)"));
        if (!f.isEmpty())
            exportPng(f);
    });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export table"), "experiment.csv", tr("CSV (*.csv)"));
        if (!f.isEmpty())
            exportCsv(f);
    });
    if (m_service) {
        connect(m_service, &ModelService::experimentProgress, this, &ExperimentPanel::onProgress);
        connect(m_service, &ModelService::experimentStatus, this, [this](const Job &job, const QString &line) {
            if (job.id == m_job.id)
                m_status->setText(line);
        });
        connect(m_service, &ModelService::experimentUpdated, this,
                [this](const Job &job, std::shared_ptr<const ExperimentResult> r, bool finished) {
                    if (job.id != m_job.id)
                        return;
                    showResult(std::move(r));
                    if (finished)
                        m_status->setText(tr("Done: %1 runs in %2 s.")
                                              .arg(m_result->runs.size())
                                              .arg(language::decimal(m_result->wallSeconds, 1)));
                });
        connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &message) {
            if (job.id == m_job.id)
                showError(message);
        });
        connect(m_service, &ModelService::jobFinished, this, [this](const Job &job, JobOutcome) {
            if (job.id != m_job.id)
                return;
            m_start->setEnabled(true);
            m_cancel->setEnabled(false);
        });
    }
    updateKind();
}

void ExperimentPanel::updateKind()
{
    const QString kind = m_kind->currentData().toString();
    m_customButton->setEnabled(kind == "custom");
    m_cardinalities->setEnabled(kind == "cardinality");
    m_depth->setEnabled(kind != "custom");
    m_by->setEnabled(kind != "custom");
}

ExperimentRequest ExperimentPanel::request() const
{
    ExperimentRequest r;
    r.kind = parseExperimentKind(m_kind->currentData().toString().toStdString());
    r.base = fashionMnistSpec();
    r.depth = m_depth->value();
    if (r.kind == ExperimentKind::Cardinality)
        r.cardinalities = parseIntList("cardinalities", m_cardinalities->text().toStdString());
    if (r.kind == ExperimentKind::Custom) {
        if (m_customFile.isEmpty())
            throw Error("specs: choose a JSON file with the specs of the custom experiment");
        r.customSpecs = readCustomSpecs(m_customFile.toStdString());
    }
    r.by = parseMatchBy(m_by->currentData().toString().toStdString());
    r.seeds = m_seeds->value();
    r.schedule.epochs = m_epochs->value();
    r.schedule.batch = m_batch->value();
    r.schedule.limitTrain = static_cast<size_t>(m_limit->value());
    r.testLimit = static_cast<size_t>(m_testLimit->value());
    r.outDir = m_out->text().trimmed().toStdString();
    experimentPoints(r, r.base.numClasses); // a bad depth or C is refused here, inline
    return r;
}

void ExperimentPanel::start()
{
    if (!m_service)
        return;
    ExperimentRequest r;
    try {
        r = request();
    } catch (const Error &e) {
        showError(language::coreMessage(e.what()));
        return;
    }
    m_error->hide();
    m_progress->setValue(0);
    m_status->setText(tr("Loading the data..."));
    m_job = m_service->experiment(r);
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
}

void ExperimentPanel::onProgress(const Job &job, const ExperimentProgress &p)
{
    if (job.id != m_job.id || p.runs <= 0)
        return;
    const TrainProgress &t = p.train;
    double within = 0;
    if (t.epochs > 0 && t.steps > 0)
        within = (t.epoch - 1 + static_cast<double>(t.step) / static_cast<double>(t.steps)) / t.epochs;
    m_progress->setValue(static_cast<int>(1000.0 * (p.done + within) / p.runs));
    QString text = tr("Run %1 of %2 (%3 done), seed %4").arg(p.run + 1).arg(p.runs).arg(p.done).arg(p.seed);
    if (m_result && static_cast<size_t>(p.point) < m_result->points.size())
        text += ": " + QString::fromStdString(m_result->points[static_cast<size_t>(p.point)].label);
    if (p.testing)
        text += tr(", testing");
    else if (t.epochs > 0)
        text += tr(", epoch %1/%2, step %3/%4, loss %5").arg(t.epoch).arg(t.epochs).arg(t.step).arg(t.steps).arg(
            t.loss, 0, 'f', 3);
    m_status->setText(text);
}

void ExperimentPanel::showResult(std::shared_ptr<const ExperimentResult> result)
{
    m_result = std::move(result);
    if (!m_result)
        return;
    drawExperiment(m_plot, *m_result);
    updateTable();
    m_exportPng->setEnabled(true);
    m_exportCsv->setEnabled(true);
}

void ExperimentPanel::updateTable()
{
    const ExperimentResult &r = *m_result;
    m_table->setRowCount(static_cast<int>(r.points.size()));
    const auto pct = [](double v) { return language::decimal(100.0 * v, 2); };
    for (size_t i = 0; i < r.points.size(); ++i) {
        const ExperimentPoint &p = r.points[i];
        const PointStats a = i < r.accuracy.size() ? r.accuracy[i] : PointStats{};
        const QStringList cells = {
            QString::fromStdString(p.label),
            QString::number(p.spec.cardinality),
            QString::number(p.spec.width),
            language::count(p.totals.params),
            language::count(p.totals.macs),
            QString::number(a.n),
            a.n ? pct(a.mean) : QString(),
            a.n ? pct(a.stddev) : QString(),
            a.n ? pct(a.min) : QString(),
            a.n ? pct(a.max) : QString(),
            i == 0 ? tr("reference") : a.hasDiff ? (a.diffMean >= 0 ? "+" : "") + pct(a.diffMean) : QString(),
            a.hasDiff ? QString("[%1, %2]").arg(pct(a.diffLow), pct(a.diffHigh)) : QString()};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(static_cast<int>(i), c, item);
        }
    }
}

bool ExperimentPanel::exportPng(const QString &path)
{
    if (!m_result) {
        showError(tr("%1: cannot be written").arg(path));
        return false;
    }
    try {
        savePngAtomically(m_plot->toPixmap(1100, 760).toImage(), path);
    } catch (const resnext::Error &e) {
        showError(language::coreMessage(e.what()));
        return false;
    }
    return true;
}

bool ExperimentPanel::exportCsv(const QString &path)
{
    if (!m_result) {
        showError(tr("%1: cannot be written").arg(path));
        return false;
    }
    try {
        resnext::writeFileAtomically(QFile::encodeName(path).toStdString(), experimentCsv(*m_result));
    } catch (const resnext::Error &e) {
        showError(language::coreMessage(e.what()));
        return false;
    }
    return true;
}

QString ExperimentPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void ExperimentPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}
