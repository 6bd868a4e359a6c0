#include "complexitypanel.h"

#include "language.h"

#include <QCoreApplication>

#include "resnext/report.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

using namespace resnext;

namespace {

// Counts first, then the cost beyond FLOPs (cost.h): activations, bytes moved,
// MACs per byte, and the memory of an inference and a training step (batch 1, FP32).
const char *kRows[] = {"params", "macs", "flops", "activations", "bytes", "intensity", "inference", "training"};
constexpr int kRowCount = 8;
const char *kColumns[] = {"current", "baseline", "diff", "pinned"};

QString exact(std::int64_t v) { return language::count(v); }

QString cellText(std::int64_t v)
{
    return QString("<span style='font-size:large; font-weight:600'>%1</span><br><span style='color:gray'>%2</span>")
        .arg(language::compact(static_cast<double>(v)), exact(v));
}

// The cost rows are one line each (the exact figure in the tooltip), so the
// panel grows by little more than five lines.
QString mibText(std::int64_t bytes)
{
    return QCoreApplication::translate("ComplexityPanel", "<span style='font-weight:600'>%1 MiB</span>")
        .arg(language::decimal(static_cast<double>(bytes) / (1024.0 * 1024.0), 1));
}

QString intensityText(double v)
{
    return QString("<span style='font-weight:600'>%1</span>").arg(language::decimal(v, 2));
}

QString compactText(std::int64_t v)
{
    return QString("<span style='font-weight:600'>%1</span>").arg(language::compact(double(v)));
}

// Values of one summary in row order; intensity is stored x 1000 for the diff.
struct RowValues {
    std::int64_t v[kRowCount];
};

RowValues valuesOf(const Summary &s)
{
    return {{s.params, s.macs, s.flops(), s.activations, s.bytes, std::llround(s.intensity() * 1000.0),
             s.inference.total(), s.training.total()}};
}

QString valueText(int row, std::int64_t v)
{
    if (row == 4 || row == 6 || row == 7)
        return mibText(v);
    if (row == 5)
        return intensityText(static_cast<double>(v) / 1000.0);
    if (row == 3)
        return compactText(v);
    return cellText(v);
}

QString diffText(std::int64_t value, std::int64_t base)
{
    const double pct = base == 0 ? 0.0 : 100.0 * (static_cast<double>(value) - base) / static_cast<double>(base);
    // Within 1% counts as "equal complexity" (grey); cheaper green, costlier red.
    const char *colour = std::abs(pct) < 1.0 ? "#555555" : (pct < 0 ? "#1b7f3b" : "#b00020");
    return QString("<span style='font-size:large; font-weight:600; color:%1'>%2%3%</span>")
        .arg(colour)
        .arg(pct >= 0 ? "+" : "")
        .arg(language::decimal(pct, 2));
}

} // namespace

ComplexityPanel::ComplexityPanel(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    // Tight margins: at 1280x720 the dock gets what the tabs leave (less in
    // Vietnamese), and the default ones cut the last row in half.
    outer->setContentsMargins(6, 2, 6, 2);
    outer->setSpacing(2);
    m_title = new QLabel;
    m_title->setWordWrap(true);
    outer->addWidget(m_title);
    auto *grid = new QGridLayout;
    const QString rowNames[] = {tr("Parameters"),
                                //: The ResNeXt paper's "FLOPs" count multiply-adds, i.e. MACs.
                                tr("MACs = paper's \"FLOPs\""), tr("FLOPs (2 x MACs)"),
                                tr("Activations"),   tr("Memory access"),  tr("Arithmetic intensity"),
                                tr("Inference memory"), tr("Training memory")};
    const QString rowTips[] = {
        tr("Learnable weights (BN's running statistics are buffers, not parameters), as torchvision counts."),
        tr("Multiply-accumulates of one forward pass of one image. The ResNeXt paper's \"FLOPs\" (4.1 billion for "
           "ResNet-50, 4.2 billion for ResNeXt-50 32x4d) count these multiply-adds."),
        tr("Floating-point operations = 2 x MACs (one multiply and one add each)."),
        tr("Output elements of every convolution for one image (RegNet's activations): they predict GPU run time "
           "better than FLOPs."),
        tr("Bytes every layer reads and writes (inputs + weights + outputs, ReLU and add included), one image, "
           "FP32."),
        tr("Conv/linear MACs per byte moved: grouped convolutions do few MACs per byte, so they are bound by "
           "memory bandwidth, not arithmetic (ShuffleNet V2, guideline 2)."),
        tr("Weights + the input + the largest set of tensors alive at once, one image, FP32."),
        tr("Weights + gradients + SGD momentum + activations saved for backward + the backward's working set, one "
           "image, FP32.")};
    for (int c = 0; c < 4; ++c) {
        m_headers[c] = new QLabel;
        m_headers[c]->setWordWrap(true);
        grid->addWidget(m_headers[c], 0, c + 1);
    }
    for (int r = 0; r < kRowCount; ++r) {
        //: %1 = a row name; the link opens the lesson's explanation of the number
        auto *name = new QLabel(tr("<b>%1</b> <a href=\"why\">Why?</a>").arg(rowNames[r]));
        name->setObjectName(QString("why_%1").arg(kRows[r]));
        name->setToolTip(rowTips[r]);
        connect(name, &QLabel::linkActivated, this, [this, r] { Q_EMIT whyRequested(kRows[r]); });
        grid->addWidget(name, r + 1, 0);
        for (int c = 0; c < 4; ++c) {
            auto *cell = new QLabel;
            cell->setObjectName(QString("%1_%2").arg(kRows[r], kColumns[c]));
            cell->setTextInteractionFlags(Qt::TextSelectableByMouse);
            cell->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
            grid->addWidget(cell, r + 1, c + 1);
            m_cells[r][c] = cell;
        }
    }
    grid->setVerticalSpacing(0);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    grid->setColumnStretch(4, 1);
    outer->addLayout(grid);
    m_convention = new QLabel;
    m_convention->setObjectName("conventionNote");
    m_convention->setWordWrap(true);
    m_convention->setStyleSheet("color: gray");
    outer->addWidget(m_convention);
    outer->addStretch();
}

void ComplexityPanel::setSummaries(const Summary &cur, const Summary &base, const std::optional<Summary> &pinned)
{
    m_title->setText(tr("<b>%1</b> against the ResNet of the same depth (C=1, d=64)")
                         .arg(QString::fromStdString(describe(cur.spec))));
    m_headers[0]->setText(tr("<b>Current</b><br>%1").arg(QString::fromStdString(describe(cur.spec))));
    m_headers[1]->setText(tr("<b>ResNet</b><br>%1").arg(QString::fromStdString(describe(base.spec))));
    m_headers[2]->setText(tr("<b>Difference</b>"));
    m_headers[3]->setText(pinned ? tr("<b>Pinned</b><br>%1").arg(QString::fromStdString(describe(pinned->spec)))
                                 : tr("<b>Pinned</b><br><span style='color:gray'>none (Model &rarr; Pin, "
                                      "Ctrl+P)</span>"));
    const RowValues curV = valuesOf(cur), baseV = valuesOf(base);
    const RowValues pinV = pinned ? valuesOf(*pinned) : RowValues{};
    for (int r = 0; r < kRowCount; ++r) {
        m_cells[r][0]->setText(valueText(r, curV.v[r]));
        m_cells[r][1]->setText(valueText(r, baseV.v[r]));
        if (r >= 3 && r != 5) {
            m_cells[r][0]->setToolTip(exact(curV.v[r]));
            m_cells[r][1]->setToolTip(exact(baseV.v[r]));
        }
        m_cells[r][2]->setText(diffText(curV.v[r], baseV.v[r]));
        if (pinned) {
            m_cells[r][3]->setText(valueText(r, pinV.v[r]));
        } else {
            m_cells[r][3]->clear();
        }
    }
    m_convention->setText(
        cur.options.countAll
            ? tr("Counting all layers: conv/linear MACs plus BN, ReLU, add, pooling (elementwise ops as MACs).")
            : tr("Convention of torchvision/fvcore: only conv and linear layers cost MACs; BN, ReLU, pooling and "
                 "the residual add count 0. Input %1x%1.")
                  .arg(cur.spec.inputSize));
}

int ComplexityPanel::lastRowBottom() const
{
    int bottom = 0;
    for (QLabel *cell : m_cells[kRowCount - 1])
        bottom = std::max(bottom, cell->geometry().bottom() + 1);
    return bottom;
}

QLabel *ComplexityPanel::valueLabel(const QString &row, const QString &column) const
{
    return findChild<QLabel *>(row + "_" + column);
}
