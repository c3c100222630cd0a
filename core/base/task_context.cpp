#include "base/task_context.h"

#include <QDateTime>

#include <algorithm>

namespace easel {

void TaskContext::progress(double fraction, const QString &message)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    std::lock_guard<std::mutex> lock(m_mutex);
    // Progress only moves forward: workers finishing out of order must not make
    // a bar jump back.
    fraction = std::max(fraction, m_fraction.load(std::memory_order_relaxed));
    m_fraction.store(fraction, std::memory_order_relaxed);
    if (!m_callback)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Rate-limit to ~20 reports a second unless the message changes or the work ends.
    if (fraction < 1.0 && message == m_lastMessage && m_lastReportMs >= 0 && now - m_lastReportMs < 50)
        return;
    m_lastReportMs = now;
    m_lastMessage = message;
    m_callback(fraction, message);
}

} // namespace easel
