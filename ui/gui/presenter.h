#pragma once
// Presenter mode for a lecture: View > Present (F11) puts the window full
// screen with its docks folded into a slim bar; a zoom factor (Ctrl+= / Ctrl+- /
// Ctrl+0, remembered) scales the font of every panel and of every plot; plots
// take a high-contrast theme that reads on a projector; and the keyboard (or a
// presentation clicker) drives what is on screen: Space plays or pauses the
// video and the right arrow steps it, Page Down / Page Up walk a saved sequence
// of views (model, tab, stage, block, image) like slides.

#include <QFont>
#include <QObject>
#include <QString>
#include <QVector>

class MainWindow;
class QAction;
class QCustomPlot;
class QDockWidget;
class QMenu;
class QToolBar;

// One "slide": what the window shows.
struct PresenterStep {
    QString spec;  // the model, as core's spec JSON
    bool hold = false;
    QString panel; // a MainWindow panel name
    int stage = 1; // the block diagram's stage (1-based)
    QString block; // the Classify tab's block ("" = unchanged)
    QString image; // the image file shown on the Classify tab ("" = unchanged)
};

class Presenter : public QObject {
    Q_OBJECT
public:
    // Reads the zoom and the sequence from `settingsPath` (an INI file) and
    // writes them there when they change.
    Presenter(MainWindow *window, const QString &settingsPath);
    // View menu: Present, zoom in/out/reset, add the view to the sequence, clear it.
    void addActions(QMenu *view);

    bool isPresenting() const { return m_presenting; }
    void setPresenting(bool on);
    // 1 = the normal size; clamped to 0.5 .. 3.
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void zoomIn();
    void zoomOut();

    const QVector<PresenterStep> &sequence() const { return m_sequence; }
    // -1 before the first Page Down.
    int position() const { return m_position; }
    PresenterStep currentView() const;
    void addCurrentView();
    void clearSequence();
    bool goTo(int index);
    void next();
    void previous();
    QToolBar *bar() const { return m_bar; }
    QAction *presentAction() const { return m_present; }
    // Writes the zoom and the sequence (MainWindow::saveSettings clears the file first).
    void save() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyZoom();
    void applyPlotStyle(QCustomPlot *plot);
    void restorePlotStyle(QCustomPlot *plot);
    bool handleKey(int key);

    MainWindow *m_window;
    QString m_settingsPath;
    QFont m_baseFont;
    double m_zoom = 1;
    bool m_presenting = false;
    Qt::WindowStates m_stateBefore;
    QVector<QDockWidget *> m_foldedDocks;
    QVector<PresenterStep> m_sequence;
    int m_position = -1;
    QToolBar *m_bar = nullptr;
    QAction *m_present = nullptr;
};
