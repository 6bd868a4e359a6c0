#include "snapshot.h"

#include "mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QImageWriter>
#include <QTemporaryDir>

#include <iostream>

namespace {

// The offscreen platform warns about window-manager hints it cannot honour;
// that is expected when rendering without a display, so keep the output clean.
void quietOffscreen(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains("does not support propagateSizeHints"))
        return;
    std::cerr << qPrintable(qFormatLogMessage(type, context, message)) << "\n";
}

} // namespace

int renderSnapshot(int argc, char **argv, const SnapshotRequest &req)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (!MainWindow::panelNames().contains(QString::fromStdString(req.panel)) && req.panel != "all") {
        std::cerr << "resnext-explorer snapshot: panel: unknown name '" << req.panel
                  << "'; use all, " << MainWindow::panelNames().join(", ").toStdString() << "\n";
        return 2;
    }
    const QFileInfo out(QString::fromStdString(req.out));
    if (out.suffix().toLower() != "png") {
        std::cerr << "resnext-explorer snapshot: out: '" << req.out << "' must end in .png\n";
        return 2;
    }
    if (!out.absoluteDir().exists()) {
        std::cerr << "resnext-explorer snapshot: out: folder '" << out.absolutePath().toStdString()
                  << "' does not exist\n";
        return 2;
    }
    qInstallMessageHandler(quietOffscreen);
    QApplication app(argc, argv);
    QApplication::setApplicationVersion(RESNEXT_VERSION);
    // A private settings file: a snapshot neither reads nor changes the user's state.
    QTemporaryDir settingsDir;
    MainWindow window(settingsDir.filePath("snapshot.ini"));
    window.resize(req.width, req.height);
    window.applySpec(req.spec);
    const QString panel = QString::fromStdString(req.panel);
    if (panel != "all")
        window.showPanel(panel);
    window.show();
    QApplication::processEvents();
    QWidget *target = panel == "all" ? static_cast<QWidget *>(&window) : window.panel(panel);
    const QImage image = target->grab().toImage();
    QImageWriter writer(out.absoluteFilePath(), "png");
    if (!writer.write(image)) {
        std::cerr << "resnext-explorer snapshot: out: cannot write '" << req.out << "' ("
                  << writer.errorString().toStdString() << ")\n";
        return 2;
    }
    std::cout << "wrote " << out.absoluteFilePath().toStdString() << " (" << image.width() << "x" << image.height()
              << ")\n";
    return 0;
}
