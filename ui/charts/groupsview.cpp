#include "groupsview.h"
#include "language.h"

#include <QCoreApplication>

#include <QPainter>

#include <algorithm>
#include <numeric>

using resnext::GroupAnalysis;

namespace {

// Empties the plot (plottables and layout) and gives it one new axis rect,
// whose axes become the plot's default ones.
QCPAxisRect *freshAxisRect(QCustomPlot *plot)
{
    plot->clearPlottables();
    plot->plotLayout()->clear();
    auto *rect = new QCPAxisRect(plot);
    plot->plotLayout()->addElement(0, 0, rect);
    plot->xAxis = rect->axis(QCPAxis::atBottom);
    plot->yAxis = rect->axis(QCPAxis::atLeft);
    plot->xAxis2 = rect->axis(QCPAxis::atTop);
    plot->yAxis2 = rect->axis(QCPAxis::atRight);
    return rect;
}

QCPColorMap *heatMap(QCustomPlot *plot, int columns, int rows, const QCPRange &range, const QString &scaleLabel)
{
    QCPAxisRect *rect = freshAxisRect(plot);
    auto *map = new QCPColorMap(plot->xAxis, plot->yAxis);
    // QCustomPlot draws a one-cell dimension zero wide: give it a second cell,
    // which the axis ranges below leave outside the plot (one predicted class;
    // C = 1 for a ResNet).
    const int keys = std::max(columns, 2), values = std::max(rows, 2);
    map->data()->setSize(keys, values);
    map->data()->setRange(QCPRange(0, keys - 1), QCPRange(0, values - 1));
    auto *scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->axis()->setLabel(scaleLabel);
    map->setColorScale(scale);
    QCPColorGradient viridis; // QCustomPlot 2.1 has no viridis preset: its five anchor colours
    viridis.setColorStopAt(0.0, QColor(68, 1, 84));
    viridis.setColorStopAt(0.25, QColor(59, 82, 139));
    viridis.setColorStopAt(0.5, QColor(33, 145, 140));
    viridis.setColorStopAt(0.75, QColor(94, 201, 98));
    viridis.setColorStopAt(1.0, QColor(253, 231, 37));
    map->setGradient(viridis);
    map->setInterpolate(false);
    map->setDataRange(range);
    auto *group = new QCPMarginGroup(plot);
    rect->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    plot->xAxis->setRange(-0.5, columns - 0.5);
    plot->yAxis->setRange(-0.5, rows - 0.5);
    plot->yAxis->setRangeReversed(true);
    plot->xAxis->grid()->setVisible(false);
    plot->yAxis->grid()->setVisible(false);
    return map;
}

QSharedPointer<QCPAxisTickerText> textTicks(const QStringList &labels)
{
    auto t = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < labels.size(); ++i)
        t->addTick(i, labels[i]);
    return t;
}

// A title that wraps onto more lines when the plot is narrower than its text
// (QCPTextElement asks for its one-line width and is cut: "Linear CKA
// (untrained): mean off-diagonal ..." at 1280x720).
class FittingTitle : public QCPTextElement {
public:
    FittingTitle(QCustomPlot *plot, const QString &text, const QFont &font) : QCPTextElement(plot, text, font)
    {
        setTextFlags(Qt::AlignCenter | Qt::TextWordWrap);
    }

protected:
    QSize minimumOuterSizeHint() const override { return hint(); }
    QSize maximumOuterSizeHint() const override { return QSize(QWIDGETSIZE_MAX, hint().height()); }
    void draw(QCPPainter *painter) override
    {
        QCPTextElement::draw(painter);
        // The grid asks for the height before it sets the width (a colour scale
        // may share the row): when the width laid out needs another height,
        // lay out once more (the width does not depend on the height, so this settles).
        if (hint().height() != mOuterRect.height() && mOuterRect.width() != m_relaidFor) {
            m_relaidFor = mOuterRect.width(); // once per width: never a replot loop
            QMetaObject::invokeMethod(mParentPlot, [plot = mParentPlot] { plot->replot(QCustomPlot::rpQueuedReplot); },
                                      Qt::QueuedConnection);
        }
    }

private:
    int m_relaidFor = -1;
    QSize hint() const
    {
        // The width the last layout gave the title (the plot's before the first).
        const int outer = mOuterRect.width() > 0 ? mOuterRect.width() : mParentPlot->viewport().width();
        const int width = std::max(40, outer - mMargins.left() - mMargins.right());
        const QRect r = QFontMetrics(mFont).boundingRect(0, 0, width, 0, mTextFlags, mText);
        return QSize(mMargins.left() + mMargins.right() + 20, r.height() + mMargins.top() + mMargins.bottom());
    }
};

void setTitle(QCustomPlot *plot, const QString &title)
{
    plot->plotLayout()->insertRow(0);
    auto *text = new FittingTitle(plot, title, QFont(plot->font().family(), 10, QFont::Bold));
    plot->plotLayout()->addElement(0, 0, text);
    plot->plotLayout()->setRowStretchFactor(0, 0.01);
}

} // namespace

std::vector<int> groupOrder(const GroupAnalysis &a, bool bySelectivity)
{
    std::vector<int> order(static_cast<size_t>(a.cardinality));
    std::iota(order.begin(), order.end(), 0);
    if (bySelectivity && a.selectivityIndex.size() == order.size())
        std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
            return a.selectivityIndex[static_cast<size_t>(x)] > a.selectivityIndex[static_cast<size_t>(y)];
        });
    return order;
}

void drawSelectivity(QCustomPlot *plot, const GroupAnalysis &a, const std::vector<int> &order, const QString &title)
{
    const int classes = static_cast<int>(a.classNames.size());
    double hi = 0;
    for (const auto &row : a.selectivity)
        for (double v : row)
            hi = std::max(hi, v);
    auto *map = heatMap(plot, classes, static_cast<int>(order.size()), QCPRange(0, hi > 0 ? hi : 1),
                        QCoreApplication::translate("GroupsView", "mean energy"));
    QStringList rows, columns;
    for (size_t r = 0; r < order.size(); ++r) {
        const auto g = static_cast<size_t>(order[r]);
        for (int k = 0; k < classes; ++k)
            map->data()->setCell(k, static_cast<int>(r), a.selectivity[g][static_cast<size_t>(k)]);
        //: g = group number, SI = class-selectivity index
        rows << QCoreApplication::translate("GroupsView", "g%1  SI %2").arg(g).arg(language::decimal(a.selectivityIndex[g], 2));
    }
    for (const auto &name : a.classNames)
        columns << QString::fromStdString(name);
    plot->yAxis->setTicker(textTicks(rows));
    plot->xAxis->setTicker(textTicks(columns));
    // Steep enough that neighbouring names stay apart at 1280x720 (at 40 degrees
    // "Pullover", "Dress" and "Coat" touched).
    plot->xAxis->setTickLabelRotation(60);
    plot->yAxis->setLabel(QCoreApplication::translate("GroupsView", "group (class-selectivity index)"));
    setTitle(plot, title);
    plot->replot();
}

void drawCka(QCustomPlot *plot, const GroupAnalysis &a, const QString &title)
{
    const int c = a.cardinality;
    auto *map = heatMap(plot, c, c, QCPRange(0, 1), QCoreApplication::translate("GroupsView", "linear CKA"));
    QStringList labels;
    for (int g = 0; g < c; ++g) {
        labels << QString("g%1").arg(g);
        for (int h = 0; h < c; ++h)
            map->data()->setCell(h, g, a.cka[static_cast<size_t>(g)][static_cast<size_t>(h)]);
    }
    plot->xAxis->setTicker(textTicks(labels));
    plot->yAxis->setTicker(textTicks(labels));
    //: %1 = the chart title, %2 = the mean CKA between different groups
    setTitle(plot, QCoreApplication::translate("GroupsView", "%1: mean off-diagonal %2")
                       .arg(title)
                       .arg(language::decimal(a.meanOffDiagonalCka, 3)));
    plot->replot();
}

void drawAblation(QCustomPlot *plot, const GroupAnalysis &a, const QString &title)
{
    QCPAxisRect *rect = freshAxisRect(plot);
    auto *legend = new QCPLegend;
    rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer("legend");
    plot->legend = legend;
    const int c = a.cardinality;
    const bool both = !a.zeroedAccuracy.empty() && !a.keptOnlyAccuracy.empty();
    const double width = both ? 0.38 : 0.7;
    double lo = 0, hi = 0;
    const auto add = [&](const std::vector<double> &acc, const QString &name, const QColor &color, double offset) {
        if (acc.empty())
            return;
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(name);
        bars->setWidth(width);
        bars->setPen(Qt::NoPen);
        bars->setBrush(color);
        for (int g = 0; g < c; ++g) {
            const double change = 100.0 * (acc[static_cast<size_t>(g)] - a.accuracy);
            bars->addData(g + offset, change);
            lo = std::min(lo, change);
            hi = std::max(hi, change);
        }
    };
    add(a.zeroedAccuracy, QCoreApplication::translate("GroupsView", "group zeroed"), QColor(214, 96, 77), both ? -0.2 : 0.0);
    add(a.keptOnlyAccuracy, QCoreApplication::translate("GroupsView", "only this group kept"), QColor(67, 147, 195), both ? 0.2 : 0.0);
    QStringList labels;
    for (int g = 0; g < c; ++g)
        labels << QString("g%1").arg(g);
    plot->xAxis->setTicker(textTicks(labels));
    plot->xAxis->setRange(-0.6, c - 0.4);
    plot->xAxis->setLabel(QCoreApplication::translate("GroupsView", "group"));
    plot->yAxis->setLabel(a.predictedLabels ? QCoreApplication::translate("GroupsView", "agreement change (points)")
                                            : QCoreApplication::translate("GroupsView", "accuracy change (points)"));
    const double pad = std::max(0.5, 0.08 * (hi - lo));
    plot->yAxis->setRange(lo - pad, hi + pad + 0.22 * (hi - lo + pad)); // room for the legend above the bars
    plot->legend->setVisible(true);
    //: %1 = the chart title, %2 = the accuracy without ablation in percent
    setTitle(plot, (a.predictedLabels ? QCoreApplication::translate("GroupsView", "%1: base agreement %2%")
                                      : QCoreApplication::translate("GroupsView", "%1: base accuracy %2%"))
                       .arg(title)
                       .arg(language::decimal(100.0 * a.accuracy, 2)));
    plot->replot();
}

QImage dataImage(const resnext::ImageSet &data, std::size_t index)
{
    const auto *p = data.image(index);
    if (data.channels == 3)
        return QImage(p, data.width, data.height, data.width * 3, QImage::Format_RGB888).copy();
    QImage grey(data.width, data.height, QImage::Format_Grayscale8);
    for (int y = 0; y < data.height; ++y)
        for (int x = 0; x < data.width; ++x)
            grey.scanLine(y)[x] = p[(static_cast<size_t>(y) * data.width + x) * static_cast<size_t>(data.channels)];
    return grey;
}

QImage topImagesStrip(const GroupAnalysis &a, const resnext::ImageSet &data, const std::vector<int> &order, int cell)
{
    const int label = 150, gap = 4;
    int k = 0;
    for (const auto &row : a.topImages)
        k = std::max(k, static_cast<int>(row.size()));
    QImage out(label + k * (cell + gap), static_cast<int>(order.size()) * (cell + gap) + gap, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter painter(&out);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (size_t r = 0; r < order.size(); ++r) {
        const auto g = static_cast<size_t>(order[r]);
        const int y = gap + static_cast<int>(r) * (cell + gap);
        const int pref = a.preferredClass.empty() ? -1 : a.preferredClass[g];
        painter.drawText(QRect(4, y, label - 8, cell), Qt::AlignVCenter | Qt::AlignLeft,
                         QCoreApplication::translate("GroupsView", "g%1  SI %2\n%3")
                             .arg(g)
                             .arg(language::decimal(a.selectivityIndex[g], 2))
                             .arg(pref >= 0 ? QString::fromStdString(a.classNames[static_cast<size_t>(pref)]) : ""));
        for (size_t j = 0; j < a.topImages[g].size(); ++j)
            painter.drawImage(QRect(label + static_cast<int>(j) * (cell + gap), y, cell, cell),
                              dataImage(data, a.topImages[g][j]));
    }
    return out;
}
