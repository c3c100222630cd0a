#pragma once
// Shared by the export tests: split a shared data set, build a small bundle,
// and run Debian's python3 on a script.

#include "automl/build.h"
#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "model/bundle.h"

#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <optional>

namespace easel::testing {

inline QString sharedData(const QString &name)
{
    return QStringLiteral(EASEL_SHARED_DATA_DIR "/") + name;
}

//! Writes every fifth data line of src to test, the others to train (line-based: no quoted line breaks).
inline bool splitCsv(const QString &src, const QString &train, const QString &test)
{
    QFile in(src), a(train), b(test);
    if (!in.open(QIODevice::ReadOnly) || !a.open(QIODevice::WriteOnly) || !b.open(QIODevice::WriteOnly))
        return false;
    const QList<QByteArray> lines = in.readAll().split('\n');
    a.write(lines.front() + '\n');
    b.write(lines.front() + '\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        ((i - 1) % 5 == 0 ? b : a).write(lines[i] + '\n');
    }
    return true;
}

//! A quick build on the CSV at path; nullopt (with why) when it fails.
inline std::optional<ModelBundle> buildBundle(const QString &path, const QString &target, const QStringList &families,
                                              TrainerRegistry &registry, double seconds = 10,
                                              const QStringList &dropped = {}, QString *why = nullptr)
{
    Result<CsvImport> import = readCsv(path);
    if (!import) {
        if (why)
            *why = import.error().message;
        return std::nullopt;
    }
    BuildSpec spec;
    spec.target = target;
    spec.mode = BuildMode::Quick;
    spec.timeLimitSeconds = seconds;
    spec.families = families;
    spec.dropped = dropped;
    spec.seed = 11;
    spec.threads = 2;
    Result<BuildResult> result = runBuild(*import->table, spec, registry);
    if (!result) {
        if (why)
            *why = result.error().message;
        return std::nullopt;
    }
    return result->bundle;
}

//! Whether /usr/bin/python3 has the given modules.
inline bool pythonHas(const QStringList &modules)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"), QStringLiteral("import ") + modules.join(QStringLiteral(", "))});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

//! Runs /usr/bin/python3 with args; returns the exit code (-1 when it did not finish) and fills output.
inline int runPython(const QStringList &args, QByteArray *output, int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("/usr/bin/python3"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        *output = p.readAll();
        return -1;
    }
    *output = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace easel::testing
