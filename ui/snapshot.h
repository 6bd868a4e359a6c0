#pragma once
// Renders the main window offscreen to a PNG, for docs and tests.

#include "resnext/spec.h"

#include <string>

struct SnapshotRequest {
    std::string out;           // file to write: .png, .svg or .pdf
    std::string format;        // png, svg or pdf; empty: from out's suffix (must agree when given)
    // all, a panel (architecture, complexity, block, charts, cost (measures the sweep), layers, ...)
    // or a figure (cardinality, block-diagram, feature-grid, ...: drawn at width x height exactly)
    std::string panel = "all";
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
