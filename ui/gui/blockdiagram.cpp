#include "blockdiagram.h"

#include "resnext/plan.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>

using namespace resnext;

namespace {

constexpr int kMaxDrawnPaths = 8; // never more paths than this, however wide
constexpr double kMinPathWidth = 78;  // pixels a legible path box needs
const QColor kBox(232, 240, 250);
const QColor kBoxBorder(70, 110, 160);
const QColor kGrouped(255, 236, 210);
const QColor kGroupedBorder(200, 120, 30);
const QColor kSeColour(120, 80, 160); // the squeeze-and-excitation unit's frame and label

// "in, kxk, out" as in the paper's figures; "kxk" over "in -> out" when the box is narrow.
QString conv(int in, int k, int out, int groups, double boxWidth, const QFontMetricsF &fm)
{
    QString s = QString("%1, %2x%2, %3").arg(in).arg(k).arg(out);
    if (fm.horizontalAdvance(s) > boxWidth - 8)
        s = QString("%2x%2\n%1 \u2192 %3").arg(in).arg(k).arg(out);
    if (groups > 1)
        s += QCoreApplication::translate("BlockDiagram", "\ngroups = %1").arg(groups);
    return s;
}

// Indices of the paths to draw, -1 marking the elided middle: all C paths when
// they fit, else the first few, an ellipsis with the count, and the last.
std::vector<int> visiblePaths(int c, double columnWidth)
{
    const int fit = std::clamp(static_cast<int>(columnWidth / kMinPathWidth), 3, kMaxDrawnPaths);
    std::vector<int> v;
    if (c <= fit) {
        for (int i = 0; i < c; ++i)
            v.push_back(i);
        return v;
    }
    const int first = std::clamp(fit - 2, 1, 3);
    for (int i = 0; i < first; ++i)
        v.push_back(i);
    v.push_back(-1);
    v.push_back(c - 1);
    return v;
}

// Columns are at least this wide before the drawing is scaled down to fit.
constexpr double kMinColumn = 250;
// The width form (a) gives its paths (the column less the shortcut margins, as layout() uses).
double columnWidth(double width) { return std::max(width, 3 * kMinColumn) / 3.0 - 16 - 28; }

} // namespace

BlockDiagram::BlockDiagram(QWidget *parent) : QWidget(parent)
{
    setObjectName("blockDiagram");
    registerFigure(this, "block-diagram");
    setMinimumSize(600, 300); // fits under the complexity dock at 1280x720
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Qt::white);
    setPalette(pal);
    setToolTip(tr("The three forms compute the same function (paper Fig. 3): the grouped convolution (c) is the "
                  "C paths of (a) and (b) packed into one layer. Counts are those of the repeated block of the "
                  "selected stage."));
}

void BlockDiagram::setSpec(const ArchSpec &spec)
{
    m_spec = spec;
    if (m_stage >= spec.numStages())
        m_stage = spec.numStages() - 1;
    update();
}

void BlockDiagram::setStage(int stage)
{
    m_stage = std::clamp(stage, 0, std::max(0, m_spec.numStages() - 1));
    update();
}

int BlockDiagram::drawnPaths() const
{
    int n = 0;
    for (int i : visiblePaths(m_spec.cardinality, columnWidth(width())))
        n += i >= 0;
    return n;
}

DiagramLayout BlockDiagram::layout(const QSize &size) const
{
    DiagramLayout L;
    if (validationError(m_spec).empty() == false || size.isEmpty())
        return L;
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.9));
    QFont bold = f;
    bold.setBold(true);
    const QFontMetricsF fm(f), bm(bold);
    const double lineH = fm.height();

    // Channel numbers from the layer plan: the stage's grouped conv (conv2) and
    // its block's last conv. The repeated block's input equals its output.
    const int st = m_stage;
    int out = 0, c = 1, grouped = 0;
    const std::vector<LayerInfo> plan = planLayers(m_spec);
    for (const LayerInfo &l : plan) {
        if (l.stage != st + 1 || l.block != 0 || l.kind != LayerKind::Conv)
            continue;
        if (l.role == LayerRole::Grouped) {
            c = l.groups;
            grouped = l.channels;
        }
        if (l.role == LayerRole::Expand)
            out = l.channels; // the last conv of the block's main path
    }
    const int in = out;
    const int w = grouped / std::max(1, c);

    // The squeeze-and-excitation unit, when the plan has one: one row per layer
    // of role Excite (pooling and convolutions as boxes, each activation folded
    // into the box before it, the channel scale as a circle), drawn after the
    // block's last BN and before the addition.
    struct SeRow {
        QString text;
        bool scale = false;
        int lines = 1;
    };
    std::vector<SeRow> seRows;
    for (const LayerInfo &l : plan) {
        if (l.stage != st + 1 || l.block != 0 || l.role != LayerRole::Excite)
            continue;
        switch (l.kind) {
        case LayerKind::AvgPool: seRows.push_back({tr("global average pool"), false, 1}); break;
        case LayerKind::Conv:
            //: a 1x1 convolution of the squeeze-and-excitation unit: %1 input, %2 output channels
            seRows.push_back({tr("1x1, %1 \u2192 %2").arg(l.inChannels).arg(l.channels), false, 1});
            break;
        case LayerKind::ReLU:
        case LayerKind::Sigmoid:
            if (!seRows.empty()) {
                seRows.back().text += "\n" + (l.kind == LayerKind::ReLU ? tr("ReLU") : tr("sigmoid"));
                ++seRows.back().lines;
            }
            break;
        case LayerKind::Scale: seRows.push_back({QStringLiteral("\u00d7"), true, 1}); break;
        default: break;
        }
    }

    const double gap = lineH * 1.1; // between rows of boxes
    const double bh = lineH * 2.4;  // a box holds two lines
    // Natural width: the widget's, but never narrower than three legible columns.
    const double W = std::max<double>(size.width(), 3 * kMinColumn);
    auto text = [&](const QRectF &area, const QString &t, int align, bool isBold = false,
                    QColor colour = Qt::black) {
        const QFontMetricsF &m = isBold ? bm : fm;
        QRectF r = m.boundingRect(area, align | Qt::TextWordWrap, t);
        L.items.push_back({DiagramItem::Text, r, t, false, isBold, align | Qt::TextWordWrap, colour});
        return r;
    };
    auto box = [&](const QRectF &r, const QString &t, bool isGrouped = false) {
        L.items.push_back({DiagramItem::Box, r, t, isGrouped, false, Qt::AlignCenter, Qt::black});
    };
    auto plus = [&](QPointF centre) {
        L.items.push_back({DiagramItem::Circle, QRectF(centre - QPointF(11, 11), QSizeF(22, 22)), "+", false, false,
                           Qt::AlignCenter, Qt::black});
    };
    auto arrow = [&](QPointF a, QPointF b, bool head = true, bool dashed = false) {
        L.lines.push_back({QLineF(a, b), head, dashed});
    };

    // The SE unit's geometry: its boxes' width (as wide as their text needs,
    // within `room`), its label's height and its total height.
    const QString seLabel = tr("SE, r = %1").arg(m_spec.seReduction);
    auto seBoxWidth = [&](double room) {
        double need = 0;
        for (const SeRow &r : seRows)
            for (const QString &line : r.text.split('\n'))
                need = std::max(need, fm.horizontalAdvance(line) + 16);
        return std::clamp(need, std::min(100.0, room), room);
    };
    auto seLabelHeight = [&](double boxWidth) {
        return fm.boundingRect(QRectF(0, 0, boxWidth / 2 - 6, 1000), Qt::AlignRight | Qt::TextWordWrap, seLabel)
            .height();
    };
    auto seHeight = [&](double boxWidth) {
        if (seRows.empty())
            return 0.0;
        double h = seLabelHeight(boxWidth) + 4;
        for (const SeRow &r : seRows)
            h += r.scale ? 22 : lineH * (r.lines + 0.4) + gap;
        return h;
    };
    // Draws the SE unit from `top` down the main line at `cx`; returns the
    // bottom of its channel-scale circle (or `top` without SE). The label sits
    // left of the main line, the branch that carries the block's output to the
    // scale runs on its right, inside the residual shortcut.
    auto drawSe = [&](double cx, double top, double bw) {
        if (seRows.empty())
            return top;
        const double labelH = seLabelHeight(bw);
        const double bx = cx + bw / 2 + 8; // the branch to the scale
        text(QRectF(cx - bw / 2, top, bw / 2 - 6, labelH), seLabel, Qt::AlignRight, false, kSeColour);
        double y = top + labelH + 4;
        arrow({cx, top}, {cx, y});
        double bottom = y;
        for (size_t k = 0; k < seRows.size(); ++k) {
            const SeRow &r = seRows[k];
            if (r.scale) {
                const QPointF centre(cx, y + 11);
                L.items.push_back({DiagramItem::Circle, QRectF(centre - QPointF(11, 11), QSizeF(22, 22)), r.text,
                                   false, false, Qt::AlignCenter, Qt::black});
                arrow({cx, top + 2}, {bx, top + 2}, false);
                arrow({bx, top + 2}, {bx, centre.y()}, false);
                arrow({bx, centre.y()}, centre + QPointF(11, 0));
                bottom = y + 22;
                y = bottom;
                continue;
            }
            const QRectF box(cx - bw / 2, y, bw, lineH * (r.lines + 0.4));
            L.items.push_back({DiagramItem::Box, box, r.text, false, false, Qt::AlignCenter, Qt::black});
            y = box.bottom() + gap;
            arrow({cx, box.bottom()}, {cx, y});
            bottom = y;
        }
        const QRectF frame(cx - bw / 2 - 6, top - 3, bx - (cx - bw / 2) + 12, bottom - top + 7);
        L.items.push_back({DiagramItem::Frame, frame, {}, false, false, 0, kSeColour}); // painted first
        return bottom;
    };

    const QRectF head1 = text(QRectF(10, 6, W - 20, 1000),
                              tr("layer%1, repeated block: %2-d in, C = %3 paths of w = %4 channels each, %5-d out")
                                  .arg(st + 1)
                                  .arg(in)
                                  .arg(c)
                                  .arg(w)
                                  .arg(out),
                              Qt::AlignLeft, true);
    const QRectF head2 =
        text(QRectF(10, head1.bottom() + 2, W - 20, 1000),
             tr("Boxes: input channels, kernel, output channels. The stage's first block also has a 1x1 "
                "projection shortcut%1.")
                 .arg(st > 0 ? tr(" and stride 2") : QString()),
             Qt::AlignLeft, false, Qt::darkGray);
    const double top = head2.bottom() + lineH * 0.8;

    if (m_spec.block == BlockKind::Basic) {
        const double cx = W / 2;
        const QRectF inText = text(QRectF(cx - 150, top, 300, lineH), tr("%1-d in").arg(in), Qt::AlignHCenter);
        const double splitY = inText.bottom() + 4;
        QRectF r1(cx - 110, splitY + gap * 1.5, 220, bh);
        QRectF r2 = r1.translated(0, bh + gap);
        arrow({cx, splitY}, {cx, r1.top()});
        box(r1, conv(in, 3, out, 1, r1.width(), fm));
        arrow({cx, r1.bottom()}, {cx, r2.top()});
        box(r2, conv(out, 3, out, 1, r2.width(), fm));
        const double seTop = r2.bottom() + gap;
        if (!seRows.empty())
            arrow({cx, r2.bottom()}, {cx, seTop}, false);
        const double seBottom = drawSe(cx, seTop, seBoxWidth(r1.width()));
        const QPointF sum(cx, (seRows.empty() ? r2.bottom() : seBottom) + gap + 11);
        arrow({cx, seRows.empty() ? r2.bottom() : seBottom}, sum - QPointF(0, 11));
        plus(sum);
        const double sx = r1.right() + 20;
        arrow({cx, splitY}, {sx, splitY}, false, true);
        arrow({sx, splitY}, {sx, sum.y()}, false, true);
        arrow({sx, sum.y()}, sum + QPointF(11, 0), true, true);
        const QRectF outText =
            text(QRectF(cx - 150, sum.y() + 14, 300, lineH), tr("%1-d out").arg(out), Qt::AlignHCenter);
        const QRectF note =
            text(QRectF(10, outText.bottom() + lineH, W - 20, 1000),
                 tr("Basic blocks (ResNet-18/34) have no bottleneck to split: choose bottleneck blocks to see "
                    "split-transform-merge."),
                 Qt::AlignHCenter, false, Qt::darkGray);
        L.natural = QSizeF(W, note.bottom() + 10);
    } else {
        const double colW = W / 3.0;
        const QString titles[] = {tr("(a) aggregated residual transformations"), tr("(b) early concatenation"),
                                  tr("(c) grouped convolution")};
        // Pass 1: column tops (titles may wrap) so that the rows line up across forms.
        double titleBottom = top;
        std::vector<QRectF> titleRects;
        for (int form = 0; form < 3; ++form) {
            const bool current = static_cast<int>(m_spec.form) == form;
            const QString t = titles[form] + (current ? QString("\n") + tr("[built]") : QString());
            const QRectF area(form * colW + 12, top, colW - 24, 1000);
            titleRects.push_back(bm.boundingRect(area, Qt::AlignHCenter | Qt::TextWordWrap, t));
            titleBottom = std::max(titleBottom, titleRects.back().bottom());
        }
        const double inY = titleBottom + 4;
        const double splitY = inY + lineH + 4;
        const double y0 = splitY + lineH * 2.5; // first box row, below the split fan-out
        // Where the residual add sits: below the tallest column (form (b): 2 rows + concat + 1x1).
        const double sumTopA = y0 + 3 * bh + 2 * gap + gap + 22;        // (a): rows, then the "sum" circle
        const double sumTopB = y0 + 2 * bh + gap + gap + bh * 0.8 + gap + bh; // (b)
        const double sumTopC = y0 + bh + gap + bh * 1.45 + gap + bh;       // (c)
        // The SE unit (if any) starts at one height in all three columns, below the tallest.
        const double seTop = std::max({sumTopA, sumTopB, sumTopC}) + gap;
        const double seW = seBoxWidth(std::min(colW - 16 - 28 - 30, 170.0));
        const double addY = (seRows.empty() ? std::max({sumTopA, sumTopB, sumTopC}) : seTop + seHeight(seW)) + gap + 11;
        double bottom = addY + 14 + lineH;
        for (int form = 0; form < 3; ++form) {
            const QRectF col(form * colW + 8, top - 4, colW - 16, bottom - top + 8);
            const bool current = static_cast<int>(m_spec.form) == form;
            if (current)
                L.items.push_back({DiagramItem::Frame, col, {}, false, false, 0, QColor(31, 119, 180)});
            const QString t = titles[form] + (current ? QString("\n") + tr("[built]") : QString());
            L.items.push_back({DiagramItem::Text, titleRects[static_cast<size_t>(form)], t, false, true,
                               Qt::AlignHCenter | Qt::TextWordWrap, Qt::black});
            const double cx = col.center().x();
            text(QRectF(col.left(), inY, col.width(), lineH), tr("%1-d in").arg(in), Qt::AlignHCenter);
            const QPointF split(cx, splitY);
            // Paths keep clear of the shortcut line on the column's right edge.
            const QRectF paths(col.left() + 14, y0, col.width() - 28, 0);
            const double sx = col.right() - 8;
            double lastY = 0;
            if (form < 2) {
                const std::vector<int> vis = visiblePaths(c, paths.width());
                const int hidden =
                    c - static_cast<int>(std::count_if(vis.begin(), vis.end(), [](int i) { return i >= 0; }));
                const int n = static_cast<int>(vis.size());
                const double slot = paths.width() / n;
                const double bw = std::min(slot - 6, 130.0);
                const int rows = form == 0 ? 3 : 2;
                const double lastBottom = y0 + rows * bh + (rows - 1) * gap;
                for (int k = 0; k < n; ++k) {
                    const double px = paths.left() + slot * (k + 0.5);
                    if (vis[k] < 0) {
                        text(QRectF(px - slot / 2, y0, slot, lastBottom - y0),
                             tr("...\n%n more\npaths\n...", nullptr, hidden), Qt::AlignCenter, false, Qt::darkGray);
                        continue;
                    }
                    arrow(split, {px, y0});
                    QRectF r(px - bw / 2, y0, bw, bh);
                    box(r, conv(in, 1, w, 1, bw, fm));
                    QRectF r2 = r.translated(0, bh + gap);
                    arrow({px, r.bottom()}, {px, r2.top()});
                    box(r2, conv(w, 3, w, 1, bw, fm));
                    if (form == 0) {
                        QRectF r3 = r2.translated(0, bh + gap);
                        arrow({px, r2.bottom()}, {px, r3.top()});
                        box(r3, conv(w, 1, out, 1, bw, fm));
                    }
                }
                const double mergeY = lastBottom + gap + 11;
                for (int k = 0; k < n; ++k)
                    if (vis[k] >= 0)
                        arrow({paths.left() + slot * (k + 0.5), lastBottom}, {cx, mergeY - 11}, false);
                if (form == 0) {
                    plus({cx, mergeY});
                    text(QRectF(cx + 16, mergeY - lineH / 2, sx - cx - 22, lineH * 2),
                         c == 1 ? tr("one path") : tr("sum of %n paths", nullptr, c), Qt::AlignLeft, false,
                         Qt::darkGray);
                    lastY = mergeY + 11;
                } else {
                    const double cw = std::min(paths.width(), 170.0);
                    QRectF cat(cx - cw / 2, mergeY - 11, cw, bh * 0.8);
                    box(cat, tr("concatenate: %1").arg(grouped));
                    const double bw3 = std::min(paths.width(), 140.0);
                    QRectF r3(cx - bw3 / 2, cat.bottom() + gap, bw3, bh);
                    arrow({cx, cat.bottom()}, {cx, r3.top()});
                    box(r3, conv(grouped, 1, out, 1, bw3, fm));
                    lastY = r3.bottom();
                }
            } else {
                const double bw = std::min(paths.width(), 170.0);
                QRectF r(cx - bw / 2, y0, bw, bh);
                arrow(split, {cx, r.top()});
                box(r, conv(in, 1, grouped, 1, bw, fm));
                QRectF r2(cx - bw / 2, r.bottom() + gap, bw, bh * 1.45);
                arrow({cx, r.bottom()}, {cx, r2.top()});
                box(r2, conv(grouped, 3, grouped, c, bw, fm), true);
                QRectF r3(cx - bw / 2, r2.bottom() + gap, bw, bh);
                arrow({cx, r2.bottom()}, {cx, r3.top()});
                box(r3, conv(grouped, 1, out, 1, bw, fm));
                lastY = r3.bottom();
            }
            if (!seRows.empty()) {
                arrow({cx, lastY}, {cx, seTop}, false);
                lastY = drawSe(cx, seTop, seW);
            }
            // Residual add with the identity shortcut.
            const QPointF add(cx, addY);
            arrow({cx, lastY}, add - QPointF(0, 11));
            plus(add);
            arrow({cx, split.y() - 2}, {sx, split.y() - 2}, false, true);
            arrow({sx, split.y() - 2}, {sx, add.y()}, false, true);
            arrow({sx, add.y()}, add + QPointF(11, 0), true, true);
            text(QRectF(col.left(), add.y() + 14, col.width() - 20, lineH), tr("%1-d out").arg(out), Qt::AlignHCenter);
        }
        L.natural = QSizeF(W, bottom + 10);
    }
    // Scale the whole drawing to fit, centred: what fits never overlaps.
    L.scale = std::min({1.0, size.width() / L.natural.width(), size.height() / L.natural.height()});
    L.offset = QPointF((size.width() - L.natural.width() * L.scale) / 2,
                       std::max(0.0, (size.height() - L.natural.height() * L.scale) / 2));
    return L;
}

std::vector<DiagramItem> BlockDiagram::diagramItems(const QSize &size) const
{
    const DiagramLayout L = layout(size);
    std::vector<DiagramItem> items = L.items;
    for (DiagramItem &i : items)
        i.rect = QRectF(L.offset + i.rect.topLeft() * L.scale, i.rect.size() * L.scale);
    return items;
}

void BlockDiagram::paintFigure(QPainter &p, const QSize &size) const
{
    p.fillRect(QRect(QPoint(), size), Qt::white);
    const DiagramLayout L = layout(size);
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.translate(L.offset);
    p.scale(L.scale, L.scale);
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.9));
    QFont bold = f;
    bold.setBold(true);
    for (const DiagramItem &i : L.items)
        if (i.kind == DiagramItem::Frame) {
            const bool se = i.colour == kSeColour;
            p.setPen(QPen(i.colour, se ? 1.2 : 2, se ? Qt::DashLine : Qt::SolidLine));
            p.setBrush(se ? QColor(150, 110, 190, 20) : QColor(31, 119, 180, 14));
            p.drawRoundedRect(i.rect, 6, 6);
        }
    for (const DiagramLine &l : L.lines) {
        p.setPen(QPen(l.dashed ? Qt::gray : Qt::black, 1.1, l.dashed ? Qt::DashLine : Qt::SolidLine));
        p.drawLine(l.line);
        if (!l.arrow || l.line.length() < 1)
            continue;
        const QPointF d = l.line.p2() - l.line.p1();
        const QPointF u = d / l.line.length(), n(-u.y(), u.x());
        const QPointF b = l.line.p2();
        QPolygonF headPoly;
        headPoly << b << b - u * 7 + n * 3.5 << b - u * 7 - n * 3.5;
        p.setPen(Qt::NoPen);
        p.setBrush(l.dashed ? Qt::gray : Qt::black);
        p.drawPolygon(headPoly);
    }
    for (const DiagramItem &i : L.items) {
        switch (i.kind) {
        case DiagramItem::Frame:
            break;
        case DiagramItem::Box:
            p.setPen(QPen(i.grouped ? kGroupedBorder : kBoxBorder, 1.2));
            p.setBrush(i.grouped ? kGrouped : kBox);
            p.drawRoundedRect(i.rect, 4, 4);
            p.setFont(f);
            p.setPen(Qt::black);
            p.drawText(i.rect, Qt::AlignCenter | Qt::TextWordWrap, i.text);
            break;
        case DiagramItem::Circle:
            p.setPen(QPen(Qt::black, 1.2));
            p.setBrush(Qt::white);
            p.drawEllipse(i.rect);
            p.setFont(f);
            p.drawText(i.rect, Qt::AlignCenter, i.text);
            break;
        case DiagramItem::Text:
            p.setFont(i.bold ? bold : f);
            p.setPen(i.colour);
            p.drawText(i.rect, i.align, i.text);
            break;
        }
    }
    p.restore();
}

void BlockDiagram::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    paintFigure(p, size());
}
