#pragma once
// The split-transform-merge block of one stage drawn in the paper's three
// equivalent forms (Fig. 3), with the real channel counts of the spec. Wide
// cardinalities are drawn with the middle paths elided and counted.
// Laid out from its content: items are measured first, then the whole drawing
// is scaled to fit, so nothing overlaps at any size (diagramItems() is what
// the layout test walks).

#include "figure.h"

#include "resnext/spec.h"

#include <QFont>
#include <QLineF>
#include <QRectF>
#include <QWidget>

#include <vector>

struct DiagramItem {
    enum Kind { Text, Box, Circle, Frame };
    Kind kind = Text;
    QRectF rect;  // where it is drawn (text: its measured extent)
    QString text; // Text and Box; Circle: "+"
    bool grouped = false;
    bool bold = false;
    int align = 0; // Qt::Alignment of a Text item inside rect
    QColor colour = Qt::black;
};

struct DiagramLine {
    QLineF line;
    bool arrow = true;
    bool dashed = false;
};

struct DiagramLayout {
    std::vector<DiagramItem> items;
    std::vector<DiagramLine> lines;
    QSizeF natural; // the size the content needs before scaling
    double scale = 1;
    QPointF offset;
};

class BlockDiagram : public QWidget, public FigurePainter {
    Q_OBJECT
public:
    explicit BlockDiagram(QWidget *parent = nullptr);
    void setSpec(const resnext::ArchSpec &spec);
    void setStage(int stage); // 0-based
    int stage() const { return m_stage; }
    // How many paths form (a) draws explicitly for the current C (for tests).
    int drawnPaths() const;
    QSize sizeHint() const override { return {900, 520}; }
    // The items drawn in an area of `size` (in that area's coordinates, after scaling).
    std::vector<DiagramItem> diagramItems(const QSize &size) const;
    void paintFigure(QPainter &painter, const QSize &size) const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    DiagramLayout layout(const QSize &size) const;
    resnext::ArchSpec m_spec;
    int m_stage = 0;
};
