#pragma once
// One render path for every view: the screen paints it, Export writes it, and
// `snapshot --panel NAME` writes it, at any size and as PNG, SVG or PDF,
// independent of the window's size. A view is registered by name
// (registerFigure), which also gives it a right-click "Export figure..." menu.

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

class QPainter;
class QWidget;

enum class FigureFormat { Png, Svg, Pdf };

// A view that draws itself into any rectangle (block diagram, feature grid):
// used instead of grabbing the widget, so exports are vector and never clipped.
class FigurePainter {
public:
    virtual ~FigurePainter() = default;
    virtual void paintFigure(QPainter &painter, const QSize &size) const = 0;
};

// "png", "svg" or "pdf" (any case); nullopt otherwise.
std::optional<FigureFormat> figureFormat(const QString &suffix);
// "1920x1080", "3840x2160", "hd" (1920x1080), "4k" (3840x2160); nullopt for
// anything else or sides outside 16..16384.
std::optional<QSize> parseFigureSize(const QString &text);

// Marks `view` as the figure `name` (a file name stem: "cardinality") and adds
// "Export figure..." to its context menu.
void registerFigure(QWidget *view, const QString &name);
// The registered name of `view` ("" when none).
QString figureName(const QWidget *view);
// Every figure registered under `root`, by name.
QStringList figureNames(const QWidget *root);
QWidget *findFigure(const QWidget *root, const QString &name);

// Renders `view` at `size` pixels (PNG) or points (SVG, PDF). Text is drawn
// at a scale that keeps it readable on a slide: the view is laid out at
// size / k with k = max(1, min(w / 1280, h / 720)), then scaled by k.
QByteArray renderFigure(QWidget *view, const QSize &size, FigureFormat format, const QString &title = {});
// renderFigure to `path` (format from its suffix), written atomically, mode
// 0644 like any document. Returns false with *error set on failure.
bool writeFigure(QWidget *view, const QString &path, const QSize &size, QString *error);
// The export dialog (size preset or WxH, then a file name) for `view`.
void exportFigureInteractively(QWidget *view);
