#include "mainwindow.h"

#include "architecturepanel.h"
#include "blockdiagram.h"
#include "classifypanel.h"
#include "modelservice.h"
#include "trainpanel.h"
#include "experimentpanel.h"
#include "chartspanel.h"
#include "complexitypanel.h"
#include "layertable.h"

#include "resnext/datasource.h"
#include "resnext/error.h"
#include "resnext/report.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace resnext;

namespace {

constexpr int kSettingsVersion = 2; // 2: the spec as one JSON value
constexpr int kMaxCurveC = 64;

QString defaultSettingsPath()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, "ResNeXtExplorer", "resnext-explorer").fileName();
}

// The spec is one value: its JSON form (the same as checkpoints and --format json).
void writeSpec(QSettings &s, const QString &key, const ArchSpec &spec)
{
    s.setValue(key, QString::fromStdString(specToJson(spec)));
}

// Throws resnext::SpecError / Error naming the bad field.
ArchSpec readSpec(QSettings &s, const QString &key)
{
    // Unquoted commas in a hand-edited INI file make a string list: join it back.
    const QVariant v = s.value(key);
    return specFromJson((v.typeId() == QMetaType::QStringList ? v.toStringList().join(',') : v.toString()).toStdString());
}

} // namespace

MainWindow::MainWindow(const QString &settingsPath, QWidget *parent)
    : QMainWindow(parent), m_settingsPath(settingsPath.isEmpty() ? defaultSettingsPath() : settingsPath),
      m_spec(preset("resnext50_32x4d").spec)
{
    setWindowTitle(tr("ResNeXt Explorer"));
    resize(1500, 950);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);

    m_arch = new ArchitecturePanel;
    auto *archScroll = new QScrollArea;
    archScroll->setWidget(m_arch);
    archScroll->setWidgetResizable(true);
    archScroll->setFrameShape(QFrame::NoFrame);
    m_archDock = new QDockWidget(tr("Architecture"), this);
    m_archDock->setObjectName("architectureDock");
    m_archDock->setWidget(archScroll);
    m_archDock->setMinimumWidth(360);
    addDockWidget(Qt::LeftDockWidgetArea, m_archDock);

    m_complexity = new ComplexityPanel;
    m_complexityDock = new QDockWidget(tr("Complexity"), this);
    m_complexityDock->setObjectName("complexityDock");
    m_complexityDock->setWidget(m_complexity);
    addDockWidget(Qt::TopDockWidgetArea, m_complexityDock);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName("tabs");
    auto *blockPage = new QWidget;
    auto *blockLayout = new QVBoxLayout(blockPage);
    auto *stageRow = new QHBoxLayout;
    stageRow->addWidget(new QLabel(tr("Stage:")));
    m_stageCombo = new QComboBox;
    m_stageCombo->setObjectName("stageCombo");
    m_stageCombo->setToolTip(tr("Which stage's block to draw; channel counts double from stage to stage."));
    stageRow->addWidget(m_stageCombo);
    stageRow->addStretch();
    blockLayout->addLayout(stageRow);
    m_diagram = new BlockDiagram;
    blockLayout->addWidget(m_diagram, 1);
    m_tabs->addTab(blockPage, tr("&Block diagram"));
    m_charts = new ChartsPanel;
    m_tabs->addTab(m_charts, tr("C&harts"));
    m_table = new LayerTable;
    m_tabs->addTab(m_table, tr("&Layers"));
    m_service = new ModelService(this);
    m_classify = new ClassifyPanel(m_service);
    m_tabs->addTab(m_classify, tr("Classify && &features"));
    m_train = new TrainPanel(m_service, [this] { return m_spec; });
    m_tabs->addTab(m_train, tr("&Train"));
    m_experiments = new ExperimentPanel(m_service);
    m_tabs->addTab(m_experiments, tr("E&xperiments"));
    setCentralWidget(m_tabs);
    setAcceptDrops(true);

    connect(m_train, &TrainPanel::useBuiltinArchitecture, this, [this] {
        setHoldComplexity(false);
        applySpec(fashionMnistSpec());
    });
    connect(m_service, &ModelService::engineReady, this, [this](const QString &text) {
        statusBar()->showMessage(tr("Engine ready: %1").arg(text), 6000);
        const auto d = m_service->deviceInfo();
        if (d.cudaAvailable)
            m_classify->setCudaAvailable(QString::fromStdString(d.cudaName));
    });
    connect(m_service, &ModelService::modelChanged, this, [this](const Job &job) {
        auto m = m_service->model();
        if (m && job.id == m_adoptSpecOf.id) {
            // Only the model of the file the user opened sets the sliders, never an
            // earlier or later load (e.g. the built-in model at start-up).
            setHoldComplexity(false);
            applySpec(m->info().spec); // opening a resnext50_32x4d file sets the sliders to 32x4d
        }
        if (m && !m_haveImage && m->info().spec.inChannels == 1 && m->info().spec.numClasses == 10) {
            m_haveImage = true;
            m_classify->classifySample(0);
        }
    });
    connect(m_service, &ModelService::failed, this,
            [this](const Job &, const QString &msg) { statusBar()->showMessage(msg, 8000); });
    connect(m_classify, &ClassifyPanel::deviceChanged, m_service, &ModelService::toDevice);

    connect(m_stageCombo, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0)
            m_diagram->setStage(i);
    });
    connect(m_arch, &ArchitecturePanel::specEdited, this, [this](const ArchSpec &s) { applySpec(s); });
    connect(m_arch, &ArchitecturePanel::presetChosen, this, [this](const ArchSpec &s) {
        setHoldComplexity(false); // a preset is shown as it is
        applySpec(s);
    });
    connect(m_arch, &ArchitecturePanel::optionsChanged, this, &MainWindow::onOptionsChanged);

    setupActions();
    loadSettings();
    updateViews();
    if (!m_settingsMessage.isEmpty()) {
        m_arch->showError(m_settingsMessage);
        statusBar()->showMessage(m_settingsMessage);
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::setupActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openImage = file->addAction(tr("&Open image..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open image"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)"));
        if (!path.isEmpty())
            openPaths({path});
    });
    openImage->setShortcut(QKeySequence::Open);
    QAction *paste = file->addAction(tr("&Paste image"), this, [this] {
        const QImage img = QApplication::clipboard()->image();
        if (img.isNull()) {
            m_classify->showError(tr("The clipboard holds no image."));
            return;
        }
        m_tabs->setCurrentWidget(m_classify);
        m_classify->classifyImage(img, tr("pasted image"));
    });
    paste->setShortcut(QKeySequence::Paste);
    QAction *openWeightsAction = file->addAction(tr("Open &weights (.safetensors)..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open weights"), QString(),
                                                          tr("safetensors (*.safetensors);;All files (*)"));
        if (!path.isEmpty())
            openWeights(path);
    });
    openWeightsAction->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    file->addAction(tr("Save weights..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save weights"), "model.safetensors",
                                                          tr("safetensors (*.safetensors)"));
        if (!path.isEmpty())
            m_service->saveModel(path);
    });
    file->addSeparator();
    QAction *exportTableAction = file->addAction(tr("Export layer &table..."), this, &MainWindow::exportTable);
    exportTableAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    QAction *exportChartsAction = file->addAction(tr("Export &charts..."), this, &MainWindow::exportCharts);
    exportChartsAction->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    file->addAction(tr("Save window &snapshot..."), this, &MainWindow::saveSnapshot);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *model = menuBar()->addMenu(tr("&Model"));
    QAction *pin = model->addAction(tr("&Pin current model for comparison"), this, &MainWindow::pinCurrent);
    pin->setShortcut(QKeySequence(tr("Ctrl+P")));
    pin->setToolTip(tr("Keep the current model as a third column and series, then change the sliders to compare."));
    model->addAction(tr("&Clear pinned model"), this, &MainWindow::clearPin);
    model->addSeparator();
    m_holdAction = model->addAction(tr("&Hold complexity at ResNet's"));
    m_holdAction->setCheckable(true);
    m_holdAction->setShortcut(QKeySequence(tr("Ctrl+H")));
    connect(m_holdAction, &QAction::toggled, this, [this](bool on) { setHoldComplexity(on); });
    QAction *reset = model->addAction(tr("&Reset to ResNeXt-50 32x4d"), this, [this] {
        setHoldComplexity(false);
        applySpec(preset("resnext50_32x4d").spec);
    });
    reset->setShortcut(QKeySequence(tr("Ctrl+R")));
    model->addSeparator();
    model->addAction(tr("Classify with the &built-in Fashion-MNIST model"), this,
                     [this] { m_service->loadBuiltin(m_classify->device()); });
    model->addAction(tr("Classify with &random weights of the sliders' model"), this,
                     [this] { m_service->createRandom(m_spec, m_classify->device()); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_archDock->toggleViewAction());
    view->addAction(m_complexityDock->toggleViewAction());
    view->addSeparator();
    const QString tabNames[] = {tr("Block diagram"), tr("Charts"), tr("Layers"), tr("Classify && features"),
                                tr("Train"), tr("Experiments")};
    for (int i = 0; i < 6; ++i) {
        QAction *a = view->addAction(tabNames[i], this, [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *aboutAction = help->addAction(tr("&About ResNeXt Explorer"), this, &MainWindow::about);
    aboutAction->setShortcut(QKeySequence::HelpContents);
}

CountOptions MainWindow::countOptions() const
{
    CountOptions o;
    o.countAll = m_arch->countAll();
    return o;
}

bool MainWindow::applySpec(const ArchSpec &requested)
{
    ArchSpec spec = requested;
    try {
        validate(spec);
        if (m_arch->holdComplexity() && spec.block == BlockKind::Bottleneck)
            spec.width = matchWidth(spec, spec.cardinality, m_arch->matchBy()).width;
        validate(spec);
    } catch (const Error &e) {
        m_arch->showError(QString::fromStdString(e.what()));
        m_arch->setSpec(m_spec); // controls go back to the model that is shown
        return false;
    }
    m_arch->showError({});
    m_spec = spec;
    updateViews();
    return true;
}

void MainWindow::setHoldComplexity(bool on)
{
    m_arch->setHoldComplexity(on);
    {
        const QSignalBlocker b(m_holdAction);
        m_holdAction->setChecked(on);
    }
    if (on)
        applySpec(m_spec);
}

void MainWindow::onOptionsChanged()
{
    {
        const QSignalBlocker b(m_holdAction);
        m_holdAction->setChecked(m_arch->holdComplexity());
    }
    if (m_arch->holdComplexity())
        applySpec(m_spec);
    else
        updateViews();
}

void MainWindow::pinCurrent()
{
    m_pinned = m_spec;
    statusBar()->showMessage(tr("Pinned %1 for comparison").arg(QString::fromStdString(describe(m_spec))), 4000);
    updateViews();
}

void MainWindow::clearPin()
{
    m_pinned.reset();
    updateViews();
}

void MainWindow::updateViews()
{
    const CountOptions opt = countOptions();
    const Summary cur = summarize(m_spec, opt);
    const ArchSpec baseSpec = baselineOf(m_spec);
    const Summary base = summarize(baseSpec, opt);
    std::optional<Summary> pinned;
    if (m_pinned)
        pinned = summarize(*m_pinned, opt);

    m_arch->setSpec(m_spec);
    m_complexity->setSummaries(cur, base, pinned);
    m_charts->setStages(cur, base, pinned);

    const MatchBy by = m_arch->matchBy();
    if (!m_equalCache || m_equalCache->baseline != baseSpec || m_equalCache->by != by ||
        m_equalCache->countAll != opt.countAll) {
        m_equalCache = EqualCache{baseSpec, by, opt.countAll, equalComplexityCurve(baseSpec, kMaxCurveC, by, opt)};
    }
    const auto atWidth = m_spec.block == BlockKind::Bottleneck ? cardinalityCurve(m_spec, kMaxCurveC, opt)
                                                               : std::vector<CurvePoint>{};
    m_charts->setCurves(atWidth, m_equalCache->curve, base.params, base.macs, m_spec.cardinality, by);

    if (m_stageCombo->count() != m_spec.numStages()) {
        const QSignalBlocker b(m_stageCombo);
        const int keep = m_stageCombo->currentIndex();
        m_stageCombo->clear();
        for (int i = 0; i < m_spec.numStages(); ++i)
            m_stageCombo->addItem(tr("layer%1").arg(i + 1));
        m_stageCombo->setCurrentIndex(std::clamp(keep, 0, m_spec.numStages() - 1));
    }
    m_diagram->setSpec(m_spec);
    m_diagram->setStage(m_stageCombo->currentIndex());
    m_table->setSummary(cur);
    m_train->refreshModelLabel();
    setWindowTitle(tr("%1 - ResNeXt Explorer").arg(QString::fromStdString(describe(m_spec))));
}

QStringList MainWindow::panelNames()
{
    return {"architecture", "complexity", "block", "charts", "layers", "classify", "train", "experiments"};
}

QWidget *MainWindow::panel(const QString &name) const
{
    if (name == "architecture")
        return m_archDock;
    if (name == "complexity")
        return m_complexityDock;
    if (name == "block")
        return m_tabs->widget(0);
    if (name == "charts")
        return m_charts;
    if (name == "layers")
        return m_table;
    if (name == "classify")
        return m_classify;
    if (name == "train")
        return m_train;
    if (name == "experiments")
        return m_experiments;
    return nullptr;
}

bool MainWindow::showPanel(const QString &name)
{
    QWidget *w = panel(name);
    if (!w)
        return false;
    const int tab = m_tabs->indexOf(w);
    if (tab >= 0)
        m_tabs->setCurrentIndex(tab);
    else
        w->show();
    return true;
}

void MainWindow::loadSettings()
{
    QSettings s(m_settingsPath, QSettings::IniFormat);
    if (s.status() != QSettings::NoError) {
        m_settingsMessage = tr("Settings file %1 could not be read (%2); using defaults.")
                                .arg(m_settingsPath,
                                     s.status() == QSettings::FormatError ? tr("format error") : tr("access error"));
        return;
    }
    if (s.allKeys().isEmpty())
        return; // first start
    bool ok = false;
    const int version = s.value("version").toInt(&ok);
    if (!ok || version != kSettingsVersion) {
        m_settingsMessage = tr("Settings file %1 is from another version (%2); using defaults.")
                                .arg(m_settingsPath, s.value("version").toString());
        return;
    }
    try {
        const ArchSpec spec = readSpec(s, "spec");
        std::optional<ArchSpec> pinned;
        if (s.value("pinned/present", false).toBool())
            pinned = readSpec(s, "pinned");
        m_spec = spec;
        m_pinned = pinned;
    } catch (const Error &e) {
        m_settingsMessage = tr("Settings file %1: %2; using defaults.").arg(m_settingsPath, QString::fromUtf8(e.what()));
        return;
    }
    m_arch->setHoldComplexity(s.value("view/hold", false).toBool());
    m_holdAction->setChecked(m_arch->holdComplexity());
    m_arch->setMatchBy(s.value("view/by").toString() == "macs" ? MatchBy::Macs : MatchBy::Params);
    m_arch->setCountAll(s.value("view/countAll", false).toBool());
    m_tabs->setCurrentIndex(std::clamp(s.value("view/tab", 0).toInt(), 0, m_tabs->count() - 1));
    m_stageCombo->clear();
    for (int i = 0; i < m_spec.numStages(); ++i)
        m_stageCombo->addItem(tr("layer%1").arg(i + 1));
    m_stageCombo->setCurrentIndex(std::clamp(s.value("view/stage", 0).toInt(), 0, m_spec.numStages() - 1));
    restoreGeometry(s.value("window/geometry").toByteArray());
    restoreState(s.value("window/state").toByteArray());
}

void MainWindow::saveSettings() const
{
    QSettings s(m_settingsPath, QSettings::IniFormat);
    s.clear();
    s.setValue("version", kSettingsVersion);
    writeSpec(s, "spec", m_spec);
    s.setValue("pinned/present", m_pinned.has_value());
    if (m_pinned)
        writeSpec(s, "pinned", *m_pinned);
    s.setValue("view/hold", m_arch->holdComplexity());
    s.setValue("view/by", QString::fromStdString(toString(m_arch->matchBy())));
    s.setValue("view/countAll", m_arch->countAll());
    s.setValue("view/tab", m_tabs->currentIndex());
    s.setValue("view/stage", m_stageCombo->currentIndex());
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.sync();
}

void MainWindow::startInference()
{
    m_service->loadBuiltin(m_classify->device());
}

void MainWindow::openWeights(const QString &path)
{
    m_tabs->setCurrentWidget(m_classify);
    m_classify->showError({});
    m_adoptSpecOf = m_service->loadWeights(path, m_classify->device());
}

void MainWindow::openPaths(const QStringList &paths)
{
    for (const QString &p : paths) {
        if (QFileInfo(p).suffix().toLower() == "safetensors") {
            openWeights(p);
        } else {
            m_haveImage = true;
            m_tabs->setCurrentWidget(m_classify);
            m_classify->classifyFile(p); // dropped faster than computed: only the newest runs
        }
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    QStringList paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        openPaths(paths);
    } else if (mime->hasImage()) {
        m_tabs->setCurrentWidget(m_classify);
        m_classify->classifyImage(qvariant_cast<QImage>(mime->imageData()), tr("dropped image"));
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

void MainWindow::exportTable()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export layer table"),
                                                      QString::fromStdString(describe(m_spec)) + ".csv",
                                                      tr("CSV (*.csv);;Markdown (*.md)"));
    if (path.isEmpty())
        return;
    QString error;
    if (m_table->exportTo(path, &error))
        statusBar()->showMessage(tr("Wrote %1").arg(path), 4000);
    else
        statusBar()->showMessage(error);
}

void MainWindow::exportCharts()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"),
                                                      QString::fromStdString(describe(m_spec)) + ".png",
                                                      tr("PNG images (*.png);;PDF documents (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    const QStringList written = m_charts->exportAll(path, &error);
    statusBar()->showMessage(error.isEmpty() ? tr("Wrote %1").arg(written.join(", ")) : error);
}

void MainWindow::saveSnapshot()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save window snapshot"), "resnext-explorer.png",
                                                      tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    statusBar()->showMessage(grab().save(path, "PNG") ? tr("Wrote %1").arg(path) : tr("%1: cannot write").arg(path));
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About ResNeXt Explorer"),
        tr("<h3>ResNeXt Explorer %1</h3>"
           "<p>Explore <i>Aggregated Residual Transformations for Deep Neural Networks</i> (Xie, Girshick, "
           "Doll&aacute;r, Tu, He; CVPR 2017).</p>"
           "<p>A ResNeXt block splits its input into <b>C</b> paths (the <b>cardinality</b>), transforms each "
           "with a narrow bottleneck of width <b>d</b>, and merges them by summation. The three forms of the "
           "paper's Fig. 3 compute the same function; the grouped convolution is the fast one.</p>"
           "<p>Counts follow torchvision/fvcore: MACs of conv and linear layers; FLOPs = 2 x MACs. They equal "
           "torchvision's to the unit.</p>")
            .arg(QApplication::applicationVersion()));
}
