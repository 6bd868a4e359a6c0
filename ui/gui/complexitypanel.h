#pragma once
// Params, MACs, FLOPs and the cost beyond them (activations, bytes, intensity,
// inference and training memory) of the current model beside the ResNet of the same
// depth (C = 1, d = 64) and, when pinned, a second model. Shows what core computed.

#include "resnext/accounting.h"

#include <QWidget>

#include <optional>

class QLabel;

class ComplexityPanel : public QWidget {
    Q_OBJECT
public:
    explicit ComplexityPanel(QWidget *parent = nullptr);
    void setSummaries(const resnext::Summary &current, const resnext::Summary &baseline,
              const std::optional<resnext::Summary> &pinned);

    // For tests: the label showing a value ("params", "macs", "flops",
    // "activations", "bytes", "intensity", "inference", "training") of a
    // column ("current", "baseline", "diff", "pinned").
    QLabel *valueLabel(const QString &row, const QString &column) const;
    // Where the table's last row ends, in this panel's coordinates (after a layout).
    int lastRowBottom() const;

Q_SIGNALS:
    // A row's "?" was clicked: explain that number ("params", "macs", ...).
    void whyRequested(const QString &topic);

private:
    QLabel *m_title = nullptr;
    QLabel *m_convention = nullptr;
    QLabel *m_headers[4] = {};
    QLabel *m_cells[8][4] = {};
};
