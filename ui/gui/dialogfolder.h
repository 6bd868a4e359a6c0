#pragma once
// Where the panels' file dialogs start: the window's last folder (sample_images/
// on first use), remembered when a dialog picks a file. Set by MainWindow.

#include <QDir>
#include <QFileInfo>
#include <QString>

#include <functional>

struct DialogFolder {
    std::function<QString()> start;                   // the folder to open a dialog in
    std::function<void(const QString &path)> remember; // a file or folder the user picked

    QString in(const QString &fileName) const { return start ? QDir(start()).filePath(fileName) : fileName; }
    QString folder() const { return start ? start() : QString(); }
    void picked(const QString &path) const
    {
        if (remember && !path.isEmpty())
            remember(path);
    }
};
