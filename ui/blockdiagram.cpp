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

void box(QPainter &p, const QRectF &r, const QString &text, bool grouped = false)
{
    p.setPen(QPen(grouped ? kGroupedBorder : kBoxBorder, 1.2));
    p.setBrush(grouped ? kGrouped : kBox);
    p.drawRoundedRect(r, 4, 4);
    p.setPen(Qt::black);
    p.drawText(r, Qt::AlignCenter | Qt::TextWordWrap, text);
}

void arrow(QPainter &p, QPointF a, QPointF b)
{
    p.setPen(QPen(Qt::black, 1.1));
    p.drawLine(a, b);
    const QPointF d = b - a;
    const double len = std::hypot(d.x(), d.y());
    if (len < 1)
        return;
    const QPointF u = d / len, n(-u.y(), u.x());
    QPolygonF head;
    head << b << b - u * 7 + n * 3.5 << b - u * 7 - n * 3.5;
    p.setBrush(Qt::black);
    p.drawPolygon(head);
}

void plus(QPainter &p, QPointF c, const QString &label = "+")
{
    p.setPen(QPen(Qt::black, 1.2));
    p.setBrush(Qt::white);
    p.drawEllipse(c, 11, 11);
    p.drawText(QRectF(c.x() - 11, c.y() - 11, 22, 22), Qt::AlignCenter, label);
}

// "in, kxk, out" as in the paper's figures; two lines when the box is narrow.
QString conv(int in, int k, int out, int groups = 1, double boxWidth = 1e9, const QFontMetricsF *fm = nullptr)
{
    if (fm && fm->horizontalAdvance(QString("%1, %2x%2, %3").arg(in).arg(k).arg(out)) > boxWidth - 8)
        return QString("%2x%2\n%1 > %3").arg(in).arg(k).arg(out);
    QString s = QString("%1, %2x%2, %3").arg(in).arg(k).arg(out);
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

double columnWidth(const QWidget *w) { return w->width() / 3.0 - 16; }

} // namespace

BlockDiagram::BlockDiagram(QWidget *parent) : QWidget(parent)
{
    setObjectName("blockDiagram");
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
    for (int i : visiblePaths(m_spec.cardinality, columnWidth(this)))
        n += i >= 0;
    return n;
}

void BlockDiagram::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.9));
    p.setFont(f);
    const QFontMetricsF fm(f);
    const double lineH = fm.height();

    const int st = m_stage;
    // Channel numbers from the layer plan: the stage's grouped conv (conv2) and
    // its block's last conv. The repeated block's input equals its output (the
    // stage's first block adds a projection).
    int out = 0, c = 1, grouped = 0;
    if (!validationError(m_spec).empty())
        return; // the window never sets an invalid spec; draw nothing rather than guess
    for (const LayerInfo &l : planLayers(m_spec)) {
        if (l.stage != st + 1 || l.block != 0 || l.type != "Conv2d" || l.name.find("downsample") != std::string::npos)
            continue;
        if (l.name.size() > 6 && l.name.compare(l.name.size() - 6, 6, ".conv2") == 0) {
            c = l.groups;
            grouped = l.channels;
        }
        out = l.channels; // the last conv of the block's main path
    }
    const int in = out;
    const int w = grouped / c;

    QFont bold = f;
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(10, 6, width() - 20, lineH * 1.4), Qt::AlignLeft,
               tr("layer%1, repeated block: %2-d in, C = %3 paths of w = %4 channels each, %5-d out")
                   .arg(st + 1)
                   .arg(in)
                   .arg(c)
                   .arg(w)
                   .arg(out));
    p.setFont(f);
    p.setPen(Qt::darkGray);
    p.drawText(QRectF(10, 6 + lineH * 1.3, width() - 20, lineH * 1.4), Qt::AlignLeft,
               tr("Boxes: input channels, kernel, output channels. The stage's first block also has a 1x1 "
                  "projection shortcut%1.")
                   .arg(st > 0 ? tr(" and stride 2") : QString()));

    const double top = 12 + lineH * 3.2;
    const double bottom = height() - 10;
    if (m_spec.block == BlockKind::Basic) {
        const QRectF col(width() / 2.0 - 110, top, 220, bottom - top);
        const double bh = lineH * 2.2;
        const double gap = (col.height() - 3 * bh - 60) / 3;
        QRectF r1(col.left(), col.top() + 40, col.width(), bh);
        QRectF r2 = r1.translated(0, bh + gap);
        p.drawText(QRectF(col.left(), col.top(), col.width(), 24), Qt::AlignCenter, tr("%1-d in").arg(in));
        arrow(p, {col.center().x(), col.top() + 22}, {col.center().x(), r1.top()});
        box(p, r1, conv(in, 3, out));
        arrow(p, {col.center().x(), r1.bottom()}, {col.center().x(), r2.top()});
        box(p, r2, conv(out, 3, out));
        const QPointF sum(col.center().x(), r2.bottom() + gap * 0.8);
        arrow(p, {col.center().x(), r2.bottom()}, sum - QPointF(0, 11));
        plus(p, sum);
        p.setPen(QPen(Qt::black, 1.1));
        p.drawLine(QPointF(col.right() + 10, col.top() + 30), QPointF(col.right() + 10, sum.y()));
        p.drawLine(QPointF(col.center().x(), col.top() + 30), QPointF(col.right() + 10, col.top() + 30));
        arrow(p, {col.right() + 10, sum.y()}, sum + QPointF(11, 0));
        p.drawText(QRectF(col.left(), sum.y() + 14, col.width(), 24), Qt::AlignCenter, tr("%1-d out").arg(out));
        p.setPen(Qt::darkGray);
        p.drawText(QRectF(10, bottom - lineH * 2.5, width() - 20, lineH * 2.4), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Basic blocks (ResNet-18/34) have no bottleneck to split: choose bottleneck blocks to see "
                      "split-transform-merge."));
        return;
    }

    const double colW = width() / 3.0;
    const QString titles[] = {tr("(a) aggregated residual transformations"), tr("(b) early concatenation"),
                              tr("(c) grouped convolution")};
    const double bh = lineH * 2.3;
    const double y0 = top + lineH * 5.5; // first box row, below the split fan-out
    const double rowGap = std::max(18.0, (bottom - y0 - 4 * bh - 80) / 4);

    for (int form = 0; form < 3; ++form) {
        const QRectF col(form * colW + 8, top, colW - 16, bottom - top);
        const bool current = static_cast<int>(m_spec.form) == form;
        if (current) {
            p.setPen(QPen(QColor(31, 119, 180), 2));
            p.setBrush(QColor(31, 119, 180, 14));
            p.drawRoundedRect(col.adjusted(-4, -4, 4, 4), 6, 6);
        }
        p.setFont(bold);
        p.setPen(Qt::black);
        const QString title = titles[form] + (current ? tr("  [built]") : QString());
        p.drawText(QRectF(col.left(), col.top(), col.width(), lineH * 1.3), Qt::AlignCenter,
                   QFontMetricsF(bold).elidedText(title, Qt::ElideRight, col.width()));
        p.setFont(f);
        const double cx = col.center().x();
        const QPointF inPt(cx, col.top() + lineH * 1.5);
        p.drawText(QRectF(col.left(), inPt.y(), col.width(), lineH), Qt::AlignCenter, tr("%1-d in").arg(in));
        const QPointF split(cx, inPt.y() + lineH + 4);

        double y = y0;
        double sumY = 0;
        double lastY = 0; // bottom of the last element above the residual add
        if (form < 2) {
            const std::vector<int> vis = visiblePaths(c, col.width());
            const int hidden = c - static_cast<int>(std::count_if(vis.begin(), vis.end(), [](int i) { return i >= 0; }));
            const int n = static_cast<int>(vis.size());
            const double slot = col.width() / n;
            const double bw = std::min(slot - 6, 120.0);
            const int rows = form == 0 ? 3 : 2;
            double lastBottom = y;
            for (int k = 0; k < n; ++k) {
                const double px = col.left() + slot * (k + 0.5);
                if (vis[k] < 0) {
                    p.setPen(Qt::darkGray);
                    p.drawText(QRectF(px - slot / 2, y, slot, bh * rows + rowGap * (rows - 1)),
                               Qt::AlignCenter | Qt::TextWordWrap, tr("...\n%1 more\npaths\n...").arg(hidden));
                    continue;
                }
                arrow(p, split, {px, y});
                QRectF r(px - bw / 2, y, bw, bh);
                box(p, r, conv(in, 1, w, 1, bw, &fm));
                QRectF r2 = r.translated(0, bh + rowGap);
                arrow(p, {px, r.bottom()}, {px, r2.top()});
                box(p, r2, conv(w, 3, w, 1, bw, &fm));
                lastBottom = r2.bottom();
                if (form == 0) {
                    QRectF r3 = r2.translated(0, bh + rowGap);
                    arrow(p, {px, r2.bottom()}, {px, r3.top()});
                    box(p, r3, conv(w, 1, out, 1, bw, &fm));
                    lastBottom = r3.bottom();
                }
            }
            const double mergeY = lastBottom + rowGap + 11;
            for (int k = 0; k < n; ++k) {
                if (vis[k] < 0)
                    continue;
                const double px = col.left() + slot * (k + 0.5);
                p.setPen(QPen(Qt::black, 1.1));
                p.drawLine(QPointF(px, lastBottom), QPointF(cx, mergeY - 11));
            }
            if (form == 0) {
                plus(p, {cx, mergeY});
                lastY = mergeY + 11;
                p.setPen(Qt::darkGray);
                p.drawText(QRectF(cx + 14, mergeY - lineH / 2, col.width() / 2 - 14, lineH), Qt::AlignLeft,
                           c == 1 ? tr("one path") : tr("sum of %1 paths").arg(c));
                sumY = mergeY + 11 + rowGap;
            } else {
                QRectF cat(cx - 80, mergeY - 11, 160, bh * 0.8);
                box(p, cat, tr("concatenate: %1").arg(grouped));
                QRectF r3(cx - 65, cat.bottom() + rowGap, 130, bh);
                arrow(p, {cx, cat.bottom()}, {cx, r3.top()});
                box(p, r3, conv(grouped, 1, out));
                sumY = r3.bottom() + rowGap;
                lastY = r3.bottom();
            }
        } else {
            const double bw = std::min(col.width() - 40, 170.0);
            QRectF r(cx - bw / 2, y, bw, bh);
            arrow(p, split, {cx, r.top()});
            box(p, r, conv(in, 1, grouped));
            QRectF r2 = r.translated(0, bh + rowGap);
            r2.setHeight(bh * 1.3);
            arrow(p, {cx, r.bottom()}, {cx, r2.top()});
            box(p, r2, conv(grouped, 3, grouped, c), true);
            QRectF r3(cx - bw / 2, r2.bottom() + rowGap, bw, bh);
            arrow(p, {cx, r2.bottom()}, {cx, r3.top()});
            box(p, r3, conv(grouped, 1, out));
            sumY = r3.bottom() + rowGap;
            lastY = r3.bottom();
        }
        // Residual add with the identity shortcut.
        const QPointF add(cx, std::min(sumY + 11, bottom - lineH * 2.5));
        arrow(p, {cx, lastY}, add - QPointF(0, 11));
        plus(p, add);
        const double sx = col.right() - 4;
        p.setPen(QPen(Qt::gray, 1.1, Qt::DashLine));
        p.drawLine(QPointF(cx, split.y() - 2), QPointF(sx, split.y() - 2));
        p.drawLine(QPointF(sx, split.y() - 2), QPointF(sx, add.y()));
        arrow(p, {sx, add.y()}, add + QPointF(11, 0));
        p.setPen(Qt::black);
        p.drawText(QRectF(col.left(), add.y() + 13, col.width(), lineH), Qt::AlignCenter, tr("%1-d out").arg(out));
    }
}
