#include "theme.h"

#include <QApplication>
#include <QEvent>
#include <QHash>
#include <QLabel>
#include <QPalette>
#include <QTableWidget>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QSettings>
#include <QStyle>
#include <QRegularExpression>
#include <QStyleFactory>

namespace easel {

namespace {
const char *kStyleSheet = R"(
QMainWindow, #datasetsPage, #datasetView, #buildPage, #buildProgressPage, #modelsPage, #predictPage { background: #f6f7f9; }
#card { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 8px; }
#headline { font-size: 15pt; font-weight: 600; color: #1f2430; }
#answer { font-size: 22pt; font-weight: 700; color: #1d4fa8; }
#metricChip { background: #f6f7f9; border: 1px solid #e1e4e9; border-radius: 6px; padding: 6px 10px; color: #1f2430; }
#metricChip[current="true"] { background: #eaf2ff; border-color: #9dbdf3; }
#quickBuild {
    background: #2f6fde; color: white; border: none; border-radius: 8px; padding: 10px 16px;
    font-weight: 600; text-align: left; font-size: 10.5pt;
}
#quickBuild:hover { background: #285fc0; }
#quickBuild:disabled { background: #a9c0ea; }
#standardBuild {
    background: #ffffff; color: #1d4fa8; border: 2px solid #2f6fde; border-radius: 8px; padding: 9px 16px;
    font-weight: 600; text-align: left; font-size: 10.5pt;
}
#standardBuild:hover { background: #eef4ff; }
#standardBuild:disabled { color: #9aa6bb; border-color: #c9d3e4; }
#stopButton {
    background: #ffffff; color: #9b2c2c; border: 1px solid #e3a3a3; border-radius: 6px; padding: 8px 16px; font-weight: 600;
}
#stopButton:hover { background: #fdecec; }
#stopButton:disabled { color: #b9a0a0; }
#exportButton {
    background: #ffffff; color: #1f2430; border: 1px solid #cfd5de; border-radius: 6px; padding: 7px 30px 7px 16px;
    font-weight: 500;
}
#exportButton:hover { background: #eef4ff; border-color: #2f6fde; }
#exportButton::menu-indicator { subcontrol-origin: padding; subcontrol-position: center right; right: 10px; }
#primaryButton:disabled { background: #a9c0ea; }
QTreeWidget { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 6px; }
QTreeWidget::item { padding: 3px 2px; }
#modelList::item { padding: 8px 8px; border-bottom: 1px solid #eceef1; }
#modelList::item:selected { background: #dbe7fd; color: #1f2430; }
#rail { background: #1f2430; border: none; }
#railLogo { color: white; font-size: 17pt; font-weight: 600; padding: 4px 0 14px 4px; }
#rail QToolButton {
    color: #c9ced8; background: transparent; border: none; border-radius: 6px;
    padding: 9px 12px; text-align: left; font-size: 11pt;
}
#rail QToolButton:hover:enabled { background: #2c3342; color: white; }
#rail QToolButton:checked { background: #3a4457; color: white; font-weight: 600; }
#rail QToolButton:disabled { color: #5d6575; }
#railCompute { color: #8d95a5; font-size: 9pt; padding: 8px 0 2px 6px; }
#pageTitle { font-size: 19pt; font-weight: 600; color: #1f2430; }
#sectionTitle { font-size: 11pt; font-weight: 600; color: #1f2430; }
#muted { color: #6b7280; }
#presentationHint {
    background: #fff7e0; border: 1px solid #f0d68a; border-radius: 6px; padding: 8px 12px;
    color: #5c4a12; font-size: 12pt;
}
#sampleNote { background: #eaf2ff; border: 1px solid #c9dcfb; border-radius: 6px; padding: 8px 12px; color: #1d3b6b; }
#errorBanner { background: #fdecec; border: 1px solid #f3b9b9; border-radius: 6px; padding: 8px 12px; color: #7a1f1f; }
#errorText { color: #7a1f1f; }
#dropZone { background: #ffffff; border: 2px dashed #c4c9d2; border-radius: 10px; }
#dropZone[active="true"] { background: #eef4ff; border-color: #2f6fde; }
#dropTitle { font-size: 14pt; font-weight: 600; color: #1f2430; }
#sampleButton {
    background: #f6f7f9; border: 1px solid #d7dbe2; border-radius: 8px; padding: 10px 14px;
    text-align: left; color: #1f2430; font-weight: 500;
}
#sampleTitle { font-weight: 600; color: #1f2430; }
#sampleButton:hover { background: #eef4ff; border-color: #2f6fde; }
#primaryButton {
    background: #2f6fde; color: white; border: none; border-radius: 6px; padding: 8px 18px; font-weight: 600;
}
#primaryButton:hover { background: #285fc0; }
#backButton { color: #2f6fde; border: none; padding: 4px 10px 4px 0; font-size: 11pt; text-align: left; }
#backButton:hover { color: #1d4fa8; }
#qualityStrip { background: #ffffff; border: 1px solid #e1e4e9; border-left: 4px solid #d97a1e; border-radius: 6px; }
#qualityStrip[level="info"] { border-left-color: #2f6fde; }
#qualityStrip[level="good"] { border-left-color: #2e9e5b; }
#qualityItem { color: #33373d; padding: 1px 0; }
#qualityItem[clickable="true"]:hover { color: #2f6fde; }
#linkButton { color: #2f6fde; border: none; padding: 0; }
#columnCard { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 8px; }
#cardTitle { font-size: 15pt; font-weight: 600; color: #1f2430; }
#cardSummary { color: #33373d; }
#typeBadge { color: white; border-radius: 9px; padding: 2px 9px; font-weight: 700; font-size: 9pt; }
#factCaption { color: #6b7280; font-size: 8.5pt; }
#factValue { color: #1f2430; font-size: 11pt; font-weight: 600; }
#cardWarnings { background: #fff4e6; border-radius: 6px; padding: 8px 10px; color: #6a3d0a; }
#cardScroll, #cardScroll > QWidget > QWidget { background: transparent; }
QTableView { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 6px; gridline-color: #eceef1;
             selection-background-color: #dbe7fd; selection-color: #1f2430; alternate-background-color: #fafbfc; }
#datasetTable::item { padding: 0 10px; }
QHeaderView::section { background: #f1f3f6; border: none; border-right: 1px solid #e1e4e9;
                       border-bottom: 1px solid #e1e4e9; padding: 5px 8px; font-weight: 600; color: #33373d; }
QListWidget { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 6px; }
QTabWidget::pane { border: none; }
QTabBar::tab { padding: 6px 18px; border: none; border-bottom: 2px solid transparent; color: #4b5260; background: transparent; }
QTabBar::tab:selected { border-bottom: 2px solid #2f6fde; color: #1f2430; font-weight: 600; }
QTabBar::tab:hover:!selected { color: #1f2430; }
QStatusBar { background: #eceef2; color: #4b5260; }
)";
// The dark set: every light colour of the style sheet mapped to its dark counterpart
// in one pass (so a mapped colour is never mapped again).
const QHash<QString, QString> &darkColours()
{
    static const QHash<QString, QString> map = {
        {QStringLiteral("#f6f7f9"), QStringLiteral("#1b1e24")},  // page background
        {QStringLiteral("#ffffff"), QStringLiteral("#252a33")},  // cards, tables
        {QStringLiteral("#e1e4e9"), QStringLiteral("#363c47")},  // card borders
        {QStringLiteral("#1f2430"), QStringLiteral("#e6e9ef")},  // text
        {QStringLiteral("#33373d"), QStringLiteral("#d0d4db")},
        {QStringLiteral("#4b5260"), QStringLiteral("#aab1bd")},
        {QStringLiteral("#6b7280"), QStringLiteral("#9aa1ad")},  // muted
        {QStringLiteral("#1d4fa8"), QStringLiteral("#8cb4ff")},  // the answer
        {QStringLiteral("#eaf2ff"), QStringLiteral("#23324d")},
        {QStringLiteral("#9dbdf3"), QStringLiteral("#3d5f99")},
        {QStringLiteral("#a9c0ea"), QStringLiteral("#34476b")},
        {QStringLiteral("#eef4ff"), QStringLiteral("#2a3550")},
        {QStringLiteral("#9aa6bb"), QStringLiteral("#6b7385")},
        {QStringLiteral("#c9d3e4"), QStringLiteral("#3a4150")},
        {QStringLiteral("#9b2c2c"), QStringLiteral("#ff9a9a")},
        {QStringLiteral("#e3a3a3"), QStringLiteral("#7a3b3b")},
        {QStringLiteral("#fdecec"), QStringLiteral("#3b2626")},
        {QStringLiteral("#b9a0a0"), QStringLiteral("#7d6b6b")},
        {QStringLiteral("#cfd5de"), QStringLiteral("#454c59")},
        {QStringLiteral("#eceef1"), QStringLiteral("#2e333c")},
        {QStringLiteral("#dbe7fd"), QStringLiteral("#2d4470")},
        {QStringLiteral("#fff7e0"), QStringLiteral("#3a3220")},
        {QStringLiteral("#f0d68a"), QStringLiteral("#6b5a2a")},
        {QStringLiteral("#5c4a12"), QStringLiteral("#f0d68a")},
        {QStringLiteral("#1d3b6b"), QStringLiteral("#c9dcfb")},
        {QStringLiteral("#c9dcfb"), QStringLiteral("#2d4470")},
        {QStringLiteral("#7a1f1f"), QStringLiteral("#ffb3b3")},
        {QStringLiteral("#f3b9b9"), QStringLiteral("#6b3030")},
        {QStringLiteral("#c4c9d2"), QStringLiteral("#4a515e")},
        {QStringLiteral("#d7dbe2"), QStringLiteral("#3a404c")},
        {QStringLiteral("#fff4e6"), QStringLiteral("#3a2e1e")},
        {QStringLiteral("#6a3d0a"), QStringLiteral("#f5c98a")},
        {QStringLiteral("#fafbfc"), QStringLiteral("#22262e")},
        {QStringLiteral("#f1f3f6"), QStringLiteral("#2a2f39")},
        {QStringLiteral("#eceef2"), QStringLiteral("#16191e")},
        {QStringLiteral("#a05a12"), QStringLiteral("#e8a860")},  // "left out" notes
    };
    return map;
}

//! in with each match of re (capture group `group`) replaced by replacement(match).
template<typename Fn>
QString replaceMatches(const QString &in, const QRegularExpression &re, int group, Fn replacement)
{
    QString out;
    qsizetype last = 0;
    for (auto it = re.globalMatch(in); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += in.mid(last, m.capturedStart(group) - last);
        out += replacement(m);
        last = m.capturedEnd(group);
    }
    out += in.mid(last);
    return out;
}

QString darkened(const QString &css)
{
    // The rail is already dark: make it a shade darker than the dark pages instead
    // of letting its colour turn into the light text colour.
    QString in = css;
    in.replace(QStringLiteral("#rail { background: #1f2430;"), QStringLiteral("#rail { background: #13161b;"));
    // Links and the back button: the light theme's blue is too dim on dark cards.
    in.replace(QStringLiteral("color: #2f6fde"), QStringLiteral("color: #6ea2ff"));
    static const QRegularExpression hex(QStringLiteral("#[0-9a-fA-F]{6}\\b"));
    return replaceMatches(in, hex, 0, [](const QRegularExpressionMatch &m) {
        return darkColours().value(m.captured(0).toLower(), m.captured(0));
    });
}

Appearance s_appearance = Appearance::Automatic;
bool s_dark = false;
bool s_systemDark = false;
bool s_applying = false;  //!< palette changes Easel makes itself are not the system's
double s_scale = 1.0;
QPalette s_systemPalette;

bool looksDark(const QPalette &p)
{
    return p.color(QPalette::Window).lightness() < 128;
}

QPalette lightPalette(QApplication &app)
{
    QPalette p = app.style()->standardPalette();
    p.setColor(QPalette::Window, QColor(0xf6, 0xf7, 0xf9));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xfa, 0xfb, 0xfc));
    p.setColor(QPalette::Text, QColor(0x1f, 0x24, 0x30));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x24, 0x30));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x1b, 0x1e, 0x24), base(0x25, 0x2a, 0x33), text(0xe6, 0xe9, 0xef),
        button(0x2a, 0x2f, 0x39), muted(0x7d, 0x84, 0x91);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x22, 0x26, 0x2e));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, button);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, muted);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6e, 0xa2, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xa8, 0x8c, 0xf0));
    p.setColor(QPalette::Light, QColor(0x3a, 0x40, 0x4c));
    p.setColor(QPalette::Midlight, QColor(0x30, 0x35, 0x40));
    p.setColor(QPalette::Mid, QColor(0x23, 0x27, 0x2f));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x18));
    p.setColor(QPalette::Shadow, Qt::black);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, muted);
    p.setColor(QPalette::Disabled, QPalette::Button, window);
    return p;
}

//! Follows the system: when something other than Easel changes the application's
//! palette, or the platform theme changes, the system's palette is read again (by
//! dropping Easel's for a moment) and the light/dark decision taken again.
class SystemWatcher : public QObject
{
public:
    using QObject::QObject;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        const QEvent::Type type = event->type();
        if (!s_applying && type == QEvent::ApplicationPaletteChange && watched == qApp) {
            // Someone else set the application's palette: that is the system's now.
            s_systemPalette = QApplication::palette();
            s_systemDark = looksDark(s_systemPalette);
            schedule(false);
        } else if (!s_applying && type == QEvent::ThemeChange && watched->isWindowType()) {
            schedule(true);  // one re-check for the many windows told at once
        }
        return QObject::eventFilter(watched, event);
    }

private:
    void schedule(bool rereadSystem)
    {
        m_reread = m_reread || rereadSystem;
        if (m_pending)
            return;
        m_pending = true;
        QMetaObject::invokeMethod(this, [this] { recheck(); }, Qt::QueuedConnection);
    }
    void recheck()
    {
        m_pending = false;
        auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
        if (!app)
            return;
        if (m_reread) {
            m_reread = false;
            s_applying = true;
            QApplication::setPalette(QPalette());  // what the platform gives without Easel's palette
            s_systemPalette = QApplication::palette();
            s_applying = false;
            s_systemDark = looksDark(s_systemPalette);
        }
        applyTheme(*app);
    }
    bool m_reread = false;
    bool m_pending = false;
};

} // namespace

bool isDark()
{
    return s_dark;
}

Appearance appearance()
{
    return s_appearance;
}

bool systemPrefersDark()
{
    return s_systemDark;
}

void setAppearance(Appearance appearance)
{
    s_appearance = appearance;
    QSettings().setValue(QStringLiteral("view/appearance"),
                         appearance == Appearance::Dark    ? QStringLiteral("dark")
                         : appearance == Appearance::Light ? QStringLiteral("light")
                                                           : QStringLiteral("automatic"));
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        applyTheme(*app);
}

ChartColors chartColors()
{
    if (s_dark)
        return {QColor(0x25, 0x2a, 0x33), QColor(0xd8, 0xdc, 0xe3), QColor(0x9a, 0xa1, 0xad), QColor(0x36, 0x3c, 0x47)};
    return {Qt::white, QColor(0x33, 0x37, 0x3d), QColor(0x8a, 0x90, 0x99), QColor(0xe6, 0xe8, 0xeb)};
}

QString themed(const QString &lightColour)
{
    if (!s_dark)
        return lightColour;
    const QString key = lightColour.toLower();
    if (key == QLatin1String("#2f6fde"))
        return QStringLiteral("#6ea2ff");  // links and text in the accent blue: brighter on dark
    return darkColours().value(key, lightColour);
}

QString themedHtml(const QString &html)
{
    if (!s_dark)
        return html;
    static const QRegularExpression colour(
        QStringLiteral("((?:color|background(?:-color)?)\\s*:\\s*)(#[0-9a-fA-F]{6})\\b"));
    return replaceMatches(html, colour, 2, [](const QRegularExpressionMatch &m) { return themed(m.captured(2)); });
}

namespace {
// Where themed texts and items remember what they were given.
const char *const kLightHtml = "easelLightHtml";
const char *const kShownHtml = "easelShownHtml";
constexpr int kToneRole = Qt::UserRole + 0x7e5;

void retintLabel(QLabel *label)
{
    const QVariant light = label->property(kLightHtml);
    if (!light.isValid())
        return;
    if (label->text() != label->property(kShownHtml).toString()) {
        // Set some other way since: no longer ours to re-colour.
        label->setProperty(kLightHtml, QVariant());
        label->setProperty(kShownHtml, QVariant());
        return;
    }
    const QString html = themedHtml(light.toString());
    label->setProperty(kShownHtml, html);
    label->setText(html);
}

QVariant toneBrush(const QVariant &tone)
{
    return tone.isValid() ? QVariant(QBrush(QColor(themed(tone.toString())))) : QVariant();
}

//! Every themed label, tree and table item in the application, in the current appearance.
void retintAll()
{
    for (QWidget *w : QApplication::allWidgets()) {
        if (auto *label = qobject_cast<QLabel *>(w)) {
            retintLabel(label);
        } else if (auto *tree = qobject_cast<QTreeWidget *>(w)) {
            for (QTreeWidgetItemIterator it(tree); *it; ++it)
                for (int c = 0; c < (*it)->columnCount(); ++c)
                    if (const QVariant tone = (*it)->data(c, kToneRole); tone.isValid())
                        (*it)->setData(c, Qt::ForegroundRole, toneBrush(tone));
        } else if (auto *table = qobject_cast<QTableWidget *>(w)) {
            for (int r = 0; r < table->rowCount(); ++r)
                for (int c = 0; c < table->columnCount(); ++c)
                    if (QTableWidgetItem *item = table->item(r, c))
                        if (const QVariant tone = item->data(kToneRole); tone.isValid())
                            item->setData(Qt::ForegroundRole, toneBrush(tone));
        }
    }
}
} // namespace

void setThemedText(QLabel *label, const QString &lightHtml)
{
    const QString html = themedHtml(lightHtml);
    label->setProperty(kLightHtml, lightHtml);
    label->setProperty(kShownHtml, html);
    label->setText(html);
}

void setItemTone(QTreeWidgetItem *item, int column, const QString &lightColour)
{
    const QVariant tone = lightColour.isEmpty() ? QVariant() : QVariant(lightColour);
    item->setData(column, kToneRole, tone);
    item->setData(column, Qt::ForegroundRole, toneBrush(tone));
}

void setItemTone(QTableWidgetItem *item, const QString &lightColour)
{
    const QVariant tone = lightColour.isEmpty() ? QVariant() : QVariant(lightColour);
    item->setData(kToneRole, tone);
    item->setData(Qt::ForegroundRole, toneBrush(tone));
}

QString styleSheet(double scale)
{
    s_scale = scale;
    QString css = QString::fromLatin1(kStyleSheet);
    if (s_dark)
        css = darkened(css);
    if (scale == 1.0)
        return css;
    static const QRegularExpression pt(QStringLiteral("(\\d+(?:\\.\\d+)?)pt"));
    return replaceMatches(css, pt, 0, [scale](const QRegularExpressionMatch &m) {
        return QString::number(m.captured(1).toDouble() * scale, 'f', 1) + QStringLiteral("pt");
    });
}

void applyTheme(QApplication &app)
{
    static bool first = true;
    if (first) {
        first = false;
        // Before Easel sets its own palette, the application's is the system's.
        s_systemPalette = app.palette();
        s_systemDark = looksDark(s_systemPalette);
        const QString saved = QSettings().value(QStringLiteral("view/appearance")).toString();
        s_appearance = saved == QLatin1String("dark")    ? Appearance::Dark
                       : saved == QLatin1String("light") ? Appearance::Light
                                                         : Appearance::Automatic;
        app.installEventFilter(new SystemWatcher(&app));
    }
    s_dark = s_appearance == Appearance::Dark || (s_appearance == Appearance::Automatic && s_systemDark);
    s_applying = true;
    if (!app.style() || app.style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    app.setPalette(s_dark ? darkPalette() : lightPalette(app));
    app.setStyleSheet(styleSheet(s_scale));
    // What the style sheet and palette cannot reach: colours written into rich
    // text and item data. Re-coloured now, not when a page is next refreshed.
    retintAll();
    s_applying = false;
}

} // namespace easel
