#pragma once

#include "base/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <vector>

namespace easel {

class Library;

//! A build as the library remembers it.
struct BuildRecord
{
    qint64 id = -1;
    qint64 datasetId = -1;
    QJsonObject spec;
    QString status;        //!< running, finished, failed, canceled, interrupted
    QString log;
    QDateTime createdAt;   //!< UTC
    QDateTime finishedAt;  //!< UTC; invalid while running
    QJsonObject timings;
};

//! One trial of a build.
struct TrialRow
{
    qint64 id = -1;
    qint64 buildId = -1;
    QString family;
    QJsonObject params;
    double score = 0;      //!< NaN when none
    QString metric;
    double seconds = 0;
    QString status;
};

//! A saved model bundle.
struct ModelRecord
{
    qint64 id = -1;
    qint64 buildId = -1;   //!< -1 when its build was deleted
    QString path;
    QJsonObject manifest;
    QDateTime createdAt;
};

//! Builds, trials and models in a Library. Every call is one transaction, so a
//! process killed mid-build leaves the build "running" with the trials that
//! finished; markInterrupted() (called when a studio or CLI opens the library)
//! turns builds whose process is gone into "interrupted".
class BuildStore
{
public:
    explicit BuildStore(Library &library) : m_library(library) {}

    //! Starts a build of a data set; the build belongs to this process.
    Result<qint64> createBuild(qint64 datasetId, const QJsonObject &spec);
    Status appendLog(qint64 buildId, const QString &line);
    Status addTrial(qint64 buildId, const TrialRow &trial);
    Status finishBuild(qint64 buildId, const QString &status, const QJsonObject &timings = {});
    Result<qint64> addModel(qint64 buildId, const QString &path, const QJsonObject &manifest);

    Result<std::vector<BuildRecord>> builds(qint64 datasetId = -1) const;
    Result<BuildRecord> build(qint64 buildId) const;
    Result<std::vector<TrialRow>> trials(qint64 buildId) const;
    Result<std::vector<ModelRecord>> models() const;

    //! Marks "running" builds whose owning process no longer runs as "interrupted".
    //! Returns how many were marked.
    Result<int> markInterrupted();

private:
    Library &m_library;
};

} // namespace easel
