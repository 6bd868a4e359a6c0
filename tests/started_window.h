#pragma once
// The window as most GUI tests open it: shown, its model loading on the worker,
// with the two views the tests drive. Bind them: auto &[w, p, c] = window.

#include "classifypanel.h"
#include "mainwindow.h"
#include "videoplayer.h"

#include <QString>

struct StartedWindow {
    explicit StartedWindow(const QString &settings) : w(settings)
    {
        w.show();
        w.startInference();
    }
    MainWindow w;
    VideoPlayer *p = w.videoPlayer();
    ClassifyPanel *c = w.classifyPanel();
};
