#include "stats/profile.h"

#include <QElapsedTimer>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace easel {

namespace {

//! One phase of the profile: maps the phase's progress into [from, to] of the
//! parent's and passes a cancel of the parent on at the phase's next progress report.
class Phase
{
public:
    Phase(TaskContext *parent, double from, double to)
        : m_parent(parent), m_ctx([this, from, to](double f, const QString &message) {
              reportProgress(m_parent, from + (to - from) * f, message);
              if (easel::isCanceled(m_parent))
                  m_ctx.cancel();
          })
    {
        if (easel::isCanceled(parent))
            m_ctx.cancel();
    }
    Phase(const Phase &) = delete;
    Phase &operator=(const Phase &) = delete;

    TaskContext *get() { return m_parent ? &m_ctx : nullptr; }
    bool isCanceled() const { return easel::isCanceled(m_parent) || m_ctx.isCanceled(); }

private:
    TaskContext *m_parent;
    TaskContext m_ctx;
};

} // namespace

Profile profileTable(const Table &table, const ProfileOptions &options, TaskContext *ctx)
{
    Profile p;
    QElapsedTimer clock;
    clock.start();
    auto lap = [&](const char *phase) {
        p.phaseSeconds.emplace_back(QString::fromLatin1(phase), double(clock.nsecsElapsed()) / 1e9);
        clock.restart();
    };
    {
        Phase stats(ctx, 0.0, 0.5);
        p.columns = computeColumnStats(table, stats.get());
        if (stats.isCanceled())
            return {};
    }
    lap("statistics");
#if defined(__GLIBC__)
    // The per-column sort buffers were freed in the worker threads' malloc arenas,
    // which glibc keeps; hand them back so the next phases do not stack on top
    // (peak memory on large tables stays near the table's own size).
    malloc_trim(0);
#endif
    reportProgress(ctx, 0.5, QStringLiteral("Looking for repeated rows"));
    p.duplicateRows = countDuplicateRows(table, &p.columns);
    if (isCanceled(ctx))
        return {};
    lap("duplicates");
    {
        // Pearson is needed by the warnings even when the matrices are not asked for.
        Phase pearson(ctx, 0.6, 0.65);
        p.pearson = pearsonCorrelation(table, pearson.get());
        if (pearson.isCanceled())
            return {};
    }
    lap("pearson");
    if (options.correlations) {
        if (options.spearman) {
            Phase spearman(ctx, 0.65, 0.8);
            p.spearman = spearmanCorrelation(table, spearman.get());
            if (spearman.isCanceled())
                return {};
            lap("spearman");
        }
        Phase association(ctx, 0.8, 0.85);
        p.association = categoricalAssociation(table, association.get());
        if (association.isCanceled())
            return {};
        lap("association");
    }
    {
        Phase warnings(ctx, 0.85, 1.0);
        WarningOptions wo;
        wo.target = options.target;
        wo.duplicateRows = p.duplicateRows;
        wo.pearson = &p.pearson;
        p.warnings = computeWarnings(table, p.columns, wo, warnings.get());
        if (warnings.isCanceled())
            return {};
    }
    lap("warnings");
    if (!options.correlations)
        p.pearson = {};
    reportProgress(ctx, 1.0, QStringLiteral("Profile ready"));
    return p;
}

} // namespace easel
