#pragma once
// QCustomPlot charts of what core computed: per-stage bars of params and MACs
// (current vs ResNet vs pinned), and params/MACs against cardinality C at the
// current d with the equal-complexity curve overlaid.

#include "resnext/accounting.h"

#include <QWidget>

#include <optional>

class QCustomPlot;
class QCPGraph;

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget *parent = nullptr);

    void setStages(const resnext::Summary &current, const resnext::Summary &baseline,
                   const std::optional<resnext::Summary> &pinned);
    void setCurves(const std::vector<resnext::CurvePoint> &atCurrentWidth,
                   const std::vector<resnext::CurvePoint> &equalComplexity, std::int64_t baselineParams,
                   std::int64_t baselineMacs, int currentC, resnext::MatchBy by);

    // Writes the three charts as <base>-stage-params, <base>-stage-macs and
    // <base>-cardinality with the suffix of `path` (.png or .pdf). Returns the
    // files written or an error message in *error.
    QStringList exportAll(const QString &path, QString *error);
    static bool exportChart(QCustomPlot *plot, const QString &path, QString *error);

    QCustomPlot *paramsPlot() const { return m_params; }
    QCustomPlot *macsPlot() const { return m_macs; }
    QCustomPlot *curvePlot() const { return m_curve; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    // Replots now when visible; a hidden panel only remembers to (slider ticks
    // must not pay for charts nobody sees).
    void replot(QCustomPlot *plot);
    void setupStagePlot(QCustomPlot *plot, const QString &title, const QString &unit);
    void updateStagePlot(QCustomPlot *plot, const std::vector<std::vector<double>> &series,
                         const QStringList &names, const QVector<QString> &stageNames);
    void setupCurvePlot();
    void showCurveTip(QMouseEvent *event);

    QCustomPlot *m_params = nullptr;
    QCustomPlot *m_macs = nullptr;
    QCustomPlot *m_curve = nullptr;
    std::vector<resnext::CurvePoint> m_atWidth, m_equal;
    std::int64_t m_baselineParams = 0, m_baselineMacs = 0;
    resnext::MatchBy m_by = resnext::MatchBy::Params;
    bool m_stale = false;
};
