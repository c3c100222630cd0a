// Temporary stub: being replaced by the real sniffer and parallel reader.
#include "data/csv_reader.h"

namespace easel {

QJsonObject Dialect::toJson() const { return {}; }
Dialect Dialect::fromJson(const QJsonObject &) { return {}; }
QString Dialect::describe() const { return {}; }
QString encodingName(Dialect::Encoding) { return {}; }
QString lineEndingName(Dialect::LineEnding) { return {}; }

Result<Dialect> sniffCsv(const QString &path, const ImportOptions &)
{
    return Result<Dialect>::failure(ErrorCode::Unsupported, QStringLiteral("not implemented"), path);
}
Result<CsvPreview> previewCsv(const QString &path, const ImportOptions &, int)
{
    return Result<CsvPreview>::failure(ErrorCode::Unsupported, QStringLiteral("not implemented"), path);
}
Result<CsvImport> readCsv(const QString &path, const ImportOptions &, TaskContext *)
{
    return Result<CsvImport>::failure(ErrorCode::Unsupported, QStringLiteral("not implemented"), path);
}
Result<CsvImport> readCsvData(const QByteArray &, const QString &name, const ImportOptions &, TaskContext *)
{
    return Result<CsvImport>::failure(ErrorCode::Unsupported, QStringLiteral("not implemented"), name);
}

} // namespace easel
