#include "store/build_store.h"

#include "store/library.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cerrno>
#include <cmath>
#include <limits>
#include <signal.h>

namespace easel {

namespace {

QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }
QString json(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
QJsonObject object(const QVariant &v) { return QJsonDocument::fromJson(v.toString().toUtf8()).object(); }
QDateTime time(const QVariant &v)
{
    if (v.isNull())
        return {};
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

Error dbError(const QSqlQuery &q, const QString &what)
{
    return Error{ErrorCode::Database, QStringLiteral("%1: %2").arg(what, q.lastError().text())};
}

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

BuildRecord buildFrom(const QSqlQuery &q)
{
    BuildRecord b;
    b.id = q.value(0).toLongLong();
    b.datasetId = q.value(1).toLongLong();
    b.spec = object(q.value(2));
    b.status = q.value(3).toString();
    b.log = q.value(4).toString();
    b.createdAt = time(q.value(5));
    b.finishedAt = time(q.value(6));
    b.timings = object(q.value(7));
    return b;
}

const char *kBuildColumns = "id, dataset_id, spec_json, status, log, created_at, finished_at, timings_json";

} // namespace

Result<qint64> BuildStore::createBuild(qint64 datasetId, const QJsonObject &spec)
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("INSERT INTO builds (dataset_id, spec_json, status, created_at, owner_pid) "
                             "VALUES (?, ?, 'running', ?, ?)"));
    q.addBindValue(datasetId);
    q.addBindValue(json(spec));
    q.addBindValue(now());
    q.addBindValue(QCoreApplication::applicationPid());
    if (!q.exec())
        return dbError(q, QStringLiteral("Could not record the build"));
    return q.lastInsertId().toLongLong();
}

Status BuildStore::appendLog(qint64 buildId, const QString &line)
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("UPDATE builds SET log = log || ? WHERE id = ?"));
    q.addBindValue(line + QLatin1Char('\n'));
    q.addBindValue(buildId);
    if (!q.exec())
        return Status(dbError(q, QStringLiteral("Could not record the build log")));
    return Status::success();
}

Status BuildStore::addTrial(qint64 buildId, const TrialRow &t)
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("INSERT INTO trials (build_id, family, params_json, score, metric, seconds, status, "
                             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(buildId);
    q.addBindValue(t.family);
    q.addBindValue(json(t.params));
    q.addBindValue(std::isfinite(t.score) ? QVariant(t.score) : QVariant());
    q.addBindValue(t.metric);
    q.addBindValue(t.seconds);
    q.addBindValue(t.status);
    q.addBindValue(now());
    if (!q.exec())
        return Status(dbError(q, QStringLiteral("Could not record a trial")));
    return Status::success();
}

Status BuildStore::finishBuild(qint64 buildId, const QString &status, const QJsonObject &timings)
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("UPDATE builds SET status = ?, finished_at = ?, timings_json = ? WHERE id = ?"));
    q.addBindValue(status);
    q.addBindValue(now());
    q.addBindValue(json(timings));
    q.addBindValue(buildId);
    if (!q.exec())
        return Status(dbError(q, QStringLiteral("Could not record the end of the build")));
    return Status::success();
}

Result<qint64> BuildStore::addModel(qint64 buildId, const QString &path, const QJsonObject &manifest)
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("INSERT INTO models (build_id, path, manifest_json, created_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(buildId > 0 ? QVariant(buildId) : QVariant());
    q.addBindValue(path);
    q.addBindValue(json(manifest));
    q.addBindValue(now());
    if (!q.exec())
        return dbError(q, QStringLiteral("Could not record the model"));
    return q.lastInsertId().toLongLong();
}

Result<std::vector<BuildRecord>> BuildStore::builds(qint64 datasetId) const
{
    QSqlQuery q(m_library.database());
    QString sql = QStringLiteral("SELECT %1 FROM builds").arg(QLatin1String(kBuildColumns));
    if (datasetId >= 0)
        sql += QStringLiteral(" WHERE dataset_id = ?");
    sql += QStringLiteral(" ORDER BY id");
    q.prepare(sql);
    if (datasetId >= 0)
        q.addBindValue(datasetId);
    if (!q.exec())
        return dbError(q, QStringLiteral("Could not list the builds"));
    std::vector<BuildRecord> out;
    while (q.next())
        out.push_back(buildFrom(q));
    return out;
}

Result<BuildRecord> BuildStore::build(qint64 buildId) const
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("SELECT %1 FROM builds WHERE id = ?").arg(QLatin1String(kBuildColumns)));
    q.addBindValue(buildId);
    if (!q.exec())
        return dbError(q, QStringLiteral("Could not read the build"));
    if (!q.next())
        return Error{ErrorCode::NotFound, QStringLiteral("There is no build %1 in the library.").arg(buildId)};
    return buildFrom(q);
}

Result<std::vector<TrialRow>> BuildStore::trials(qint64 buildId) const
{
    QSqlQuery q(m_library.database());
    q.prepare(QStringLiteral("SELECT id, build_id, family, params_json, score, metric, seconds, status FROM trials "
                             "WHERE build_id = ? ORDER BY id"));
    q.addBindValue(buildId);
    if (!q.exec())
        return dbError(q, QStringLiteral("Could not list the trials"));
    std::vector<TrialRow> out;
    while (q.next()) {
        TrialRow t;
        t.id = q.value(0).toLongLong();
        t.buildId = q.value(1).toLongLong();
        t.family = q.value(2).toString();
        t.params = object(q.value(3));
        t.score = q.value(4).isNull() ? std::numeric_limits<double>::quiet_NaN() : q.value(4).toDouble();
        t.metric = q.value(5).toString();
        t.seconds = q.value(6).toDouble();
        t.status = q.value(7).toString();
        out.push_back(t);
    }
    return out;
}

Result<std::vector<ModelRecord>> BuildStore::models() const
{
    QSqlQuery q(m_library.database());
    if (!q.exec(QStringLiteral("SELECT id, build_id, path, manifest_json, created_at FROM models ORDER BY id")))
        return dbError(q, QStringLiteral("Could not list the models"));
    std::vector<ModelRecord> out;
    while (q.next()) {
        ModelRecord m;
        m.id = q.value(0).toLongLong();
        m.buildId = q.value(1).isNull() ? -1 : q.value(1).toLongLong();
        m.path = q.value(2).toString();
        m.manifest = object(q.value(3));
        m.createdAt = time(q.value(4));
        out.push_back(m);
    }
    return out;
}

Result<int> BuildStore::markInterrupted()
{
    QSqlQuery q(m_library.database());
    if (!q.exec(QStringLiteral("SELECT id, owner_pid FROM builds WHERE status = 'running'")))
        return dbError(q, QStringLiteral("Could not check for interrupted builds"));
    std::vector<qint64> gone;
    while (q.next())
        if (!processAlive(q.value(1).toLongLong()))
            gone.push_back(q.value(0).toLongLong());
    for (qint64 id : gone) {
        QSqlQuery u(m_library.database());
        u.prepare(QStringLiteral("UPDATE builds SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'"));
        u.addBindValue(now());
        u.addBindValue(id);
        if (!u.exec())
            return dbError(u, QStringLiteral("Could not mark an interrupted build"));
    }
    return int(gone.size());
}

} // namespace easel
