#include "presenter.h"

#include "architecturepanel.h"
#include "classifypanel.h"
#include "mainwindow.h"
#include "plot.h"
#include "settingsfile.h"
#include "videoplayer.h"

#include "resnext/error.h"
#include "resnext/serialize.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTextEdit>
#include <QToolBar>

#include <algorithm>

namespace {

constexpr double kMinZoom = 0.5, kMaxZoom = 3.0, kZoomStep = 1.15;

// `current` the first time (remembered on `o` under `key`), then that remembered value.
template <typename T> T original(QObject *o, const char *key, const T &current)
{
    QVariant v = o->property(key);
    if (!v.isValid()) {
        o->setProperty(key, QVariant::fromValue(current));
        return current;
    }
    return v.value<T>();
}

QFont scaled(QFont f, double zoom)
{
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * zoom);
    else if (f.pixelSize() > 0)
        f.setPixelSize(std::max(1, static_cast<int>(f.pixelSize() * zoom + 0.5)));
    return f;
}

// Keys typed into these are text, not commands.
bool takesText(const QWidget *w)
{
    if (!w)
        return false;
    if (qobject_cast<const QLineEdit *>(w) || qobject_cast<const QAbstractSpinBox *>(w) ||
        qobject_cast<const QTextEdit *>(w) || qobject_cast<const QPlainTextEdit *>(w))
        return true;
    const auto *combo = qobject_cast<const QComboBox *>(w);
    return combo && combo->isEditable();
}

} // namespace

Presenter::Presenter(MainWindow *window, const QString &settingsPath)
    : QObject(window), m_window(window), m_settingsPath(settingsPath), m_baseFont(window->font())
{
    if (settingsFileUsable(m_settingsPath)) { // a FIFO or device would block QSettings' open(): defaults
        QSettings s(m_settingsPath, QSettings::IniFormat);
        m_zoom = std::clamp(s.value("present/zoom", 1.0).toDouble(), kMinZoom, kMaxZoom);
        const QJsonArray steps = QJsonDocument::fromJson(s.value("present/sequence").toString().toUtf8()).array();
        for (const QJsonValue &v : steps) {
            const QJsonObject o = v.toObject();
            PresenterStep step{o.value("spec").toString(), o.value("hold").toBool(), o.value("panel").toString(),
                               o.value("stage").toInt(1), o.value("block").toString(), o.value("image").toString()};
            if (!step.spec.isEmpty() && !step.panel.isEmpty())
                m_sequence.push_back(step);
        }
    }
    m_bar = new QToolBar(tr("Presenter"), window);
    m_bar->setObjectName("presenterBar");
    m_bar->setMovable(false);
    window->addToolBar(Qt::TopToolBarArea, m_bar);
    m_bar->hide();
    qApp->installEventFilter(this);
    if (m_zoom != 1.0)
        applyZoom();
}

void Presenter::addActions(QMenu *view)
{
    m_present = view->addAction(tr("&Present (full screen)"), this, [this](bool on) { setPresenting(on); });
    m_present->setObjectName("presentAction");
    m_present->setCheckable(true);
    m_present->setShortcut(QKeySequence(Qt::Key_F11));
    m_present->setToolTip(tr("Full screen, docks folded into a bar, high-contrast plots; Page Down / Page Up walk "
                             "the saved views, Space plays the video and the arrows step it a frame on or back."));
    QAction *in = view->addAction(tr("Zoom &in"), this, &Presenter::zoomIn);
    in->setShortcuts({QKeySequence(tr("Ctrl+=")), QKeySequence(tr("Ctrl++"))});
    QAction *out = view->addAction(tr("Zoom &out"), this, &Presenter::zoomOut);
    out->setShortcut(QKeySequence(tr("Ctrl+-")));
    QAction *reset = view->addAction(tr("&Normal size"), this, [this] { setZoom(1.0); });
    reset->setShortcut(QKeySequence(tr("Ctrl+0")));
    QAction *add = view->addAction(tr("&Add this view to the presentation"), this, &Presenter::addCurrentView);
    add->setObjectName("addViewAction");
    QAction *clear = view->addAction(tr("C&lear the presentation's views"), this, &Presenter::clearSequence);
    clear->setObjectName("clearViewsAction");

    // The slim bar that holds the folded docks while presenting.
    m_bar->addAction(tr("Previous view"), this, &Presenter::previous);
    m_bar->addAction(tr("Next view"), this, &Presenter::next);
    m_bar->addSeparator();
    m_bar->addAction(out);
    m_bar->addAction(in);
    m_bar->addSeparator();
    for (QDockWidget *dock : m_window->findChildren<QDockWidget *>())
        m_bar->addAction(dock->toggleViewAction());
    m_bar->addSeparator();
    m_bar->addAction(m_present);
}

void Presenter::setPresenting(bool on)
{
    if (on == m_presenting)
        return;
    m_presenting = on;
    if (m_present) {
        const QSignalBlocker b(m_present);
        m_present->setChecked(on);
    }
    if (on) {
        m_stateBefore = m_window->windowState();
        m_foldedDocks.clear();
        for (QDockWidget *dock : m_window->findChildren<QDockWidget *>())
            if (dock->isVisible()) {
                m_foldedDocks << dock;
                dock->hide();
            }
        m_bar->show();
        m_window->showFullScreen();
        m_window->statusBar()->showMessage(tr("Presenting: F11 or Esc ends; Page Down / Page Up walk the saved "
                                              "views (%n saved).",
                                              nullptr, m_sequence.size()),
                                           6000);
    } else {
        m_bar->hide();
        for (QDockWidget *dock : m_foldedDocks)
            dock->show();
        m_foldedDocks.clear();
        m_window->setWindowState(m_stateBefore & ~Qt::WindowFullScreen);
        if (!(m_stateBefore & (Qt::WindowMaximized | Qt::WindowFullScreen)))
            m_window->showNormal();
    }
    for (QCustomPlot *plot : m_window->findChildren<QCustomPlot *>()) {
        if (!plot->property("presenterHooked").toBool()) {
            plot->setProperty("presenterHooked", true);
            connect(plot, &QCustomPlot::beforeReplot, this, [this, plot] {
                if (m_presenting)
                    applyPlotStyle(plot);
            });
        }
        if (on)
            applyPlotStyle(plot);
        else
            restorePlotStyle(plot);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

// High contrast for a projector: black axes and labels, thick lines.
void Presenter::applyPlotStyle(QCustomPlot *plot)
{
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable *p = plot->plottable(i);
        QPen pen = original<QPen>(p, "presenterPen", p->pen());
        pen.setWidthF(std::max(3.0, pen.widthF() * 2));
        p->setPen(pen);
    }
    for (QCPAxisRect *rect : plot->axisRects())
        for (QCPAxis *axis : rect->axes()) {
            original<QPen>(axis, "presenterBasePen", axis->basePen());
            original<QPen>(axis, "presenterTickPen", axis->tickPen());
            original<QColor>(axis, "presenterTickColour", axis->tickLabelColor());
            original<QColor>(axis, "presenterLabelColour", axis->labelColor());
            original<QPen>(axis->grid(), "presenterGridPen", axis->grid()->pen());
            axis->setBasePen(QPen(Qt::black, 2));
            axis->setTickPen(QPen(Qt::black, 2));
            axis->setTickLabelColor(Qt::black);
            axis->setLabelColor(Qt::black);
            axis->grid()->setPen(QPen(QColor(110, 110, 110), 1, Qt::DotLine));
        }
}

void Presenter::restorePlotStyle(QCustomPlot *plot)
{
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable *p = plot->plottable(i);
        const QVariant pen = p->property("presenterPen");
        if (pen.isValid())
            p->setPen(pen.value<QPen>());
        p->setProperty("presenterPen", QVariant());
    }
    for (QCPAxisRect *rect : plot->axisRects())
        for (QCPAxis *axis : rect->axes()) {
            if (!axis->property("presenterBasePen").isValid())
                continue;
            axis->setBasePen(axis->property("presenterBasePen").value<QPen>());
            axis->setTickPen(axis->property("presenterTickPen").value<QPen>());
            axis->setTickLabelColor(axis->property("presenterTickColour").value<QColor>());
            axis->setLabelColor(axis->property("presenterLabelColour").value<QColor>());
            axis->grid()->setPen(axis->grid()->property("presenterGridPen").value<QPen>());
            for (const char *key : {"presenterBasePen", "presenterTickPen", "presenterTickColour", "presenterLabelColour"})
                axis->setProperty(key, QVariant());
            axis->grid()->setProperty("presenterGridPen", QVariant());
        }
}

void Presenter::setZoom(double zoom)
{
    const double z = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (std::abs(z - m_zoom) < 1e-9)
        return;
    m_zoom = z;
    applyZoom();
    save();
    m_window->statusBar()->showMessage(tr("Zoom %1%").arg(qRound(m_zoom * 100)), 3000);
}

void Presenter::zoomIn() { setZoom(m_zoom * kZoomStep); }

void Presenter::zoomOut() { setZoom(m_zoom / kZoomStep); }

// Widgets inherit the window's font; plots keep their own fonts, scaled here
// from the ones they had before the first zoom.
void Presenter::applyZoom()
{
    m_window->setFont(scaled(m_baseFont, m_zoom));
    for (QCustomPlot *plot : m_window->findChildren<QCustomPlot *>()) {
        plot->setFont(scaled(original<QFont>(plot, "presenterFont", plot->font()), m_zoom));
        for (QCPAxisRect *rect : plot->axisRects())
            for (QCPAxis *axis : rect->axes()) {
                axis->setTickLabelFont(scaled(original<QFont>(axis, "presenterTickFont", axis->tickLabelFont()), m_zoom));
                axis->setLabelFont(scaled(original<QFont>(axis, "presenterLabelFont", axis->labelFont()), m_zoom));
            }
        if (plot->legend)
            plot->legend->setFont(scaled(original<QFont>(plot->legend, "presenterFont", plot->legend->font()), m_zoom));
        for (QCPLayoutElement *e : plot->plotLayout()->elements(true))
            if (auto *text = qobject_cast<QCPTextElement *>(e))
                text->setFont(scaled(original<QFont>(text, "presenterFont", text->font()), m_zoom));
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

PresenterStep Presenter::currentView() const
{
    PresenterStep step;
    step.spec = QString::fromStdString(resnext::specToJson(m_window->spec()));
    step.hold = m_window->architecturePanel()->holdComplexity();
    step.panel = m_window->currentPanel();
    step.stage = m_window->currentStage() + 1;
    if (auto *combo = m_window->classifyPanel()->findChild<QComboBox *>("blockCombo"))
        step.block = combo->currentText();
    if (const auto r = m_window->classifyPanel()->result())
        if (QFileInfo(r->imageName).isFile())
            step.image = QFileInfo(r->imageName).absoluteFilePath();
    return step;
}

void Presenter::addCurrentView()
{
    m_sequence.push_back(currentView());
    m_position = static_cast<int>(m_sequence.size()) - 1;
    save();
    m_window->statusBar()->showMessage(tr("View %1 added to the presentation (Page Down / Page Up walk them).")
                                           .arg(m_sequence.size()),
                                       5000);
}

void Presenter::clearSequence()
{
    m_sequence.clear();
    m_position = -1;
    save();
    m_window->statusBar()->showMessage(tr("The presentation's views are cleared."), 4000);
}

bool Presenter::goTo(int index)
{
    if (index < 0 || index >= m_sequence.size())
        return false;
    const PresenterStep &step = m_sequence[index];
    resnext::ArchSpec spec;
    try {
        spec = resnext::specFromJson(step.spec.toStdString());
    } catch (const resnext::Error &e) {
        m_window->statusBar()->showMessage(tr("View %1 cannot be shown: %2").arg(index + 1).arg(e.what()), 8000);
        return false;
    }
    m_position = index;
    m_window->setHoldComplexity(false);
    if (!m_window->applySpec(spec))
        return false;
    if (step.hold)
        m_window->setHoldComplexity(true);
    if (auto *stages = m_window->findChild<QComboBox *>("stageCombo"))
        stages->setCurrentIndex(std::clamp(step.stage - 1, 0, stages->count() - 1));
    if (auto *combo = m_window->classifyPanel()->findChild<QComboBox *>("blockCombo"); combo && !step.block.isEmpty()) {
        const int i = combo->findText(step.block);
        if (i >= 0)
            combo->setCurrentIndex(i);
    }
    if (!step.image.isEmpty() && QFileInfo(step.image).isFile()) {
        const auto r = m_window->classifyPanel()->result();
        if (!r || QFileInfo(r->imageName).absoluteFilePath() != step.image)
            m_window->openPaths({step.image});
    }
    m_window->showPanel(step.panel);
    m_window->statusBar()->showMessage(tr("View %1 of %2").arg(index + 1).arg(m_sequence.size()), 3000);
    return true;
}

void Presenter::next() { goTo(std::min(m_position + 1, static_cast<int>(m_sequence.size()) - 1)); }

void Presenter::previous() { goTo(std::max(m_position - 1, 0)); }

void Presenter::save() const
{
    if (!settingsFileUsable(m_settingsPath))
        return;
    QSettings s(m_settingsPath, QSettings::IniFormat);
    s.setValue("present/zoom", m_zoom);
    QJsonArray steps;
    for (const PresenterStep &p : m_sequence)
        steps.append(QJsonObject{{"spec", p.spec},   {"hold", p.hold},   {"panel", p.panel},
                                 {"stage", p.stage}, {"block", p.block}, {"image", p.image}});
    s.setValue("present/sequence", QString::fromUtf8(QJsonDocument(steps).toJson(QJsonDocument::Compact)));
}

bool Presenter::handleKey(int key)
{
    QWidget *focus = QApplication::focusWidget();
    if (takesText(focus))
        return false;
    VideoPlayer *video = m_window->videoPlayer();
    const bool videoShown = video && video->isOpen() && video->isVisible();
    // Outside presenting, a focused button keeps its Space and a list its arrows.
    const bool ownKeys = m_presenting || !(qobject_cast<QAbstractButton *>(focus) ||
                                           qobject_cast<QAbstractItemView *>(focus) ||
                                           qobject_cast<QAbstractSlider *>(focus));
    switch (key) {
    case Qt::Key_Space:
        if (!videoShown || !ownKeys)
            return false;
        video->isPlaying() ? video->pause() : video->play();
        return true;
    case Qt::Key_Right:
        if (!videoShown || !ownKeys)
            return false;
        if (video->isPlaying())
            video->pause();
        video->step();
        return true;
    case Qt::Key_Left:
        // A file steps one frame back (and pauses); a camera only pauses.
        if (!videoShown || !ownKeys)
            return false;
        video->stepBack();
        return true;
    case Qt::Key_PageDown:
    case Qt::Key_PageUp:
        if (m_sequence.isEmpty() || !(m_presenting || ownKeys))
            return false;
        key == Qt::Key_PageDown ? next() : previous();
        return true;
    case Qt::Key_Escape:
        if (!m_presenting)
            return false;
        setPresenting(false);
        return true;
    default:
        return false;
    }
}

bool Presenter::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress && event->type() != QEvent::ShortcutOverride)
        return false;
    auto *w = qobject_cast<QWidget *>(watched);
    if (!w || w->window() != m_window)
        return false;
    auto *key = static_cast<QKeyEvent *>(event);
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return false;
    if (event->type() == QEvent::ShortcutOverride)
        return false;
    return handleKey(key->key());
}
