#include "background_job.h"

namespace easel {

BackgroundJob::BackgroundJob(QObject *parent)
    : QObject(parent), m_progress(std::make_shared<JobProgress>())
{
    m_timer.setInterval(50);
    connect(&m_timer, &QTimer::timeout, this, &BackgroundJob::poll);
    m_timer.start();
}

void BackgroundJob::poll()
{
    const double fraction = m_progress->fraction();
    const QString message = m_progress->message();
    if (fraction == m_lastFraction && message == m_lastMessage)
        return;
    m_lastFraction = fraction;
    m_lastMessage = message;
    emit progressChanged(fraction, message);
}

} // namespace easel
