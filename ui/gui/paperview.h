#pragma once
// The Paper tab: the ResNeXt paper's tables beside what this app computes for
// the same rows. Table 1 (the per-stage templates of ResNet-50 and ResNeXt-50
// 32x4d) and Table 2 (C and d at equal complexity, for the shown depth) are
// built from the layer plan and the accounting; Tables 3-5 quote the published
// top-1 errors next to the app's params, MACs and, where an experiment ran, its
// miniature error. Each table is a figure (figure.h): drawn by one paint
// function that measures its cells and scales the whole table to fit, so it
// exports at any size and nothing overlaps.

#include "figure.h"

#include "resnext/accounting.h"
#include "resnext/experiment.h"
#include "resnext/spec.h"

#include <QList>
#include <QRectF>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QStackedWidget;
class QTabBar;

namespace paper {

// One table as data: what the view draws and the tests read.
struct Table {
    QString title;
    QStringList header;
    QList<QStringList> rows; // a cell may hold several lines ('\n')
    int highlight = -1;      // the row drawn highlighted (-1: none)
    QStringList notes;       // lines under the table
};

// One row of Table 2: cardinality C, the solver's width d, the width of the
// grouped 3x3 in the first stage (C x d), and the totals of that model.
struct Table2Row {
    int cardinality = 0;
    int width = 0;
    int groupedWidth = 0;
    resnext::Totals totals;
};

// The C's of the paper's Table 2.
const std::vector<int> &table2Cardinalities();
// Table 2 for the depth, stem and input of `spec` (bottleneck blocks), with
// the equal-complexity solver matching `by`; empty for basic blocks.
std::vector<Table2Row> table2Rows(const resnext::ArchSpec &spec, resnext::MatchBy by);

Table table1();
// The highlighted row is the one `spec` is (C and d of a row, same depth): the
// row that Hold walks to when C is set to 1, 2, 4, 8 or 32.
Table table2(const resnext::ArchSpec &spec, resnext::MatchBy by);
// `cardinality` / `twice`: the last Experiments results of those kinds (or null).
Table table3(const resnext::ExperimentResult *cardinality);
Table table45(const resnext::ExperimentResult *twice);

} // namespace paper

// One table, painted to fit any rectangle.
class PaperTableView : public QWidget, public FigurePainter {
    Q_OBJECT
public:
    explicit PaperTableView(QWidget *parent = nullptr);
    void setTable(const paper::Table &table);
    const paper::Table &table() const { return m_table; }
    void paintFigure(QPainter &painter, const QSize &size) const override;
    // The rectangles of every text drawn in an area of `size` (title, cells,
    // notes), after scaling, and the scale applied to the natural layout.
    std::vector<QRectF> textRects(const QSize &size, double *scale = nullptr) const;
    QSize sizeHint() const override { return {900, 480}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Layout;
    Layout layout(const QSize &size) const;
    paper::Table m_table;
};

class PaperView : public QWidget {
    Q_OBJECT
public:
    explicit PaperView(QWidget *parent = nullptr);
    // The shown model (Table 2 is for its depth; its row is highlighted).
    void setSpec(const resnext::ArchSpec &spec, resnext::MatchBy by);
    // An Experiments result: its points fill the miniature column of Table 3
    // (cardinality sweep) or Tables 4-5 (twice the complexity).
    void setExperiment(std::shared_ptr<const resnext::ExperimentResult> result);
    // 0 = Table 1, 1 = Table 2, 2 = Table 3, 3 = Tables 4 and 5.
    void showTable(int index);
    int currentTable() const;
    PaperTableView *tableView(int index) const;

private:
    QTabBar *m_bar = nullptr;
    QStackedWidget *m_stack = nullptr;
    std::vector<PaperTableView *> m_views;
    std::shared_ptr<const resnext::ExperimentResult> m_cardinality;
    std::shared_ptr<const resnext::ExperimentResult> m_twice;
};
