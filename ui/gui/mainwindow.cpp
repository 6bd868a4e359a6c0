#include "mainwindow.h"
#include "settingsfile.h"
#include "paperview.h"
#include "presenter.h"

#include "resnext/application.h"


#include "architecturepanel.h"
#include "blockdiagram.h"
#include "classifypanel.h"
#include "controls.h"
#include "videoplayer.h"
#include "modelservice.h"
#include "trainpanel.h"
#include "weightsdialog.h"
#include "experimentpanel.h"
#include "groupspanel.h"
#include "chartspanel.h"
#include "costpanel.h"
#include "complexitypanel.h"
#include "layertable.h"
#include "language.h"
#include "lessonpanel.h"
#include "plot.h"

#include "resnext/datasource.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/report.h"


#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace resnext;

namespace {

constexpr int kSettingsVersion = 2; // 2: the spec as one JSON value
constexpr int kMaxCurveC = 64;
// Room a window manager takes around the client area (frame and title bar).
constexpr QSize kFrameAllowance(16, 48);

// Every panel the window has, in tab order: its name (snapshot --panel, tests)
// and, for tabs, its title. A new panel is one row here and one entry in
// m_panels.
struct PanelEntry {
    const char *name;
    bool tab;
    const char *title;
};
constexpr PanelEntry kPanels[] = {
    {"architecture", false, ""},
    {"complexity", false, ""},
    {"lesson", false, ""},
    {"block", true, QT_TRANSLATE_NOOP("MainWindow", "&Block diagram")},
    {"charts", true, QT_TRANSLATE_NOOP("MainWindow", "C&harts")},
    {"layers", true, QT_TRANSLATE_NOOP("MainWindow", "&Layers")},
    {"classify", true, QT_TRANSLATE_NOOP("MainWindow", "Classify && &features")},
    {"train", true, QT_TRANSLATE_NOOP("MainWindow", "&Train")},
    {"experiments", true, QT_TRANSLATE_NOOP("MainWindow", "E&xperiments")},
    {"groups", true, QT_TRANSLATE_NOOP("MainWindow", "&Groups")},
    {"cost", true, QT_TRANSLATE_NOOP("MainWindow", "C&ost")},
    {"paper", true, QT_TRANSLATE_NOOP("MainWindow", "&Paper")},
};

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

// Scrolls a page only below its minimum size. (A resizable QScrollArea sizes a
// page with wrapped labels by its preferred height for the width, which made
// the classify page scroll at any window size.)
class MinimumScrollArea : public QScrollArea {
public:
    using QScrollArea::QScrollArea;

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QScrollArea::resizeEvent(event);
        fit();
    }
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == widget() && event->type() == QEvent::LayoutRequest)
            fit(); // the page's contents changed (longer texts, shown widgets)
        return QScrollArea::eventFilter(watched, event);
    }

private:
    void fit()
    {
        if (QWidget *w = widget()) {
            const QSize min = w->minimumSizeHint();
            const int width = std::max(viewport()->width(), min.width());
            int height = std::max(viewport()->height(), min.height());
            if (w->layout() && w->layout()->hasHeightForWidth())
                height = std::max(height, w->layout()->totalMinimumHeightForWidth(width));
            w->resize(width, height);
        }
    }
};

// The Complexity dock's scroll area: tall enough for the table's last row
// (at 1280x720 in Vietnamese the dock ended half-way through it); the note
// under the table may still scroll. Never more than a third of the window.
class TableScrollArea : public QScrollArea {
public:
    explicit TableScrollArea(ComplexityPanel *panel)
    {
        setWidget(panel);
        setWidgetResizable(true);
        setFrameShape(QFrame::NoFrame);
        setMinimumHeight(std::min(panel->sizeHint().height(), 170));
        // The last row's cell moves after each layout of the panel.
        m_lastRow = panel->valueLabel("training", "current");
        m_lastRow->installEventFilter(this);
    }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QScrollArea::resizeEvent(event);
        QMetaObject::invokeMethod(this, [this] { fit(); }, Qt::QueuedConnection);
    }
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        // Queued: changing the minimum inside the panel's layout pass left it half done.
        if (watched == m_lastRow && (event->type() == QEvent::Move || event->type() == QEvent::Resize))
            QMetaObject::invokeMethod(this, [this] { fit(); }, Qt::QueuedConnection);
        return QScrollArea::eventFilter(watched, event);
    }

private:
    void fit()
    {
        auto *panel = static_cast<ComplexityPanel *>(widget());
        const int cap = window()->height() / 3;
        const int full = std::max(panel->sizeHint().height(), panel->minimumSizeHint().height());
        if (full <= cap) {
            // Everything fits, the note under the table too.
            if (minimumHeight() != full || maximumHeight() != QWIDGETSIZE_MAX) {
                setMinimumHeight(full);
                setMaximumHeight(QWIDGETSIZE_MAX);
            }
            return;
        }
        // Only the table fits: end exactly under its last row, so the note below it is
        // reached by scrolling instead of showing half a line (1280x720 in English).
        const int wanted = std::min(panel->lastRowBottom(), cap);
        if (wanted > 0 && (minimumHeight() != wanted || maximumHeight() != wanted)) {
            setMinimumHeight(wanted);
            setMaximumHeight(wanted);
        }
    }
    QWidget *m_lastRow = nullptr;
};

} // namespace

QRect fitToScreen(const QRect &wanted, const QRect &available)
{
    // Leave room for a window manager's frame and title bar around the client area.
    const QSize room = (available.size() - QSize(kFrameAllowance.width(), kFrameAllowance.height()))
                           .expandedTo(QSize(320, 240));
    QRect r(wanted.topLeft(), wanted.size().boundedTo(room));
    const QRect inner = available.adjusted(0, kFrameAllowance.height() - kFrameAllowance.width() / 2,
                                           -kFrameAllowance.width() / 2, -kFrameAllowance.width() / 2);
    if (!inner.contains(r)) {
        r.moveLeft(std::clamp(r.left(), inner.left(), std::max(inner.left(), inner.right() - r.width() + 1)));
        r.moveTop(std::clamp(r.top(), inner.top(), std::max(inner.top(), inner.bottom() - r.height() + 1)));
    }
    return r;
}

QRect MainWindow::availableScreen() const
{
    const QScreen *sc = screen() ? screen() : QGuiApplication::primaryScreen();
    return sc ? sc->availableGeometry() : QRect(0, 0, 1280, 720);
}

QString MainWindow::startDir() const
{
    if (!m_lastDir.isEmpty() && QDir(m_lastDir).exists())
        return m_lastDir;
    // First use: the sample images that ship with the program (beside it when
    // installed, in the source tree when run from the build).
    const QString samples = QString::fromStdString(resnext::sampleImagesDir());
    return samples.isEmpty() ? QDir::homePath() : samples;
}

void MainWindow::rememberDir(const QString &file)
{
    if (!file.isEmpty())
        m_lastDir = QFileInfo(file).absolutePath();
}

MainWindow::MainWindow(const QString &settingsPath, QWidget *parent)
    : QMainWindow(parent), m_settingsPath(settingsPath.isEmpty() ? defaultSettingsPath() : settingsPath),
      m_spec(preset("resnext50_32x4d").spec)
{
    setWindowTitle(tr("ResNeXt Explorer"));
    {
        const QRect avail = availableScreen();
        const QRect r = fitToScreen(QRect(avail.topLeft(), QSize(1500, 950)), avail);
        resize(r.size());
        move(avail.left() + (avail.width() - r.width()) / 2, avail.top() + (avail.height() - r.height()) / 2);
    }
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
    // The cost rows make the panel tall: on a 720-pixel screen it scrolls
    // instead of pushing the window off the screen.
    auto *complexityScroll = new TableScrollArea(m_complexity);
    m_complexityDock->setWidget(complexityScroll);
    addDockWidget(Qt::TopDockWidgetArea, m_complexityDock);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName("tabs");
    auto *blockPage = new QWidget;
    auto *blockLayout = new QVBoxLayout(blockPage);
    auto *stageRow = new QHBoxLayout;
    m_stageCombo = makeComboBox("stageCombo", {},
                                tr("Which stage's block to draw; channel counts double from stage to stage."));
    addCaptioned(stageRow, tr("Stage:"), m_stageCombo);
    stageRow->addStretch();
    blockLayout->addLayout(stageRow);
    m_diagram = new BlockDiagram;
    blockLayout->addWidget(m_diagram, 1);
    m_charts = new ChartsPanel;
    m_table = new LayerTable;
    m_service = new ModelService(this);
    m_classify = new ClassifyPanel(m_service);
    m_video = new VideoPlayer(m_service, m_classify);
    m_classify->setVideoBar(m_video, m_video->controls());
    // On a low screen the panel scrolls rather than squeezing its charts over each other.
    auto *classifyScroll = new MinimumScrollArea;
    classifyScroll->setObjectName("classifyScroll");
    classifyScroll->setWidget(m_classify);
    classifyScroll->setFrameShape(QFrame::NoFrame);
    m_train = new TrainPanel(m_service, [this] { return m_spec; });
    m_experiments = new ExperimentPanel(m_service);
    m_groups = new GroupsPanel(m_service);
    m_cost = new CostPanel(m_service);
    m_paper = new PaperView;
    m_paper->setObjectName("paperView");
    connect(m_service, &ModelService::experimentUpdated, m_paper,
            [this](const Job &, std::shared_ptr<const resnext::ExperimentResult> r, bool) { m_paper->setExperiment(r); });
    m_panels = {{"cost", m_cost}, {"architecture", m_archDock}, {"complexity", m_complexityDock}, {"block", blockPage},
                {"charts", m_charts},         {"layers", m_table},             {"classify", m_classify},
                {"train", m_train},          {"experiments", m_experiments}, {"groups", m_groups}, {"paper", m_paper}};
    // A panel's tab page is the panel itself unless it sits in a scroll area.
    const auto scrolled = [](QWidget *page, const char *name) {
        auto *area = new MinimumScrollArea;
        area->setObjectName(name);
        area->setWidget(page);
        area->setFrameShape(QFrame::NoFrame);
        return area;
    };
    const std::map<QString, QWidget *> pages = {{"classify", classifyScroll},
                                                {"experiments", scrolled(m_experiments, "experimentsScroll")},
                                                {"groups", scrolled(m_groups, "groupsScroll")},
                                                {"cost", scrolled(m_cost, "costScroll")}};
    for (const PanelEntry &p : kPanels)
        if (p.tab)
            m_tabs->addTab(pages.count(p.name) ? pages.at(p.name) : m_panels.at(p.name), tr(p.title));
    setCentralWidget(m_tabs);
    setAcceptDrops(true);

    // The lesson, in the window's language, in a dock beside any tab.
    m_language = language::savedChoice(m_settingsPath);
    m_lesson = new LessonPanel(language::current());
    m_lessonDock = new QDockWidget(tr("Lesson"), this);
    m_lessonDock->setObjectName("lessonDock");
    m_lessonDock->setWidget(m_lesson);
    // Tabbed with the architecture dock: the full height on the left, and the
    // view the text talks about keeps its width (Show me sets the sliders).
    addDockWidget(Qt::LeftDockWidgetArea, m_lessonDock);
    tabifyDockWidget(m_archDock, m_lessonDock);
    m_archDock->raise();
    m_lessonDock->hide();
    m_panels["lesson"] = m_lessonDock;
    connect(m_lesson, &LessonPanel::showRequested, this, [this](const lesson::State &s) { applyLessonState(s); });
    connect(m_lesson, &LessonPanel::compareFormsRequested, this, [this] {
        const auto r = m_classify->result();
        if (!r || !m_service->model()) {
            m_lesson->setFormsResult(tr("Classify an image first (the Classify tab, or \"Show me\"): the forms are "
                                        "compared on the image shown there."));
            return;
        }
        const QString block = r->analysis.features.block.empty() ? QStringLiteral("layer1.0")
                                                                 : QString::fromStdString(r->analysis.features.block);
        m_formsJob = m_service->compareForms(r->image, block);
    });
    connect(m_service, &ModelService::formsCompared, this,
            [this](const Job &job, std::shared_ptr<const FormsComparison> c) {
                if (job.id != m_formsJob.id)
                    return;
                m_lesson->setFormsResult(
                    tr("On this image, the largest difference between forms (a) and (b) is %1 in the logits and %2 in "
                       "%3's output; between (a) and (c) %4 and %5. The logits are up to %6 and the block's outputs "
                       "up to %7: the three forms compute the same function, to float rounding.")
                        .arg(language::general(c->logitsAB, 2), language::general(c->outputAB, 2), c->block,
                             language::general(c->logitsAC, 2), language::general(c->outputAC, 2),
                             language::decimal(c->logitScale, 2), language::decimal(c->outputScale, 2)));
            });
    connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &msg) {
        if (job.id == m_formsJob.id)
            m_lesson->setFormsResult(msg);
    });

    connect(m_service, &ModelService::engineReady, this, [this](const QString &text) {
        statusBar()->showMessage(tr("Engine ready: %1").arg(text), 6000);
        const auto d = m_service->deviceInfo();
        if (d.cudaAvailable)
            m_classify->setCudaAvailable(QString::fromStdString(d.cudaName));
        m_classify->setPathsAvailable(d.fastPath, d.bf16);
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
    connect(m_service, &ModelService::modelChanged, this, [this] {
        if (auto m = m_service->model())
            m_groups->setBlocks(m->info().spec);
    });
    connect(m_groups, &GroupsPanel::openInClassify, this,
            [this, classifyScroll](const QImage &image, const QString &name, const QString &block, int group) {
                m_tabs->setCurrentWidget(classifyScroll);
                m_classify->classifyImageWithGroup(image, name, block, group);
            });
    connect(m_service, &ModelService::failed, this, [this](const Job &job, const QString &msg) {
        if (!m_service->wasCancelled(job)) // the view that cancelled says so itself
            statusBar()->showMessage(msg, 8000);
    });
    // One model classifies; the sliders may show another. Both views say so and
    // offer to bring the classifier's model into the explorer.
    connect(m_service, &ModelService::modelChanged, this, &MainWindow::updateRunningModel);
    const auto showClassifierModel = [this] {
        if (auto m = m_service->model()) {
            setHoldComplexity(false);
            applySpec(m->info().spec);
        }
    };
    connect(m_arch, &ArchitecturePanel::showRunningModel, this, showClassifierModel);
    connect(m_classify, &ClassifyPanel::showModelInExplorer, this, showClassifierModel);
    connect(m_classify, &ClassifyPanel::loadAnyway, this, [this](const QString &path) { openWeights(path, true); });
    const DialogFolder folder{[this] { return startDir(); }, [this](const QString &path) { rememberDir(path); }};
    m_classify->setDialogFolder(folder);
    m_train->setDialogFolder(folder);
    connect(m_classify, &ClassifyPanel::deviceChanged, m_service, &ModelService::toDevice);
    connect(m_classify, &ClassifyPanel::inferencePathChosen, this, [this](InferencePath path) {
        m_service->setInferencePath(path, QString::fromStdString(resnext::sampleImagesDir()));
    });
    connect(m_service, &ModelService::inferencePathChanged, this,
            [this](const Job &, InferencePath path, const QString &) { m_chosenPath = path; });

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
    connect(m_complexity, &ComplexityPanel::whyRequested, this, &MainWindow::showWhy);
    connect(m_table, &LayerTable::whyRequested, this, &MainWindow::showWhy);
    connect(m_cost, &CostPanel::whyRequested, this, &MainWindow::showWhy);
    connect(m_groups, &GroupsPanel::whyRequested, this, &MainWindow::showWhy);
    connect(m_classify, &ClassifyPanel::whyRequested, this, &MainWindow::showWhy);

    setupActions();
    // Every QSettings on the path is guarded: a FIFO there would block its open() (issue 28).
    const bool firstStart =
        settingsFileUsable(m_settingsPath) && QSettings(m_settingsPath, QSettings::IniFormat).allKeys().isEmpty();
    loadSettings();
    updateViews();
    if (firstStart) {
        // The first thing a first launch offers: the guided lesson.
        m_lessonOffer = new QPushButton(tr("New here? Start the lesson"));
        m_lessonOffer->setObjectName("lessonOffer");
        m_lessonOffer->setToolTip(tr("A guided walk through the ResNeXt paper beside the live views (Help > Lesson)."));
        statusBar()->addPermanentWidget(m_lessonOffer);
        connect(m_lessonOffer, &QPushButton::clicked, this, [this] {
            m_lessonDock->show();
            m_lessonDock->raise();
        });
        // Taken up, however the lesson was opened: the offer goes.
        connect(m_lessonDock, &QDockWidget::visibilityChanged, m_lessonOffer, [this](bool visible) {
            if (visible)
                m_lessonOffer->hide();
        });
    }
    if (!m_settingsMessage.isEmpty()) {
        m_arch->showError(m_settingsMessage);
        statusBar()->showMessage(m_settingsMessage);
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::setupActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    const auto openImages = [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Open images"), startDir(), tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)"));
        if (!paths.isEmpty()) {
            rememberDir(paths.first());
            openPaths(paths);
        }
    };
    QAction *openImage = file->addAction(tr("&Open image..."), this, openImages);
    connect(m_classify, &ClassifyPanel::openRequested, this, openImages);
    openImage->setShortcut(QKeySequence::Open);
    QAction *openVideoAction = file->addAction(tr("Open &video..."), this, [this] {
        QStringList patterns;
        for (const auto &e : videoFileExtensions())
            patterns << "*." + QString::fromStdString(e);
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open video"), startDir(), tr("Videos (%1);;All files (*)").arg(patterns.join(' ')));
        if (!path.isEmpty()) {
            rememberDir(path);
            openVideo(path);
        }
    });
    openVideoAction->setShortcut(QKeySequence(tr("Ctrl+Alt+O")));
    QAction *paste = file->addAction(tr("&Paste image"), this, [this] { pasteFrom(QApplication::clipboard()->mimeData()); });
    paste->setShortcut(QKeySequence::Paste);
    QAction *openWeightsAction = file->addAction(tr("Open &weights (.pth, .safetensors)..."), this, [this] {
        const QString path = WeightsDialog::choose(this); // what the torchvision/HF caches hold, or any file
        rememberDir(path);
        if (!path.isEmpty())
            openWeights(path);
    });
    openWeightsAction->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    file->addAction(tr("Save weights..."), this, [this] {
        const QString path =
            askSavePath(tr("Save weights"), "model.safetensors", tr("safetensors (*.safetensors)"));
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

    // The capture devices present when the menu opens (plugging one in needs no restart).
    QMenu *camera = menuBar()->addMenu(tr("&Camera"));
    camera->setObjectName("cameraMenu");
    const auto listCameraActions = [this, camera] {
        camera->clear();
        const auto cams = listCameras();
        if (cams.empty())
            camera->addAction(tr("No camera found"))->setEnabled(false);
        for (const CameraInfo &c : cams)
            camera->addAction(QString("%1 (%2)").arg(QString::fromStdString(c.name.empty() ? "camera" : c.name),
                                                     QString::fromStdString(c.device)),
                              this, [this, i = c.index] { openCamera(i); });
    };
    connect(camera, &QMenu::aboutToShow, this, listCameraActions);
    listCameraActions();

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
    model->addSeparator();
    QMenu *exportMenu = model->addMenu(tr("E&xport"));
    exportMenu->addAction(tr("&PyTorch code..."), this, [this] { exportPytorch(false); });
    exportMenu->addAction(tr("PyTorch code and &training script (torchrun)..."), this, [this] { exportPytorch(true); });
    exportMenu->addAction(tr("&Copy PyTorch code"), this, [this] {
        QApplication::clipboard()->setText(QString::fromStdString(pytorchModelCode(m_spec)));
        statusBar()->showMessage(tr("Copied PyTorch code for %1").arg(QString::fromStdString(describe(m_spec))), 4000);
    });
    exportMenu->addAction(tr("&ONNX of the classifying model..."), this, [this] {
        const auto m = m_service->model();
        if (!m) {
            statusBar()->showMessage(tr("No model to export yet: classify an image or open weights first"), 8000);
            return;
        }
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export ONNX"), QString::fromStdString(describe(m->info().spec)).section(' ', 0, 0) + ".onnx",
            tr("ONNX (*.onnx)"));
        if (!path.isEmpty())
            m_service->exportOnnx(path);
    });
    connect(m_service, &ModelService::saved, this,
            [this](const Job &, const QString &path) { statusBar()->showMessage(tr("Wrote %1").arg(path), 6000); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_archDock->toggleViewAction());
    view->addAction(m_complexityDock->toggleViewAction());
    view->addAction(m_lessonDock->toggleViewAction());
    view->addSeparator();
    for (int i = 0; i < m_tabs->count(); ++i) {
        // The tab's mnemonic dropped, its literal "&&" kept ("Classify && features").
        QString text = m_tabs->tabText(i);
        text.replace("&&", QChar(0x1)).remove('&').replace(QChar(0x1), "&&");
        QAction *a = view->addAction(text, this,
                                     [this, i] { m_tabs->setCurrentIndex(i); });
        if (i < 9)
            a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    }

    view->addSeparator();
    m_presenter = new Presenter(this, m_settingsPath);
    m_presenter->addActions(view);
    view->addSeparator();
    QMenu *languageMenu = view->addMenu(tr("&Language"));
    languageMenu->setObjectName("languageMenu");
    languageMenu->setToolTip(tr("The window's language; it changes at the next start."));
    auto *languages = new QActionGroup(languageMenu);
    QAction *systemLanguage = languageMenu->addAction(tr("System default"), this, [this] { setLanguageChoice({}); });
    systemLanguage->setCheckable(true);
    systemLanguage->setChecked(m_language.isEmpty());
    languages->addAction(systemLanguage);
    for (const QString &code : language::available()) {
        // Each language in its own name, untranslated.
        QAction *a = languageMenu->addAction(language::nativeName(code), this, [this, code] { setLanguageChoice(code); });
        a->setCheckable(true);
        a->setChecked(m_language == code);
        languages->addAction(a);
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *lessonAction = help->addAction(tr("&Lesson"), this, [this] {
        m_lessonDock->show();
        m_lessonDock->raise();
        if (m_lessonOffer)
            m_lessonOffer->hide();
    });
    lessonAction->setShortcut(QKeySequence(tr("Ctrl+L")));
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
        m_arch->showError(language::coreMessage(e.what()));
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
    m_cost->setSummaries(cur, base, by);
    m_paper->setSpec(m_spec, by);

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
    m_lesson->setSpec(m_spec, opt);
    m_train->refreshModelLabel();
    updateRunningModel();
    setWindowTitle(tr("%1 - ResNeXt Explorer").arg(QString::fromStdString(describe(m_spec))));
}

QStringList MainWindow::panelNames()
{
    QStringList names;
    for (const PanelEntry &p : kPanels)
        names << p.name;
    return names;
}

QWidget *MainWindow::panel(const QString &name) const
{
    const auto it = m_panels.find(name);
    return it == m_panels.end() ? nullptr : it->second;
}

bool MainWindow::showPanel(const QString &name)
{
    QWidget *w = panel(name);
    if (!w)
        return false;
    int tab = -1;
    for (QWidget *p = w; p && tab < 0; p = p->parentWidget())
        tab = m_tabs->indexOf(p); // a page may sit inside a scroll area
    if (tab >= 0) {
        m_tabs->setCurrentIndex(tab);
    } else {
        w->show();
        w->raise(); // a dock tabbed with another comes to the front
    }
    return true;
}

void MainWindow::loadSettings()
{
    if (!settingsFileUsable(m_settingsPath)) {
        m_settingsMessage = tr("Settings file %1 is not a regular file; using defaults.").arg(m_settingsPath);
        return;
    }
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
    if (!s.contains("version") || !ok) {
        // Not ours at all (random bytes, another program's INI): say so, not "another version".
        m_settingsMessage = tr("Settings file %1 is not a ResNeXt Explorer settings file (no version number); "
                               "using defaults.")
                                .arg(m_settingsPath);
        return;
    }
    if (version != kSettingsVersion) {
        m_settingsMessage = tr("Settings file %1 is from another version (%2; this program writes %3); using defaults.")
                                .arg(m_settingsPath)
                                .arg(version)
                                .arg(kSettingsVersion);
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
    // The measure first, and the hold without re-solving: the saved spec was
    // solved with the saved measure (re-solving by the default measure moved d).
    m_arch->setMatchBy(s.value("view/by").toString() == "macs" ? MatchBy::Macs : MatchBy::Params);
    m_arch->setCountAll(s.value("view/countAll", false).toBool());
    m_arch->setHoldComplexity(s.value("view/hold", false).toBool());
    {
        const QSignalBlocker b(m_holdAction);
        m_holdAction->setChecked(m_arch->holdComplexity());
    }
    m_tabs->setCurrentIndex(std::clamp(s.value("view/tab", 0).toInt(), 0, m_tabs->count() - 1));
    m_stageCombo->clear();
    for (int i = 0; i < m_spec.numStages(); ++i)
        m_stageCombo->addItem(tr("layer%1").arg(i + 1));
    m_stageCombo->setCurrentIndex(std::clamp(s.value("view/stage", 0).toInt(), 0, m_spec.numStages() - 1));
    // The client rectangle, not restoreGeometry(): without a window manager Qt
    // adds the frame it expects on every restore and the window crept down.
    const QRect saved = s.value("window/rect").toRect();
    if (saved.isValid())
        setGeometry(fitToScreen(saved, availableScreen()));
    if (s.value("window/maximized", false).toBool())
        setWindowState(windowState() | Qt::WindowMaximized);
    restoreState(s.value("window/state").toByteArray());
    m_lastDir = s.value("files/lastDir").toString();
    // The inference path chosen last time holds for the models of this session too
    // (a queued model job: it applies to the model the window loads next).
    if (s.contains("inference/path")) {
        const QString name = s.value("inference/path").toString();
        std::optional<InferencePath> path;
        for (InferencePath p : {InferencePath::Fast, InferencePath::FastBf16, InferencePath::Plain})
            if (name == QString::fromStdString(toString(p)))
                path = p;
        if (path) {
            m_chosenPath = path;
            m_service->setInferencePath(*path, QString::fromStdString(resnext::sampleImagesDir()));
        } else {
            m_settingsMessage = tr("Settings file %1: inference/path '%2' is not fast, fast-bf16 or plain; using "
                                   "the default.")
                                    .arg(m_settingsPath, name);
        }
    }
}

void MainWindow::saveSettings() const
{
    if (!settingsFileUsable(m_settingsPath))
        return;
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
    s.setValue("window/rect", isMaximized() ? normalGeometry() : geometry());
    s.setValue("window/maximized", isMaximized());
    s.setValue("files/lastDir", m_lastDir);
    if (!m_language.isEmpty())
        s.setValue("view/language", m_language);
    s.setValue("window/state", saveState());
    if (m_chosenPath)
        s.setValue("inference/path", QString::fromStdString(toString(*m_chosenPath)));
    s.sync();
    m_presenter->save(); // its zoom and saved views
}

void MainWindow::setLanguageChoice(const QString &code)
{
    m_language = language::available().contains(code) ? code : QString();
    if (settingsFileUsable(m_settingsPath)) {
        QSettings s(m_settingsPath, QSettings::IniFormat);
        if (m_language.isEmpty())
            s.remove("view/language");
        else
            s.setValue("view/language", m_language);
        s.sync();
    }
    statusBar()->showMessage(tr("The language changes at the next start (%1).")
                                 .arg(m_language.isEmpty() ? tr("the system's") : language::nativeName(m_language)),
                             8000);
}

int MainWindow::currentStage() const { return m_stageCombo->currentIndex(); }

QString MainWindow::currentPanel() const
{
    const QWidget *page = m_tabs->currentWidget();
    for (const auto &[name, w] : m_panels)
        if (page && (w == page || page->isAncestorOf(w)))
            return name;
    return {};
}

void MainWindow::showWhy(const QString &topic)
{
    m_lessonDock->show();
    m_lessonDock->raise();
    m_lesson->showTopic(topic);
}

bool MainWindow::applyLessonState(const lesson::State &state)
{
    try {
        lesson::validateState(state);
    } catch (const std::exception &e) {
        statusBar()->showMessage(language::coreMessage(e.what()), 8000);
        return false;
    }
    if (state.panel && !panel(*state.panel))
        return false;
    ArchSpec spec = state.preset ? preset(state.preset->toStdString()).spec : m_spec;
    if (state.model && m_service->model()) // the view's model is the classifier's: the formulas describe it
        spec = m_service->model()->info().spec;
    if (state.cardinality)
        spec.cardinality = *state.cardinality;
    if (state.width)
        spec.width = *state.width;
    if (state.form)
        spec.form = *state.form == "a" ? BlockForm::A : *state.form == "b" ? BlockForm::B : BlockForm::C;
    // The hold applies after the preset (a preset alone is shown as it is).
    setHoldComplexity(false);
    if (!applySpec(spec))
        return false;
    if (state.hold)
        setHoldComplexity(*state.hold);
    if (state.stage)
        m_stageCombo->setCurrentIndex(std::clamp(*state.stage - 1, 0, m_stageCombo->count() - 1));
    if (state.block) {
        if (auto *combo = m_classify->findChild<QComboBox *>("blockCombo")) {
            const int i = combo->findText(*state.block);
            if (i >= 0)
                combo->setCurrentIndex(i);
        }
    }
    if (state.sample) {
        m_haveImage = true;
        m_classify->classifySample(*state.sample);
    }
    if (state.panel)
        showPanel(*state.panel);
    return true;
}

void MainWindow::startInference()
{
    m_service->loadBuiltin(m_classify->device());
}

void MainWindow::openWeights(const QString &path, bool allowPartial)
{
    showPanel("classify");
    m_classify->showError({});
    rememberDir(path);
    m_adoptSpecOf = m_service->loadWeights(path, m_classify->device(), {}, allowPartial);
}

void MainWindow::updateRunningModel()
{
    const auto m = m_service->model();
    if (!m) {
        m_arch->setRunningModel({}, false);
        m_classify->setExplorerShowsModel(true);
        return;
    }
    // The block form does not change the function or the counts.
    ArchSpec running = m->info().spec;
    running.form = m_spec.form;
    const bool differs = running != m_spec;
    m_arch->setRunningModel(QString::fromStdString(describe(m->info().spec)), differs);
    m_classify->setExplorerShowsModel(!differs);
}

void MainWindow::openPaths(const QStringList &paths)
{
    if (!paths.isEmpty())
        rememberDir(paths.first()); // dropped or pasted files count as "last folder" too
    // By content, not by name (core's classifyPath): a weights file never lands
    // in the image strip, whatever it is called.
    QStringList images;
    std::vector<resnext::PathKind> kinds;
    for (const QString &p : paths) {
        kinds.push_back(resnext::classifyPath(p.toStdString()));
        if (kinds.back() == resnext::PathKind::Image)
            images << p; // what is not an image is explained, never added to the strip
    }
    if (!images.isEmpty())
        m_video->pause(); // an image replaces the frame on screen
    m_classify->addToStrip(images); // several images: each stays one click away
    m_groups->setDroppedImages(m_classify->openedImages()); // a data source of the Groups tab
    for (int i = 0; i < paths.size(); ++i) {
        const QString &p = paths[i];
        if (kinds[i] == resnext::PathKind::Weights) {
            openWeights(p);
        } else if (kinds[i] == resnext::PathKind::Video) {
            openVideo(p);
        } else {
            m_haveImage = true;
            showPanel("classify");
            m_classify->classifyFile(p); // dropped faster than computed: only the newest runs; says what is wrong
        }
    }
}

bool MainWindow::openVideo(const QString &path)
{
    showPanel("classify");
    resnext::VideoInput in;
    in.file = path.toStdString();
    if (!m_video->open(in))
        return false;
    rememberDir(path);
    m_haveImage = true; // no first-launch sample over the video
    return true;
}

void MainWindow::openArguments(const QStringList &args)
{
    QStringList files;
    QString video;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == "--video" && i + 1 < args.size())
            video = args[++i];
        else if (!args[i].startsWith('-'))
            files << args[i];
    }
    openPaths(files);
    if (!video.isEmpty())
        openVideo(video);
}

bool MainWindow::openCamera(int index)
{
    showPanel("classify");
    resnext::VideoInput in;
    in.camera = index;
    if (!m_video->open(in))
        return false;
    m_haveImage = true;
    return true;
}

QStringList MainWindow::localPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime)
        return paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty() && mime->hasText()) {
        // A path or file:// URL copied as text (from a terminal or a file manager).
        for (QString line : mime->text().split('\n', Qt::SkipEmptyParts)) {
            line = line.trimmed();
            const QUrl url(line);
            const QString path = url.isLocalFile() ? url.toLocalFile() : line;
            if (QFileInfo(path).isAbsolute() && QFileInfo(path).isFile())
                paths << path;
        }
    }
    return paths;
}

void MainWindow::pasteFrom(const QMimeData *mime)
{
    const QStringList paths = localPaths(mime);
    if (!paths.isEmpty()) {
        openPaths(paths);
        return;
    }
    if (mime && mime->hasImage()) {
        const QImage img = qvariant_cast<QImage>(mime->imageData());
        if (!img.isNull()) {
            showPanel("classify");
            m_classify->classifyImage(img, tr("pasted image"));
            return;
        }
    }
    showPanel("classify");
    m_classify->showError(mime && mime->hasText()
                              ? tr("The clipboard holds text that is not the path of an existing file: \"%1\".")
                                    .arg(mime->text().left(80))
                              : tr("The clipboard holds no image and no file path."));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    const QStringList paths = localPaths(mime);
    if (!paths.isEmpty()) {
        openPaths(paths);
    } else if (mime->hasImage()) {
        showPanel("classify");
        m_classify->classifyImage(qvariant_cast<QImage>(mime->imageData()), tr("dropped image"));
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_presenter->setPresenting(false); // the docks and the window's size as they were
    saveSettings();
    event->accept();
}

void MainWindow::exportPytorch(bool withTrainScript, QString path)
{
    if (path.isEmpty())
        path = QFileDialog::getSaveFileName(this, tr("Export PyTorch code"), "model.py", tr("Python (*.py)"));
    if (path.isEmpty())
        return;
    try {
        const std::string code = pytorchModelCode(m_spec);
        const QFileInfo info(path);
        const std::string train = withTrainScript ? pytorchTrainScript(m_spec, info.completeBaseName().toStdString()) : "";
        if (withTrainScript && info.fileName() == "train.py")
            throw Error("name the model file something other than train.py: the training script is train.py");
        writeTextFile(path.toStdString(), code);
        if (withTrainScript)
            writeTextFile(info.dir().filePath("train.py").toStdString(), train);
        statusBar()->showMessage(withTrainScript ? tr("Wrote %1 and train.py beside it").arg(path) : tr("Wrote %1").arg(path),
                                 6000);
    } catch (const Error &e) {
        statusBar()->showMessage(language::coreMessage(e.what()), 8000);
    }
}

QString MainWindow::askSavePath(const QString &title, const QString &fileName, const QString &filter)
{
    const QString path = QFileDialog::getSaveFileName(this, title, QDir(startDir()).filePath(fileName), filter);
    rememberDir(path);
    return path;
}

void MainWindow::exportTable()
{
    exportModelFile(tr("Export layer table"), ".csv", tr("CSV (*.csv);;Markdown (*.md)"),
                    [this](const QString &path, QString *error) {
                        return m_table->exportTo(path, error) ? QStringList{path} : QStringList{};
                    });
}

void MainWindow::exportCharts()
{
    exportModelFile(tr("Export charts"), ".png", tr("PNG images (*.png);;PDF documents (*.pdf)"),
                    [this](const QString &path, QString *error) { return m_charts->exportAll(path, error); });
}

void MainWindow::exportModelFile(const QString &title, const QString &extension, const QString &filter,
                                 const std::function<QStringList(const QString &, QString *)> &write)
{
    const QString path = askSavePath(title, QString::fromStdString(describe(m_spec)) + extension, filter);
    if (path.isEmpty())
        return;
    QString error;
    const QStringList written = write(path, &error);
    statusBar()->showMessage(error.isEmpty() ? tr("Wrote %1").arg(written.join(", ")) : error);
}

void MainWindow::saveSnapshot()
{
    const QString path = askSavePath(tr("Save window snapshot"), "resnext-explorer.png", tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    try {
        savePngAtomically(grab().toImage(), path);
        statusBar()->showMessage(tr("Wrote %1").arg(path));
    } catch (const resnext::Error &e) {
        statusBar()->showMessage(language::coreMessage(e.what()));
    }
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
