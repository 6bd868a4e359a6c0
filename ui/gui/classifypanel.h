#pragma once
// Classification and per-group feature maps of the loaded model: the image,
// the top-5 chart, the time split, the grouped convolution's output as C tiles
// of d maps (click one to see it large), the per-group energy, Grad-CAM.
// All tensor work happens in ModelService's worker; this only displays.

#include "dialogfolder.h"
#include "figure.h"
#include "modelservice.h"

#include "resnext/featureview.h"

#include <QLabel>
#include <QWidget>

#include <cstring>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QCustomPlot;
class QLabel;
class QListWidget;
class QPushButton;
class QScrollArea;

// Shows a rendered grid scaled to fit and maps clicks to tiles. Every tile is
// drawn at the same integer size with smooth scaling, so no map is dropped
// or striped however small the view. Exports add group labels and a colour bar.
class FeatureGridView : public QWidget, public FigurePainter {
    Q_OBJECT
public:
    explicit FeatureGridView(QWidget *parent = nullptr);
    void setGrid(const QImage &image, const resnext::GridGeometry &geometry, int tiles);
    // For the exported figure: its caption, the colour map and what its range means.
    void setLegend(const QString &caption, resnext::Colormap colormap, const QString &rangeText);
    void setSelected(int tile);
    int selected() const { return m_selected; }
    int tiles() const { return m_tiles; }
    QSize sizeHint() const override { return {420, 420}; }
    // Tile under a widget position, or -1.
    int tileAt(const QPoint &pos) const;
    // Where tile t is drawn in an area of `area` pixels (all tiles the same size).
    QRect tileRect(int t, const QSize &area) const;
    void paintFigure(QPainter &painter, const QSize &size) const override;

Q_SIGNALS:
    void tileClicked(int tile);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    void paintTiles(QPainter &p, const QSize &area, bool labelAll) const;
    QImage m_image;
    resnext::GridGeometry m_geometry;
    int m_tiles = 0;
    int m_selected = -1;
    QString m_caption, m_rangeText;
    resnext::Colormap m_colormap = resnext::Colormap::Viridis;
};

// The image shown (with Grad-CAM when on), kept at full resolution for exports.
class ImageFigureLabel : public QLabel, public FigurePainter {
    Q_OBJECT
public:
    using QLabel::QLabel;
    void setFigureImage(const QImage &image, const QString &caption);
    void paintFigure(QPainter &painter, const QSize &size) const override;

private:
    QImage m_full;
    QString m_caption;
};

class ClassifyPanel : public QWidget {
    Q_OBJECT
public:
    ClassifyPanel(ModelService *service, QWidget *parent = nullptr);
    // The model changed (`job` loaded it): re-run the image that is shown on it
    // (never one whose request failed), and clear any earlier error; if the
    // re-run fails the old result is cleared with a line saying why.
    void modelChanged(const Job &job, const QString &description);
    // Whether the explorer's sliders show the model that classifies (hides or
    // shows the "Show this model in the explorer" button).
    void setExplorerShowsModel(bool same);
    // Adds images to the strip of opened images (each is one click away).
    void addToStrip(const QStringList &paths);
    QListWidget *strip() const { return m_strip; }
    // The image files opened or dropped so far, in the strip's order.
    QStringList openedImages() const;
    // The strip's item of the image shown (if any) is selected and bold.
    void markShownInStrip();
    // Where this panel's file dialogs start (the window's last folder).
    void setDialogFolder(const DialogFolder &folder) { m_dialogFolder = folder; }
    QPushButton *showInExplorerButton() const { return m_showInExplorer; }
    QPushButton *loadAnywayButton() const { return m_loadAnyway; }
    QLabel *modelLabel() const { return m_model; }
    QLabel *timingsLabel() const { return m_timings; }
    QLabel *titleLabel() const { return m_title; }

    // Sends an image file to the worker (the newest one wins).
    void classifyFile(const QString &path);
    void classifyImage(const QImage &image, const QString &name);
    // Classifies `image` with `block`'s maps and group `group` selected (the Groups tab's top images).
    void classifyImageWithGroup(const QImage &image, const QString &name, const QString &block, int group);
    // Fashion-MNIST test image `index` (the first-launch example).
    void classifySample(int index);
    // A video frame (VideoPlayer); returns the job that analyses it.
    Job classifyFrame(const resnext::RgbImage &frame, const QString &name);
    // Live video: each new frame is the next request, so block and model
    // changes apply to it instead of re-running the frame on screen, and
    // Grad-CAM waits for the pause (when it is computed for the frame shown).
    void setLive(bool live);
    bool live() const { return m_live; }
    // Puts the video's name and figures (VideoPlayer) above the image and its
    // buttons (VideoPlayer::controls()) beside the model's name.
    void setVideoBar(QWidget *bar, QWidget *controls);
    QString block() const;
    void setBlocks(const resnext::ArchSpec &spec);
    void showError(const QString &message);
    QString errorText() const;
    // The last result (null until one arrived).
    std::shared_ptr<const AnalysisResult> result() const { return m_result; }
    // The Grad-CAM shown over result() (null until one arrived), and the requests.
    std::shared_ptr<const resnext::GradCam> gradCam() const { return m_cam; }
    const Job &analysisJob() const { return m_analysisJob; }
    const Job &camJob() const { return m_camJob; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString device() const;
    void setCudaAvailable(const QString &name);
    // Offers the inference paths this build and CPU have (fast FP32 and BF16 need oneDNN; BF16 native BF16).
    void setPathsAvailable(bool fast, bool bf16);
    QString pathNote() const;
    bool exportFeatures(const QString &path, QString *error) const;
    QCustomPlot *topChart() const { return m_top; }
    QCustomPlot *energyChart() const { return m_energy; }
    FeatureGridView *gridView() const { return m_grid; }

Q_SIGNALS:
    // A "Why?" link (the out-of-distribution line): the lesson explains `topic`.
    void whyRequested(const QString &topic);
    void deviceChanged(const QString &device);
    // The user chose another inference path ("fast", "fast-bf16" or "plain").
    void inferencePathChosen(resnext::InferencePath path);
    // The "Open image..." button: the window runs its file dialog.
    void openRequested();
    // "Show this model in the explorer": set the sliders to the classifier's model.
    void showModelInExplorer();
    // "Load anyway": open `path` again, loading only the tensors that match.
    void loadAnyway(const QString &path);

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void showResult(std::shared_ptr<const AnalysisResult> r);
    void onAnalysis(const Job &job, std::shared_ptr<const AnalysisResult> r);
    void onGradCam(const Job &job, std::shared_ptr<const AnalysisResult> forResult,
                   std::shared_ptr<const resnext::GradCam> cam);
    bool ownJob(const Job &job) const;
    void track(const Job &job);
    void renderFeatures();
    void showGroup(int group);
    void requestGradCam();
    void rerunShown();
    void clearView(const QString &why);
    // The note on what the built-in model knows: shown for it, unless a video's row is.
    void updateBuiltinNote();
    // What an analysis request was about: a file, a decoded image or a test sample.
    // What to classify: one of file, image, frame or sample, shown as `name`.
    struct Source {
        QString name;
        QString file;
        QImage image;
        resnext::RgbImage frame; // a video frame, already decoded
        int sample = -1;
        bool valid() const { return !file.isEmpty() || !image.isNull() || !frame.empty() || sample >= 0; }
    };
    void request(const Source &source);

    ModelService *m_service;
    std::shared_ptr<const AnalysisResult> m_result;
    std::shared_ptr<const resnext::GradCam> m_cam; // always computed for m_result
    Job m_analysisJob; // the latest image request; only its result is shown
    Job m_camJob;      // the latest Grad-CAM request (for m_result)
    QPushButton *m_cancel = nullptr;
    QLabel *m_model = nullptr;
    ImageFigureLabel *m_image = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_ood = nullptr;   // "this image is unlike the model's training data"
    QLabel *m_knows = nullptr; // what the built-in model knows, and how to open ImageNet weights
    QLabel *m_timings = nullptr;
    QLabel *m_preprocess = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_note = nullptr;
    QLabel *m_groupTitle = nullptr;
    QLabel *m_groupLarge = nullptr;
    QCheckBox *m_camCheck = nullptr;
    QComboBox *m_device = nullptr;
    QComboBox *m_path = nullptr;
    QLabel *m_pathNote = nullptr;
    QComboBox *m_block = nullptr;
    QComboBox *m_colormap = nullptr;
    QComboBox *m_norm = nullptr;
    QCustomPlot *m_top = nullptr;
    QCustomPlot *m_energy = nullptr;
    FeatureGridView *m_grid = nullptr;
    Source m_requested; // what m_analysisJob analyses
    Source m_shown;     // what m_result shows
    bool m_rerunning = false; // m_analysisJob re-runs m_shown on a new model
    bool m_live = false;      // a video is playing
    int m_pendingGroup = -1;  // the group to select when the next maps arrive
    QString m_loadAnywayPath;
    DialogFolder m_dialogFolder;
    QListWidget *m_strip = nullptr;
    QHBoxLayout *m_modelRow = nullptr;
    QWidget *m_videoBar = nullptr;
    bool m_builtin = false; // the built-in model classifies
    QScrollArea *m_groupScroll = nullptr;
    QPushButton *m_showInExplorer = nullptr;
    QPushButton *m_loadAnyway = nullptr;
};

// RgbImage <-> QImage, both deep copies.
QImage toQImage(const resnext::RgbImage &image);
resnext::RgbImage fromQImage(const QImage &image);
