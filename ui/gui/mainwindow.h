#pragma once
// The main window: architecture dock, complexity dock, and tabs with the block
// diagram, the charts and the layer table. It owns the current spec; every
// number it shows comes from core (summarize, matchWidth, curves).

#include "resnext/accounting.h"
#include "resnext/spec.h"

#include <QMainWindow>

#include <functional>
#include <map>
#include <optional>

class ArchitecturePanel;
class ClassifyPanel;
class VideoPlayer;
#include "modelservice.h"
class TrainPanel;
class ExperimentPanel;
class GroupsPanel;
class BlockDiagram;
class ChartsPanel;
class CostPanel;
class ComplexityPanel;
class LayerTable;
class LessonPanel;
class PaperView;
class Presenter;
class QPushButton;
namespace lesson {
struct State;
}
class QAction;
class QComboBox;
class QDockWidget;
class QMimeData;
class QTabWidget;

// `wanted` (a client rectangle) shrunk and moved so that it, with room for a
// window manager's frame, lies inside `available` (a screen's available area).
QRect fitToScreen(const QRect &wanted, const QRect &available);

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `settingsPath` empty = the user's INI file; tests and snapshots pass their own.
    explicit MainWindow(const QString &settingsPath = {}, QWidget *parent = nullptr);
    // Starts the engine: loads the built-in model and classifies a first example.
    void startInference();
    // Images are classified; .safetensors files are loaded as weights.
    void openPaths(const QStringList &paths);
    // Plays a video file or camera N in the classify panel; false (and the
    // panel says why) when it cannot be opened.
    bool openVideo(const QString &path);
    // The command line's files (images, weights, videos by extension) and
    // `--video FILE` (whatever its extension); other options are Qt's, skipped.
    void openArguments(const QStringList &args);
    bool openCamera(int index);
    // `allowPartial` loads what matches when the file does not fit its
    // architecture (the GUI's form of --allow-partial, offered after a refusal).
    void openWeights(const QString &path, bool allowPartial = false);
    // Paste: file URLs or a path as text open those files; else an image is classified.
    void pasteFrom(const QMimeData *mime);
    // Local files named by `mime`: file URLs, or absolute paths / file:// URLs as text.
    static QStringList localPaths(const QMimeData *mime);
    // Where file dialogs start: the last folder used, else sample_images/.
    QString startDir() const;
    ~MainWindow() override;

    const resnext::ArchSpec &spec() const { return m_spec; }
    // Validates and shows `spec` (with the hold-complexity rule applied). An
    // invalid spec is explained inline and the previous one stays; returns false.
    bool applySpec(const resnext::ArchSpec &spec);
    void setHoldComplexity(bool on);
    void pinCurrent();
    void clearPin();
    const std::optional<resnext::ArchSpec> &pinned() const { return m_pinned; }

    // Panels by name: "architecture", "complexity", "block", "charts", "layers".
    static QStringList panelNames();
    bool showPanel(const QString &name);
    QWidget *panel(const QString &name) const;

    ArchitecturePanel *architecturePanel() const { return m_arch; }
    ComplexityPanel *complexityPanel() const { return m_complexity; }
    ChartsPanel *chartsPanel() const { return m_charts; }
    CostPanel *costPanel() const { return m_cost; }
    BlockDiagram *blockDiagram() const { return m_diagram; }
    LayerTable *layerTable() const { return m_table; }
    ClassifyPanel *classifyPanel() const { return m_classify; }
    VideoPlayer *videoPlayer() const { return m_video; }
    TrainPanel *trainPanel() const { return m_train; }
    ExperimentPanel *experimentPanel() const { return m_experiments; }
    GroupsPanel *groupsPanel() const { return m_groups; }
    PaperView *paperView() const { return m_paper; }
    ModelService *modelService() const { return m_service; }
    // Model > Export > PyTorch code: writes model.py for the sliders' spec (and train.py
    // beside it) to `path`, asking with a file dialog when it is empty; the status bar reports.
    void exportPytorch(bool withTrainScript, QString path = {});
    // Why the settings were not restored, if they were not.
    QString settingsMessage() const { return m_settingsMessage; }
    void saveSettings() const;
    // The lesson's "Show me": sets the preset, C and d, form, hold, tab, stage,
    // block and image of `state`; false (and nothing changed) for an invalid one.
    bool applyLessonState(const lesson::State &state);
    LessonPanel *lessonPanel() const { return m_lesson; }
    QDockWidget *lessonDock() const { return m_lessonDock; }
    // Opens the lesson at the "Why?" explanation of `topic`.
    void showWhy(const QString &topic);
    // View > Language: "" (the system's), "en" or "vi"; saved, applied at the next start.
    void setLanguageChoice(const QString &code);
    QString languageChoice() const { return m_language; }
    int currentStage() const;
    // The panel of the current tab ("block", "classify", ...).
    QString currentPanel() const;
    Presenter *presenter() const { return m_presenter; }

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void setupActions();
    void loadSettings();
    void updateViews();
    resnext::CountOptions countOptions() const;
    void onOptionsChanged();
    void exportTable();
    void exportCharts();
    void saveSnapshot();
    void about();
    QRect availableScreen() const;
    void rememberDir(const QString &file);
    // A save dialog at startDir()/fileName; remembers the folder. Empty when cancelled.
    QString askSavePath(const QString &title, const QString &fileName, const QString &filter);
    // Asks where to save (the model's name with `extension` offered), calls `write`
    // with the path and says in the status bar what it wrote or why it could not.
    void exportModelFile(const QString &title, const QString &extension, const QString &filter,
                         const std::function<QStringList(const QString &, QString *)> &write);
    void updateRunningModel();

    QString m_settingsPath;
    QString m_settingsMessage;
    resnext::ArchSpec m_spec;
    std::optional<resnext::ArchSpec> m_pinned;
    // The equal-complexity curve depends only on the baseline, the measure and
    // the convention, not on C or d: cache it across slider ticks.
    struct EqualCache {
        resnext::ArchSpec baseline;
        resnext::MatchBy by;
        bool countAll;
        std::vector<resnext::CurvePoint> curve;
    };
    std::optional<EqualCache> m_equalCache;

    ArchitecturePanel *m_arch = nullptr;
    ComplexityPanel *m_complexity = nullptr;
    ChartsPanel *m_charts = nullptr;
    CostPanel *m_cost = nullptr;
    BlockDiagram *m_diagram = nullptr;
    QComboBox *m_stageCombo = nullptr;
    LayerTable *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    QDockWidget *m_archDock = nullptr;
    QDockWidget *m_complexityDock = nullptr;
    QAction *m_holdAction = nullptr;
    ModelService *m_service = nullptr;
    ClassifyPanel *m_classify = nullptr;
    VideoPlayer *m_video = nullptr;
    TrainPanel *m_train = nullptr;
    std::map<QString, QWidget *> m_panels; // name -> the panel's widget (tab page or dock)
    ExperimentPanel *m_experiments = nullptr;
    std::optional<resnext::InferencePath> m_chosenPath; // saved in the settings when chosen
    GroupsPanel *m_groups = nullptr;
    Job m_adoptSpecOf; // the weights load whose model sets the sliders (its spec is adopted)
    bool m_haveImage = false;
    QString m_lastDir; // the folder of the last file opened or saved
    LessonPanel *m_lesson = nullptr;
    QDockWidget *m_lessonDock = nullptr;
    QPushButton *m_lessonOffer = nullptr; // first launch: "Start the lesson" in the status bar
    QString m_language;                   // View > Language's choice ("" = the system's)
    Job m_formsJob;                       // the lesson's comparison of the forms
    PaperView *m_paper = nullptr;
    Presenter *m_presenter = nullptr;     // View > Present: full screen, zoom, keys, saved views         // the paper's tables beside the app's numbers
};
