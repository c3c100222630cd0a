#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QRegularExpression>
#include <QStyleFactory>

namespace easel {

namespace {
const char *kStyleSheet = R"(
QMainWindow, #datasetsPage, #datasetView, #buildPage, #buildProgressPage, #modelsPage, #predictPage { background: #f6f7f9; }
#card { background: white; border: 1px solid #e1e4e9; border-radius: 8px; }
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
    background: white; color: #1d4fa8; border: 2px solid #2f6fde; border-radius: 8px; padding: 9px 16px;
    font-weight: 600; text-align: left; font-size: 10.5pt;
}
#standardBuild:hover { background: #eef4ff; }
#standardBuild:disabled { color: #9aa6bb; border-color: #c9d3e4; }
#stopButton {
    background: white; color: #9b2c2c; border: 1px solid #e3a3a3; border-radius: 6px; padding: 8px 16px; font-weight: 600;
}
#stopButton:hover { background: #fdecec; }
#stopButton:disabled { color: #b9a0a0; }
#exportButton {
    background: white; color: #1f2430; border: 1px solid #cfd5de; border-radius: 6px; padding: 7px 16px; font-weight: 500;
}
#exportButton:hover { background: #eef4ff; border-color: #2f6fde; }
#primaryButton:disabled { background: #a9c0ea; }
QTreeWidget { background: white; border: 1px solid #e1e4e9; border-radius: 6px; }
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
#railCompute { color: #8d95a5; font-size: 9pt; padding: 8px 4px 2px 6px; }
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
#dropZone { background: white; border: 2px dashed #c4c9d2; border-radius: 10px; }
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
#qualityStrip { background: white; border: 1px solid #e1e4e9; border-left: 4px solid #d97a1e; border-radius: 6px; }
#qualityStrip[level="info"] { border-left-color: #2f6fde; }
#qualityStrip[level="good"] { border-left-color: #2e9e5b; }
#qualityItem { color: #33373d; padding: 1px 0; }
#qualityItem[clickable="true"]:hover { color: #2f6fde; }
#linkButton { color: #2f6fde; border: none; padding: 0; }
#columnCard { background: white; border: 1px solid #e1e4e9; border-radius: 8px; }
#cardTitle { font-size: 15pt; font-weight: 600; color: #1f2430; }
#cardSummary { color: #33373d; }
#typeBadge { color: white; border-radius: 9px; padding: 2px 9px; font-weight: 700; font-size: 9pt; }
#factCaption { color: #6b7280; font-size: 8.5pt; }
#factValue { color: #1f2430; font-size: 11pt; font-weight: 600; }
#cardWarnings { background: #fff4e6; border-radius: 6px; padding: 8px 10px; color: #6a3d0a; }
#cardScroll, #cardScroll > QWidget > QWidget { background: transparent; }
QTableView { background: white; border: 1px solid #e1e4e9; border-radius: 6px; gridline-color: #eceef1;
             selection-background-color: #dbe7fd; selection-color: #1f2430; alternate-background-color: #fafbfc; }
#datasetTable::item { padding: 0 10px; }
QHeaderView::section { background: #f1f3f6; border: none; border-right: 1px solid #e1e4e9;
                       border-bottom: 1px solid #e1e4e9; padding: 5px 8px; font-weight: 600; color: #33373d; }
QListWidget { background: white; border: 1px solid #e1e4e9; border-radius: 6px; }
QTabWidget::pane { border: none; }
QTabBar::tab { padding: 6px 18px; border: none; border-bottom: 2px solid transparent; color: #4b5260; background: transparent; }
QTabBar::tab:selected { border-bottom: 2px solid #2f6fde; color: #1f2430; font-weight: 600; }
QTabBar::tab:hover:!selected { color: #1f2430; }
QStatusBar { background: #eceef2; color: #4b5260; }
)";
} // namespace

QString styleSheet(double scale)
{
    QString css = QString::fromLatin1(kStyleSheet);
    if (scale == 1.0)
        return css;
    static const QRegularExpression pt(QStringLiteral("(\\d+(?:\\.\\d+)?)pt"));
    QString out;
    qsizetype last = 0;
    for (auto it = pt.globalMatch(css); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += css.mid(last, m.capturedStart() - last);
        out += QString::number(m.captured(1).toDouble() * scale, 'f', 1) + QStringLiteral("pt");
        last = m.capturedEnd();
    }
    out += css.mid(last);
    return out;
}

void applyTheme(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p = app.style()->standardPalette();
    p.setColor(QPalette::Window, QColor(0xf6, 0xf7, 0xf9));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xfa, 0xfb, 0xfc));
    p.setColor(QPalette::Text, QColor(0x1f, 0x24, 0x30));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x24, 0x30));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    p.setColor(QPalette::HighlightedText, Qt::white);
    app.setPalette(p);
    app.setStyleSheet(QString::fromLatin1(kStyleSheet));
}

} // namespace easel
