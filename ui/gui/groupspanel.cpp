#include "controls.h"
#include "groupspanel.h"

#include "language.h"
#include "figure.h"

#include "groupsview.h"
#include "inlineerror.h"

#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/spec.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

using namespace resnext;

namespace {
constexpr int kCell = 40;     // pixels per top image in the strips
constexpr int kLabel = 150;   // topImagesStrip's label column
constexpr int kGap = 4;       // and its gap
} // namespace

TopImagesView::TopImagesView(QWidget *parent) : QWidget(parent)
{
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Each group's images with the highest energy: click one to open it in the Classify tab."));
}

void TopImagesView::setStrip(const QImage &strip, const std::vector<int> &order,
                             const std::vector<std::vector<std::size_t>> &top, int cell)
{
    m_strip = strip;
    m_order = order;
    m_top = top;
    m_cell = cell;
    updateGeometry();
    update();
}

QSize TopImagesView::sizeHint() const { return m_strip.isNull() ? QSize(200, 60) : m_strip.size(); }

QSize TopImagesView::minimumSizeHint() const
{
    // Down to half the width on a narrow window (both columns fit at 1280x720);
    // the full height, so that only the width decides the scale.
    return m_strip.isNull() ? sizeHint() : QSize(m_strip.width() / 2, m_strip.height());
}

double TopImagesView::scale() const
{
    if (m_strip.isNull())
        return 1.0;
    return std::min(1.0, width() / static_cast<double>(m_strip.width()));
}

std::pair<int, std::size_t> TopImagesView::imageAt(const QPoint &widgetPos) const
{
    const QPoint pos = (QPointF(widgetPos) / scale()).toPoint();
    if (m_cell <= 0 || pos.x() < kLabel || pos.y() < kGap)
        return {-1, 0};
    const int row = (pos.y() - kGap) / (m_cell + kGap);
    const int col = (pos.x() - kLabel) / (m_cell + kGap);
    if (row < 0 || row >= static_cast<int>(m_order.size()))
        return {-1, 0};
    const int g = m_order[static_cast<size_t>(row)];
    const auto &images = m_top[static_cast<size_t>(g)];
    if (col < 0 || col >= static_cast<int>(images.size()))
        return {-1, 0};
    return {g, images[static_cast<size_t>(col)]};
}

void TopImagesView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    if (m_strip.isNull())
        return;
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.scale(scale(), scale());
    p.drawImage(0, 0, m_strip);
}

void TopImagesView::mousePressEvent(QMouseEvent *event)
{
    const auto [group, index] = imageAt(event->position().toPoint());
    if (group >= 0)
        Q_EMIT imageClicked(group, index);
}

GroupsPanel::GroupsPanel(ModelService *service, QWidget *parent) : QWidget(parent), m_service(service)
{
    auto *outer = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Do the groups specialise? The seed claim of split-transform-merge is that each of the C paths learns its "
           "own features. Run the loaded model over a data set and compare its groups with those of the same "
           "network untrained: energy per class, the images each group likes best, how alike the groups are "
           "(linear CKA) and what each contributes (ablation)."));
    intro->setWordWrap(true);
    outer->addWidget(intro);

    auto *controls = new QHBoxLayout;
    m_data = makeComboBox("groupsData",
                          {{tr("Fashion-MNIST test set"), "fashion-mnist"},
                           {tr("Image folder..."), QString()},
                           {tr("Images dropped so far (0)"), "dropped"}},
                          tr("The images to run: Fashion-MNIST's 10,000 test images; a folder root/<class>/*.png "
                             "(or a folder of images with no class folders); or the images dropped or opened so "
                             "far. Images without labels are labelled with the trained model's predictions, and "
                             "accuracy then means agreement with them."));
    addCaptioned(controls, tr("Data:"), m_data);
    m_block = makeComboBox("groupsBlock", {});
    addCaptioned(controls, tr("Block:"), m_block);
    m_limit = makeCountSpin(1000000, 2000, tr("all"), tr("Use only the first N images (all: the whole set)"),
                            "groupsLimit");
    addCaptioned(controls, tr("Images:"), m_limit);
    m_topK = makeSpinBox(1, 20, 8, tr("Images per group in the top strips"));
    addCaptioned(controls, tr("Top:"), m_topK);
    controls->addStretch();
    outer->addLayout(controls);
    controls = new QHBoxLayout;
    m_untrained = makeCheckBox(tr("Untrained too"), "groupsUntrained", true,
                               tr("Also analyse the randomly initialised network of the same spec (seed 0), so "
                                  "that structure is not mistaken for what training created"));
    controls->addWidget(m_untrained);
    m_keepOnly = makeCheckBox(tr("Keep-one ablation"), nullptr, false,
                              tr("Besides zeroing each group, also zero all groups but one (twice the ablation "
                                 "time)"));
    controls->addWidget(m_keepOnly);
    m_run = makeButton(tr("Run"), "groupsRun");
    controls->addWidget(m_run);
    m_cancel = makeButton(tr("Cancel"), "groupsCancel", {}, false);
    controls->addWidget(m_cancel);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setMaximumWidth(160);
    controls->addWidget(m_progress);
    controls->addStretch();
    outer->addLayout(controls);

    m_error = makeInlineError("groupsError");
    outer->addWidget(m_error);
    auto *summaryRow = new QHBoxLayout;
    m_summary = new QLabel(tr("Nothing analysed yet: choose a block and press Run."));
    m_summary->setObjectName("groupsSummary");
    m_summary->setWordWrap(true);
    summaryRow->addWidget(m_summary, 1);
    m_sort = makeCheckBox(tr("Sort groups by selectivity"), "groupsSort", true,
                          tr("Order the heat-map rows and strips by the class-selectivity index "
                             "(mu_max - mu_rest) / (mu_max + mu_rest), most selective first"));
    summaryRow->addWidget(m_sort);
    auto *why = new QLabel(tr("<a href=\"groups\">How to read these figures</a>"));
    why->setObjectName("why_groups");
    connect(why, &QLabel::linkActivated, this, &GroupsPanel::whyRequested);
    summaryRow->addWidget(why);
    outer->addLayout(summaryRow);

    auto *grid = new QGridLayout;
    for (int col = 0; col < 2; ++col) {
        m_columnTitle[col] = new QLabel(col == 0 ? tr("<b>Trained</b>") : tr("<b>Untrained</b> (random init)"));
        grid->addWidget(m_columnTitle[col], 0, col);
        const auto plot = [&](int row, int height) {
            auto *p = new QCustomPlot;
            p->setMinimumSize(300, height);
            grid->addWidget(p, row, col);
            return p;
        };
        m_selectivity[col] = plot(1, 300);
        m_cka[col] = plot(2, 280);
        m_ablation[col] = plot(3, 220);
        const QString which = col == 0 ? "trained" : "untrained";
        registerFigure(m_selectivity[col], "groups-selectivity-" + which);
        registerFigure(m_cka[col], "groups-cka-" + which);
        registerFigure(m_ablation[col], "groups-ablation-" + which);
        m_top[col] = new TopImagesView;
        registerFigure(m_top[col], "groups-top-images-" + which);
        grid->addWidget(m_top[col], 4, col, Qt::AlignTop | Qt::AlignLeft);
        connect(m_top[col], &TopImagesView::imageClicked, this, [this, col](int group, std::size_t index) {
            if (!m_result)
                return;
            const GroupAnalysis &a = col == 0 ? m_result->report.trained : m_result->report.untrained;
            const bool file = index < static_cast<std::size_t>(m_result->files.size());
            // A dropped image opens as its file, at full size; a data-set image as the model sees it.
            QImage img = file ? QImage(m_result->files[static_cast<int>(index)]) : QImage();
            if (img.isNull())
                img = dataImage(m_result->data, index);
            img = img.convertToFormat(QImage::Format_RGB888);
            const QString name = file ? QFileInfo(m_result->files[static_cast<int>(index)]).fileName()
                                      : tr("%1 image %2").arg(m_result->source).arg(index);
            Q_EMIT openInClassify(img, name, QString::fromStdString(a.block), group);
        });
    }
    outer->addLayout(grid);
    outer->addStretch();

    connect(m_data, &QComboBox::activated, this, [this](int i) {
        if (i != 1)
            return;
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Image folder (one sub-folder per class, or unlabelled images)"), m_folder);
        if (dir.isEmpty()) {
            m_data->setCurrentIndex(0);
            return;
        }
        setSource(dir);
    });
    connect(m_run, &QPushButton::clicked, this, &GroupsPanel::start);
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_service->cancel(m_job); });
    connect(m_sort, &QCheckBox::toggled, this, &GroupsPanel::redraw);
    connect(m_service, &ModelService::groupsProgress, this, [this](const Job &job, qulonglong done, qulonglong total) {
        if (job.id != m_job.id)
            return;
        m_progress->setRange(0, static_cast<int>(total));
        m_progress->setValue(static_cast<int>(done));
    });
    connect(m_service, &ModelService::groupsReady, this,
            [this](const Job &job, std::shared_ptr<const GroupsResult> r) {
                if (job.id == m_job.id)
                    showResult(std::move(r));
            });
    connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &message) {
        if (job.id == m_job.id)
            showError(message);
    });
    connect(m_service, &ModelService::jobFinished, this, [this](const Job &job, JobOutcome outcome) {
        if (job.id != m_job.id)
            return;
        m_run->setEnabled(true);
        if (m_cancel->hasFocus())
            m_run->setFocus(); // (see start())
        m_cancel->setEnabled(false);
        if (outcome != JobOutcome::Done && m_result)
            redraw(); // the previous result's summary again
        else if (outcome != JobOutcome::Done)
            m_summary->setText(outcome == JobOutcome::Cancelled
                                   ? tr("Analysis cancelled: choose a block and press Run.")
                                   : tr("Nothing analysed: the analysis failed (see above)."));
    });
    redraw();
}

void GroupsPanel::setBlocks(const ArchSpec &spec)
{
    const QString name = QString::fromStdString(describe(spec));
    if (m_result || m_service->pending(m_job))
        // A result of the previous model would be shown without its name: gone.
        clearResult(tr("The classifier's model is now %1: press Run to analyse its groups.").arg(name));
    m_modelName = name;
    const QString keep = m_block->currentText();
    m_block->clear();
    for (const std::string &block : blockNames(spec))
        m_block->addItem(QString::fromStdString(block));
    const int i = m_block->findText(keep.isEmpty() ? QString::fromStdString(blockName({1, 0})) : keep);
    m_block->setCurrentIndex(i >= 0 ? i : 0);
}

GroupRequest GroupsPanel::request() const
{
    GroupRequest r;
    r.pass.block = m_block->currentText().toStdString();
    r.pass.ablateKeptOnly = m_keepOnly->isChecked();
    r.topK = m_topK->value();
    r.limit = static_cast<std::size_t>(m_limit->value());
    r.untrained = m_untrained->isChecked();
    return r;
}

QString GroupsPanel::source() const
{
    switch (m_data->currentIndex()) {
    case 1:
        return m_folder;
    case 2:
        return "dropped";
    default:
        return "fashion-mnist";
    }
}

void GroupsPanel::setSource(const QString &source)
{
    if (source == "fashion-mnist" || source == "dropped") {
        m_data->setCurrentIndex(source == "dropped" ? 2 : 0);
        return;
    }
    m_folder = source;
    m_data->setItemText(1, tr("Folder: %1").arg(source));
    m_data->setCurrentIndex(1);
}

void GroupsPanel::setDroppedImages(const QStringList &paths)
{
    m_dropped = paths;
    m_data->setItemText(2, tr("Images dropped so far (%1)").arg(paths.size()));
}

void GroupsPanel::start()
{
    if (m_service->pending(m_job))
        return;
    if (m_block->count() == 0) {
        showError(tr("groups: no model is loaded yet"));
        return;
    }
    if (source().isEmpty()) {
        showError(tr("data: choose an image folder first"));
        return;
    }
    if (source() == "dropped" && m_dropped.isEmpty()) {
        showError(tr("data: no images dropped yet; drop or open images in the Classify tab first"));
        return;
    }
    showError({});
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    // Cancel takes the focus from Run before Run is disabled: otherwise Qt hands
    // it to the next widget in the chain, and the scroll area scrolls sideways to it.
    m_cancel->setEnabled(true);
    if (m_run->hasFocus())
        m_cancel->setFocus();
    m_run->setEnabled(false);
    // The previous figures stay until the new result arrives (or, if it fails, for good).
    m_summary->setText(m_result ? tr("Analysing %1 of %2... (the figures below are still the previous run's)")
                                      .arg(m_block->currentText(), m_modelName)
                                : tr("Analysing %1 of %2...").arg(m_block->currentText(), m_modelName));
    m_pendingModel = m_modelName;
    m_job = m_service->groups(source(), request(), source() == "dropped" ? m_dropped : QStringList());
}

void GroupsPanel::showResult(std::shared_ptr<const GroupsResult> result)
{
    m_result = std::move(result);
    m_resultModel = m_pendingModel;
    redraw();
}

void GroupsPanel::redraw()
{
    const bool two = m_result && m_result->report.hasUntrained;
    for (int col = 0; col < 2; ++col) {
        const bool visible = col == 0 || two || !m_result;
        for (QWidget *w : std::initializer_list<QWidget *>{m_columnTitle[col], m_selectivity[col], m_cka[col],
                                                            m_ablation[col], m_top[col]})
            w->setVisible(visible);
    }
    if (!m_result)
        return;
    const GroupReport &r = m_result->report;
    QString text = tr("<b>%1</b> over %2 images of %3: trained accuracy %4%, mean off-diagonal CKA %5")
                       .arg(QString::fromStdString(r.trained.block))
                       .arg(language::count(static_cast<qint64>(r.trained.count))) // 10.000 images in Vietnamese
                       .arg(m_result->source.toHtmlEscaped())
                       .arg(language::decimal(100.0 * r.trained.accuracy, 2))
                       .arg(language::decimal(r.trained.meanOffDiagonalCka, 3));
    if (r.predictedLabels)
        text = tr("<b>%1</b> over %2 images of %3 (no labels: the classes are the trained model's predictions), "
                  "mean off-diagonal CKA %4")
                   .arg(QString::fromStdString(r.trained.block))
                   .arg(language::count(static_cast<qint64>(r.trained.count)))
                   .arg(m_result->source.toHtmlEscaped())
                   .arg(language::decimal(r.trained.meanOffDiagonalCka, 3));
    if (r.hasUntrained)
        text += tr("; untrained %1 %2%, CKA %3")
                    .arg(r.predictedLabels ? tr("agrees with them on") : tr("accuracy"))
                    .arg(language::decimal(100.0 * r.untrained.accuracy, 2))
                    .arg(language::decimal(r.untrained.meanOffDiagonalCka, 3));
    text += tr(" (%1 s)").arg(language::decimal(r.seconds, 1));
    //: %1 = the model analysed, %2 = the summary of its analysis
    m_summary->setText(tr("%1: %2").arg(m_resultModel.toHtmlEscaped(), text));
    for (int col = 0; col < (two ? 2 : 1); ++col) {
        const GroupAnalysis &a = col == 0 ? r.trained : r.untrained;
        const auto order = groupOrder(a, m_sort->isChecked());
        const QString who = col == 0 ? tr("trained") : tr("untrained");
        drawSelectivity(m_selectivity[col], a, order,
                        (a.predictedLabels ? tr("Mean energy per predicted class (%1)")
                                           : tr("Mean energy per class (%1)"))
                            .arg(who));
        drawCka(m_cka[col], a, tr("Linear CKA (%1)").arg(who));
        if (a.zeroedAccuracy.empty() && a.keptOnlyAccuracy.empty())
            m_ablation[col]->hide();
        else
            drawAblation(m_ablation[col], a, tr("Ablation (%1)").arg(who));
        m_top[col]->setStrip(topImagesStrip(a, m_result->data, order, kCell), order, a.topImages, kCell);
    }
}

void GroupsPanel::clearResult(const QString &why)
{
    m_result.reset();
    for (int col = 0; col < 2; ++col) {
        for (QCustomPlot *p : {m_selectivity[col], m_cka[col], m_ablation[col]}) {
            p->clearPlottables();
            p->clearItems();
            p->replot();
        }
        m_top[col]->setStrip(QImage(), {}, {}, 0);
    }
    redraw();
    m_summary->setText(why);
}

void GroupsPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString GroupsPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }
