#include "column_card.h"

#include "chart_widget.h"
#include "format.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include <cmath>

namespace easel {

namespace {

QString summaryFor(const ColumnStats &s, bool isTarget)
{
    QStringList out;
    const qint64 total = s.count + s.missing;
    switch (s.type) {
    case ColumnType::Integer:
    case ColumnType::Real:
        if (s.count == 0)
            break;
        out << QStringLiteral("Values run from %1 to %2.").arg(fmt::number(s.min), fmt::number(s.max));
        if (!std::isnan(s.quantiles[3]))
            out << QStringLiteral("Half are below %1, and the middle half lies between %2 and %3.")
                       .arg(fmt::number(s.quantiles[3]), fmt::number(s.quantiles[2]), fmt::number(s.quantiles[4]));
        if (!std::isnan(s.mean))
            out << QStringLiteral("The average is %1, and a typical value is about ±%2 from it.")
                       .arg(fmt::number(s.mean), fmt::number(s.stddev));
        if (!std::isnan(s.skewness) && s.skewness > 1)
            out << QStringLiteral("Most values are small, with a long tail of large ones.");
        else if (!std::isnan(s.skewness) && s.skewness < -1)
            out << QStringLiteral("Most values are large, with a long tail of small ones.");
        break;
    case ColumnType::Boolean:
    case ColumnType::Categorical:
        out << QStringLiteral("%1 different values.").arg(fmt::count(s.distinct));
        if (!s.topValues.empty() && s.count > 0)
            out << QStringLiteral("The most common is “%1” (%2 rows, %3).")
                       .arg(s.topValues.front().value, fmt::count(s.topValues.front().count),
                            fmt::percent(double(s.topValues.front().count) / double(s.count)));
        break;
    case ColumnType::Text:
        out << QStringLiteral("%1 different values").arg(fmt::count(s.distinct))
                   + (std::isnan(s.lengthMean) ? QStringLiteral(".")
                                               : QStringLiteral(", about %1 characters long on average.")
                                                     .arg(fmt::number(std::round(s.lengthMean))));
        break;
    case ColumnType::Identifier:
        out << QStringLiteral("A different value in (nearly) every row, like an ID: it names a row rather than "
                              "describing it, so it can't help predict anything.");
        break;
    case ColumnType::Date:
    case ColumnType::DateTime:
        if (!std::isnan(s.firstTimestamp))
            out << QStringLiteral("From %1 to %2.")
                       .arg(fmt::timestamp(s.firstTimestamp, s.type == ColumnType::Date),
                            fmt::timestamp(s.lastTimestamp, s.type == ColumnType::Date));
        break;
    }
    if (s.missing == 0)
        out << QStringLiteral("Every row has a value.");
    else if (total > 0)
        out << QStringLiteral("Missing in %1 of %2 rows (%3).")
                   .arg(fmt::count(s.missing), fmt::count(total), fmt::percent(double(s.missing) / double(total)));
    if (isTarget)
        out << QStringLiteral("This sample suggests predicting this column.");
    return out.join(QLatin1Char(' '));
}

QLabel *makeLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ColumnCard::ColumnCard(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("columnCard"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 16, 18, 16);
    layout->setSpacing(10);

    auto *head = new QHBoxLayout;
    head->setSpacing(10);
    m_badge = new QLabel(this);
    m_badge->setObjectName(QStringLiteral("typeBadge"));
    m_badge->setAlignment(Qt::AlignCenter);
    m_title = makeLabel(QStringLiteral("cardTitle"), this);
    head->addWidget(m_badge, 0, Qt::AlignVCenter);
    head->addWidget(m_title, 1);
    layout->addLayout(head);

    m_typeWords = makeLabel(QStringLiteral("muted"), this);
    m_typeWords->setAccessibleName(QStringLiteral("Column type"));
    m_typeWords->setAccessibleDescription(QStringLiteral("The kind of values Easel found in the selected column."));
    layout->addWidget(m_typeWords);
    m_summary = makeLabel(QStringLiteral("cardSummary"), this);
    m_summary->setAccessibleName(QStringLiteral("Column summary"));
    m_summary->setAccessibleDescription(QStringLiteral("What the selected column holds, in a sentence."));
    layout->addWidget(m_summary);

    m_facts = new QWidget(this);
    m_factsLayout = new QGridLayout(m_facts);
    m_factsLayout->setContentsMargins(0, 4, 0, 4);
    m_factsLayout->setHorizontalSpacing(18);
    m_factsLayout->setVerticalSpacing(10);
    layout->addWidget(m_facts);

    m_chart = new ChartWidget(this);
    m_chart->setAccessibleName(QStringLiteral("Column chart"));
    m_chart->setAccessibleDescription(QStringLiteral("How the selected column's values are spread. Right-click to save it as PNG, SVG or PDF."));
    m_chart->setMinimumHeight(260);
    layout->addWidget(m_chart, 1);
    m_chartCaption = makeLabel(QStringLiteral("muted"), this);
    m_chartCaption->setAccessibleName(QStringLiteral("Chart caption"));
    m_chartCaption->setAccessibleDescription(QStringLiteral("What the column chart shows."));
    layout->addWidget(m_chartCaption);

    m_warnings = makeLabel(QStringLiteral("cardWarnings"), this);
    m_warnings->setAccessibleName(QStringLiteral("Column warnings"));
    m_warnings->setAccessibleDescription(QStringLiteral("Problems Easel noticed in the selected column."));
    m_warnings->setTextFormat(Qt::RichText);
    layout->addWidget(m_warnings);
    clear();
}

void ColumnCard::clear()
{
    m_hasColumn = false;
    m_stats = ColumnStats{};
    m_badge->hide();
    m_title->setText(QStringLiteral("Pick a column"));
    m_typeWords->setText(QStringLiteral("Click a column on the left or in the table to see what it holds."));
    m_summary->clear();
    m_summary->hide();
    m_facts->hide();
    m_chart->showMessage(QString());
    m_chart->hide();
    m_chartCaption->hide();
    m_warnings->hide();
}

void ColumnCard::addFact(const QString &caption, const QString &value, const QString &definition)
{
    auto *tile = new QWidget(m_facts);
    auto *v = new QVBoxLayout(tile);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    auto *c = new QLabel(caption, tile);
    c->setObjectName(QStringLiteral("factCaption"));
    auto *val = new QLabel(value, tile);
    val->setObjectName(QStringLiteral("factValue"));
    val->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(c);
    v->addWidget(val);
    tile->setToolTip(definition);
    const int columns = 3;
    m_factsLayout->addWidget(tile, m_factCount / columns, m_factCount % columns);
    ++m_factCount;
}

QString ColumnCard::summary() const
{
    return m_summary->text();
}

void ColumnCard::setColumn(const ColumnStats &s, const std::vector<DataWarning> &warnings, bool isTarget)
{
    m_stats = s;
    m_hasColumn = true;
    const QColor color = fmt::badgeColor(s.type);
    m_badge->setText(fmt::badgeText(s.type));
    m_badge->setStyleSheet(QStringLiteral("background:%1;").arg(color.name()));
    m_badge->show();
    m_title->setText(s.name);
    m_typeWords->setText(fmt::typeWords(s.type).left(1).toUpper() + fmt::typeWords(s.type).mid(1));
    m_summary->setText(summaryFor(s, isTarget));
    m_summary->show();

    // Rebuild the fact tiles.
    while (QLayoutItem *item = m_factsLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_factCount = 0;
    addFact(QStringLiteral("Values"), fmt::count(s.count), QStringLiteral("Rows that have a value in this column."));
    addFact(QStringLiteral("Missing"), fmt::count(s.missing), QStringLiteral("Rows where this column is empty."));
    addFact(QStringLiteral("Different values"), fmt::count(s.distinct),
            QStringLiteral("How many distinct values appear (missing not counted)."));
    if (isNumeric(s.type)) {
        addFact(QStringLiteral("Average"), fmt::number(s.mean), QStringLiteral("The mean: the sum divided by the count."));
        addFact(QStringLiteral("Spread"), QStringLiteral("±") + fmt::number(s.stddev),
                QStringLiteral("The standard deviation: how far a typical value lies from the average."));
        addFact(QStringLiteral("Median"), fmt::number(s.quantiles[3]),
                QStringLiteral("The middle value: half the values are below it, half above."));
        addFact(QStringLiteral("Smallest"), fmt::number(s.min), QStringLiteral("The minimum."));
        addFact(QStringLiteral("Largest"), fmt::number(s.max), QStringLiteral("The maximum."));
        addFact(QStringLiteral("Middle half"),
                QStringLiteral("%1 – %2").arg(fmt::number(s.quantiles[2]), fmt::number(s.quantiles[4])),
                QStringLiteral("From the 25th to the 75th percentile: where the central 50 % of values lie."));
        addFact(QStringLiteral("Zeros"), fmt::count(s.zeros), QStringLiteral("Values equal to 0."));
        addFact(QStringLiteral("Outliers"), fmt::count(s.outliers),
                QStringLiteral("Values far from the middle half: more than 1.5 × its width below or above it."));
        addFact(QStringLiteral("Skew"),
                std::isnan(s.skewness) ? QStringLiteral("—") : QLocale::system().toString(s.skewness, 'f', 2),
                QStringLiteral("Skewness: 0 is symmetric; above 1 a long tail of large values, below −1 of small ones."));
    } else if (isTemporal(s.type)) {
        const bool dateOnly = s.type == ColumnType::Date;
        addFact(QStringLiteral("First"), fmt::timestamp(s.firstTimestamp, dateOnly), QStringLiteral("The earliest value."));
        addFact(QStringLiteral("Last"), fmt::timestamp(s.lastTimestamp, dateOnly), QStringLiteral("The latest value."));
    } else if (s.type == ColumnType::Text || s.type == ColumnType::Identifier) {
        addFact(QStringLiteral("Shortest"), fmt::number(s.lengthMin), QStringLiteral("Characters in the shortest value."));
        addFact(QStringLiteral("Average length"), fmt::number(s.lengthMean), QStringLiteral("Characters per value, on average."));
        addFact(QStringLiteral("Longest"), fmt::number(s.lengthMax), QStringLiteral("Characters in the longest value."));
    }
    m_facts->show();

    m_chart->show();
    m_chartCaption->show();
    if (isNumeric(s.type) || isTemporal(s.type)) {
        m_chart->showHistogram(s);
        m_chart->setSuggestedName(s.name + QStringLiteral(" histogram"));
        m_chartCaption->setText(QStringLiteral("How the values are spread: each bar counts the rows in one range."));
    } else {
        m_chart->showTopValues(s);
        m_chart->setSuggestedName(s.name + QStringLiteral(" values"));
        const qint64 shown = std::min<qint64>(qint64(s.topValues.size()), 12);
        m_chartCaption->setText(s.distinct > shown
                                    ? QStringLiteral("The %1 most common of %2 values.").arg(shown).arg(fmt::count(s.distinct))
                                    : QStringLiteral("How often each value appears."));
    }

    QStringList lines;
    for (const DataWarning &w : warnings)
        lines << QStringLiteral("<p style='margin:0 0 6px 0'>⚠ %1</p>").arg(w.message.toHtmlEscaped());
    m_warnings->setText(lines.join(QString()));
    m_warnings->setVisible(!lines.isEmpty());
}

} // namespace easel
