#pragma once
// The per-layer table from core's Summary: sortable, with totals, copy and
// export to CSV/Markdown (the text comes from core's report formatter).

#include "resnext/accounting.h"

#include <QAbstractTableModel>
#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

class LayerModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Type, Output, Groups, Params, Macs, Activations, Bytes, Intensity, Share, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setSummary(const resnext::Summary &summary);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    resnext::Summary m_summary;
};

class LayerTable : public QWidget {
    Q_OBJECT
public:
    explicit LayerTable(QWidget *parent = nullptr);
    void setSummary(const resnext::Summary &summary);
    // Selected rows (all when none is selected) as tab-separated text.
    QString selectionAsText() const;
    void copySelection() const;
    // Writes core's CSV or Markdown rendering by the file's suffix.
    bool exportTo(const QString &path, QString *error) const;
    QTableView *view() const { return m_view; }
    LayerModel *model() const { return m_model; }

Q_SIGNALS:
    // A "Why?" link: the lesson explains `topic` (a key of the lesson's "why").
    void whyRequested(const QString &topic);

private:
    resnext::Summary m_summary;
    LayerModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_totals = nullptr;
};
