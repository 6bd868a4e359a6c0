#include "plot.h"

#include "resnext/error.h"
#include "resnext/fileio.h"

#include <QBuffer>

void addPlotTitle(QCustomPlot *plot, const QString &title)
{
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont(plot->font().family(), 11, QFont::Bold)));
}

void setLog2Axis(QCPAxis *axis, const QString &label, double lower, double upper)
{
    axis->setScaleType(QCPAxis::stLogarithmic);
    auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
    ticker->setLogBase(2);
    ticker->setSubTickCount(0);
    axis->setTicker(ticker);
    axis->setNumberFormat("f");
    axis->setNumberPrecision(0);
    axis->setLabel(label);
    axis->setRange(lower, upper);
}

void savePngAtomically(const QImage &image, const QString &path)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (image.isNull() || !image.save(&buffer, "PNG"))
        throw resnext::Error(path.toStdString() + ": cannot encode the PNG");
    resnext::writeFileAtomically(QFile::encodeName(path).toStdString(), std::string_view(png.constData(), png.size()));
}

void moveLegendBelow(QCustomPlot *plot, int columns)
{
    QCPLegend *legend = plot->legend;
    if (QCPLayoutInset *inset = plot->axisRect()->insetLayout(); inset->take(legend))
        inset->simplify();
    // Between two unbounded spacers: alone in the column, the legend's small
    // maximum width would cap the axis rect's width.
    auto *row = new QCPLayoutGrid;
    const int r = plot->plotLayout()->rowCount();
    plot->plotLayout()->addElement(r, 0, row);
    row->addElement(0, 0, new QCPLayoutElement(plot));
    row->addElement(0, 1, legend);
    row->addElement(0, 2, new QCPLayoutElement(plot));
    row->setColumnStretchFactor(0, 1);
    row->setColumnStretchFactor(1, 0.001);
    row->setColumnStretchFactor(2, 1);
    plot->plotLayout()->setRowStretchFactor(r, 0.001);
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setWrap(columns);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
}

namespace {
constexpr const char *kEmptyItem = "emptyState";
QCPItemText *emptyItem(const QCustomPlot *plot)
{
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto *t = qobject_cast<QCPItemText *>(plot->item(i)); t && t->objectName() == kEmptyItem)
            return t;
    return nullptr;
}
} // namespace

void showEmptyState(QCustomPlot *plot, const QString &text)
{
    QCPItemText *t = emptyItem(plot);
    if (!t) {
        t = new QCPItemText(plot);
        t->setObjectName(kEmptyItem);
        t->setClipToAxisRect(false);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setPositionAlignment(Qt::AlignCenter);
        t->setColor(Qt::gray);
    }
    t->setText(text);
    t->setVisible(true);
    for (QCPAxis *a : plot->axisRect()->axes())
        a->setVisible(false);
    plot->axisRect()->setAutoMargins(QCP::msNone);
    plot->axisRect()->setMargins(QMargins(10, 10, 10, 10));
    plot->legend->setVisible(false);
}

void clearEmptyState(QCustomPlot *plot)
{
    QCPItemText *t = emptyItem(plot);
    if (!t || !t->visible())
        return;
    t->setVisible(false);
    plot->xAxis->setVisible(true);
    plot->yAxis->setVisible(true);
    plot->axisRect()->setAutoMargins(QCP::msAll);
}

bool inEmptyState(const QCustomPlot *plot)
{
    const QCPItemText *t = emptyItem(plot);
    return t && t->visible();
}

QList<QRectF> tickLabelRects(QCPAxis *axis)
{
    QList<QRectF> rects;
    if (!axis->visible() || !axis->tickLabels())
        return rects;
    QVector<double> ticks;
    QVector<QString> labels;
    axis->ticker()->generate(axis->range(), axis->parentPlot()->locale(), axis->numberFormat().at(0).toLatin1(),
                             axis->numberPrecision(), ticks, nullptr, &labels);
    const QFontMetricsF fm(axis->tickLabelFont());
    const QRect ar = axis->axisRect()->rect();
    for (int i = 0; i < ticks.size(); ++i) {
        if (!axis->range().contains(ticks[i]) || labels.value(i).isEmpty())
            continue;
        const QSizeF s = fm.size(0, labels[i]);
        const double px = axis->coordToPixel(ticks[i]);
        QRectF r;
        switch (axis->axisType()) {
        case QCPAxis::atLeft:
            r = QRectF(ar.left() - axis->tickLabelPadding() - s.width(), px - s.height() / 2, s.width(), s.height());
            break;
        case QCPAxis::atRight:
            r = QRectF(ar.right() + axis->tickLabelPadding(), px - s.height() / 2, s.width(), s.height());
            break;
        case QCPAxis::atBottom:
            r = QRectF(px - s.width() / 2, ar.bottom() + axis->tickLabelPadding(), s.width(), s.height());
            break;
        case QCPAxis::atTop:
            r = QRectF(px - s.width() / 2, ar.top() - axis->tickLabelPadding() - s.height(), s.width(), s.height());
            break;
        }
        rects << r;
    }
    return rects;
}

void keepTicksApart(QCustomPlot *plot)
{
    QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot] {
        for (int i = 0; i < plot->axisRectCount(); ++i)
            for (QCPAxis *axis : plot->axisRect(i)->axes()) {
                if (!axis->visible() || axis->scaleType() == QCPAxis::stLogarithmic ||
                    qSharedPointerDynamicCast<QCPAxisTickerText>(axis->ticker()))
                    continue;
                const QFontMetricsF fm(axis->tickLabelFont());
                const bool vertical = axis->orientation() == Qt::Vertical;
                const double length = vertical ? axis->axisRect()->height() : axis->axisRect()->width();
                // A label's extent plus as much again between neighbours.
                const double per = vertical ? fm.height() * 2.0 : fm.horizontalAdvance("-0.000") * 1.8;
                axis->ticker()->setTickCount(std::clamp(static_cast<int>(length / per), 2, 6));
            }
    });
}

namespace {

// `text` in two lines, broken at the space nearest its middle (unchanged without one).
QString inTwoLines(const QString &text)
{
    int best = -1;
    for (int i = 0; i < text.size(); ++i)
        if (text[i] == ' ' && (best < 0 || std::abs(i - text.size() / 2) < std::abs(best - text.size() / 2)))
            best = i;
    if (best < 0)
        return text;
    QString out = text;
    out[best] = '\n';
    return out;
}

} // namespace

double axisTitleLength(const QCPAxis *axis)
{
    return QFontMetricsF(axis->labelFont()).boundingRect(QRectF(), Qt::TextDontClip, axis->label()).width();
}

void keepAxisTitlesWhole(QCustomPlot *plot)
{
    QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot] {
        bool changed = false;
        for (int i = 0; i < plot->axisRectCount(); ++i)
            for (QCPAxis *axis : plot->axisRect(i)->axes()) {
                if (axis->orientation() != Qt::Vertical || !axis->visible())
                    continue;
                // The title as the code set it (this function may have broken it).
                const QString current = axis->label();
                const QString title = current == axis->property("resnextWrapped").toString()
                                          ? axis->property("resnextTitle").toString()
                                          : current;
                const double room = plot->height() - 2.0 * std::abs(axis->axisRect()->rect().center().y() -
                                                                    plot->height() / 2.0);
                const bool fits =
                    QFontMetricsF(axis->labelFont()).horizontalAdvance(title) + 4 <= std::min<double>(room, plot->height());
                const QString wanted = fits ? title : inTwoLines(title);
                axis->setProperty("resnextTitle", title);
                axis->setProperty("resnextWrapped", wanted == title ? QString() : wanted);
                if (wanted != current) {
                    axis->setLabel(wanted);
                    changed = true;
                }
            }
        if (changed) // the margins follow the title's new width
            plot->replot(QCustomPlot::rpQueuedReplot);
    });
}
