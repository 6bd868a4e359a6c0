#include "controls.h"
#include "inlineerror.h"
#include "classifypanel.h"

#include <QAbstractScrollArea>
#include <QScrollBar>

#include "language.h"

#include "resnext/plan.h"
#include "resnext/preprocess.h"
#include <cmath>

#include "plot.h"

#include "resnext/report.h"

#include <QCheckBox>
#include <QFileInfo>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

using namespace resnext;

QImage toQImage(const RgbImage &image)
{
    if (image.empty())
        return {};
    return QImage(image.pixels.data(), image.width, image.height, image.width * 3, QImage::Format_RGB888).copy();
}

RgbImage fromQImage(const QImage &source)
{
    // Alpha over white, like files decoded by core.
    QImage flat(source.size(), QImage::Format_RGB888);
    flat.fill(Qt::white);
    {
        QPainter p(&flat);
        p.drawImage(0, 0, source);
    }
    RgbImage out;
    out.width = flat.width();
    out.height = flat.height();
    out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
    for (int y = 0; y < out.height; ++y)
        std::memcpy(&out.pixels[static_cast<size_t>(y) * out.width * 3], flat.constScanLine(y),
                    static_cast<size_t>(out.width) * 3);
    return out;
}

FeatureGridView::FeatureGridView(QWidget *parent) : QWidget(parent)
{
    setObjectName("featureGrid");
    setMinimumSize(120, 80); // it stretches; a low 1280x720 page must not scroll for it
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("The grouped 3x3 convolution's output: one tile per group (path), each holding that group's w "
                  "channel maps. Click a tile to see its maps large."));
}

void FeatureGridView::setGrid(const QImage &image, const GridGeometry &geometry, int tiles)
{
    m_image = image;
    m_geometry = geometry;
    m_tiles = tiles;
    if (m_selected >= tiles)
        m_selected = -1;
    update();
}

void FeatureGridView::setSelected(int tile)
{
    m_selected = tile;
    update();
}

void FeatureGridView::setLegend(const QString &caption, Colormap colormap, const QString &rangeText)
{
    m_caption = caption;
    m_colormap = colormap;
    m_rangeText = rangeText;
}

QRect FeatureGridView::tileRect(int t, const QSize &area) const
{
    if (m_image.isNull() || m_tiles <= 0 || t < 0 || t >= m_tiles)
        return {};
    const GridGeometry &g = m_geometry;
    const int cols = std::max(1, g.tilesPerRow), rows = std::max(1, g.tileRows);
    // One scale for all tiles, rounded down to whole pixels: tiles of equal size.
    const double s0 = std::min(area.width() / double(g.width), area.height() / double(g.height));
    const int gap = std::max(1, static_cast<int>(std::floor(g.tileGap * s0)));
    const double s = std::min((area.width() - (cols - 1) * gap) / double(cols * g.tileWidth),
                              (area.height() - (rows - 1) * gap) / double(rows * g.tileHeight));
    const int tw = std::max(1, static_cast<int>(std::floor(g.tileWidth * s)));
    const int th = std::max(1, static_cast<int>(std::floor(g.tileHeight * s)));
    const int x0 = (area.width() - (cols * tw + (cols - 1) * gap)) / 2;
    const int y0 = (area.height() - (rows * th + (rows - 1) * gap)) / 2;
    return QRect(x0 + (t % cols) * (tw + gap), y0 + (t / cols) * (th + gap), tw, th);
}

int FeatureGridView::tileAt(const QPoint &pos) const
{
    for (int t = 0; t < m_tiles; ++t)
        if (tileRect(t, size()).contains(pos))
            return t;
    return -1;
}

void FeatureGridView::paintTiles(QPainter &p, const QSize &area, bool labelAll) const
{
    QFont f = font();
    const QRect first = tileRect(0, area);
    f.setPixelSize(std::clamp(first.height() / 6, 7, 16));
    p.setFont(f);
    const QFontMetrics fm(f);
    for (int t = 0; t < m_tiles; ++t) {
        const QRect dst = tileRect(t, area);
        const QRect src(m_geometry.tileX(t), m_geometry.tileY(t), m_geometry.tileWidth, m_geometry.tileHeight);
        // Area-averaged scaling of each tile on its own: every map keeps its share of pixels.
        p.drawImage(dst.topLeft(), m_image.copy(src).scaled(dst.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
        const QString label = QString("g%1").arg(t);
        if (labelAll || dst.width() > fm.horizontalAdvance(label) * 2) {
            const QRect box(dst.left(), dst.top(), fm.horizontalAdvance(label) + 4, fm.height());
            if (box.width() <= dst.width()) {
                p.fillRect(box, QColor(0, 0, 0, 150));
                p.setPen(Qt::white);
                p.drawText(box, Qt::AlignCenter, label);
            }
        }
        if (t == m_selected) {
            p.setPen(QPen(QColor(255, 127, 14), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRect(dst.adjusted(-1, -1, 1, 1));
        }
    }
}

void FeatureGridView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    if (m_image.isNull()) {
        p.setPen(Qt::gray);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("Classify an image to see the per-group maps."));
        return;
    }
    paintTiles(p, size(), false);
}

void FeatureGridView::paintFigure(QPainter &p, const QSize &size) const
{
    p.fillRect(QRect(QPoint(), size), Qt::white);
    if (m_image.isNull()) {
        p.setPen(Qt::gray);
        p.drawText(QRect(QPoint(), size), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Classify an image to see the per-group maps."));
        return;
    }
    QFont title = font();
    title.setPointSizeF(title.pointSizeF() * 1.3);
    title.setBold(true);
    const QFontMetrics tm(title);
    const int margin = 12;
    const int titleH = m_caption.isEmpty() ? 0 : tm.height() * 2 + 6;
    p.setFont(title);
    p.setPen(Qt::black);
    p.drawText(QRect(margin, margin, size.width() - 2 * margin, titleH), Qt::AlignLeft | Qt::TextWordWrap, m_caption);
    // Colour bar on the right, labelled with what its ends mean.
    QFont small = font();
    const QFontMetrics sm(small);
    const int barW = 18;
    const int labelW = std::max(sm.horizontalAdvance(tr("high")), sm.horizontalAdvance(tr("low"))) + 8;
    const QRect bar(size.width() - margin - labelW - barW, margin + titleH + 8, barW,
                    size.height() - 2 * margin - titleH - 8 - sm.height() * 3);
    QLinearGradient grad(bar.bottomLeft(), bar.topLeft());
    for (int i = 0; i <= 16; ++i) {
        std::uint8_t rgb[3];
        colormapRgb(m_colormap, i / 16.0f, rgb);
        grad.setColorAt(i / 16.0, QColor(rgb[0], rgb[1], rgb[2]));
    }
    p.fillRect(bar, grad);
    p.setPen(Qt::black);
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar);
    p.setFont(small);
    p.drawText(QRect(bar.right() + 4, bar.top() - sm.height() / 2, labelW, sm.height()), Qt::AlignLeft, tr("high"));
    p.drawText(QRect(bar.right() + 4, bar.bottom() - sm.height() / 2, labelW, sm.height()), Qt::AlignLeft, tr("low"));
    p.drawText(QRect(margin, bar.bottom() + sm.height(), size.width() - 2 * margin, sm.height() * 2),
               Qt::AlignRight | Qt::TextWordWrap, m_rangeText);
    const QRect area(margin, bar.top(), bar.left() - 2 * margin, bar.height());
    p.save();
    p.translate(area.topLeft());
    paintTiles(p, area.size(), true);
    p.restore();
}

void ImageFigureLabel::setFigureImage(const QImage &image, const QString &caption)
{
    m_full = image;
    m_caption = caption;
}

void ImageFigureLabel::paintFigure(QPainter &p, const QSize &size) const
{
    p.fillRect(QRect(QPoint(), size), QColor(32, 32, 32));
    if (m_full.isNull()) {
        p.setPen(Qt::lightGray);
        p.drawText(QRect(QPoint(), size), Qt::AlignCenter, tr("No image classified yet."));
        return;
    }
    const QFontMetrics fm(font());
    const int capH = m_caption.isEmpty() ? 0 : fm.height() + 8;
    const QSize fit = m_full.size().scaled(size - QSize(0, capH), Qt::KeepAspectRatio);
    const QRect r(QPoint((size.width() - fit.width()) / 2, (size.height() - capH - fit.height()) / 2), fit);
    p.setRenderHint(QPainter::SmoothPixmapTransform, m_full.width() >= 100);
    p.drawImage(r, m_full);
    p.setPen(Qt::white);
    p.drawText(QRect(0, size.height() - capH, size.width(), capH), Qt::AlignCenter, m_caption);
}

void FeatureGridView::mousePressEvent(QMouseEvent *event)
{
    const int t = tileAt(event->position().toPoint());
    if (t >= 0) {
        setSelected(t);
        Q_EMIT tileClicked(t);
    }
}

namespace {

// Sends wheel events of a chart that does not zoom to the scroll area around it.
class WheelToPage : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::Wheel)
            return false;
        for (QObject *o = watched->parent(); o; o = o->parent())
            if (auto *area = qobject_cast<QAbstractScrollArea *>(o)) {
                QCoreApplication::sendEvent(area->verticalScrollBar(), event);
                return true;
            }
        return false;
    }
};

// A path has no spaces: zero-width spaces after its separators let a wrapped
// label break it instead of growing as wide as the path.
QString breakable(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        out += c;
        if (c == '/' || c == '\\' || c == '_' || c == '-' || c == '.')
            out += QChar(0x200B);
    }
    return out;
}

// The preprocessing in the window's language (core's describe() is the command
// line's English); the values of a channel list are joined by " / " because a
// Vietnamese decimal comma would make ", " ambiguous.
QString describePreprocessing(const Preprocessing &p)
{
    const auto values = [](const std::vector<float> &v) {
        QStringList out;
        for (float x : v)
            out << language::general(x, 4);
        return out.join(" / ");
    };
    const QString how = p.kind == PreprocessKind::ImageNet
                            ? ClassifyPanel::tr("ImageNet: shorter side %1, centre crop %2").arg(p.resize).arg(p.size)
                            : ClassifyPanel::tr("small image: resize to %1x%1").arg(p.size);
    return (p.channels == 1 ? ClassifyPanel::tr("%1, grey, mean %2, std %3")
                            : ClassifyPanel::tr("%1, RGB, mean %2, std %3"))
        .arg(how, values(p.mean), values(p.std));
}

} // namespace

ClassifyPanel::ClassifyPanel(ModelService *service, QWidget *parent) : QWidget(parent), m_service(service)
{
    // Rows kept few and tight: at 1280x720 the page gets about 380 pixels of
    // height, and the image, the top-5 and the energy charts must all be in view.
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 2, 4, 2);
    outer->setSpacing(3);
    auto *bar = new QHBoxLayout;
    m_model = new QLabel(tr("Loading the engine..."));
    m_model->setObjectName("modelLabel");
    m_model->setWordWrap(true);
    // A row of its own: beside the buttons it was squeezed into four lines.
    // With a video open its buttons join this row (setVideoBar).
    m_modelRow = new QHBoxLayout;
    m_modelRow->addWidget(m_model, 1);
    outer->addLayout(m_modelRow);
    bar->addStretch(1);
    m_showInExplorer = new QPushButton(tr("Show this model in the explorer"));
    m_showInExplorer->setObjectName("showInExplorer");
    m_showInExplorer->setToolTip(tr("The architecture sliders show another model: set them to the one that classifies."));
    m_showInExplorer->hide();
    bar->addWidget(m_showInExplorer);
    auto *open = new QPushButton(tr("Open image..."));
    open->setToolTip(tr("Or drop image files on the window, or paste an image (Ctrl+V)."));
    auto *cancel = new QPushButton(tr("Cancel"));
    cancel->setToolTip(tr("Stop the running computation."));
    cancel->setEnabled(false);
    m_device = new QComboBox;
    m_device->setObjectName("deviceCombo");
    m_device->addItem(tr("CPU"), "cpu");
    m_device->setToolTip(tr("Where the network runs. CUDA appears when this LibTorch has it and a GPU is visible."));
    bar->addWidget(new QLabel(tr("Device:")));
    bar->addWidget(m_device);
    m_path = new QComboBox;
    m_path->setObjectName("pathCombo");
    m_path->setSizeAdjustPolicy(QComboBox::AdjustToContents); // the fast entries arrive with the engine
    m_path->addItem(tr("Plain"), QVariant::fromValue(static_cast<int>(InferencePath::Plain)));
    m_path->setToolTip(tr("How the CPU runs the network for images and feature maps.\n"
                          "Fast: oneDNN with BatchNorm folded into the convolutions, prepacked weights and fused "
                          "ReLU / residual sum (equal to Plain to 1e-4).\n"
                          "Fast BF16: the same in bfloat16, faster, with its own rounding; its top-1 agreement with "
                          "FP32 on the sample images is shown when you choose it.\n"
                          "Plain: LibTorch's modules one op at a time. Grad-CAM always uses the plain modules."));
    bar->addWidget(new QLabel(tr("Inference:")));
    bar->addWidget(m_path);
    bar->addWidget(open);
    bar->addWidget(cancel);
    outer->addLayout(bar);

    m_error = makeInlineError("classifyError");
    m_loadAnyway = new QPushButton(tr("Load anyway (only the matching tensors)"));
    m_loadAnyway->setObjectName("loadAnyway");
    m_loadAnyway->setToolTip(tr("Load what matches and leave the rest at initial values (the command line's "
                                "--allow-partial). The results will not be the file's model."));
    m_loadAnyway->hide();
    auto *errorRow = new QHBoxLayout;
    errorRow->addWidget(m_error, 1);
    errorRow->addWidget(m_loadAnyway, 0, Qt::AlignTop);
    outer->addLayout(errorRow);
    m_strip = new QListWidget;
    m_strip->setObjectName("imageStrip");
    m_strip->setFlow(QListView::LeftToRight);
    m_strip->setWrapping(false);
    // One row of names plus room for the scroll bar when they do not fit across.
    m_strip->setFixedHeight(m_strip->fontMetrics().height() + m_strip->horizontalScrollBar()->sizeHint().height() + 14);
    m_strip->setToolTip(tr("Images opened together: click one to classify it."));
    m_strip->hide();
    outer->addWidget(m_strip);
    m_knows = new QLabel(tr("The built-in model knows only 10 kinds of clothing as 28x28 grey images (Fashion-MNIST); "
                            "for photos, File -> Open weights lists the ImageNet weights torchvision/timm left here."));
    m_knows->setObjectName("builtinNote");
    m_knows->setWordWrap(true);
    m_knows->setVisible(false);
    outer->addWidget(m_knows);

    // The image's name and verdict beside the out-of-distribution note, across the page.
    auto *heading = new QHBoxLayout;
    m_title = new QLabel;
    m_title->setWordWrap(true);
    heading->addWidget(m_title, 1);
    m_ood = new QLabel;
    m_ood->setObjectName("oodWarning");
    m_ood->setWordWrap(true);
    m_ood->setVisible(false);
    m_ood->setTextInteractionFlags(Qt::LinksAccessibleByMouse);
    connect(m_ood, &QLabel::linkActivated, this, &ClassifyPanel::whyRequested);
    heading->addWidget(m_ood, 1);
    outer->addLayout(heading);

    auto *body = new QHBoxLayout;
    // Left: the image, Grad-CAM and top-5.
    auto *left = new QVBoxLayout;
    left->setSpacing(4);
    m_image = new ImageFigureLabel;
    m_image->setObjectName("imageView");
    registerFigure(m_image, "gradcam");
    m_image->setMinimumSize(120, 120);
    // The pixmap follows the label's size, never the other way round (a large
    // pixmap used to push the checkbox below over the image).
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setStyleSheet("QLabel { background: #202020; }");
    left->addWidget(m_image, 3);
    m_camCheck = new QCheckBox(tr("Grad-CAM overlay for the top class"));
    m_camCheck->setChecked(true);
    m_camCheck->setToolTip(tr("Gradient-weighted class activation map on the output of the selected block's stage: "
                              "where that stage's features pushed the score of the top class up."));
    left->addWidget(m_camCheck);
    m_top = new QCustomPlot;
    m_top->setObjectName("topChart");
    registerFigure(m_top, "top5");
    // Five class names without overlap.
    m_top->setMinimumHeight(6 * m_top->fontMetrics().height() + 12);
    m_top->yAxis->setRangeReversed(true);
    m_top->xAxis->setRange(0, 100);
    // Each bar's label carries its percentage: without the x axis's numbers and
    // title the five names get the chart's whole height and never overlap.
    m_top->xAxis->setTickLabels(false);
    m_top->xAxis->setTicks(false);
    left->addWidget(m_top, 2);
    // Under both columns, side by side: the time split and the preprocessing.
    auto *notes = new QHBoxLayout;
    m_timings = new QLabel;
    m_timings->setObjectName("timings");
    m_timings->setWordWrap(true);
    notes->addWidget(m_timings, 1);
    m_pathNote = new QLabel;
    m_pathNote->setObjectName("pathNote");
    m_pathNote->setWordWrap(true);
    m_pathNote->setStyleSheet("color: gray");
    m_pathNote->setVisible(false);
    notes->addWidget(m_pathNote, 1);
    m_preprocess = new QLabel;
    m_preprocess->setWordWrap(true);
    m_preprocess->setStyleSheet("color: gray");
    notes->addWidget(m_preprocess, 1);
    body->addLayout(left, 2);

    // Right: the grouped convolution's maps.
    auto *right = new QVBoxLayout;
    right->setSpacing(4);
    auto *controls = new QHBoxLayout;
    m_block = makeComboBox("blockCombo", {}, tr("Which residual block's split-transform-merge to look inside."));
    addCaptioned(controls, tr("Block:"), m_block);
    controls->addWidget(new QLabel(tr("Colours:")));
    m_colormap = new QComboBox;
    // Shown translated; the item data is the name core parses.
    m_colormap->addItem(tr("viridis"), QStringLiteral("viridis"));
    m_colormap->addItem(tr("magma"), QStringLiteral("magma"));
    //: colour map name (grey scale)
    m_colormap->addItem(tr("gray"), QStringLiteral("gray"));
    controls->addWidget(m_colormap);
    controls->addWidget(new QLabel(tr("Normalise per:")));
    m_norm = new QComboBox;
    //: normalise each channel map to its own range
    m_norm->addItem(tr("channel"), QStringLiteral("channel"));
    //: normalise each group tile to one range
    m_norm->addItem(tr("group"), QStringLiteral("group"));
    //: normalise all tiles of the layer to one range
    m_norm->addItem(tr("layer"), QStringLiteral("layer"));
    m_norm->setToolTip(tr("channel: each map to its own range; group: one range per tile, so maps of a group compare; "
                          "layer: one range for all, so groups compare."));
    controls->addWidget(m_norm);
    auto *exportButton = new QPushButton(tr("Export..."));
    exportButton->setToolTip(tr("The feature-map grid with group labels and a colour bar, as a 1920x1080 PNG, an SVG "
                                "or a PDF (right-click the grid for other sizes)."));
    controls->addWidget(exportButton);
    controls->addStretch();
    right->addLayout(controls);
    m_note = new QLabel;
    m_note->setObjectName("formNote");
    m_note->setWordWrap(true);
    right->addWidget(m_note);
    auto *maps = new QHBoxLayout;
    m_grid = new FeatureGridView;
    registerFigure(m_grid, "feature-grid");
    maps->addWidget(m_grid, 3);
    auto *groupBox = new QVBoxLayout;
    m_groupTitle = new QLabel(tr("Click a group"));
    m_groupTitle->setWordWrap(true);
    groupBox->addWidget(m_groupTitle);
    m_groupLarge = new QLabel;
    m_groupLarge->setObjectName("groupLarge");
    m_groupLarge->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    // All of a group's maps at a legible size; scroll when they do not fit.
    m_groupScroll = new QScrollArea;
    m_groupScroll->setObjectName("groupScroll");
    m_groupScroll->setWidget(m_groupLarge);
    m_groupScroll->setWidgetResizable(true);
    m_groupScroll->setMinimumSize(100, 30);
    groupBox->addWidget(m_groupScroll, 1);
    maps->addLayout(groupBox, 1);
    right->addLayout(maps, 3);
    m_energy = new QCustomPlot;
    m_energy->setObjectName("energyChart");
    registerFigure(m_energy, "group-energy");
    m_energy->setMinimumHeight(86); // room for the y title ("năng lượng" in Vietnamese)
    m_energy->xAxis->setLabel(tr("group"));
    m_energy->yAxis->setLabel(tr("energy"));
    // Few, short tick labels: the chart is low and they overlapped.
    m_energy->yAxis->ticker()->setTickCount(3);
    m_energy->yAxis->setNumberFormat("g");
    m_energy->yAxis->setNumberPrecision(2);
    m_energy->xAxis->ticker()->setTickCount(8);
    m_energy->setToolTip(tr("Mean squared activation of each group's maps: which paths respond to this image."));
    right->addWidget(m_energy, 1);
    body->addLayout(right, 3);
    outer->addLayout(body, 1);
    outer->addLayout(notes);

    connect(open, &QPushButton::clicked, this, [this] {
        Q_EMIT openRequested();
    });
    connect(m_showInExplorer, &QPushButton::clicked, this, &ClassifyPanel::showModelInExplorer);
    connect(m_loadAnyway, &QPushButton::clicked, this, [this] {
        m_loadAnyway->hide();
        Q_EMIT loadAnyway(m_loadAnywayPath);
    });
    connect(m_service, &ModelService::mismatchedWeights, this, [this](const Job &, const QString &path) {
        m_loadAnywayPath = path;
        m_loadAnyway->show();
    });
    connect(m_strip, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { classifyFile(item->data(Qt::UserRole).toString()); });
    m_cancel = cancel;
    m_cancel->setEnabled(false);
    connect(cancel, &QPushButton::clicked, this, [this] {
        m_service->cancel(m_analysisJob);
        m_service->cancel(m_camJob);
    });
    connect(m_service, &ModelService::jobFinished, this, [this](const Job &, JobOutcome) {
        m_cancel->setEnabled(m_service->pending(m_analysisJob) || m_service->pending(m_camJob));
    });
    connect(m_service, &ModelService::modelChanged, this, &ClassifyPanel::modelChanged);
    connect(m_service, &ModelService::analysisReady, this, &ClassifyPanel::onAnalysis);
    connect(m_service, &ModelService::gradCamReady, this, &ClassifyPanel::onGradCam);
    connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &msg) {
        // Errors of this panel's own requests and of model loads (their notes too).
        if (ownJob(job) && job.id == m_analysisJob.id && m_rerunning) {
            m_rerunning = false;
            clearView(tr("The new model could not classify %1: %2").arg(m_shown.name, msg));
            return;
        }
        if (ownJob(job) || job.kind == JobKind::Model)
            showError(msg);
    });
    connect(m_camCheck, &QCheckBox::toggled, this, [this](bool on) {
        if (on && !m_cam && !m_live)
            requestGradCam();
        if (m_result)
            showResult(m_result);
    });
    // Playing, the next frame is analysed with the new block anyway.
    connect(m_block, &QComboBox::activated, this, [this] {
        if (!m_live)
            rerunShown();
    });
    connect(m_colormap, &QComboBox::currentIndexChanged, this, &ClassifyPanel::renderFeatures);
    connect(m_norm, &QComboBox::currentIndexChanged, this, &ClassifyPanel::renderFeatures);
    connect(m_grid, &FeatureGridView::tileClicked, this, &ClassifyPanel::showGroup);
    connect(m_device, &QComboBox::activated, this, [this] { Q_EMIT deviceChanged(device()); });
    connect(m_path, &QComboBox::activated, this,
            [this] { Q_EMIT inferencePathChosen(static_cast<InferencePath>(m_path->currentData().toInt())); });
    connect(m_service, &ModelService::inferencePathChanged, this,
            [this](const Job &, InferencePath path, const QString &note) {
                const int i = m_path->findData(static_cast<int>(path));
                if (i >= 0)
                    m_path->setCurrentIndex(i);
                m_pathNote->setText(note);
                m_pathNote->setVisible(!note.isEmpty());
                if (m_shown.valid())
                    rerunShown(); // the image on screen, through the path just chosen
            });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export feature maps"),
                                                          m_dialogFolder.in("groups.png"),
                                                          tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
        m_dialogFolder.picked(path);
        QString error;
        if (!path.isEmpty() && !exportFeatures(path, &error))
            showError(error);
    });
    // The charts do not zoom: the mouse wheel over them scrolls the page.
    auto *wheel = new WheelToPage(this);
    m_top->installEventFilter(wheel);
    m_energy->installEventFilter(wheel);
}

void ClassifyPanel::setVideoBar(QWidget *bar, QWidget *controls)
{
    // The name and figures under the model row and the error line, above the
    // image; the buttons beside "Classifying with", which leaves room for them.
    static_cast<QVBoxLayout *>(layout())->insertWidget(3, bar);
    m_modelRow->addWidget(controls, 0, Qt::AlignTop);
    m_videoBar = bar;
    bar->installEventFilter(this);
}

bool ClassifyPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_videoBar && (event->type() == QEvent::ShowToParent || event->type() == QEvent::HideToParent))
        updateBuiltinNote();
    return QWidget::eventFilter(watched, event);
}

void ClassifyPanel::updateBuiltinNote()
{
    // The video's row takes the note's place: at 1280x720 both pushed the
    // charts below the fold. The note comes back when the video is closed.
    m_knows->setVisible(m_builtin && !(m_videoBar && !m_videoBar->isHidden()));
}

QString ClassifyPanel::device() const { return m_device->currentData().toString(); }

void ClassifyPanel::setCudaAvailable(const QString &name)
{
    if (m_device->findData("cuda") < 0)
        m_device->addItem(tr("CUDA: %1").arg(name), "cuda");
}

void ClassifyPanel::setPathsAvailable(bool fast, bool bf16)
{
    if (fast && m_path->findData(static_cast<int>(InferencePath::Fast)) < 0) {
        m_path->insertItem(0, tr("Fast (oneDNN)"), static_cast<int>(InferencePath::Fast));
        if (bf16)
            m_path->insertItem(1, tr("Fast BF16"), static_cast<int>(InferencePath::FastBf16));
        m_path->setCurrentIndex(0); // what a model runs on by default
    }
}

QString ClassifyPanel::pathNote() const { return m_pathNote->isHidden() ? QString() : m_pathNote->text(); }

QString ClassifyPanel::block() const { return m_block->currentText(); }

void ClassifyPanel::setBlocks(const ArchSpec &spec)
{
    const QString keep = m_block->currentText();
    m_block->clear();
    for (const std::string &block : blockNames(spec))
        m_block->addItem(QString::fromStdString(block));
    const int i = m_block->findText(keep);
    m_block->setCurrentIndex(i >= 0 ? i : std::min(m_block->count() - 1, spec.layers[0]));
}

void ClassifyPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    if (message.isEmpty())
        m_loadAnyway->hide(); // it belongs to the message it stood beside
}

QString ClassifyPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void ClassifyPanel::track(const Job &job)
{
    if (job.kind == JobKind::GradCam)
        m_camJob = job;
    else
        m_analysisJob = job;
    m_cancel->setEnabled(true);
}

bool ClassifyPanel::ownJob(const Job &job) const { return job.id == m_analysisJob.id || job.id == m_camJob.id; }

void ClassifyPanel::modelChanged(const Job &, const QString &text)
{
    m_model->setText(tr("<b>Classifying with:</b> %1").arg(breakable(text).toHtmlEscaped()));
    m_model->setToolTip(text);
    if (auto m = m_service->model()) {
        m_builtin = m->info().source == "built-in model";
        updateBuiltinNote();
        setBlocks(m->info().spec);
        m_preprocess->setText(tr("Preprocessing: %1").arg(describePreprocessing(m->info().preprocessing)));
    }
    // An error about an earlier image or model no longer describes what is on screen.
    showError({});
    if (m_live)
        return; // the next video frame runs on the new model
    if (m_requested.valid() && m_service->pending(m_analysisJob)) {
        // Asked before this model arrived (e.g. a file on the command line at
        // start-up): ask again, now with this model's blocks for the maps.
        request(m_requested);
        return;
    }
    if (!m_shown.valid())
        return;
    m_title->setText(tr("<b>%1</b>: re-running on the new model...").arg(m_shown.name.toHtmlEscaped()));
    m_timings->setText(tr("(the previous model's result until the new one arrives)"));
    rerunShown();
    m_rerunning = true;
}

void ClassifyPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_result)
        showResult(m_result); // the image and a group's maps follow the new size
}

void ClassifyPanel::setExplorerShowsModel(bool same) { m_showInExplorer->setVisible(!same); }

void ClassifyPanel::addToStrip(const QStringList &paths)
{
    for (const QString &p : paths) {
        bool known = false;
        for (int i = 0; i < m_strip->count() && !known; ++i)
            known = m_strip->item(i)->data(Qt::UserRole).toString() == p;
        if (known)
            continue;
        auto *item = new QListWidgetItem(QFileInfo(p).fileName(), m_strip);
        item->setData(Qt::UserRole, p);
        item->setToolTip(p);
    }
    m_strip->setVisible(m_strip->count() > 1);
    markShownInStrip();
}

void ClassifyPanel::markShownInStrip()
{
    const QString shown = m_result ? m_result->imageName : QString();
    const QSignalBlocker b(m_strip);
    m_strip->clearSelection();
    for (int i = 0; i < m_strip->count(); ++i) {
        QListWidgetItem *item = m_strip->item(i);
        const bool current = !shown.isEmpty() && item->data(Qt::UserRole).toString() == shown;
        QFont f = item->font();
        f.setBold(current);
        item->setFont(f);
        if (current) {
            m_strip->setCurrentItem(item);
            m_strip->scrollToItem(item);
        }
    }
}

QStringList ClassifyPanel::openedImages() const
{
    QStringList paths;
    for (int i = 0; i < m_strip->count(); ++i)
        paths << m_strip->item(i)->data(Qt::UserRole).toString();
    return paths;
}

void ClassifyPanel::clearView(const QString &why)
{
    m_result.reset();
    m_cam.reset();
    m_shown = {};
    m_title->setText(why.toHtmlEscaped());
    m_image->clear();
    m_image->setFigureImage({}, {});
    m_timings->clear();
    m_top->clearPlottables();
    m_top->replot();
    m_energy->clearPlottables();
    m_energy->replot();
    m_grid->setGrid({}, {}, 0);
    m_groupLarge->clear();
    m_note->clear();
    showError(why);
}

void ClassifyPanel::request(const Source &source)
{
    m_requested = source;
    m_rerunning = false;
    m_loadAnyway->hide();
    if (source.sample >= 0)
        track(m_service->analyzeSample(source.sample, block()));
    else if (!source.file.isEmpty())
        track(m_service->analyzeFile(source.file, block()));
    else if (!source.frame.empty())
        track(m_service->analyzeImage(source.frame, source.name, block()));
    else
        track(m_service->analyzeImage(fromQImage(source.image), source.name, block()));
}

void ClassifyPanel::classifyFile(const QString &path)
{
    request({QFileInfo(path).fileName(), path, {}, {}, -1});
}

void ClassifyPanel::classifyImage(const QImage &image, const QString &name)
{
    request({name, {}, image, {}, -1});
}

void ClassifyPanel::classifySample(int index)
{
    request({tr("Fashion-MNIST test image %1").arg(index), {}, {}, {}, index});
}

Job ClassifyPanel::classifyFrame(const RgbImage &frame, const QString &name)
{
    request({name, {}, {}, frame, -1});
    return m_analysisJob;
}

void ClassifyPanel::setLive(bool live)
{
    m_live = live;
    if (!live && m_result && m_camCheck->isChecked() && !m_cam)
        requestGradCam(); // paused: the frame on screen gets its Grad-CAM
}

void ClassifyPanel::rerunShown()
{
    if (m_shown.valid())
        request(m_shown);
}

void ClassifyPanel::requestGradCam()
{
    if (!m_result || m_result->analysis.features.block.empty())
        return;
    const int stage = parseBlockName(m_result->analysis.features.block).stage + 1;
    track(m_service->gradCam(m_result, m_result->analysis.top.front().index, stage));
}

void ClassifyPanel::onAnalysis(const Job &job, std::shared_ptr<const AnalysisResult> r)
{
    // Only the answer to the latest request is shown; the first-launch sample
    // and other posters adopt the panel through track() too.
    if (job.id != m_analysisJob.id)
        return;
    m_rerunning = false;
    m_shown = m_requested;
    showResult(std::move(r));
}

void ClassifyPanel::onGradCam(const Job &job, std::shared_ptr<const AnalysisResult> forResult,
                              std::shared_ptr<const GradCam> cam)
{
    // Drawn only over the image it was computed for.
    if (job.id != m_camJob.id || forResult != m_result)
        return;
    m_cam = std::move(cam);
    showResult(m_result);
}

void ClassifyPanel::showResult(std::shared_ptr<const AnalysisResult> r)
{
    const bool fresh = r != m_result;
    m_result = std::move(r);
    if (fresh) {
        m_cam.reset();
        showError({});
        if (m_camCheck->isChecked() && !m_live)
            requestGradCam();
    }
    markShownInStrip();
    const Analysis &a = m_result->analysis;
    // NaN or infinite weights give NaN probabilities: say so instead of "nan%".
    const auto percent = [](double p) {
        return std::isfinite(p) ? language::decimal(100.0 * p, 1) + "%" : QString("n/a");
    };
    const bool nonFinite = !std::isfinite(a.top.front().probability);
    m_title->setText(tr("<b>%1</b>: %2 (%3)%4")
                         .arg(QFileInfo(m_result->imageName).fileName().toHtmlEscaped(),
                              QString::fromStdString(a.top.front().label).toHtmlEscaped(),
                              percent(a.top.front().probability),
                              nonFinite ? tr(" &mdash; the outputs are NaN or infinite: the weights contain "
                                             "non-finite values")
                                        : QString()));
    // Shown only when the checkpoint has the statistics (calibrate, or a model trained with validation).
    m_ood->setVisible(a.oodKnown);
    if (a.outOfDistribution) {
        m_ood->setStyleSheet("QLabel { color: #b00020; font-weight: bold; }");
        m_ood->setText(tr("This image is unlike the model's training data (distance %1, threshold %2): the classes "
                          "below are only the nearest of what the model knows.")
                           .arg(language::decimal(a.oodScore, 0), language::decimal(a.oodThreshold, 0)) +
                       " " + tr("<a href=\"ood\">Why?</a>"));
    } else if (a.oodKnown) {
        m_ood->setStyleSheet("QLabel { color: gray; }");
        m_ood->setText(tr("Like the model's training data (distance %1, threshold %2).")
                           .arg(language::decimal(a.oodScore, 0), language::decimal(a.oodThreshold, 0)) +
                       " " + tr("<a href=\"ood\">Why?</a>"));
    }
    QImage shown = toQImage(m_cam && m_camCheck->isChecked() ? overlayHeat(a.shown, m_cam->heat, m_cam->width,
                                                                           m_cam->height)
                                                             : a.shown);
    m_image->setFigureImage(shown, m_cam && m_camCheck->isChecked()
                                       ? tr("%1, with Grad-CAM of the top class").arg(m_shown.name)
                                       : m_shown.name);
    m_image->setPixmap(QPixmap::fromImage(shown).scaled(m_image->size().boundedTo(QSize(448, 448)).expandedTo(QSize(8, 8)),
                                                        Qt::KeepAspectRatio,
                                                        a.shown.width < 100 ? Qt::FastTransformation
                                                                            : Qt::SmoothTransformation));
    // Top-5 as horizontal bars.
    m_top->clearPlottables();
    auto *bars = new QCPBars(m_top->yAxis, m_top->xAxis);
    bars->setBrush(tab10::kBlue);
    bars->setPen(Qt::NoPen);
    QVector<double> keys, values;
    QVector<QString> labels;
    for (size_t i = 0; i < a.top.size(); ++i) {
        keys << static_cast<double>(i + 1);
        values << (std::isfinite(a.top[i].probability) ? 100.0 * a.top[i].probability : 0.0);
        labels << QString("%1  %2").arg(QString::fromStdString(a.top[i].label), percent(a.top[i].probability));
    }
    bars->setData(keys, values);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(keys, labels);
    m_top->yAxis->setTicker(ticker);
    m_top->yAxis->setRange(0.4, a.top.size() + 0.6);
    m_top->replot();
    const Timings &t = a.timings;
    m_timings->setText(tr("decode %1 ms + preprocess %2 ms + forward %3 ms + feature maps %4 ms on %5, %6 path")
                           .arg(language::decimal(t.decodeMs, 1))
                           .arg(language::decimal(t.preprocessMs, 1))
                           .arg(language::decimal(t.forwardMs, 1))
                           .arg(language::decimal(t.featuresMs, 1))
                           .arg(m_result->device, m_result->path == InferencePath::Plain  ? tr("plain")
                                                  : m_result->path == InferencePath::Fast ? tr("fast")
                                                                                          : tr("fast-bf16")));
    renderFeatures();
}


void ClassifyPanel::renderFeatures()
{
    if (!m_result || m_result->analysis.features.block.empty())
        return;
    const FeatureMaps &f = m_result->analysis.features;
    const Colormap cmap = parseColormap(m_colormap->currentData().toString().toStdString());
    const Normalization norm = parseNormalization(m_norm->currentData().toString().toStdString());
    const GridGeometry g = gridGeometry(f.cardinality, f.groupWidth, f.height, f.width, 16);
    m_grid->setGrid(toQImage(renderGrid(f.grouped, f.cardinality, f.groupWidth, f.height, f.width, cmap, norm, g)), g,
                    f.cardinality);
    m_grid->setLegend(tr("%1: the grouped 3x3 convolution's output, %2 groups of w = %3 maps")
                          .arg(QString::fromStdString(f.block))
                          .arg(f.cardinality)
                          .arg(f.groupWidth),
                      cmap, tr("Colours stretched per %1.").arg(m_norm->currentText()));
    const char *forms[] = {QT_TR_NOOP("(a): each tile is the output of one of the C separate paths"),
                           QT_TR_NOOP("(b): each tile is one path before the concatenation"),
                           QT_TR_NOOP("(c): each tile is one group of the grouped 3x3 convolution")};
    m_note->setText(tr("<b>%1</b>: %2 groups of w = %3 maps (this stage's channels per group), %4x%5, after the 3x3 conv, BN and ReLU. Form %6 "
                       "&mdash; the same numbers in every form: the groups <i>are</i> the paths.")
                        .arg(QString::fromStdString(f.block))
                        .arg(f.cardinality)
                        .arg(f.groupWidth)
                        .arg(f.height)
                        .arg(f.width)
                        .arg(tr(forms[static_cast<int>(f.form)])));
    // Energy per group.
    m_energy->clearPlottables();
    auto *bars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    bars->setBrush(QColor(44, 160, 44));
    bars->setPen(Qt::NoPen);
    QVector<double> keys, values;
    double hi = 0;
    for (size_t i = 0; i < f.groupEnergy.size(); ++i) {
        keys << static_cast<double>(i);
        values << f.groupEnergy[i];
        hi = std::max(hi, f.groupEnergy[i]);
    }
    bars->setData(keys, values);
    m_energy->xAxis->setRange(-0.6, f.cardinality - 0.4);
    m_energy->yAxis->setRange(0, hi > 0 ? hi * 1.1 : 1);
    m_energy->replot();
    if (m_pendingGroup >= 0 && m_pendingGroup < f.cardinality)
        m_grid->setSelected(m_pendingGroup);
    m_pendingGroup = -1;
    showGroup(m_grid->selected() >= 0 ? m_grid->selected() : 0);
}

void ClassifyPanel::classifyImageWithGroup(const QImage &image, const QString &name, const QString &block, int group)
{
    const int i = m_block->findText(block);
    if (i >= 0)
        m_block->setCurrentIndex(i);
    m_pendingGroup = group;
    classifyImage(image, name);
}

void ClassifyPanel::showGroup(int group)
{
    if (!m_result || m_result->analysis.features.block.empty())
        return;
    const FeatureMaps &f = m_result->analysis.features;
    if (group >= f.cardinality)
        return;
    m_grid->setSelected(group);
    const Colormap cmap = parseColormap(m_colormap->currentData().toString().toStdString());
    const Normalization norm = parseNormalization(m_norm->currentData().toString().toStdString());
    const QImage img = toQImage(renderGroup(f, group, cmap, norm, 48));
    // Fit the width; the maps stack downwards and the scroll area scrolls them.
    const int w = std::max(48, m_groupScroll->viewport()->width() - 4);
    m_groupLarge->setPixmap(QPixmap::fromImage(img).scaledToWidth(std::min(w, img.width() * 3), Qt::FastTransformation));
    m_groupTitle->setText(tr("Group %1 of %2: its %3 channel maps (energy %4)")
                              .arg(group)
                              .arg(f.cardinality)
                              .arg(f.groupWidth)
                              .arg(language::general(f.groupEnergy[static_cast<size_t>(group)], 3)));
}

bool ClassifyPanel::exportFeatures(const QString &path, QString *error) const
{
    if (!m_result || m_result->analysis.features.block.empty()) {
        if (error)
            *error = tr("Nothing to export yet: classify an image first.");
        return false;
    }
    // The figure (group labels, colour bar) at slide size, not the raw grid.
    return writeFigure(m_grid, path, QSize(1920, 1080), error);
}
