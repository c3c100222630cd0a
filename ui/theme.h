#pragma once

class QApplication;
class QString;

namespace easel {

//! Gives the studio its look: the Fusion style, a light palette and the style
//! sheet for the rail, cards, badges and banners. Call once after QApplication.
void applyTheme(QApplication &app);
//! The style sheet with every point size multiplied by scale (presentation mode).
QString styleSheet(double scale = 1.0);

} // namespace easel
