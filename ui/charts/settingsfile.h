#pragma once
// The window's settings file: a "file" that is a FIFO or a device would block
// QSettings' open() forever (no window would ever appear), so every reader and
// writer of the settings checks this first; only a regular file, or none, is used.

#include <QFile>
#include <QString>

#include <sys/stat.h>

inline bool settingsFileUsable(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) != 0 || S_ISREG(st.st_mode);
}
