#pragma once
// Training in the GUI: data, hyper-parameters, live loss and accuracy curves,
// and the compare mode (the current ResNeXt against the ResNet of equal
// parameter count, same seed and schedule), with a final table.

#include "dialogfolder.h"
#include "modelservice.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

class TrainPanel : public QWidget {
    Q_OBJECT
public:
    // `currentSpec` reads the architecture sliders.
    TrainPanel(ModelService *service, std::function<resnext::ArchSpec()> currentSpec, QWidget *parent = nullptr);
    // The sliders' spec adapted to the chosen data (input size, channels, classes).
    resnext::ArchSpec specForData(QString *why = nullptr) const;
    resnext::TrainRequest request() const;
    void start();
    QString errorText() const;
    // Re-reads the sliders (called on every architecture change).
    void refreshModelLabel();
    QTableWidget *results() const { return m_table; }
    QCustomPlot *lossPlot() const { return m_loss; }
    QCustomPlot *accuracyPlot() const { return m_accuracy; }
    QSpinBox *epochsSpin() const { return m_epochs; }
    QSpinBox *limitSpin() const { return m_limit; }
    QCheckBox *compareCheck() const { return m_compare; }
    QPushButton *cancelButton() const { return m_cancel; }
    const Job &job() const { return m_job; }

    // Where this panel's file dialogs start (the window's last folder).
    void setDialogFolder(const DialogFolder &folder) { m_dialogFolder = folder; }
    QComboBox *architectureCombo() const { return m_arch; }
    QCheckBox *replaceCheck() const { return m_replace; }
    QPushButton *useTrainedButton() const { return m_useTrained; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *afterLabel() const { return m_after; }
    QProgressBar *progressBar() const { return m_progress; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onProgress(const Job &job, int run, const resnext::TrainProgress &p);
    void onFinished(const Job &job, std::shared_ptr<const std::vector<resnext::TrainRunSummary>> runs);
    void showError(const QString &message);
    void onTestProgress(const Job &job, int run, qulonglong done, qulonglong total);
    void refreshAfterLabel();

    ModelService *m_service;
    std::function<resnext::ArchSpec()> m_currentSpec;
    QString m_folder;
    int m_folderClasses = 0;
    Job m_job; // the latest training request (id 0: none)
    Job m_saveJob;
    int m_runs = 1;
    qint64 m_startMs = 0;
    QComboBox *m_data = nullptr;
    QComboBox *m_arch = nullptr;
    QCheckBox *m_replace = nullptr;
    QLabel *m_after = nullptr;
    QPushButton *m_useTrained = nullptr;
    QString m_trainedName; // the first run's model of the finished job
    DialogFolder m_dialogFolder;
    QLabel *m_modelLabel = nullptr;
    QSpinBox *m_epochs = nullptr;
    QSpinBox *m_batch = nullptr;
    QDoubleSpinBox *m_lr = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_limit = nullptr;
    QSpinBox *m_folderInput = nullptr;
    QCheckBox *m_compare = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_save = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QCustomPlot *m_loss = nullptr;
    QCustomPlot *m_accuracy = nullptr;
    QTableWidget *m_table = nullptr;
};
