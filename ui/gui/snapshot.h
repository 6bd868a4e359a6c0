#pragma once
// Renders the main window offscreen to a PNG, for docs and tests.

#include "cli.h" // SnapshotRequest: the command line parses it, the window renders it


// Creates the QApplication (offscreen unless QT_QPA_PLATFORM is set), shows the
// window for the spec, grabs the panel and writes the PNG. Exit code 0 or 2.
// main() hands it to cli::run: the command line itself never builds a window.
int renderSnapshot(int argc, char **argv, const cli::SnapshotRequest &request);
