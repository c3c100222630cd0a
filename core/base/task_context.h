#pragma once

#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <mutex>

namespace easel {

//! The one small object passed down every long operation: it carries progress
//! out and cancellation in. Long work calls progress() now and then and polls
//! isCanceled() per chunk / round / batch; on cancel it returns
//! ErrorCode::Canceled (or, where the issue says so, what it has finished).
//!
//! Thread-safe: progress() may be called from any worker thread; the callback
//! is serialised and rate-limited, so hot loops may call it freely.
class TaskContext
{
public:
    using ProgressCallback = std::function<void(double fraction, const QString &message)>;

    TaskContext() = default;
    explicit TaskContext(ProgressCallback callback) : m_callback(std::move(callback)) {}
    TaskContext(const TaskContext &) = delete;
    TaskContext &operator=(const TaskContext &) = delete;

    //! Reports progress in [0, 1] with a short message ("Reading rows"). Progress never
    //! goes back: a smaller fraction than the last is raised to it. Use a new (child)
    //! context for each task.
    void progress(double fraction, const QString &message = {});
    //! Last reported fraction.
    double fraction() const { return m_fraction.load(std::memory_order_relaxed); }

    //! Asks the running work to stop. Safe from any thread.
    void cancel() { m_canceled.store(true, std::memory_order_relaxed); }
    bool isCanceled() const
    {
        if (m_canceled.load(std::memory_order_relaxed) || (m_parent && m_parent->isCanceled()))
            return true;
        return m_hasDeadline && std::chrono::steady_clock::now() >= m_deadline;
    }

    //! Makes isCanceled() true from this moment on (a time budget for one step).
    void setDeadline(std::chrono::steady_clock::time_point deadline)
    {
        m_deadline = deadline;
        m_hasDeadline = true;
    }

    //! Makes this context canceled whenever parent is (a child context for one
    //! step of a larger task, with its own progress callback). parent must outlive this.
    void setParent(const TaskContext *parent) { m_parent = parent; }

    //! Seconds until the nearest deadline of this context or its parents; +infinity without one.
    double secondsLeft() const
    {
        double left = m_parent ? m_parent->secondsLeft() : std::numeric_limits<double>::infinity();
        if (m_hasDeadline)
            left = std::min(left, std::chrono::duration<double>(m_deadline - std::chrono::steady_clock::now()).count());
        return left;
    }


private:
    ProgressCallback m_callback;
    const TaskContext *m_parent = nullptr;
    bool m_hasDeadline = false;
    std::chrono::steady_clock::time_point m_deadline;
    std::atomic<bool> m_canceled{false};
    std::atomic<double> m_fraction{0.0};
    std::mutex m_mutex;
    qint64 m_lastReportMs = -1;
    QString m_lastMessage;
};

//! Safe helpers for an optional context.
inline bool isCanceled(const TaskContext *ctx) { return ctx && ctx->isCanceled(); }
inline void reportProgress(TaskContext *ctx, double fraction, const QString &message = {})
{
    if (ctx)
        ctx->progress(fraction, message);
}

} // namespace easel
