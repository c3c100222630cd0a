#pragma once

#include "base/result.h"
#include "data/table.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace easel {

enum class ProblemType { Binary, Multiclass, Regression };

QString problemTypeName(ProblemType type);  //!< "binary", "multiclass", "regression" (stable)
bool problemTypeFromName(const QString &name, ProblemType *type);

//! The target column as a learning problem: its type, why, and the class labels.
struct TargetInfo
{
    QString column;
    ProblemType problem = ProblemType::Regression;
    QString reason;            //!< "species holds 3 different labels, so Easel predicts one of several categories."
    QStringList classLabels;   //!< classification only: labels exactly as written in the CSV, sorted; index = class id
};

//! Detects binary / multiclass / regression from the target column and says why.
//! Rules, on the rows with a value:
//!  - exactly 2 distinct values (any type) → Binary;
//!  - Real → Regression;
//!  - Integer with at most 10 distinct values, each seen at least twice → Multiclass
//!    (wine quality 3–9), otherwise Regression (abalone Rings, 28 values);
//!  - Boolean / Categorical / Text / Identifier → Multiclass;
//!  - Date / DateTime → error (Easel does not predict dates).
//! Fails (InvalidArgument, plain words naming the column) when the column is
//! missing, constant or all missing, when fewer than 20 rows have a value, or
//! when a class has a single example.
Result<TargetInfo> detectTarget(const Table &table, const QString &column);

//! The same with the problem type forced by the user (e.g. integer rings as classes).
//! Regression needs an Integer or Real column; Binary exactly 2 distinct values;
//! Multiclass at least 3 (2 values: choose Binary).
Result<TargetInfo> targetAs(const Table &table, const QString &column, ProblemType problem);

//! Target values per row: class index (0..k-1) for classification, the number for
//! regression; NaN where the target is missing (those rows are not used for training).
std::vector<float> encodeTarget(const Table &table, const TargetInfo &target);

} // namespace easel
