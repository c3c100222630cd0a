#pragma once

#include "base/task_context.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <mutex>

namespace easel {

//! The progress of one job, shared between the worker (which writes it through
//! its TaskContext) and the GUI thread (which polls it). Never touches a widget.
class JobProgress
{
public:
    JobProgress()
        : m_context([this](double fraction, const QString &message) {
              std::lock_guard lock(m_mutex);
              m_fraction = fraction;
              if (!message.isEmpty())
                  m_message = message;
          })
    {}
    TaskContext *context() { return &m_context; }
    void cancel() { m_context.cancel(); }
    bool isCanceled() const { return m_context.isCanceled(); }
    double fraction() const { std::lock_guard lock(m_mutex); return m_fraction; }
    QString message() const { std::lock_guard lock(m_mutex); return m_message; }

private:
    mutable std::mutex m_mutex;
    double m_fraction = 0;
    QString m_message;
    TaskContext m_context;
};

//! Runs work(ctx) on the global thread pool and calls done(result) on the GUI
//! thread when it finishes, unless owner is gone by then. Progress is polled by
//! the GUI every 50 ms and emitted as progressChanged; cancel() asks the work to
//! stop through its TaskContext. The result type must be copyable and default
//! constructible; workers hand back immutable values, never widgets or models.
class BackgroundJob : public QObject
{
    Q_OBJECT
public:
    explicit BackgroundJob(QObject *parent = nullptr);

    template<typename R>
    static BackgroundJob *start(QObject *owner, std::function<R(TaskContext *)> work,
                                std::function<void(const R &)> done)
    {
        auto *job = new BackgroundJob(owner);
        auto progress = job->m_progress;
        auto *watcher = new QFutureWatcher<R>(job);
        QObject::connect(watcher, &QFutureWatcherBase::finished, job, [job, watcher, done] {
            job->m_timer.stop();
            job->m_running = false;
            const R result = watcher->result();
            done(result);
            emit job->finished();
            job->deleteLater();
        });
        watcher->setFuture(QtConcurrent::run([progress, work] { return work(progress->context()); }));
        job->m_wait = [watcher] { watcher->waitForFinished(); };
        return job;
    }

    bool isRunning() const { return m_running; }
    bool isCanceled() const { return m_progress->isCanceled(); }
    //! Blocks until the work returns (call cancel() first). For destructors of
    //! owners whose work posts back to them: after this, nothing more is posted.
    void waitForFinished()
    {
        if (m_wait)
            m_wait();
    }

public slots:
    void cancel() { m_progress->cancel(); }

signals:
    void progressChanged(double fraction, const QString &message);
    void finished();

private:
    void poll();

    std::shared_ptr<JobProgress> m_progress;
    std::function<void()> m_wait;
    QTimer m_timer;
    bool m_running = true;
    double m_lastFraction = -1;
    QString m_lastMessage;
};

} // namespace easel
