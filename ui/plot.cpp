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
