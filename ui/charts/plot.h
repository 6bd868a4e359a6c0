#pragma once
// qcustomplot.h is written with Qt's `signals`/`slots`/`foreach` keywords, which
// this project disables (QT_NO_KEYWORDS: they clash with LibTorch identifiers).
// Include it through here so the keywords exist only inside that header.

#if defined(QT_NO_KEYWORDS)
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#define emit Q_EMIT
#include <qcustomplot.h>
#undef signals
#undef slots
#undef foreach
#undef emit
#else
#include <qcustomplot.h>
#endif

// The charts' colours: matplotlib's "tab10" and a neutral grey, so that the window,
// the figure writers and the reference scripts' plots draw a series alike.
namespace tab10 {
inline const QColor kBlue(31, 119, 180);
inline const QColor kOrange(255, 127, 14);
inline const QColor kGreen(44, 160, 44);
inline const QColor kRed(214, 39, 40);
inline const QColor kGrey(150, 150, 150);
} // namespace tab10

// A bold title row above the plot's axis rect.
void addPlotTitle(QCustomPlot *plot, const QString &title);
// A log2 axis with plain integer ticks (cardinality C runs 1, 2, 4, ...).
void setLog2Axis(QCPAxis *axis, const QString &label, double lower, double upper);

// Encodes image as PNG in memory and writes it through core's atomic writer
// (fresh O_EXCL temporary, fsync, rename; never through a symlink, never a
// partial file on a full disk). Throws resnext::Error "<path>: <problem>".
void savePngAtomically(const QImage &image, const QString &path);
// Moves the plot's legend out of the axis rect into a row below the plot
// (centred, `columns` entries a row): a legend there never hides data.
void moveLegendBelow(QCustomPlot *plot, int columns);
// Before any data: axes hidden and `text` (what will appear) in their place,
// never QCustomPlot's default 0..5 axes. clearEmptyState() brings the axes back.
void showEmptyState(QCustomPlot *plot, const QString &text);
void clearEmptyState(QCustomPlot *plot);
bool inEmptyState(const QCustomPlot *plot);
// Keeps tick labels apart: after each layout, every axis gets as many ticks
// as its length holds with a label's height (or width) of space between them.
void keepTicksApart(QCustomPlot *plot);
// A vertical axis's title is written along the axis, centred on it: after each
// layout, one longer than the plot is high is broken into two lines (and joined
// again when the plot grows), so no title loses its ends at the plot's edges.
void keepAxisTitlesWhole(QCustomPlot *plot);
// The length along its axis of the axis's title as drawn (the longest line).
double axisTitleLength(const QCPAxis *axis);
// The rectangles of the tick labels `axis` draws (for tests and keepTicksApart).
QList<QRectF> tickLabelRects(QCPAxis *axis);
