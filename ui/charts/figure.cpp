#include "figure.h"
#include "language.h"

#include "plot.h"

#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/text.h"

#include <QApplication>
#include <QBuffer>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSvgGenerator>

#include <cmath>

namespace {

constexpr const char *kFigureProperty = "resnextFigure";

// Paints a view that is not a FigurePainter or a plot: laid out at `logical`
// for the time of the render, its plots replotted at that size.
void paintWidget(QWidget *view, QPainter &painter, const QSize &logical)
{
    const QSize old = view->size();
    const bool wasHidden = view->isHidden();
    view->resize(logical);
    if (view->layout())
        view->layout()->activate();
    for (QWidget *w : view->findChildren<QWidget *>())
        if (w->layout())
            w->layout()->activate();
    QApplication::sendPostedEvents();
    for (QCustomPlot *p : view->findChildren<QCustomPlot *>())
        p->replot(QCustomPlot::rpImmediateRefresh);
    view->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren | QWidget::DrawWindowBackground);
    view->resize(old);
    if (view->layout())
        view->layout()->activate();
    if (wasHidden)
        view->hide();
}

void paintView(QWidget *view, QPaintDevice *device, const QSize &size, bool vector)
{
    QCPPainter painter(device);
    painter.setRenderHint(QPainter::Antialiasing);
    if (vector) {
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
    }
    const double k = std::max(1.0, std::min(size.width() / 1280.0, size.height() / 720.0));
    const QSize logical(static_cast<int>(std::floor(size.width() / k)), static_cast<int>(std::floor(size.height() / k)));
    painter.fillRect(QRect(QPoint(), size), Qt::white);
    painter.save();
    painter.scale(k, k);
    if (const auto *fp = dynamic_cast<const FigurePainter *>(view)) {
        fp->paintFigure(painter, logical);
    } else if (auto *plot = qobject_cast<QCustomPlot *>(view)) {
        // QCustomPlot lays itself out at the requested size and draws vectors.
        plot->toPainter(&painter, logical.width(), logical.height());
    } else {
        paintWidget(view, painter, logical);
    }
    painter.restore();
}

} // namespace

std::optional<FigureFormat> figureFormat(const QString &suffix)
{
    return resnext::lookupName<FigureFormat>(suffix.toLower().toStdString(), {{"png", FigureFormat::Png},
                                                                              {"svg", FigureFormat::Svg},
                                                                              {"pdf", FigureFormat::Pdf}});
}

std::optional<QSize> parseFigureSize(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == "hd" || t == "1080p")
        return QSize(1920, 1080);
    if (t == "4k" || t == "2160p")
        return QSize(3840, 2160);
    static const QRegularExpression re("^(\\d{1,5})x(\\d{1,5})$");
    const auto m = re.match(t);
    if (!m.hasMatch())
        return std::nullopt;
    const int w = m.captured(1).toInt(), h = m.captured(2).toInt();
    if (w < 16 || h < 16 || w > 16384 || h > 16384)
        return std::nullopt;
    return QSize(w, h);
}

void registerFigure(QWidget *view, const QString &name)
{
    view->setProperty(kFigureProperty, name);
    if (auto *plot = qobject_cast<QCustomPlot *>(view)) {
        keepTicksApart(plot);
        keepAxisTitlesWhole(plot);
    }
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view](const QPoint &pos) {
        QMenu menu;
        menu.addAction(QApplication::translate("Figure", "Export figure (PNG, SVG or PDF)..."), view,
                       [view] { exportFigureInteractively(view); });
        menu.exec(view->mapToGlobal(pos));
    });
}

QString figureName(const QWidget *view) { return view ? view->property(kFigureProperty).toString() : QString(); }

QStringList figureNames(const QWidget *root)
{
    QStringList names;
    for (const QWidget *w : root->findChildren<QWidget *>())
        if (!figureName(w).isEmpty())
            names << figureName(w);
    names.sort();
    names.removeDuplicates();
    return names;
}

QWidget *findFigure(const QWidget *root, const QString &name)
{
    for (QWidget *w : root->findChildren<QWidget *>())
        if (figureName(w) == name)
            return w;
    return nullptr;
}

QByteArray renderFigure(QWidget *view, const QSize &size, FigureFormat format, const QString &title)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    const QString docTitle = title.isEmpty() ? figureName(view) : title;
    if (format == FigureFormat::Png) {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        paintView(view, &image, size, false);
        image.save(&buffer, "PNG");
    } else if (format == FigureFormat::Svg) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(), size));
        svg.setTitle(docTitle);
        svg.setDescription(QStringLiteral("ResNeXt Explorer %1").arg(RESNEXT_VERSION));
        paintView(view, &svg, size, true);
    } else {
        // One page of exactly `size` points (1/72 in), drawn 1:1 in points.
        QPdfWriter pdf(&buffer);
        pdf.setTitle(docTitle);
        pdf.setCreator(QStringLiteral("ResNeXt Explorer %1").arg(RESNEXT_VERSION));
        pdf.setResolution(72);
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        paintView(view, &pdf, size, true);
    }
    return bytes;
}

bool writeFigure(QWidget *view, const QString &path, const QSize &size, QString *error)
{
    const auto format = figureFormat(QFileInfo(path).suffix());
    if (!format) {
        if (error)
            *error = QApplication::translate("Figure", "%1: unsupported figure format '.%2'; use .png, .svg or .pdf")
                         .arg(path, QFileInfo(path).suffix());
        return false;
    }
    const QByteArray bytes = renderFigure(view, size, *format);
    if (bytes.isEmpty()) {
        if (error)
            *error = QApplication::translate("Figure", "%1: the figure could not be drawn").arg(path);
        return false;
    }
    try {
        // A temporary file synced and renamed into place (0644, like any document).
        resnext::writeFileAtomically(path.toStdString(), std::string_view(bytes.constData(), bytes.size()));
    } catch (const resnext::Error &e) {
        if (error)
            *error = language::coreMessage(e.what());
        return false;
    }
    return true;
}

void exportFigureInteractively(QWidget *view)
{
    QDialog dialog(view);
    dialog.setWindowTitle(QApplication::translate("Figure", "Export figure"));
    auto *form = new QFormLayout(&dialog);
    auto *size = new QComboBox;
    size->setEditable(true);
    size->addItems({"1920x1080", "3840x2160", "1280x720", "1600x900"});
    size->setToolTip(QApplication::translate("Figure", "Pixels of the PNG (points of the SVG or PDF): a preset or "
                                                       "any WxH, whatever the window's size."));
    form->addRow(QApplication::translate("Figure", "&Size (W x H):"), size);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto chosen = parseFigureSize(size->currentText());
    if (!chosen) {
        QMessageBox::warning(view, QApplication::translate("Figure", "Export figure"),
                             QApplication::translate("Figure", "'%1' is not a size: write it as WxH, e.g. 1920x1080.")
                                 .arg(size->currentText()));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        view, QApplication::translate("Figure", "Export figure"), figureName(view) + ".png",
        QApplication::translate("Figure", "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    QString error;
    if (!path.isEmpty() && !writeFigure(view, path, *chosen, &error))
        QMessageBox::warning(view, QApplication::translate("Figure", "Export figure"), error);
}
