#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <map>

namespace easel {

//! A model bundle (".easel"): one file holding a JSON manifest and named binary
//! payloads (XGBoost UBJ, network weights, linear weights as JSON), protected
//! by a checksum. The layout is
//!
//!   "EASELMDL" | u32 format version | u32 entry count
//!   entries: u32 name length | name (UTF-8) | u64 size | bytes   (first entry: "manifest.json")
//!   u64 XXH64 of everything before | "EASELEND"
//!
//! all integers little-endian. Loading checks the magic, version, sizes and
//! checksum and never executes anything stored in the file: payloads are data
//! read by the trainers' own loaders.
class ModelBundle
{
public:
    static constexpr quint32 kFormatVersion = 1;
    //! The manifest's "format_version" when it holds a probability "calibration": an
    //! Easel that predates it would give other probabilities, so it refuses such a
    //! model. Other models keep version 1 and open in older Easels.
    static constexpr int kCalibratedManifestVersion = 2;

    QJsonObject manifest;
    std::map<QString, QByteArray> payloads;  //!< name → bytes ("models/m1_f0.ubj")

    QByteArray toBytes() const;
    //! Writes atomically (temporary file + rename): a crash never leaves a half-written bundle.
    Status save(const QString &path) const;

    //! Reads a bundle. A truncated or altered file gives ErrorCode::Corrupt, a newer
    //! format ErrorCode::Unsupported, each with a message naming the file.
    static Result<ModelBundle> load(const QString &path);
    static Result<ModelBundle> fromBytes(const QByteArray &bytes, const QString &name);
};

} // namespace easel
