#pragma once

#include "samples.h"
#include "store/library.h"

#include <QWidget>

class QFrame;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QVBoxLayout;

namespace easel {

class DatasetListModel;

//! The "Data sets" page: an empty state that teaches (drop zone, one-click
//! samples with their notes, what a good CSV looks like), an Import button, and
//! the library's data sets in a sortable table.
class DatasetsPage : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetsPage(QWidget *parent = nullptr);

    void setRecords(std::vector<DatasetRecord> records);
    //! A problem with the library itself, shown above the list ("" hides it).
    void setLibraryError(const QString &message);
    //! Highlights the drop zone while a file is dragged over the window.
    void setDropActive(bool active);

    DatasetListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

signals:
    void importRequested();
    void sampleRequested(const easel::Sample &sample);
    void openRequested(qint64 id);
    void deleteRequested(qint64 id);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    qint64 currentId() const;
    void updateState();

    DatasetListModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QFrame *m_dropZone = nullptr;
    QWidget *m_dropIcon = nullptr;
    QVBoxLayout *m_layout = nullptr;
    QLabel *m_libraryError = nullptr;
    QLabel *m_listTitle = nullptr;
    QLabel *m_emptyList = nullptr;
    QTableView *m_view = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_delete = nullptr;
};

} // namespace easel
