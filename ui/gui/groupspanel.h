#pragma once
// The Groups tab: do a block's C groups specialise across a data set? Runs
// core's analyzeGroups on the worker (Fashion-MNIST's test set, an image
// folder, or the images dropped so far, which the trained model's predictions
// label; with progress and cancel) for the loaded model and an untrained one
// of its spec, and shows side by side: the group x class energy heat map
// (sortable by the class-selectivity index), each group's top images (click
// one to open it in the Classify tab with that group selected), the C x C
// linear CKA matrix with its mean off-diagonal value, and the ablation bars.

#include "modelservice.h"

#include <QImage>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

// A top-images strip (groupsview.h's topImagesStrip) that maps clicks to images.
class TopImagesView : public QWidget {
    Q_OBJECT
public:
    explicit TopImagesView(QWidget *parent = nullptr);
    void setStrip(const QImage &strip, const std::vector<int> &order, const std::vector<std::vector<std::size_t>> &top,
                  int cell);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // The strip is drawn scaled down (never up) to fit the widget.
    double scale() const;
    // The (group, data-set index) under a widget position; group -1 for none.
    std::pair<int, std::size_t> imageAt(const QPoint &pos) const;

Q_SIGNALS:
    void imageClicked(int group, std::size_t index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QImage m_strip;
    std::vector<int> m_order;
    std::vector<std::vector<std::size_t>> m_top;
    int m_cell = 0;
};

class GroupsPanel : public QWidget {
    Q_OBJECT
public:
    explicit GroupsPanel(ModelService *service, QWidget *parent = nullptr);
    // The loaded model's blocks (keeps the chosen one when it still exists).
    void setBlocks(const resnext::ArchSpec &spec);
    // The request the controls describe (the data source separately).
    resnext::GroupRequest request() const;
    QString source() const;
    void setSource(const QString &source); // "fashion-mnist", a folder, or "dropped"
    // The images opened or dropped in this session (the "Images dropped so far" source).
    void setDroppedImages(const QStringList &paths);
    void start();
    void showResult(std::shared_ptr<const GroupsResult> result);
    QString errorText() const;

    QComboBox *dataCombo() const { return m_data; }
    QStringList droppedImages() const { return m_dropped; }
    QComboBox *blockCombo() const { return m_block; }
    QSpinBox *limitSpin() const { return m_limit; }
    QCheckBox *untrainedCheck() const { return m_untrained; }
    QCheckBox *sortCheck() const { return m_sort; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *cancelButton() const { return m_cancel; }
    QCustomPlot *selectivityPlot(bool untrained) const { return m_selectivity[untrained ? 1 : 0]; }
    QCustomPlot *ckaPlot(bool untrained) const { return m_cka[untrained ? 1 : 0]; }
    QCustomPlot *ablationPlot(bool untrained) const { return m_ablation[untrained ? 1 : 0]; }
    TopImagesView *topView(bool untrained) const { return m_top[untrained ? 1 : 0]; }
    QLabel *summaryLabel() const { return m_summary; }
    const Job &job() const { return m_job; }
    std::shared_ptr<const GroupsResult> result() const { return m_result; }

Q_SIGNALS:
    // A "Why?" link: the lesson explains `topic`.
    void whyRequested(const QString &topic);
    // A top image was clicked: show it in the Classify tab with `group` of `block` selected.
    void openInClassify(const QImage &image, const QString &name, const QString &block, int group);

private:
    void redraw();
    void showError(const QString &message);

    ModelService *m_service;
    Job m_job;
    QString m_folder;
    QStringList m_dropped;
    std::shared_ptr<const GroupsResult> m_result;
    QString m_modelName;  // the classifier's model (setBlocks)
    QString m_resultModel;  // the model m_result analyses
    QString m_pendingModel; // the model the running job analyses
    // Forgets the shown result and empties its figures, the summary saying `why`.
    void clearResult(const QString &why);
    QComboBox *m_data = nullptr;
    QComboBox *m_block = nullptr;
    QSpinBox *m_limit = nullptr;
    QSpinBox *m_topK = nullptr;
    QCheckBox *m_untrained = nullptr;
    QCheckBox *m_keepOnly = nullptr;
    QCheckBox *m_sort = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_columnTitle[2] = {nullptr, nullptr};
    QCustomPlot *m_selectivity[2] = {nullptr, nullptr};
    QCustomPlot *m_cka[2] = {nullptr, nullptr};
    QCustomPlot *m_ablation[2] = {nullptr, nullptr};
    TopImagesView *m_top[2] = {nullptr, nullptr};
};
