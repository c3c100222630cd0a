#include "samples.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace easel {

QString samplesDirectory()
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("EASEL_SAMPLES_DIR");
    if (!env.isEmpty())
        candidates << env;
    const QString appDir = QCoreApplication::applicationDirPath();
    candidates << appDir + QStringLiteral("/../share/easel/samples");
#ifdef EASEL_SOURCE_SAMPLES_DIR
    candidates << QStringLiteral(EASEL_SOURCE_SAMPLES_DIR);
#endif
    for (const QString &dir : std::as_const(candidates)) {
        if (QFileInfo::exists(dir + QStringLiteral("/samples.json")))
            return QDir(dir).canonicalPath();
    }
    return {};
}

std::vector<Sample> bundledSamples()
{
    std::vector<Sample> samples;
    const QString dir = samplesDirectory();
    if (dir.isEmpty())
        return samples;
    QFile file(dir + QStringLiteral("/samples.json"));
    if (!file.open(QIODevice::ReadOnly))
        return samples;
    const QJsonArray list = QJsonDocument::fromJson(file.readAll()).array();
    for (const QJsonValue &value : list) {
        const QJsonObject o = value.toObject();
        Sample s;
        s.file = o.value(QStringLiteral("file")).toString();
        s.path = dir + QLatin1Char('/') + s.file;
        s.title = o.value(QStringLiteral("title")).toString();
        s.note = o.value(QStringLiteral("note")).toString();
        s.target = o.value(QStringLiteral("target")).toString();
        s.license = o.value(QStringLiteral("license")).toString();
        if (!s.file.isEmpty() && QFileInfo::exists(s.path))
            samples.push_back(s);
    }
    return samples;
}

std::optional<Sample> sampleForFile(const QString &pathOrName)
{
    const QFileInfo info(pathOrName);
    for (const Sample &s : bundledSamples()) {
        if (info.fileName() != s.file)
            continue;
        if (info.exists() && info.size() != QFileInfo(s.path).size())
            continue;
        return s;
    }
    return std::nullopt;
}

} // namespace easel
