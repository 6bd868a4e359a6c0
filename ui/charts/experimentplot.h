#pragma once
// The experiment figure (accuracy on top, loss below, params and MACs under each
// point), drawn by the Experiments tab and by `experiment --plot`: a chart, no
// panel, so that the command line can draw it without the widgets.

#include "plot.h"

#include "resnext/experiment.h"

void drawExperiment(QCustomPlot *plot, const resnext::ExperimentResult &result);
