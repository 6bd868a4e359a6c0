#include "paperview.h"

#include "language.h"

#include "resnext/error.h"
#include "resnext/plan.h"

#include <QCoreApplication>
#include <QPainter>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTabBar>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace resnext;

// Translations of the tables' text (context "PaperText").
struct PaperText {
    Q_DECLARE_TR_FUNCTIONS(PaperText)
};

namespace paper {

namespace {


QString millions(std::int64_t v) { return language::decimal(static_cast<double>(v) / 1e6, 2) + " M"; }
QString billions(std::int64_t v) { return language::decimal(static_cast<double>(v) / 1e9, 2) + " G"; }
// A published figure as the paper prints it: "25.5×10⁶".
QString published(double mantissa, int decimals, const char *power)
{
    return language::decimal(mantissa, decimals) + QString::fromUtf8("×10") + QString::fromUtf8(power);
}

ArchSpec imagenetSpec(std::vector<int> layers, int c, int d, int input = 224)
{
    ArchSpec s;
    s.layers = std::move(layers);
    s.cardinality = c;
    s.width = d;
    s.inputSize = input;
    return s;
}

// The paper's "3×3, 128, C=32" etc. for one stage's first block, from the plan.
struct StageRow {
    QString output;   // "56×56"
    QString template_; // the block's convolutions, one per line
    int blocks = 0;
    StageCost cost;
};

QString side(int n) { return QString("%1×%1").arg(n); }

std::vector<StageRow> stageRows(const ArchSpec &spec)
{
    const Summary sum = summarize(spec);
    const std::vector<LayerInfo> plan = planLayers(spec);
    std::vector<StageRow> rows(spec.numStages() + 2);
    for (const LayerInfo &l : plan) {
        StageRow &r = rows[static_cast<size_t>(l.stage)];
        if (l.stage == 0) {
            if (l.kind == LayerKind::Conv) { // the max-pool is drawn in conv2's row, as the paper does
                r.template_ = PaperText::tr("%1×%1, %2, stride %3").arg(l.kernel).arg(l.channels).arg(l.stride);
                r.output = side(l.height);
            }
        } else if (l.stage <= spec.numStages()) {
            r.output = side(l.height);
            r.blocks = std::max(r.blocks, l.block + 1);
            if (l.block == 0 && l.kind == LayerKind::Conv &&
                (l.role == LayerRole::Reduce || l.role == LayerRole::Grouped || l.role == LayerRole::Expand)) {
                QString line = QString("%1×%1, %2").arg(l.kernel).arg(l.channels);
                if (l.groups > 1)
                    line += QString(", C=%1").arg(l.groups);
                r.template_ += (r.template_.isEmpty() ? QString() : QString("\n")) + line;
            }
        }
    }
    // The max-pool belongs to the paper's conv2 row.
    for (const LayerInfo &l : plan)
        if (l.kind == LayerKind::MaxPool && spec.numStages() > 0)
            rows[1].template_ = PaperText::tr("%1×%1 max pool, stride %2").arg(l.kernel).arg(l.stride) + "\n" + rows[1].template_;
    const LayerInfo &fc = plan.back();
    rows.back().output = side(1);
    rows.back().template_ = PaperText::tr("global average pool\n%1-d fc, softmax").arg(fc.channels);
    for (size_t i = 0; i < rows.size() && i < sum.stages.size(); ++i)
        rows[i].cost = sum.stages[i];
    return rows;
}

} // namespace

const std::vector<int> &table2Cardinalities()
{
    static const std::vector<int> c{1, 2, 4, 8, 32};
    return c;
}

std::vector<Table2Row> table2Rows(const ArchSpec &spec, MatchBy by)
{
    std::vector<Table2Row> rows;
    if (spec.block != BlockKind::Bottleneck)
        return rows;
    for (int c : table2Cardinalities()) {
        const MatchResult m = matchWidth(spec, c, by);
        rows.push_back({c, m.width, m.matched.stageGroupedWidth(0), m.matchedTotals});
    }
    return rows;
}

Table table1()
{
    const ArchSpec resnet = imagenetSpec({3, 4, 6, 3}, 1, 64);
    const ArchSpec resnext = imagenetSpec({3, 4, 6, 3}, 32, 4);
    const auto a = stageRows(resnet);
    const auto b = stageRows(resnext);
    const Totals ta = countTotals(resnet), tb = countTotals(resnext);
    Table t;
    t.title = PaperText::tr("Table 1 of the paper: ResNet-50 and ResNeXt-50 (32×4d), stage by stage, from the layer plan");
    t.header = QStringList{PaperText::tr("stage"), PaperText::tr("output"), PaperText::tr("blocks"), PaperText::tr("ResNet-50"), PaperText::tr("params"),
                           PaperText::tr("MACs"), PaperText::tr("ResNeXt-50 (32×4d)"), PaperText::tr("params"), PaperText::tr("MACs")};
    const int stages = resnet.numStages();
    for (size_t i = 0; i < a.size(); ++i) {
        const bool head = static_cast<int>(i) == stages + 1;
        const QString name = head ? QString() : QString("conv%1").arg(i + 1);
        t.rows << QStringList{name, a[i].output, a[i].blocks > 0 ? QString("×%1").arg(a[i].blocks) : QString(),
                              a[i].template_, millions(a[i].cost.params), billions(a[i].cost.macs), b[i].template_,
                              millions(b[i].cost.params), billions(b[i].cost.macs)};
    }
    t.rows << QStringList{PaperText::tr("# params"), {}, {}, PaperText::tr("paper: %1").arg(published(25.5, 1, "⁶")), millions(ta.params),
                          {}, PaperText::tr("paper: %1").arg(published(25.0, 1, "⁶")), millions(tb.params), {}};
    t.rows << QStringList{PaperText::tr("FLOPs"), {}, {}, PaperText::tr("paper: %1").arg(published(4.1, 1, "⁹")), {}, billions(ta.macs),
                          PaperText::tr("paper: %1").arg(published(4.2, 1, "⁹")), {}, billions(tb.macs)};
    t.notes << PaperText::tr("The paper's \"FLOPs\" are multiply-adds: the app's MACs. In floating-point operations (2 × MACs) "
                  "ResNet-50 is %1 and ResNeXt-50 %2.")
                   .arg(billions(2 * ta.macs), billions(2 * tb.macs));
    t.notes << PaperText::tr("Params include BatchNorm and the fc bias; MACs count convolutions and the fc (torchvision's "
                  "convention). The paper prints 25.5 for 25.56 million.");
    return t;
}

Table table2(const ArchSpec &spec, MatchBy by)
{
    Table t;
    const ArchSpec base = baselineOf(spec);
    t.title = PaperText::tr("Table 2 of the paper, computed for %1: cardinality C and bottleneck width d at about its "
                 "complexity (matched by %2)")
                  .arg(QString::fromStdString(describe(base)), by == MatchBy::Params ? PaperText::tr("params") : PaperText::tr("MACs"));
    t.header = QStringList{PaperText::tr("cardinality C"), PaperText::tr("width d"), PaperText::tr("width of group conv\n(conv2, C × d)"),
                           PaperText::tr("params"), PaperText::tr("MACs (paper's FLOPs)")};
    const auto rows = table2Rows(spec, by);
    if (rows.empty()) {
        t.notes << PaperText::tr("Table 2 is about bottleneck blocks; the shown model has basic blocks (C = 1, d = 64).");
        return t;
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        const Table2Row &r = rows[i];
        t.rows << QStringList{QString::number(r.cardinality), QString::number(r.width), QString::number(r.groupedWidth),
                              millions(r.totals.params), billions(r.totals.macs)};
        if (spec.cardinality == r.cardinality && spec.width == r.width)
            t.highlight = static_cast<int>(i);
    }
    t.notes << PaperText::tr("For ResNet-50 the paper lists d = 64, 40, 24, 14, 4 and group-conv widths 64, 80, 96, 112, 128.");
    t.notes << PaperText::tr("The highlighted row is the model shown: turn on Hold complexity and set C to walk the table.");
    t.notes << PaperText::tr("The paper's \"FLOPs\" are multiply-adds: the app's MACs.");
    return t;
}

namespace {

struct Published {
    const char *table;
    const char *model;
    const char *setting;
    double top1;
    double top5; // < 0: not printed
    std::optional<ArchSpec> spec;
    int point = -1; // the experiment point that is this row in miniature (-1: none)
};

QString percent(double v) { return v < 0 ? QString::fromUtf8("—") : language::decimal(v, 1); }

// "8.9 ± 0.3 (3 seeds)": the miniature test error of point `i`, or a dash.
QString miniature(const ExperimentResult *r, int i)
{
    if (!r || i < 0 || i >= static_cast<int>(r->accuracy.size()) || r->accuracy[static_cast<size_t>(i)].n == 0)
        return QString::fromUtf8("—");
    const PointStats &s = r->accuracy[static_cast<size_t>(i)];
    //: Miniature test error: mean ± standard deviation over n seeds.
    return PaperText::tr("%1 ± %2 (n = %3)")
        .arg(language::decimal(100.0 * (1.0 - s.mean), 1), language::decimal(100.0 * s.stddev, 1))
        .arg(s.n);
}

int pointWithCardinality(const ExperimentResult *r, int c)
{
    if (!r)
        return -1;
    for (size_t i = 0; i < r->points.size(); ++i)
        if (r->points[i].spec.cardinality == c)
            return static_cast<int>(i);
    return -1;
}

Table publishedTable(const QString &title, const std::vector<Published> &rows, const ExperimentResult *exp,
                     bool top5)
{
    Table t;
    t.title = title;
    t.header = QStringList{PaperText::tr("table"), PaperText::tr("model"), PaperText::tr("setting"), PaperText::tr("paper\ntop-1 err. (%)")};
    if (top5)
        t.header << PaperText::tr("paper\ntop-5 err. (%)");
    t.header << PaperText::tr("app: params") << PaperText::tr("app: MACs\n(paper's FLOPs)") << PaperText::tr("app: miniature\nerror (%)");
    for (const Published &p : rows) {
        QStringList row{QString::fromUtf8(p.table), QString::fromUtf8(p.model), QString::fromUtf8(p.setting),
                        percent(p.top1)};
        if (top5)
            row << percent(p.top5);
        if (p.spec) {
            const Totals tot = countTotals(*p.spec);
            row << millions(tot.params) << billions(tot.macs);
        } else {
            row << QString::fromUtf8("—") << QString::fromUtf8("—");
        }
        row << miniature(exp, p.point);
        t.rows << row;
    }
    if (exp)
        t.notes << PaperText::tr("Miniature: test error of the Experiments tab's last run (%1; %2).")
                       .arg(QString::fromStdString(exp->name), QString::fromStdString(exp->dataDescription).left(90));
    else
        t.notes << PaperText::tr("The miniature column fills in when the matching sweep has run on the Experiments tab.");
    t.notes << PaperText::tr("Errors are the paper's single-crop ImageNet-1K validation figures; the paper's \"FLOPs\" are "
                  "multiply-adds: the app's MACs.");
    return t;
}

} // namespace

Table table3(const ExperimentResult *exp)
{
    const std::vector<int> r50{3, 4, 6, 3}, r101{3, 4, 23, 3};
    const ExperimentResult *e = exp && exp->name.rfind("cardinality", 0) == 0 ? exp : nullptr;
    std::vector<Published> rows = {
        {"3", "ResNet-50", "1 × 64d", 23.9, -1, imagenetSpec(r50, 1, 64), pointWithCardinality(e, 1)},
        {"3", "ResNeXt-50", "2 × 40d", 23.0, -1, imagenetSpec(r50, 2, 40), pointWithCardinality(e, 2)},
        {"3", "ResNeXt-50", "4 × 24d", 22.6, -1, imagenetSpec(r50, 4, 24), pointWithCardinality(e, 4)},
        {"3", "ResNeXt-50", "8 × 14d", 22.3, -1, imagenetSpec(r50, 8, 14), pointWithCardinality(e, 8)},
        {"3", "ResNeXt-50", "32 × 4d", 22.2, -1, imagenetSpec(r50, 32, 4), pointWithCardinality(e, 32)},
        {"3", "ResNet-101", "1 × 64d", 22.0, -1, imagenetSpec(r101, 1, 64), -1},
        {"3", "ResNeXt-101", "2 × 40d", 21.7, -1, imagenetSpec(r101, 2, 40), -1},
        {"3", "ResNeXt-101", "4 × 24d", 21.4, -1, imagenetSpec(r101, 4, 24), -1},
        {"3", "ResNeXt-101", "8 × 14d", 21.3, -1, imagenetSpec(r101, 8, 14), -1},
        {"3", "ResNeXt-101", "32 × 4d", 21.2, -1, imagenetSpec(r101, 32, 4), -1},
    };
    return publishedTable(PaperText::tr("Table 3 of the paper: cardinality at preserved complexity (ResNet-50, top; ResNet-101, "
                             "bottom), beside the app's counts"),
                          rows, e, false);
}

Table table45(const ExperimentResult *exp)
{
    const std::vector<int> r101{3, 4, 23, 3}, r200{3, 24, 36, 3};
    const ExperimentResult *e = exp && exp->name.rfind("double", 0) == 0 ? exp : nullptr;
    std::vector<Published> rows = {
        {"4", "ResNet-101", "1 × 64d", 22.0, 6.0, imagenetSpec(r101, 1, 64), 0},
        {"4", "ResNeXt-101", "32 × 4d", 21.2, 5.6, imagenetSpec(r101, 32, 4), -1},
        {"4", "ResNet-200", "1 × 64d", 21.7, 5.8, imagenetSpec(r200, 1, 64), 1},
        {"4", "ResNet-101, wider", "1 × 100d", 21.3, 5.7, imagenetSpec(r101, 1, 100), 2},
        {"4", "ResNeXt-101", "2 × 64d", 20.7, 5.5, imagenetSpec(r101, 2, 64), 3},
        {"4", "ResNeXt-101", "64 × 4d", 20.4, 5.3, imagenetSpec(r101, 64, 4), 4},
        {"5", "ResNet-200", "320×320", 20.1, 4.8, imagenetSpec(r200, 1, 64, 320), -1},
        {"5", "Inception-v3", "299×299", 21.2, 5.6, std::nullopt, -1},
        {"5", "Inception-v4", "299×299", 20.0, 5.0, std::nullopt, -1},
        {"5", "Inception-ResNet-v2", "299×299", 19.9, 4.9, std::nullopt, -1},
        {"5", "ResNeXt-101 (64 × 4d)", "320×320", 19.1, 4.4, imagenetSpec(r101, 64, 4, 320), -1},
    };
    if (!e)
        for (Published &p : rows)
            p.point = -1;
    Table t = publishedTable(PaperText::tr("Tables 4 and 5 of the paper: twice the complexity of ResNet-101 (224×224), and the "
                                "state of the art at 320×320 / 299×299, beside the app's counts"),
                             rows, e, true);
    t.notes.insert(0, PaperText::tr("Table 5's 224×224 rows repeat Table 4's (ResNet-101 22.0, ResNet-200 21.7, "
                         "ResNeXt-101 64×4d 20.4)."));
    return t;
}

} // namespace paper

// ------------------------------------------------------------------ the view

struct PaperTableView::Layout {
    double scale = 1;
    QPointF offset;
    QSizeF natural;
    QRectF title;
    std::vector<double> colX, colW; // natural coordinates
    std::vector<double> rowY, rowH; // row 0 = header
    std::vector<QRectF> notes;
    QFont font, bold, titleFont;
};

namespace {
constexpr double kPad = 6;
}

PaperTableView::PaperTableView(QWidget *parent) : QWidget(parent) { setAutoFillBackground(false); }

void PaperTableView::setTable(const paper::Table &table)
{
    m_table = table;
    update();
}

PaperTableView::Layout PaperTableView::layout(const QSize &size) const
{
    Layout L;
    L.font = font(); // the window's font: presenter mode's zoom scales the tables too
    L.bold = L.font;
    L.bold.setBold(true);
    L.titleFont = L.bold;
    if (L.titleFont.pointSizeF() > 0)
        L.titleFont.setPointSizeF(L.titleFont.pointSizeF() * 1.1);
    const QFontMetricsF fm(L.font), fb(L.bold), ft(L.titleFont);
    const auto measure = [](const QFontMetricsF &m, const QString &text) {
        return m.boundingRect(QRectF(0, 0, 1e6, 1e6), Qt::AlignLeft | Qt::AlignTop, text).size();
    };
    const int cols = static_cast<int>(m_table.header.size());
    L.colW.assign(static_cast<size_t>(cols), 0);
    QList<QStringList> all = m_table.rows;
    all.prepend(m_table.header);
    for (int r = 0; r < all.size(); ++r) {
        double h = fm.height();
        for (int c = 0; c < cols && c < all[r].size(); ++c) {
            // Bold for every row: the highlighted row is drawn bold.
            const QSizeF s = measure(fb, all[r][c]);
            L.colW[static_cast<size_t>(c)] = std::max(L.colW[static_cast<size_t>(c)], s.width() + 2 * kPad);
            h = std::max(h, s.height());
        }
        L.rowH.push_back(h + kPad);
    }
    double tableW = 0;
    for (double w : L.colW) {
        L.colX.push_back(tableW);
        tableW += w;
    }
    // The title and notes wrap at the table's width (at least 480).
    const double textW = std::max(tableW, 480.0);
    const QSizeF title = ft.boundingRect(QRectF(0, 0, textW, 1e6), Qt::AlignLeft | Qt::TextWordWrap, m_table.title).size();
    L.title = QRectF(0, 0, textW, title.height());
    double y = title.height() + kPad;
    for (double h : L.rowH) {
        L.rowY.push_back(y);
        y += h;
    }
    y += kPad;
    for (const QString &n : m_table.notes) {
        const QSizeF s = fm.boundingRect(QRectF(0, 0, textW, 1e6), Qt::AlignLeft | Qt::TextWordWrap, n).size();
        L.notes.push_back(QRectF(0, y, textW, s.height()));
        y += s.height() + 2;
    }
    L.natural = QSizeF(std::max(tableW, textW) + 2 * kPad, y + kPad);
    // Scaled as a whole to fit; grows up to 2.5x on a large screen or slide.
    const double margin = 8;
    L.scale = std::min({(size.width() - 2 * margin) / L.natural.width(),
                        (size.height() - 2 * margin) / L.natural.height(), 2.5});
    L.scale = std::max(L.scale, 0.05);
    L.offset = QPointF((size.width() - L.natural.width() * L.scale) / 2 + kPad * L.scale, margin);
    return L;
}

std::vector<QRectF> PaperTableView::textRects(const QSize &size, double *scale) const
{
    const Layout L = layout(size);
    if (scale)
        *scale = L.scale;
    const auto map = [&](const QRectF &r) {
        return QRectF(L.offset + r.topLeft() * L.scale, r.size() * L.scale);
    };
    std::vector<QRectF> out{map(L.title)};
    for (size_t r = 0; r < L.rowY.size(); ++r)
        for (size_t c = 0; c < L.colX.size(); ++c)
            out.push_back(map(QRectF(L.colX[c] + kPad, L.rowY[r] + kPad / 2, L.colW[c] - 2 * kPad, L.rowH[r] - kPad)));
    for (const QRectF &n : L.notes)
        out.push_back(map(n));
    return out;
}

void PaperTableView::paintFigure(QPainter &p, const QSize &size) const
{
    p.fillRect(QRect(QPoint(), size), Qt::white);
    const Layout L = layout(size);
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.translate(L.offset);
    p.scale(L.scale, L.scale);
    p.setPen(Qt::black);
    p.setFont(L.titleFont);
    p.drawText(L.title, Qt::AlignLeft | Qt::TextWordWrap, m_table.title);
    const double tableW = L.colX.empty() ? 0 : L.colX.back() + L.colW.back();
    for (size_t r = 0; r < L.rowY.size(); ++r) {
        const QRectF row(0, L.rowY[r], tableW, L.rowH[r]);
        if (r == 0)
            p.fillRect(row, QColor(230, 236, 245));
        else if (static_cast<int>(r) - 1 == m_table.highlight)
            p.fillRect(row, QColor(255, 226, 120));
        else if (r % 2 == 0)
            p.fillRect(row, QColor(247, 247, 247));
        const QStringList &cells = r == 0 ? m_table.header : m_table.rows[static_cast<int>(r) - 1];
        p.setFont(r == 0 || static_cast<int>(r) - 1 == m_table.highlight ? L.bold : L.font);
        for (size_t c = 0; c < L.colX.size() && c < static_cast<size_t>(cells.size()); ++c) {
            const QRectF cell(L.colX[c] + kPad, L.rowY[r] + kPad / 2, L.colW[c] - 2 * kPad, L.rowH[r] - kPad);
            // Numbers right-aligned, words left-aligned, as tables in papers are.
            const QString &text = cells[static_cast<int>(c)];
            static const QRegularExpression number(QString::fromUtf8("^([0-9][0-9.,]*( [MG]| ±.*)?|—)$"));
            const bool numeric = r > 0 && number.match(text).hasMatch();
            p.drawText(cell, (numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
        }
        p.setPen(QPen(QColor(160, 160, 160), 0.8));
        p.drawLine(QPointF(0, row.bottom()), QPointF(tableW, row.bottom()));
        p.setPen(Qt::black);
    }
    if (!L.rowY.empty()) {
        p.setPen(QPen(Qt::black, 1.4));
        p.drawLine(QPointF(0, L.rowY.front()), QPointF(tableW, L.rowY.front()));
        p.drawLine(QPointF(0, L.rowY.back() + L.rowH.back()), QPointF(tableW, L.rowY.back() + L.rowH.back()));
    }
    p.setPen(QColor(60, 60, 60));
    p.setFont(L.font);
    for (size_t i = 0; i < L.notes.size(); ++i)
        p.drawText(L.notes[i], Qt::AlignLeft | Qt::TextWordWrap, m_table.notes[static_cast<int>(i)]);
    p.restore();
}

void PaperTableView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    paintFigure(p, size());
}

PaperView::PaperView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_bar = new QTabBar;
    m_bar->setObjectName("paperTables");
    m_bar->setExpanding(false);
    m_stack = new QStackedWidget;
    const char *names[] = {"paper-table1", "paper-table2", "paper-table3", "paper-tables4-5"};
    const QStringList titles{tr("Table 1: ResNet-50 / ResNeXt-50"), tr("Table 2: C and d"),
                             tr("Table 3: cardinality"), tr("Tables 4-5: 2x complexity")};
    for (int i = 0; i < 4; ++i) {
        auto *v = new PaperTableView;
        registerFigure(v, names[i]);
        m_views.push_back(v);
        m_stack->addWidget(v);
        m_bar->addTab(titles[i]);
    }
    layout->addWidget(m_bar);
    layout->addWidget(m_stack, 1);
    connect(m_bar, &QTabBar::currentChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_views[0]->setTable(paper::table1());
    m_views[2]->setTable(paper::table3(nullptr));
    m_views[3]->setTable(paper::table45(nullptr));
}

void PaperView::setSpec(const ArchSpec &spec, MatchBy by)
{
    try {
        m_views[1]->setTable(paper::table2(spec, by));
    } catch (const Error &e) {
        paper::Table t;
        t.title = tr("Table 2 cannot be computed for this model: %1").arg(QString::fromStdString(e.what()));
        m_views[1]->setTable(t);
    }
}

void PaperView::setExperiment(std::shared_ptr<const ExperimentResult> result)
{
    if (!result)
        return;
    if (result->name.rfind("cardinality", 0) == 0) {
        m_cardinality = result;
        m_views[2]->setTable(paper::table3(result.get()));
    } else if (result->name.rfind("double", 0) == 0) {
        m_twice = result;
        m_views[3]->setTable(paper::table45(result.get()));
    }
}

void PaperView::showTable(int index) { m_bar->setCurrentIndex(index); }

int PaperView::currentTable() const { return m_bar->currentIndex(); }

PaperTableView *PaperView::tableView(int index) const
{
    return index >= 0 && index < static_cast<int>(m_views.size()) ? m_views[static_cast<size_t>(index)] : nullptr;
}
