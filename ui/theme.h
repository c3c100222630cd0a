#pragma once

#include <QColor>

class QApplication;
class QLabel;
class QString;
class QTableWidgetItem;
class QTreeWidgetItem;

namespace easel {

//! How the studio looks: following the system, or forced light or dark (View → Dark appearance).
enum class Appearance { Automatic, Light, Dark };

//! Gives the studio its look: the Fusion style, a light or dark palette (following
//! the system's, judged by its Window colour, unless forced) and the style sheet
//! for the rail, cards, badges and banners. Call once after QApplication; calling
//! it again re-applies the current appearance.
void applyTheme(QApplication &app);
//! The style sheet in the current appearance with every point size multiplied by
//! scale (presentation mode). The scale is remembered for later re-applies.
QString styleSheet(double scale = 1.0);
//! Forces (or stops forcing) an appearance, remembers it in QSettings and re-applies the theme.
void setAppearance(Appearance appearance);
Appearance appearance();
//! Whether the dark set is in use now.
bool isDark();
//! Whether the system's palette looks dark (its Window colour's lightness < 128).
bool systemPrefersDark();
//! A light-theme colour of the style sheet ("#6b7280") in the current appearance,
//! for rich text built in code.
QString themed(const QString &lightColour);

//! Rich text built in code with the light theme's colours ("<span style=\"color:#6b7280\">"),
//! its colours turned into the current appearance's. Only colours in CSS
//! (color:, background:) change; the text itself is left alone.
QString themedHtml(const QString &html);

//! Shows rich text written with the light theme's colours on label, in the
//! current appearance, and keeps it so: whenever the appearance changes the
//! label is re-coloured at once (until its text is set some other way).
void setThemedText(QLabel *label, const QString &lightHtml);
//! An item's text colour, given as a light-theme colour ("#6b7280"): set now in
//! the current appearance and again whenever the appearance changes. An empty
//! colour goes back to the palette's text colour.
void setItemTone(QTreeWidgetItem *item, int column, const QString &lightColour);
void setItemTone(QTableWidgetItem *item, const QString &lightColour);

//! The charts' colours in the current appearance.
struct ChartColors
{
    QColor background, text, muted, grid;
};
ChartColors chartColors();

} // namespace easel
