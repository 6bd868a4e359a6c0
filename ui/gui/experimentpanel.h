#pragma once
// The Experiments tab: the paper's sweeps in miniature (Table 3: cardinality at
// equal complexity; Table 4: twice the complexity; or a custom list of specs),
// several seeds per point, run by core's runExperiment on the worker. Shows
// test accuracy and loss against C (log axis) with mean +- std over seeds, the
// single runs as faint curves, params and MACs under each point, and a table
// with the paired 95% interval of each point's difference to the reference.

#include "modelservice.h"

#include "resnext/experiment.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

class ExperimentPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentPanel(ModelService *service, QWidget *parent = nullptr);
    // The request the controls describe; throws resnext::Error for bad input.
    resnext::ExperimentRequest request() const;
    void start();
    void showResult(std::shared_ptr<const resnext::ExperimentResult> result);
    // Writes the plot / the per-point table; false (and an inline error) on failure.
    bool exportPng(const QString &path);
    bool exportCsv(const QString &path);
    QString errorText() const;

    QComboBox *kindCombo() const { return m_kind; }
    QSpinBox *depthSpin() const { return m_depth; }
    QLineEdit *cardinalitiesEdit() const { return m_cardinalities; }
    QSpinBox *seedsSpin() const { return m_seeds; }
    QSpinBox *epochsSpin() const { return m_epochs; }
    QSpinBox *limitSpin() const { return m_limit; }
    QSpinBox *testLimitSpin() const { return m_testLimit; }
    QComboBox *byCombo() const { return m_by; }
    QLineEdit *outEdit() const { return m_out; }
    QPushButton *cancelButton() const { return m_cancel; }
    QCustomPlot *plot() const { return m_plot; }
    QTableWidget *table() const { return m_table; }
    const Job &job() const { return m_job; }
    std::shared_ptr<const resnext::ExperimentResult> result() const { return m_result; }

private:
    void updateTable();
    void updateKind();
    void onProgress(const Job &job, const resnext::ExperimentProgress &p);
    void showError(const QString &message);

    ModelService *m_service;
    Job m_job;
    QString m_customFile;
    std::shared_ptr<const resnext::ExperimentResult> m_result;
    QComboBox *m_kind = nullptr;
    QPushButton *m_customButton = nullptr;
    QSpinBox *m_depth = nullptr;
    QLineEdit *m_cardinalities = nullptr;
    QComboBox *m_by = nullptr;
    QSpinBox *m_seeds = nullptr;
    QSpinBox *m_epochs = nullptr;
    QSpinBox *m_batch = nullptr;
    QSpinBox *m_limit = nullptr;
    QSpinBox *m_testLimit = nullptr;
    QLineEdit *m_out = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_exportPng = nullptr;
    QPushButton *m_exportCsv = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QCustomPlot *m_plot = nullptr;
    QTableWidget *m_table = nullptr;
};
