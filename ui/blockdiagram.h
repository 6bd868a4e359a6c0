#pragma once
// The split-transform-merge block of one stage drawn in the paper's three
// equivalent forms (Fig. 3), with the real channel counts of the spec. Wide
// cardinalities are drawn with the middle paths elided and counted.

#include "resnext/spec.h"

#include <QWidget>

class BlockDiagram : public QWidget {
    Q_OBJECT
public:
    explicit BlockDiagram(QWidget *parent = nullptr);
    void setSpec(const resnext::ArchSpec &spec);
    void setStage(int stage); // 0-based
    int stage() const { return m_stage; }
    // How many paths form (a) draws explicitly for the current C (for tests).
    int drawnPaths() const;
    QSize sizeHint() const override { return {900, 520}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    resnext::ArchSpec m_spec;
    int m_stage = 0;
};
