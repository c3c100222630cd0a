#pragma once

#include <QMargins>
#include <QString>

class QFrame;
class QLabel;
class QPushButton;
class QScrollArea;
class QVBoxLayout;
class QWidget;

namespace easel {

//! The pieces every studio page is made of, so that the pages look alike and
//! fit a small screen alike: texts wrap instead of widening the window. Each
//! returns a new widget owned by parent.
namespace parts {

//! A page's outer column with the studio's margins (24, 16) and spacing.
QVBoxLayout *pageLayout(QWidget *page);
//! The page's big title ("Build a model"); wraps on a narrow window.
QLabel *pageTitle(const QString &text, QWidget *parent);
//! A muted line under a title or in a card; wraps.
QLabel *mutedLabel(const QString &text, QWidget *parent);
//! A card's or a section's heading.
QLabel *sectionTitle(const QString &text, QWidget *parent);
//! The step's one-sentence explanation, shown only in presentation mode (the
//! main window shows and hides every label made here); hidden at first.
QLabel *presentationHint(const QString &text, QWidget *parent);
//! A frameless scroll area that lets the page's background show through and
//! resizes its widget, named for screen readers (name, description).
QScrollArea *scrollArea(QWidget *parent, const QString &name, const QString &description);
//! A white card (object name "card") with a vertical body; *body receives its layout.
QFrame *card(QWidget *parent, QVBoxLayout **body, const QMargins &margins = QMargins(16, 12, 16, 12));
//! A page's empty state: a centred sentence that says what to do, and one
//! primary button that does it (*button receives it, where given).
QWidget *emptyState(const QString &text, const QString &buttonText, QWidget *parent, QPushButton **button = nullptr);

} // namespace parts
} // namespace easel
