#pragma once
// Classification and per-group feature maps of the loaded model: the image,
// the top-5 chart, the time split, the grouped convolution's output as C tiles
// of d maps (click one to see it large), the per-group energy, Grad-CAM.
// All tensor work happens in ModelService's worker; this only displays.

#include "modelservice.h"

#include "resnext/featureview.h"

#include <QWidget>

#include <cstring>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;

// Shows a rendered grid scaled to fit and maps clicks to tiles.
class FeatureGridView : public QWidget {
    Q_OBJECT
public:
    explicit FeatureGridView(QWidget *parent = nullptr);
    void setGrid(const QImage &image, const resnext::GridGeometry &geometry, int tiles);
    void setSelected(int tile);
    int selected() const { return m_selected; }
    QSize sizeHint() const override { return {420, 420}; }
    // Tile under a widget position, or -1.
    int tileAt(const QPoint &pos) const;

Q_SIGNALS:
    void tileClicked(int tile);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QRectF targetRect() const;
    QImage m_image;
    resnext::GridGeometry m_geometry;
    int m_tiles = 0;
    int m_selected = -1;
};

class ClassifyPanel : public QWidget {
    Q_OBJECT
public:
    ClassifyPanel(ModelService *service, QWidget *parent = nullptr);

    // Sends an image file to the worker (the newest one wins).
    void classifyFile(const QString &path);
    void classifyImage(const QImage &image, const QString &name);
    QString block() const;
    void setBlocks(const resnext::ArchSpec &spec);
    void showError(const QString &message);
    QString errorText() const;
    // The last result (null until one arrived).
    std::shared_ptr<const AnalysisResult> result() const { return m_result; }
    QString device() const;
    void setCudaAvailable(const QString &name);
    bool exportFeatures(const QString &path, QString *error) const;
    QCustomPlot *topChart() const { return m_top; }
    QCustomPlot *energyChart() const { return m_energy; }
    FeatureGridView *gridView() const { return m_grid; }

Q_SIGNALS:
    void deviceChanged(const QString &device);

private:
    void showResult(std::shared_ptr<const AnalysisResult> r);
    void showGradCam(std::shared_ptr<const resnext::GradCam> cam);
    void renderFeatures();
    void showGroup(int group);
    void requestGradCam();
    void rerunLast();

    ModelService *m_service;
    std::shared_ptr<const AnalysisResult> m_result;
    std::shared_ptr<const resnext::GradCam> m_cam;
    QLabel *m_model = nullptr;
    QLabel *m_image = nullptr;
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
    QComboBox *m_block = nullptr;
    QComboBox *m_colormap = nullptr;
    QComboBox *m_norm = nullptr;
    QCustomPlot *m_top = nullptr;
    QCustomPlot *m_energy = nullptr;
    FeatureGridView *m_grid = nullptr;
    QString m_lastFile;
    QImage m_lastImage;
    QString m_lastImageName;
};

// RgbImage <-> QImage, both deep copies.
QImage toQImage(const resnext::RgbImage &image);
resnext::RgbImage fromQImage(const QImage &image);
