#pragma once
// The group analysis's figures (resnext/groups.h), drawn the same way by the
// Groups tab and by `resnext-explorer groups` (offscreen, to PNG): the group x
// class selectivity heat map, the C x C CKA matrix, the ablation bars and the
// strips of each group's top images.

#include "plot.h"

#include "resnext/dataset.h"
#include "resnext/groups.h"

#include <QImage>

#include <vector>

// Row order of the groups: 0..C-1, or by selectivity index, most selective first.
std::vector<int> groupOrder(const resnext::GroupAnalysis &a, bool bySelectivity);

// Heat map of each group's mean energy per class (rows: groups in `order`,
// labelled "g3  SI 0.42"), with a colour scale.
void drawSelectivity(QCustomPlot *plot, const resnext::GroupAnalysis &a, const std::vector<int> &order,
                     const QString &title);
// C x C linear CKA matrix on [0, 1]; the title carries the mean off-diagonal value.
void drawCka(QCustomPlot *plot, const resnext::GroupAnalysis &a, const QString &title);
// Accuracy change (percentage points) per group when it is zeroed (and when it is kept alone).
void drawAblation(QCustomPlot *plot, const resnext::GroupAnalysis &a, const QString &title);

// Image `index` of `data` as a grey or RGB QImage at its own size.
QImage dataImage(const resnext::ImageSet &data, std::size_t index);
// One row per group (in `order`): its label, then its top images scaled to `cell` pixels.
QImage topImagesStrip(const resnext::GroupAnalysis &a, const resnext::ImageSet &data, const std::vector<int> &order,
                      int cell);
