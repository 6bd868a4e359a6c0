#include "inlineerror.h"
#include "classifypanel.h"

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
    setMinimumSize(160, 160);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("The grouped 3x3 convolution's output: one tile per group (path), each holding that group's d "
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

QRectF FeatureGridView::targetRect() const
{
    if (m_image.isNull())
        return {};
    const double s = std::min(width() / static_cast<double>(m_image.width()),
                              height() / static_cast<double>(m_image.height()));
    const QSizeF size(m_image.width() * s, m_image.height() * s);
    return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

int FeatureGridView::tileAt(const QPoint &pos) const
{
    const QRectF r = targetRect();
    if (r.isEmpty() || !r.contains(pos))
        return -1;
    const int x = static_cast<int>((pos.x() - r.left()) * m_image.width() / r.width());
    const int y = static_cast<int>((pos.y() - r.top()) * m_image.height() / r.height());
    const int t = m_geometry.tileAt(x, y);
    return t < m_tiles ? t : -1;
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
    const QRectF r = targetRect();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(r, m_image);
    const double s = r.width() / m_image.width();
    QFont f = font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.8));
    p.setFont(f);
    for (int t = 0; t < m_tiles; ++t) {
        const QRectF tile(r.left() + m_geometry.tileX(t) * s, r.top() + m_geometry.tileY(t) * s,
                          m_geometry.tileWidth * s, m_geometry.tileHeight * s);
        if (tile.width() > 28) {
            p.setPen(Qt::white);
            p.drawText(tile.adjusted(2, 1, 0, 0), Qt::AlignLeft | Qt::AlignTop, QString("g%1").arg(t));
        }
        if (t == m_selected) {
            p.setPen(QPen(QColor(255, 127, 14), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRect(tile.adjusted(-2, -2, 2, 2));
        }
    }
}

void FeatureGridView::mousePressEvent(QMouseEvent *event)
{
    const int t = tileAt(event->position().toPoint());
    if (t >= 0) {
        setSelected(t);
        Q_EMIT tileClicked(t);
    }
}

ClassifyPanel::ClassifyPanel(ModelService *service, QWidget *parent) : QWidget(parent), m_service(service)
{
    auto *outer = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    m_model = new QLabel(tr("Loading the engine..."));
    m_model->setObjectName("modelLabel");
    m_model->setWordWrap(true);
    bar->addWidget(m_model, 1);
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
    bar->addWidget(open);
    bar->addWidget(cancel);
    outer->addLayout(bar);

    m_error = makeInlineError("classifyError");
    outer->addWidget(m_error);
    m_knows = new QLabel(tr("The built-in model knows only 10 kinds of clothing as 28x28 grey images (Fashion-MNIST); "
                            "for photos, File -> Open weights lists the ImageNet weights torchvision/timm left here."));
    m_knows->setObjectName("builtinNote");
    m_knows->setWordWrap(true);
    m_knows->setVisible(false);
    outer->addWidget(m_knows);

    auto *body = new QHBoxLayout;
    // Left: the image, Grad-CAM, top-5 and the time split.
    auto *left = new QVBoxLayout;
    m_title = new QLabel;
    m_title->setWordWrap(true);
    left->addWidget(m_title);
    m_ood = new QLabel;
    m_ood->setObjectName("oodWarning");
    m_ood->setWordWrap(true);
    m_ood->setVisible(false);
    left->addWidget(m_ood);
    m_image = new QLabel;
    m_image->setObjectName("imageView");
    m_image->setMinimumSize(160, 160);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setStyleSheet("QLabel { background: #202020; }");
    left->addWidget(m_image);
    m_camCheck = new QCheckBox(tr("Grad-CAM overlay for the top class"));
    m_camCheck->setChecked(true);
    m_camCheck->setToolTip(tr("Gradient-weighted class activation map on the output of the selected block's stage: "
                              "where that stage's features pushed the score of the top class up."));
    left->addWidget(m_camCheck);
    m_top = new QCustomPlot;
    m_top->setObjectName("topChart");
    m_top->setMinimumHeight(120);
    m_top->yAxis->setRangeReversed(true);
    m_top->xAxis->setRange(0, 100);
    m_top->xAxis->setLabel(tr("probability (%)"));
    left->addWidget(m_top, 1);
    m_timings = new QLabel;
    m_timings->setObjectName("timings");
    m_timings->setWordWrap(true);
    left->addWidget(m_timings);
    m_preprocess = new QLabel;
    m_preprocess->setWordWrap(true);
    m_preprocess->setStyleSheet("color: gray");
    left->addWidget(m_preprocess);
    body->addLayout(left, 2);

    // Right: the grouped convolution's maps.
    auto *right = new QVBoxLayout;
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Block:")));
    m_block = new QComboBox;
    m_block->setObjectName("blockCombo");
    m_block->setToolTip(tr("Which residual block's split-transform-merge to look inside."));
    controls->addWidget(m_block);
    controls->addWidget(new QLabel(tr("Colours:")));
    m_colormap = new QComboBox;
    m_colormap->addItems({"viridis", "magma", "gray"});
    controls->addWidget(m_colormap);
    controls->addWidget(new QLabel(tr("Normalise per:")));
    m_norm = new QComboBox;
    m_norm->addItems({"channel", "group", "layer"});
    m_norm->setToolTip(tr("channel: each map to its own range; group: one range per tile, so maps of a group compare; "
                          "layer: one range for all, so groups compare."));
    controls->addWidget(m_norm);
    auto *exportButton = new QPushButton(tr("Export PNG..."));
    controls->addWidget(exportButton);
    controls->addStretch();
    right->addLayout(controls);
    m_note = new QLabel;
    m_note->setObjectName("formNote");
    m_note->setWordWrap(true);
    right->addWidget(m_note);
    auto *maps = new QHBoxLayout;
    m_grid = new FeatureGridView;
    maps->addWidget(m_grid, 3);
    auto *groupBox = new QVBoxLayout;
    m_groupTitle = new QLabel(tr("Click a group"));
    m_groupTitle->setWordWrap(true);
    groupBox->addWidget(m_groupTitle);
    m_groupLarge = new QLabel;
    m_groupLarge->setObjectName("groupLarge");
    m_groupLarge->setMinimumSize(100, 100);
    m_groupLarge->setAlignment(Qt::AlignCenter);
    groupBox->addWidget(m_groupLarge, 1);
    maps->addLayout(groupBox, 1);
    right->addLayout(maps, 3);
    m_energy = new QCustomPlot;
    m_energy->setObjectName("energyChart");
    m_energy->setMinimumHeight(100);
    m_energy->xAxis->setLabel(tr("group"));
    m_energy->yAxis->setLabel(tr("energy"));
    m_energy->setToolTip(tr("Mean squared activation of each group's maps: which paths respond to this image."));
    right->addWidget(m_energy, 1);
    body->addLayout(right, 3);
    outer->addLayout(body, 1);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open image"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)"));
        if (!path.isEmpty())
            classifyFile(path);
    });
    connect(cancel, &QPushButton::clicked, m_service, &ModelService::cancel);
    connect(m_service, &ModelService::busyChanged, cancel, &QPushButton::setEnabled);
    connect(m_service, &ModelService::modelChanged, this, [this](const QString &text) {
        m_model->setText(tr("<b>Model:</b> %1").arg(text.toHtmlEscaped()));
        if (auto m = m_service->model()) {
            m_knows->setVisible(m->info().source == "built-in model");
            setBlocks(m->info().spec);
            m_preprocess->setText(tr("Preprocessing: %1").arg(QString::fromStdString(describe(m->info().preprocessing))));
        }
        rerunLast();
    });
    connect(m_service, &ModelService::analysisReady, this, &ClassifyPanel::showResult);
    connect(m_service, &ModelService::gradCamReady, this, &ClassifyPanel::showGradCam);
    connect(m_service, &ModelService::failed, this, &ClassifyPanel::showError);
    connect(m_camCheck, &QCheckBox::toggled, this, [this](bool on) {
        if (on && !m_cam)
            requestGradCam();
        if (m_result)
            showResult(m_result);
    });
    connect(m_block, &QComboBox::activated, this, [this] { rerunLast(); });
    connect(m_colormap, &QComboBox::currentIndexChanged, this, &ClassifyPanel::renderFeatures);
    connect(m_norm, &QComboBox::currentIndexChanged, this, &ClassifyPanel::renderFeatures);
    connect(m_grid, &FeatureGridView::tileClicked, this, &ClassifyPanel::showGroup);
    connect(m_device, &QComboBox::activated, this, [this] { Q_EMIT deviceChanged(device()); });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export feature maps"), "groups.png",
                                                          tr("PNG image (*.png)"));
        QString error;
        if (!path.isEmpty() && !exportFeatures(path, &error))
            showError(error);
    });
}

QString ClassifyPanel::device() const { return m_device->currentData().toString(); }

void ClassifyPanel::setCudaAvailable(const QString &name)
{
    if (m_device->findData("cuda") < 0)
        m_device->addItem(tr("CUDA: %1").arg(name), "cuda");
}

QString ClassifyPanel::block() const { return m_block->currentText(); }

void ClassifyPanel::setBlocks(const ArchSpec &spec)
{
    const QString keep = m_block->currentText();
    m_block->clear();
    for (int s = 0; s < spec.numStages(); ++s)
        for (int b = 0; b < spec.layers[static_cast<size_t>(s)]; ++b)
            m_block->addItem(QString("layer%1.%2").arg(s + 1).arg(b));
    const int i = m_block->findText(keep);
    m_block->setCurrentIndex(i >= 0 ? i : std::min(m_block->count() - 1, spec.layers[0]));
}

void ClassifyPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString ClassifyPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void ClassifyPanel::classifyFile(const QString &path)
{
    m_lastFile = path;
    m_lastImage = QImage();
    m_service->analyzeFile(path, block());
}

void ClassifyPanel::classifyImage(const QImage &image, const QString &name)
{
    m_lastFile.clear();
    m_lastImage = image;
    m_lastImageName = name;
    m_service->analyzeImage(fromQImage(image), name, block());
}

void ClassifyPanel::rerunLast()
{
    if (!m_lastFile.isEmpty())
        m_service->analyzeFile(m_lastFile, block());
    else if (!m_lastImage.isNull())
        m_service->analyzeImage(fromQImage(m_lastImage), m_lastImageName, block());
}

void ClassifyPanel::requestGradCam()
{
    if (!m_result || m_result->analysis.features.block.empty())
        return;
    const std::string &b = m_result->analysis.features.block;
    const int stage = std::stoi(b.substr(5, b.find('.') - 5));
    m_service->gradCam(m_result->image, m_result->analysis.top.front().index, stage);
}

void ClassifyPanel::showResult(std::shared_ptr<const AnalysisResult> r)
{
    const bool fresh = r != m_result;
    m_result = std::move(r);
    if (fresh) {
        m_cam.reset();
        showError({});
        if (m_camCheck->isChecked())
            requestGradCam();
    }
    const Analysis &a = m_result->analysis;
    m_title->setText(tr("<b>%1</b>: %2 (%3%)")
                         .arg(QFileInfo(m_result->imageName).fileName().toHtmlEscaped(),
                              QString::fromStdString(a.top.front().label).toHtmlEscaped())
                         .arg(100.0 * a.top.front().probability, 0, 'f', 1));
    // Shown only when the checkpoint has the statistics (calibrate, or a model trained with validation).
    m_ood->setVisible(a.oodKnown);
    if (a.outOfDistribution) {
        m_ood->setStyleSheet("QLabel { color: #b00020; font-weight: bold; }");
        m_ood->setText(tr("This image is unlike the model's training data (distance %1, threshold %2): the classes "
                          "below are only the nearest of what the model knows.")
                           .arg(a.oodScore, 0, 'f', 0)
                           .arg(a.oodThreshold, 0, 'f', 0));
    } else if (a.oodKnown) {
        m_ood->setStyleSheet("QLabel { color: gray; }");
        m_ood->setText(tr("Like the model's training data (distance %1, threshold %2).")
                           .arg(a.oodScore, 0, 'f', 0)
                           .arg(a.oodThreshold, 0, 'f', 0));
    }
    QImage shown = toQImage(m_cam && m_camCheck->isChecked() ? overlayHeat(a.shown, m_cam->heat, m_cam->width,
                                                                           m_cam->height)
                                                             : a.shown);
    m_image->setPixmap(QPixmap::fromImage(shown).scaled(m_image->size().boundedTo(QSize(448, 448)), Qt::KeepAspectRatio,
                                                        a.shown.width < 100 ? Qt::FastTransformation
                                                                            : Qt::SmoothTransformation));
    // Top-5 as horizontal bars.
    m_top->clearPlottables();
    auto *bars = new QCPBars(m_top->yAxis, m_top->xAxis);
    bars->setBrush(QColor(31, 119, 180));
    bars->setPen(Qt::NoPen);
    QVector<double> keys, values;
    QVector<QString> labels;
    for (size_t i = 0; i < a.top.size(); ++i) {
        keys << static_cast<double>(i + 1);
        values << 100.0 * a.top[i].probability;
        labels << QString("%1  %2%").arg(QString::fromStdString(a.top[i].label)).arg(100.0 * a.top[i].probability, 0, 'f', 1);
    }
    bars->setData(keys, values);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(keys, labels);
    m_top->yAxis->setTicker(ticker);
    m_top->yAxis->setRange(0.4, a.top.size() + 0.6);
    m_top->replot();
    const Timings &t = a.timings;
    m_timings->setText(tr("decode %1 ms + preprocess %2 ms + forward %3 ms + feature maps %4 ms on %5")
                           .arg(t.decodeMs, 0, 'f', 1)
                           .arg(t.preprocessMs, 0, 'f', 1)
                           .arg(t.forwardMs, 0, 'f', 1)
                           .arg(t.featuresMs, 0, 'f', 1)
                           .arg(m_result->device));
    renderFeatures();
}

void ClassifyPanel::showGradCam(std::shared_ptr<const GradCam> cam)
{
    m_cam = std::move(cam);
    if (m_result)
        showResult(m_result);
}

void ClassifyPanel::renderFeatures()
{
    if (!m_result || m_result->analysis.features.block.empty())
        return;
    const FeatureMaps &f = m_result->analysis.features;
    const Colormap cmap = parseColormap(m_colormap->currentText().toStdString());
    const Normalization norm = parseNormalization(m_norm->currentText().toStdString());
    const GridGeometry g = gridGeometry(f.cardinality, f.groupWidth, f.height, f.width, 16);
    m_grid->setGrid(toQImage(renderGrid(f.grouped, f.cardinality, f.groupWidth, f.height, f.width, cmap, norm, g)), g,
                    f.cardinality);
    const char *forms[] = {"(a): each tile is the output of one of the C separate paths",
                           "(b): each tile is one path before the concatenation",
                           "(c): each tile is one group of the grouped 3x3 convolution"};
    m_note->setText(tr("<b>%1</b>: %2 groups of d = %3 maps, %4x%5, after the 3x3 conv, BN and ReLU. Form %6 "
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
    showGroup(m_grid->selected() >= 0 ? m_grid->selected() : 0);
}

void ClassifyPanel::showGroup(int group)
{
    if (!m_result || m_result->analysis.features.block.empty())
        return;
    const FeatureMaps &f = m_result->analysis.features;
    if (group >= f.cardinality)
        return;
    m_grid->setSelected(group);
    const Colormap cmap = parseColormap(m_colormap->currentText().toStdString());
    const Normalization norm = parseNormalization(m_norm->currentText().toStdString());
    const QImage img = toQImage(renderGroup(f, group, cmap, norm, 48));
    m_groupLarge->setPixmap(QPixmap::fromImage(img).scaled(m_groupLarge->size(), Qt::KeepAspectRatio));
    m_groupTitle->setText(tr("Group %1 of %2: its %3 channel maps (energy %4)")
                              .arg(group)
                              .arg(f.cardinality)
                              .arg(f.groupWidth)
                              .arg(f.groupEnergy[static_cast<size_t>(group)], 0, 'g', 3));
}

bool ClassifyPanel::exportFeatures(const QString &path, QString *error) const
{
    if (!m_result || m_result->analysis.features.block.empty()) {
        if (error)
            *error = tr("Nothing to export yet: classify an image first.");
        return false;
    }
    try {
        const FeatureMaps &f = m_result->analysis.features;
        writePng(path.toStdString(), renderGroups(f, parseColormap(m_colormap->currentText().toStdString()),
                                                  parseNormalization(m_norm->currentText().toStdString())));
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}
