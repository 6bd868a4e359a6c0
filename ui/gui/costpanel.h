#pragma once
// The cost beyond FLOPs as C moves at equal complexity: params, MACs and
// activations (analytic, from core) and the measured forward time (the
// service's profile job, on the worker), each normalised to the ResNet (C = 1),
// so the gap between FLOPs and time is visible; and activations and measured
// time per stage of the current model. Measuring never blocks the window;
// points appear as the sweep goes, and it can be cancelled.

#include "modelservice.h"

#include "resnext/accounting.h"

#include <QWidget>

#include <map>
#include <optional>

class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QComboBox;

class CostPanel : public QWidget {
    Q_OBJECT
public:
    explicit CostPanel(ModelService *service, QWidget *parent = nullptr);

    // The current model and its ResNet (analytic; cheap). The curve follows
    // `by`, the equal-complexity criterion of the architecture panel.
    void setSummaries(const resnext::Summary &current, const resnext::Summary &baseline, resnext::MatchBy by);
    // Starts measuring the current spec alone, or the whole sweep C = 1..64.
    Job measure(bool sweep);
    void cancel();

    QCustomPlot *costPlot() const { return m_cost; }
    QCustomPlot *stagePlot() const { return m_stages; }
    // Measured total ms per C of the current ResNet's curve (tests).
    std::map<int, double> measuredByC() const;

protected:
    void showEvent(QShowEvent *event) override;

Q_SIGNALS:
    // A "Why?" link: the lesson explains `topic` (a key of the lesson's "why").
    void whyRequested(const QString &topic);

private:
    void setupCostPlot();
    void updateCostPlot();
    void setupStagePlot();
    void updateStagePlot();
    void addRow(const Job &job, const resnext::ProfileRow &row, bool cached);
    std::string measureKey() const; // baseline spec + device + batch + runs: rows kept for it

    ModelService *m_service = nullptr;
    QCustomPlot *m_cost = nullptr;
    QCustomPlot *m_stages = nullptr;
    QSpinBox *m_batch = nullptr;
    QSpinBox *m_runs = nullptr;
    QComboBox *m_device = nullptr;
    QPushButton *m_measure = nullptr;
    QPushButton *m_sweep = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    std::optional<resnext::Summary> m_current, m_baseline;
    resnext::MatchBy m_by = resnext::MatchBy::Params;
    std::vector<resnext::Summary> m_curve; // analytic, along the equal-complexity curve
    std::string m_measuredFor;             // measureKey() of the rows below
    std::map<int, resnext::ProfileRow> m_rows;          // measured along the curve, by C
    std::optional<resnext::ProfileRow> m_currentRow;    // measured current spec
    Job m_job;
    bool m_stale = true;
};
