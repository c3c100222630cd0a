#pragma once

#include <QFrame>
#include <QLabel>

#include <vector>

class QVBoxLayout;
class QToolButton;

namespace easel {

//! One line of the "Data quality" strip.
struct QualityNote
{
    enum class Severity { Warning, Info, Good };
    Severity severity = Severity::Info;
    QString column;  //!< the column it concerns ("" for the whole table)
    QString text;    //!< a sentence: what it means and what Easel will do
    QString html;    //!< the same as rich text in the light theme's colours, with columns as "col:NAME" links (optional)
};

//! A clickable sentence in the strip; clicking selects its column.
class QualityItem : public QLabel
{
    Q_OBJECT
public:
    QualityItem(const QualityNote &note, QWidget *parent = nullptr);
    const QualityNote &note() const { return m_note; }

signals:
    void clicked(const QString &column);

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QualityNote m_note;
    QString m_hoveredLink;
};

//! The "Data quality" strip at the top of a data set page: the data set's
//! warnings as sentences, each clickable to its column. The first few show; the
//! rest behind "Show N more".
class QualityStrip : public QFrame
{
    Q_OBJECT
public:
    explicit QualityStrip(QWidget *parent = nullptr);

    void setNotes(std::vector<QualityNote> notes);
    int itemCount() const { return int(m_items.size()); }
    QualityItem *item(int i) const { return m_items[size_t(i)]; }

signals:
    void columnClicked(const QString &column);

private:
    void updateVisibility();

    QLabel *m_title = nullptr;
    QVBoxLayout *m_list = nullptr;
    QToolButton *m_more = nullptr;
    std::vector<QualityItem *> m_items;
    bool m_expanded = false;
    static constexpr int kCollapsed = 3;
};

} // namespace easel
