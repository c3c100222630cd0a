#pragma once

#include "stats/column_stats.h"
#include "stats/warnings.h"

#include <QFrame>

class QGridLayout;
class QLabel;
class QVBoxLayout;

namespace easel {

class ChartWidget;

//! The selected column's card: type badge, what it holds in plain words, its
//! numbers (with definitions in tooltips), a histogram or top-values chart, and
//! the warnings that concern it.
class ColumnCard : public QFrame
{
    Q_OBJECT
public:
    explicit ColumnCard(QWidget *parent = nullptr);

    //! Shows stats; warnings are those whose column (or other column) is this one.
    void setColumn(const ColumnStats &stats, const std::vector<DataWarning> &warnings, bool isTarget);
    void clear();

    const ColumnStats &stats() const { return m_stats; }
    bool hasColumn() const { return m_hasColumn; }
    ChartWidget *chart() const { return m_chart; }
    //! The plain-language summary shown under the title.
    QString summary() const;

private:
    void addFact(const QString &caption, const QString &value, const QString &definition);

    ColumnStats m_stats;
    bool m_hasColumn = false;
    QLabel *m_badge = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_typeWords = nullptr;
    QLabel *m_summary = nullptr;
    QWidget *m_facts = nullptr;
    QGridLayout *m_factsLayout = nullptr;
    int m_factCount = 0;
    ChartWidget *m_chart = nullptr;
    QLabel *m_chartCaption = nullptr;
    QLabel *m_warnings = nullptr;
};

} // namespace easel
