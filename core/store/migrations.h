#pragma once

#include "base/result.h"

#include <QSqlDatabase>
#include <QString>

#include <vector>

namespace easel {

//! One forward step of the library schema: the SQL that takes a database from
//! version - 1 to version. Steps are never edited once released; a change is a
//! new step appended to libraryMigrations().
struct Migration
{
    int version = 0;
    QString description;
    std::vector<QString> statements;
};

//! Every step, in order: element i takes the schema to version i + 1.
const std::vector<Migration> &libraryMigrations();

//! Applies the steps after the database's PRAGMA user_version up to the last one,
//! each in its own BEGIN IMMEDIATE transaction (so two processes opening the
//! same library never both migrate it). Fails with Unsupported when the database
//! is newer than this build, Database when a step fails (that step is rolled
//! back; earlier ones stay).
Status migrateLibrary(QSqlDatabase &db);

} // namespace easel
