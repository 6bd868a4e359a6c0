#pragma once
// Renders the main window offscreen to a PNG, for docs and tests.

#include "resnext/spec.h"

#include <string>

struct SnapshotRequest {
    std::string out;           // PNG path to write
    std::string panel = "all"; // all, architecture, complexity, block, charts, cost (measures the sweep), layers
    resnext::ArchSpec spec;
    int width = 1600;
    int height = 1000;
    std::string image;   // classify this image first (classify panel / whole window)
    std::string weights; // with these weights instead of the built-in model
    std::string video;   // play this video file in the classify panel ...
    int videoFrames = 30; // ... until this many frames were shown, then pause (Grad-CAM of the last)
};

// Creates the QApplication (offscreen unless QT_QPA_PLATFORM is set), shows the
// window for the spec, grabs the panel and writes the PNG. Exit code 0 or 2.
int renderSnapshot(int argc, char **argv, const SnapshotRequest &request);
