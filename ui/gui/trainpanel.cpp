#include "controls.h"
#include "inlineerror.h"
#include "language.h"
#include "trainpanel.h"

#include "figure.h"
#include "plot.h"

#include "resnext/accounting.h"
#include "resnext/dataset.h"
#include "resnext/datasource.h"
#include "resnext/report.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace resnext;

namespace {

const QColor kRunColours[] = {tab10::kBlue, tab10::kOrange};

// Asks for its whole page's height (QScrollArea caps its hint), so it only
// scrolls when the screen is too low.
class FullHeightScrollArea : public QScrollArea {
public:
    QSize sizeHint() const override
    {
        if (!widget())
            return QScrollArea::sizeHint();
        return widget()->sizeHint() + QSize(verticalScrollBar()->sizeHint().width(), 2 * frameWidth());
    }
};

} // namespace

TrainPanel::TrainPanel(ModelService *service, std::function<ArchSpec()> currentSpec, QWidget *parent)
    : QWidget(parent), m_service(service), m_currentSpec(std::move(currentSpec))
{
    auto *outer = new QHBoxLayout(this);
    // The settings column scrolls on a low screen instead of pushing the window taller.
    auto *leftPage = new QWidget;
    auto *left = new QVBoxLayout(leftPage);
    left->setContentsMargins(0, 0, 0, 0);
    auto *box = new QGroupBox(tr("Training"));
    auto *form = new QFormLayout(box);
    m_data = makeComboBox("dataCombo",
                          {{tr("Fashion-MNIST (28x28 grey, 10 classes)"), "fashion-mnist"},
                           {tr("Image folder..."), "folder"}},
                          tr("Fashion-MNIST comes from Debian's dataset-fashion-mnist. An image folder holds one "
                             "sub-folder per class with PNG/JPEG files."));
    form->addRow(tr("&Data"), m_data);
    m_folderInput = makeSpinBox(8, 256, 32, tr("Folder images are resized to this square size."));
    m_folderInput->setSuffix(tr(" px"));
    form->addRow(tr("Folder input"), m_folderInput);
    m_arch = makeComboBox("trainArchCombo",
                          {{tr("Built-in family (small, for 28x28)"), "builtin"},
                           {tr("The explorer's sliders"), "sliders"}},
                          tr("Which architecture to train. The built-in family (CIFAR stem, 3 stages of 2 blocks, "
                             "C = 8, d = 16) trains in minutes on a CPU; the sliders' model may be ImageNet-sized."));
    form->addRow(tr("&Architecture"), m_arch);
    // Room for three lines whatever the text: the rows below never move.
    m_modelLabel = makeMessageLabel("trainModelLabel", 3);
    form->addRow(m_modelLabel);
    m_epochs = makeSpinBox(1, 200, 3);
    form->addRow(tr("&Epochs"), m_epochs);
    m_batch = makeSpinBox(8, 1024, 128);
    form->addRow(tr("&Batch"), m_batch);
    m_lr = new QDoubleSpinBox;
    m_lr->setDecimals(4);
    m_lr->setRange(0.0001, 2.0);
    m_lr->setSingleStep(0.01);
    m_lr->setValue(0.1);
    m_lr->setToolTip(tr("Peak learning rate of SGD (momentum 0.9, weight decay 5e-4, cosine schedule)."));
    form->addRow(tr("&Learning rate"), m_lr);
    m_seed = makeSpinBox(0, 1000000, 0);
    form->addRow(tr("&Seed"), m_seed);
    m_limit = makeCountSpin(1000000, 6000, tr("all"),
                            tr("Train on the first N training images only, for a quick run (0 = all); validation "
                               "and test then use at most N/2 images, balanced per class."));
    form->addRow(tr("Training &images"), m_limit);
    m_compare = makeCheckBox(tr("&Compare with the ResNet of equal complexity"), "compareCheck", false,
                             tr("Also train the ResNet (C = 1) whose parameter count is closest to this model's, "
                                "with the same seed, data and schedule: the paper's claim, in miniature."));
    form->addRow(m_compare);
    m_replace = makeCheckBox(tr("Then &classify with the trained model"), "replaceCheck", false,
                             tr("When on, the trained model replaces the one in the Classify tab as soon as it is "
                                "tested. When off, the Classify tab keeps its model; a button offers the trained "
                                "one."));
    form->addRow(m_replace);
    m_after = makeMessageLabel("trainAfterLabel", 2);
    m_after->setStyleSheet("color: gray");
    form->addRow(m_after);
    left->addWidget(box);
    // The buttons, progress and messages stay in view below the scrolling settings.
    auto *actions = new QVBoxLayout;
    auto *buttons = new QHBoxLayout;
    m_start = makeButton(tr("&Train"), "trainButton");
    m_cancel = makeButton(tr("Cancel"), nullptr, {}, false);
    m_save = makeButton(tr("Save model..."), nullptr, {}, false);
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_save);
    actions->addLayout(buttons);
    m_useTrained = makeButton(tr("Classify with the trained model"), "useTrainedButton", {}, false);
    actions->addWidget(m_useTrained);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    actions->addWidget(m_progress);
    m_status = makeMessageLabel("trainStatus", 2);
    actions->addWidget(m_status);
    m_error = makeInlineError("trainError");
    actions->addWidget(m_error);
    auto *leftScroll = new FullHeightScrollArea;
    leftScroll->setObjectName("trainSettingsScroll");
    leftScroll->setWidget(leftPage);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    leftScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    leftScroll->setMinimumWidth(leftPage->minimumSizeHint().width() + 16);
    auto *leftColumn = new QVBoxLayout;
    leftColumn->addWidget(leftScroll); // its full height when there is room, scrolling when not
    leftColumn->addLayout(actions);
    leftColumn->addStretch(1);
    outer->addLayout(leftColumn, 0); // as wide as its contents; the plots take the rest

    auto *right = new QVBoxLayout;
    m_loss = new QCustomPlot;
    m_loss->setObjectName("lossPlot");
    registerFigure(m_loss, "train-loss");
    m_loss->xAxis->setLabel(tr("epoch"));
    m_loss->yAxis->setLabel(tr("training loss"));
    m_loss->legend->setVisible(false); // shown once a run has curves
    m_loss->yAxis->ticker()->setTickCount(4);
    m_accuracy = new QCustomPlot;
    m_accuracy->setObjectName("accuracyPlot");
    registerFigure(m_accuracy, "train-accuracy");
    m_accuracy->xAxis->setLabel(tr("epoch"));
    m_accuracy->yAxis->setLabel(tr("accuracy (%)"));
    m_accuracy->legend->setVisible(false);
    m_accuracy->yAxis->ticker()->setTickCount(4);
    auto epochTicks = QSharedPointer<QCPAxisTickerFixed>::create();
    epochTicks->setTickStep(1);
    epochTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_accuracy->xAxis->setTicker(epochTicks);
    m_loss->xAxis->setTicker(epochTicks);
    // Legends sit in their own row above each plot, never over the points.
    for (QCustomPlot *p : {m_loss, m_accuracy}) {
        // (Beside an unbounded spacer: alone in the plot's column, the legend's
        // small maximum width would cap the axis rect's width.)
        p->plotLayout()->insertRow(0);
        auto *legendRow = new QCPLayoutGrid;
        p->plotLayout()->addElement(0, 0, legendRow);
        legendRow->addElement(0, 0, p->legend);
        legendRow->addElement(0, 1, new QCPLayoutElement(p));
        legendRow->setColumnStretchFactor(0, 0.001);
        p->legend->setFillOrder(QCPLegend::foColumnsFirst);
        p->legend->setWrap(2);
        p->plotLayout()->setRowStretchFactor(0, 0.001);
        QFont f = p->legend->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        p->legend->setFont(f);
    }
    // Axes of a run of the default length before the first run.
    m_loss->xAxis->setRange(0, m_epochs->value());
    m_loss->yAxis->setRange(0, 2.5);
    m_accuracy->xAxis->setRange(0.5, m_epochs->value() + 0.5);
    m_accuracy->yAxis->setRange(0, 100);
    right->addWidget(m_loss, 1);
    right->addWidget(m_accuracy, 1);
    m_table = new QTableWidget(0, 5);
    m_table->setObjectName("trainResults");
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Params"), tr("MACs"), tr("s / epoch"), tr("Test accuracy %")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->setVisible(false);
    m_table->setMaximumHeight(110);
    right->addWidget(m_table);
    outer->addLayout(right, 1);

    connect(m_data, &QComboBox::activated, this, [this](int index) {
        if (m_data->itemData(index).toString() == "folder") {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Image folder (one sub-folder per class)"),
                                                                  m_dialogFolder.folder());
            if (!dir.isEmpty())
                m_dialogFolder.picked(dir + "/"); // the folder itself is the one to come back to
            if (dir.isEmpty()) {
                m_data->setCurrentIndex(0);
            } else {
                try {
                    const FolderListing l = listImageFolder(dir.toStdString(), 0.1, 0);
                    m_folder = dir;
                    m_folderClasses = static_cast<int>(l.classNames.size());
                    m_data->setItemText(1, tr("Image folder: %1 (%2 classes)").arg(dir).arg(m_folderClasses));
                    showError({});
                } catch (const std::exception &e) {
                    showError(language::coreMessage(e.what()));
                    m_data->setCurrentIndex(0);
                }
            }
        }
        refreshModelLabel();
    });
    connect(m_folderInput, &QSpinBox::valueChanged, this, &TrainPanel::refreshModelLabel);
    connect(m_arch, &QComboBox::currentIndexChanged, this, &TrainPanel::refreshModelLabel);
    connect(m_replace, &QCheckBox::toggled, this, &TrainPanel::refreshAfterLabel);
    connect(m_compare, &QCheckBox::toggled, this, &TrainPanel::refreshAfterLabel);
    connect(m_service, &ModelService::modelChanged, this, &TrainPanel::refreshAfterLabel);
    connect(m_useTrained, &QPushButton::clicked, this, [this] {
        if (auto m = m_service->lastTrained()) {
            m_service->useTrained(m);
            m_useTrained->setEnabled(false);
            m_status->setText(tr("%1 (trained) now classifies.").arg(m_trainedName));
        }
    });
    connect(m_start, &QPushButton::clicked, this, &TrainPanel::start);
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_service->cancel(m_job); });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save trained model"),
                                                          m_dialogFolder.in("model.safetensors"),
                                                          tr("safetensors (*.safetensors)"));
        m_dialogFolder.picked(path);
        if (!path.isEmpty())
            m_saveJob = m_service->saveModel(path, m_service->lastTrained());
    });
    connect(m_service, &ModelService::saved, this, [this](const Job &job, const QString &path) {
        if (job.id == m_saveJob.id)
            m_status->setText(tr("Saved %1").arg(path));
    });
    connect(m_service, &ModelService::trainProgress, this, &TrainPanel::onProgress);
    connect(m_service, &ModelService::trainFinished, this, &TrainPanel::onFinished);
    connect(m_service, &ModelService::testProgress, this, &TrainPanel::onTestProgress);
    connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &msg) {
        // A cancelled run is said once, in the status line, not as an error.
        if ((job.id == m_job.id || job.id == m_saveJob.id) && !m_service->wasCancelled(job))
            showError(msg);
    });
    // Whatever way the training job ends (done, failed, cancelled), the buttons follow.
    connect(m_service, &ModelService::jobFinished, this, [this](const Job &job, JobOutcome outcome) {
        if (job.id != m_job.id)
            return;
        m_start->setEnabled(true);
        m_cancel->setEnabled(false);
        if (outcome != JobOutcome::Done) {
            // No time left to show for a run that stopped.
            m_progress->setFormat("%p%");
            m_progress->setValue(0);
            m_status->setText(outcome == JobOutcome::Failed ? tr("Training failed (see below); the classifier is unchanged.")
                                                            : tr("Training cancelled; the classifier is unchanged."));
        }
    });
    refreshModelLabel();
    refreshAfterLabel();
}

ArchSpec TrainPanel::specForData(QString *why) const
{
    const bool builtin = m_arch->currentData().toString() == "builtin";
    ArchSpec s = builtin ? fashionMnistSpec() : m_currentSpec();
    const bool folder = m_data->currentData().toString() == "folder";
    s.inputSize = folder ? m_folderInput->value() : 28;
    s.inChannels = folder ? 3 : 1;
    s.numClasses = folder ? std::max(2, m_folderClasses) : 10;
    if (why)
        *why = folder ? tr("input %1x%1 RGB, %2 classes").arg(s.inputSize).arg(s.numClasses)
                      : tr("input 28x28 grey, 10 classes");
    return s;
}

void TrainPanel::refreshModelLabel()
{
    QString why;
    const ArchSpec s = specForData(&why);
    const std::string err = validationError(s);
    if (!err.empty()) {
        m_modelLabel->setText(tr("<span style='color:#b00020'>%1</span>").arg(QString::fromStdString(err)));
        return;
    }
    const Totals t = countTotals(s);
    m_modelLabel->setText(tr("%1 from %2, %3: %4 params, %5 MACs per image")
                              .arg(QString::fromStdString(describe(s)),
                                   m_arch->currentData().toString() == "builtin" ? tr("the built-in family")
                                                                                 : tr("the sliders"),
                                   why,
                                   language::compact(static_cast<double>(t.params)),
                                   language::compact(static_cast<double>(t.macs))));
    if (m_after)
        refreshAfterLabel();
}

void TrainPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Laid out while the tab was hidden: draw the plots at their real size.
    for (QCustomPlot *p : {m_loss, m_accuracy})
        p->replot();
}

void TrainPanel::refreshAfterLabel()
{
    const auto m = m_service->model();
    const QString current = m ? QString::fromStdString(describe(m->info().spec)) : tr("the built-in model");
    const QString trained = QString::fromStdString(describe(specForData()));
    if (m_replace->isChecked())
        m_after->setText(m_compare->isChecked()
                             ? tr("Afterwards %1 (the first row, not the ResNet) classifies instead of %2.")
                                   .arg(trained, current)
                             : tr("Afterwards %1 classifies instead of %2.").arg(trained, current));
    else
        m_after->setText(tr("Afterwards %1 still classifies; a button offers the trained %2.").arg(current, trained));
}

void TrainPanel::onTestProgress(const Job &job, int run, qulonglong done, qulonglong total)
{
    if (job.id != m_job.id || total == 0)
        return;
    // Testing has its own bar: the training bar would sit at 100% meanwhile.
    m_progress->setFormat(tr("testing %p%"));
    m_progress->setValue(static_cast<int>(1000.0 * done / total));
    m_status->setText(tr("Run %1/%2: evaluating on the test set... %3 of %4 images")
                          .arg(run + 1)
                          .arg(m_runs)
                          .arg(language::count(static_cast<qint64>(done)),
                               language::count(static_cast<qint64>(total))));
}

TrainRequest TrainPanel::request() const
{
    TrainRequest r;
    const bool folder = m_data->currentData().toString() == "folder";
    r.data = folder ? m_folder.toStdString() : std::string("fashion-mnist");
    r.quickEvaluation = true;
    r.valFraction = 0.1;
    r.options.spec = specForData();
    r.options.epochs = m_epochs->value();
    r.options.batch = m_batch->value();
    r.options.learningRate = m_lr->value();
    r.options.seed = static_cast<std::uint64_t>(m_seed->value());
    r.options.limitTrain = static_cast<size_t>(m_limit->value());
    r.compareResnet = m_compare->isChecked();
    return r;
}

void TrainPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString TrainPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void TrainPanel::start()
{
    refreshModelLabel();
    const TrainRequest r = request();
    const std::string err = validationError(r.options.spec);
    if (!err.empty()) {
        showError(QString::fromStdString(err));
        return;
    }
    if (r.compareResnet && r.options.spec.block != BlockKind::Bottleneck) {
        showError(tr("Compare mode needs bottleneck blocks (the ResNeXt side has a grouped convolution)."));
        return;
    }
    showError({});
    m_runs = r.compareResnet ? 2 : 1;
    m_startMs = QDateTime::currentMSecsSinceEpoch();
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_save->setEnabled(false);
    m_table->setRowCount(0);
    for (QCustomPlot *p : {m_loss, m_accuracy})
        p->clearGraphs();
    const QString names[] = {QString::fromStdString(describe(r.options.spec)),
                             r.compareResnet ? QString::fromStdString(describe(
                                                   matchWidthTo(r.options.spec, 1, countTotals(r.options.spec)).matched))
                                             : QString()};
    for (int run = 0; run < m_runs; ++run) {
        QCPGraph *loss = m_loss->addGraph();
        loss->setPen(QPen(kRunColours[run], 1.2));
        loss->setName(names[run]);
        QCPGraph *train = m_accuracy->addGraph();
        train->setPen(QPen(kRunColours[run], 1.5, Qt::DashLine));
        train->setName(tr("%1 train").arg(names[run]));
        train->setScatterStyle(QCPScatterStyle::ssCircle);
        QCPGraph *val = m_accuracy->addGraph();
        val->setPen(QPen(kRunColours[run], 2));
        val->setName(tr("%1 validation").arg(names[run]));
        val->setScatterStyle(QCPScatterStyle::ssDisc);
    }
    m_loss->legend->setVisible(true);
    m_accuracy->legend->setVisible(true);
    m_loss->xAxis->setRange(0, r.options.epochs);
    m_accuracy->xAxis->setRange(0.5, r.options.epochs + 0.5);
    m_accuracy->yAxis->setRange(0, 100);
    m_loss->yAxis->setRange(0, 1);
    for (QCustomPlot *p : {m_loss, m_accuracy})
        p->replot(); // the previous run's curves and axes go now, not at the first point
    m_progress->setFormat("%p%");
    m_progress->setValue(0);
    m_useTrained->setEnabled(false);
    m_status->setText(tr("Loading data..."));
    m_job = m_service->train(r, m_replace->isChecked());
}

void TrainPanel::onProgress(const Job &job, int run, const TrainProgress &p)
{
    if (job.id != m_job.id || run >= m_runs)
        return;
    const double x = (p.epoch - 1) + static_cast<double>(p.step) / std::max<size_t>(1, p.steps);
    if (p.valAccuracy >= 0) {
        m_accuracy->graph(run * 2)->addData(p.epoch, 100.0 * p.trainAccuracy);
        m_accuracy->graph(run * 2 + 1)->addData(p.epoch, 100.0 * p.valAccuracy);
        // Zoom to the points (they were squeezed at the top of 0..100).
        double lo = 100;
        for (int g = 0; g < m_accuracy->graphCount(); ++g) {
            bool ok = false;
            const QCPRange gr = m_accuracy->graph(g)->getValueRange(ok);
            if (ok)
                lo = std::min(lo, gr.lower);
        }
        m_accuracy->yAxis->setRange(std::max(0.0, std::floor(lo / 5) * 5 - 5), 100);
        m_accuracy->replot();
    } else {
        m_loss->graph(run)->addData(x, p.loss);
        m_loss->yAxis->rescale();
        m_loss->yAxis->setRangeLower(0);
        m_loss->replot(QCustomPlot::rpQueuedReplot);
    }
    const double done = (run + x / p.epochs) / m_runs;
    m_progress->setValue(static_cast<int>(done * 1000));
    const double elapsed = (QDateTime::currentMSecsSinceEpoch() - m_startMs) / 1000.0;
    const double left = done > 0.01 ? elapsed / done - elapsed : 0;
    m_status->setText(tr("Run %1/%2, epoch %3/%4, loss %5, %6 images/s, about %7 left")
                          .arg(run + 1)
                          .arg(m_runs)
                          .arg(p.epoch)
                          .arg(p.epochs)
                          .arg(language::decimal(p.loss, 3))
                          .arg(language::decimal(p.imagesPerSecond, 0))
                          .arg(QString("%1:%2").arg(static_cast<int>(left) / 60).arg(static_cast<int>(left) % 60, 2, 10,
                                                                                       QChar('0'))));
}

void TrainPanel::onFinished(const Job &job, std::shared_ptr<const std::vector<resnext::TrainRunSummary>> runs)
{
    if (job.id != m_job.id)
        return;
    m_save->setEnabled(true);
    m_progress->setFormat("%p%");
    m_progress->setValue(1000);
    m_table->setRowCount(static_cast<int>(runs->size()));
    for (int r = 0; r < static_cast<int>(runs->size()); ++r) {
        const resnext::TrainRunSummary &run = (*runs)[static_cast<std::size_t>(r)];
        const QStringList cells = {QString::fromStdString(resnext::describe(run.spec)),
                                   language::count(run.totals.params),
                                   language::count(run.totals.macs),
                                   language::decimal(run.secondsPerEpoch, 1),
                                   language::decimal(100.0 * run.testAccuracy, 2)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(r, c, item);
        }
    }
    m_trainedName = m_table->item(0, 0) ? m_table->item(0, 0)->text() : QString();
    if (m_replace->isChecked()) {
        m_status->setText(tr("Done. %1 (trained, the first row) now classifies; save it to keep it.").arg(m_trainedName));
    } else {
        m_useTrained->setEnabled(true);
        m_status->setText(tr("Done. The classifier is unchanged; \"Classify with the trained model\" uses %1 (the "
                             "first row). Save it to keep it.")
                              .arg(m_trainedName));
    }
}
