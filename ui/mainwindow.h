#pragma once
// The main window: architecture dock, complexity dock, and tabs with the block
// diagram, the charts and the layer table. It owns the current spec; every
// number it shows comes from core (summarize, matchWidth, curves).

#include "resnext/accounting.h"
#include "resnext/spec.h"

#include <QMainWindow>

#include <optional>

class ArchitecturePanel;
class ClassifyPanel;
#include "modelservice.h"
class TrainPanel;
class ExperimentPanel;
class BlockDiagram;
class ChartsPanel;
class ComplexityPanel;
class LayerTable;
class QAction;
class QComboBox;
class QDockWidget;
class QTabWidget;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `settingsPath` empty = the user's INI file; tests and snapshots pass their own.
    explicit MainWindow(const QString &settingsPath = {}, QWidget *parent = nullptr);
    // Starts the engine: loads the built-in model and classifies a first example.
    void startInference();
    // Images are classified; .safetensors files are loaded as weights.
    void openPaths(const QStringList &paths);
    void openWeights(const QString &path);
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
    BlockDiagram *blockDiagram() const { return m_diagram; }
    LayerTable *layerTable() const { return m_table; }
    ClassifyPanel *classifyPanel() const { return m_classify; }
    TrainPanel *trainPanel() const { return m_train; }
    ExperimentPanel *experimentPanel() const { return m_experiments; }
    ModelService *modelService() const { return m_service; }
    // Why the settings were not restored, if they were not.
    QString settingsMessage() const { return m_settingsMessage; }
    void saveSettings() const;

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
    BlockDiagram *m_diagram = nullptr;
    QComboBox *m_stageCombo = nullptr;
    LayerTable *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    QDockWidget *m_archDock = nullptr;
    QDockWidget *m_complexityDock = nullptr;
    QAction *m_holdAction = nullptr;
    ModelService *m_service = nullptr;
    ClassifyPanel *m_classify = nullptr;
    TrainPanel *m_train = nullptr;
    ExperimentPanel *m_experiments = nullptr;
    Job m_adoptSpecOf; // the weights load whose model sets the sliders (its spec is adopted)
    bool m_haveImage = false;
};
