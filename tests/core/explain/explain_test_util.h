#pragma once
// Shared by the explain and model tests: generated data and small real bundles.

#include "automl/build.h"
#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "explain/bundle_annotations.h"
#include "model/bundle.h"
#include "model/predictor.h"

#include <QFile>
#include <QProcess>
#include <QTest>

#include <memory>
#include <numeric>

namespace easel::testing {

//! Writes make_large.py data to path (rows, task, seed); false on failure.
inline bool makeLarge(const QString &path, int rows, const QString &task, int seed = 1)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            {QStringLiteral(EASEL_SHARED_DATA_DIR "/make_large.py"), QStringLiteral("--rows"), QString::number(rows),
             QStringLiteral("--task"), task, QStringLiteral("--seed"), QString::number(seed), QStringLiteral("--out"),
             path});
    return p.waitForFinished(120000) && p.exitCode() == 0 && QFile::exists(path);
}

inline std::shared_ptr<Table> readTable(const QString &path)
{
    Result<CsvImport> r = readCsv(path);
    return r ? r->table : nullptr;
}

//! A real bundle built in-process, with column impact and the drift reference added
//! the way the build runner does (annotateBundle).
inline std::unique_ptr<ModelBundle> buildBundle(const Table &table, const QString &target, const QStringList &families,
                                                double seconds, TrainerRegistry &registry, bool annotate = true)
{
    BuildSpec spec;
    spec.target = target;
    spec.families = families;
    spec.timeLimitSeconds = seconds;
    spec.threads = 2;
    Result<BuildResult> r = runBuild(table, spec, registry);
    if (!r) {
        qWarning("build failed: %s", qPrintable(r.error().message));
        return nullptr;
    }
    auto bundle = std::make_unique<ModelBundle>(r->bundle);
    if (annotate) {
        std::vector<size_t> rows(table.rowCount());
        std::iota(rows.begin(), rows.end(), size_t(0));
        if (Status s = annotateBundle(*bundle, table, rows, {}, registry); !s) {
            qWarning("annotate failed: %s", qPrintable(s.error().message));
            return nullptr;
        }
    }
    return bundle;
}

} // namespace easel::testing
