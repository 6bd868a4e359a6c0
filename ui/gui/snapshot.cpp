#include "snapshot.h"

#include "language.h"
#include "figure.h"

#include "classifypanel.h"
#include "mainwindow.h"
#include "modelservice.h"
#include "costpanel.h"
#include "videoplayer.h"
#include "groupspanel.h"

#include <QElapsedTimer>
#include <QThread>

#include "resnext/error.h"
#include "resnext/fileio.h"
#include "resnext/video.h"

#include <QApplication>
#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QSpinBox>
#include <QTemporaryDir>

#include <iostream>

namespace {

// The offscreen platform warns about window-manager hints it cannot honour;
// that is expected when rendering without a display, so keep the output clean.
void quietOffscreen(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains("does not support propagateSizeHints") || message.contains("XDG_RUNTIME_DIR not set"))
        return;
    std::cerr << qPrintable(qFormatLogMessage(type, context, message)) << "\n";
}

} // namespace

int renderSnapshot(int argc, char **argv, const cli::SnapshotRequest &req)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const QFileInfo out(QString::fromStdString(req.out));
    const auto format = figureFormat(out.suffix());
    if (!format) {
        std::cerr << "resnext-explorer snapshot: out: '" << resnext::printableText(req.out)
                  << "' must end in .png, .svg or .pdf\n";
        return 2;
    }
    if (!req.format.empty() && figureFormat(QString::fromStdString(req.format)) != format) {
        std::cerr << "resnext-explorer snapshot: format: '" << resnext::printableText(req.format)
                  << "' does not match the suffix of '" << resnext::printableText(req.out) << "'\n";
        return 2;
    }
    if (!out.absoluteDir().exists()) {
        std::cerr << "resnext-explorer snapshot: out: folder '" << out.absolutePath().toStdString()
                  << "' does not exist\n";
        return 2;
    }
    if (!req.video.empty()) {
        // A bad video file is refused here, not shown as an error panel with exit 0.
        try {
            resnext::openVideoFile(req.video);
        } catch (const resnext::Error &e) {
            std::cerr << "resnext-explorer snapshot: " << resnext::printableText(e.what(), 2000) << "\n";
            return 2;
        }
    }
    qInstallMessageHandler(quietOffscreen);
    QApplication app(argc, argv);
    QApplication::setApplicationVersion(RESNEXT_VERSION);
    language::install({}); // the system locale's language: LANG=vi_VN.UTF-8 renders the window in Vietnamese
    // A private settings file: a snapshot neither reads nor changes the user's state.
    QTemporaryDir settingsDir;
    MainWindow window(settingsDir.filePath("snapshot.ini"));
    window.resize(req.width, req.height);
    window.applySpec(req.spec);
    QString panel = QString::fromStdString(req.panel);
    // A figure (one chart, the diagram, the grid...) is drawn at --size exactly,
    // after its page has what it shows; a panel is grabbed from the window.
    QWidget *figure = nullptr;
    if (panel != "all" && !MainWindow::panelNames().contains(panel)) {
        figure = findFigure(&window, panel);
        if (!figure) {
            std::cerr << "resnext-explorer snapshot: panel: unknown name '" << resnext::printableText(req.panel)
                      << "'; use all, " << MainWindow::panelNames().join(", ").toStdString()
                      << ", or a figure: " << figureNames(&window).join(", ").toStdString() << "\n";
            return 2;
        }
        for (const QString &p : MainWindow::panelNames())
            if (window.panel(p) && (window.panel(p) == figure || window.panel(p)->isAncestorOf(figure))) {
                panel = p;
                break;
            }
    }
    if (panel != "all")
        window.showPanel(panel);
    window.show();
    QApplication::processEvents();
    if (panel == "all" || panel == "classify" || !req.image.empty() || !req.weights.empty() || !req.video.empty()) {
        // Run the real inference path and wait until its results (and Grad-CAM) are shown.
        if (req.weights.empty())
            window.startInference();
        else
            window.openWeights(QString::fromStdString(req.weights));
        if (!req.image.empty())
            window.openPaths({QString::fromStdString(req.image)});
        if (!req.video.empty()) {
            // Play for real (the figures in the bar are measured), then pause on a frame.
            if (!window.openVideo(QString::fromStdString(req.video))) {
                std::cerr << "resnext-explorer snapshot: "
                          << resnext::printableText(window.classifyPanel()->errorText().toStdString(), 2000) << "\n";
                return 2;
            }
            VideoPlayer *player = window.videoPlayer();
            QElapsedTimer playing;
            playing.start();
            while (player->framesShown() < req.videoFrames && player->isOpen() && playing.elapsed() < 120000) {
                QApplication::processEvents(QEventLoop::AllEvents, 20);
                QThread::msleep(2);
            }
            player->pause();
        }
        if (panel != "all")
            window.showPanel(panel);
        QElapsedTimer timer;
        timer.start();
        qint64 quietSince = -1;
        while (timer.elapsed() < 120000) {
            QApplication::processEvents(QEventLoop::AllEvents, 50);
            const bool settled = !window.modelService()->busy() && (window.classifyPanel()->result() ||
                                                                    !window.classifyPanel()->errorText().isEmpty());
            if (!settled) {
                quietSince = -1;
            } else if (quietSince < 0) {
                quietSince = timer.elapsed();
            } else if (timer.elapsed() - quietSince > 400) {
                break;
            }
            QThread::msleep(10);
        }
        const QString error = window.classifyPanel()->errorText();
        // The user's own image or weights failed: no PNG of an error panel, and exit 2.
        if (!error.isEmpty() && (!req.image.empty() || !req.weights.empty())) {
            std::cerr << "resnext-explorer snapshot: " << resnext::printableText(error.toStdString(), 2000) << "\n";
            return 2;
        }
        if (!error.isEmpty())
            std::cerr << "resnext-explorer snapshot: note: " << resnext::printableText(error.toStdString(), 2000)
                      << "\n";
    }
    if (panel == "groups") {
        // The groups panel's picture is an analysis of the built-in model over 1,000
        // test images, or, with --image, of the image(s) opened (as if dropped).
        const auto waitIdle = [&] {
            QElapsedTimer timer;
            timer.start();
            while ((window.modelService()->busy() || !window.modelService()->model()) && timer.elapsed() < 900000) {
                QApplication::processEvents(QEventLoop::AllEvents, 50);
                QThread::msleep(10);
            }
        };
        window.startInference();
        waitIdle();
        window.groupsPanel()->limitSpin()->setValue(1000);
        if (!req.image.empty())
            window.groupsPanel()->setSource("dropped");
        window.groupsPanel()->start();
        waitIdle();
        QApplication::processEvents();
    }
    if (panel == "cost") {
        // The cost panel's picture is the measured sweep: run it on the worker and wait.
        window.costPanel()->measure(true);
        QElapsedTimer timer;
        timer.start();
        while (window.modelService()->busy() && timer.elapsed() < 900000) {
            QApplication::processEvents(QEventLoop::AllEvents, 50);
            QThread::msleep(10);
        }
        QApplication::processEvents();
    }
    // Queued layout work (the Complexity dock grows to its table after the
    // panel's layout) settles before the picture is taken.
    for (int i = 0; i < 3; ++i)
        QApplication::processEvents();
    // The lesson is a dock beside the views it talks about: the whole window, lesson in front.
    QWidget *target = figure                                 ? figure
                      : panel == "all" || panel == "lesson" ? static_cast<QWidget *>(&window)
                                                             : window.panel(panel);
    QByteArray bytes;
    QSize written;
    if (!figure && *format == FigureFormat::Png) {
        // Encoded in memory, then written to a temporary file renamed into place: a
        // full disk leaves no partial PNG, a symlink at the path is not written through.
        const QImage image = target->grab().toImage();
        written = image.size();
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QImageWriter writer(&buffer, "png");
        if (!writer.write(image)) {
            std::cerr << "resnext-explorer snapshot: out: cannot encode '" << resnext::printableText(req.out) << "' ("
                      << writer.errorString().toStdString() << ")\n";
            return 2;
        }
    } else {
        written = figure ? QSize(req.width, req.height) : target->size();
        bytes = renderFigure(target, written, *format);
    }
    std::string_view png(bytes.constData(), static_cast<size_t>(bytes.size()));
    try {
        resnext::writeFileAtomically(out.absoluteFilePath().toStdString(), png);
    } catch (const resnext::Error &e) {
        std::cerr << "resnext-explorer snapshot: out: " << resnext::printableText(e.what(), 2000) << "\n";
        return 2;
    }
    std::cout << "wrote " << out.absoluteFilePath().toStdString() << " (" << written.width() << "x" << written.height()
              << ")\n";
    return 0;
}
