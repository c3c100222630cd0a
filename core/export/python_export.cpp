#include "export/python_export.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace easel {

namespace {

const QSet<QString> &knownFamilies()
{
    static const QSet<QString> families = {QStringLiteral("xgboost"), QStringLiteral("random_forest"),
                                           QStringLiteral("linear"), QStringLiteral("mlp")};
    return families;
}

//! A pipeline as the script needs it: the out-of-fold encodings only serve training.
QJsonObject scriptPipeline(QJsonObject pipeline)
{
    QJsonArray columns = pipeline.value(QStringLiteral("columns")).toArray();
    for (qsizetype i = 0; i < columns.size(); ++i) {
        QJsonObject c = columns[i].toObject();
        c.remove(QStringLiteral("outOfFold"));
        columns[i] = c;
    }
    pipeline[QStringLiteral("columns")] = columns;
    return pipeline;
}

//! A Python expression for bytes: a parenthesised run of base64 string lines.
QByteArray base64Lines(const QByteArray &bytes)
{
    const QByteArray b64 = bytes.toBase64();
    QByteArray out = "[\n";
    constexpr qsizetype kLine = 96;
    for (qsizetype i = 0; i < b64.size(); i += kLine)
        out += "        \"" + b64.mid(i, kLine) + "\",\n";
    out += "    ]";
    return out;
}

QByteArray pythonDocstring(const QJsonObject &m, const QStringList &families, const QStringList &inputs)
{
    QString labels;
    const QJsonArray classLabels = m.value(QStringLiteral("class_labels")).toArray();
    for (const QJsonValue &v : classLabels)
        labels += (labels.isEmpty() ? QString() : QStringLiteral(", ")) + v.toString();
    QString doc;
    doc += QStringLiteral("Easel model: predicts \"%1\" (%2%3).\n\n")
               .arg(m.value(QStringLiteral("target")).toString(), m.value(QStringLiteral("problem_type")).toString(),
                    labels.isEmpty() ? QString() : QStringLiteral(": ") + labels);
    doc += QStringLiteral("Exported from an Easel %1 model built %2. Members: %3.\n\n")
               .arg(m.value(QStringLiteral("easel_version")).toString(),
                    m.value(QStringLiteral("created_at")).toString(), families.join(QStringLiteral(", ")));
    doc += QStringLiteral(
        "Usage:  python3 model.py INPUT.csv OUTPUT.csv [--precise]\n\n"
        "Writes the columns `easel-cli predict` writes: the input columns, \"prediction\"\n"
        "and, for classification, \"probability_<label>\" per class (8 significant digits,\n"
        "17 with --precise). Needs numpy and pandas%1.\n\n"
        "The input CSV must hold these columns (values may be empty): %2.\n")
               .arg(families.contains(QStringLiteral("xgboost")) || families.contains(QStringLiteral("random_forest"))
                        ? QStringLiteral(", and the xgboost package (1.7 or newer)")
                        : QString(),
                    inputs.join(QStringLiteral(", ")));
    QString escaped = doc;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QStringLiteral("\"\"\""), QStringLiteral("\\\"\\\"\\\""));
    return escaped.toUtf8();
}

} // namespace

Result<QByteArray> makePythonScript(const ModelBundle &bundle)
{
    using R = Result<QByteArray>;
    const QJsonObject &m = bundle.manifest;
    if (m.value(QStringLiteral("format")).toString() != QLatin1String("easel-model"))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The file holds no Easel model manifest."));

    QStringList inputs;
    QJsonObject inputTypes;  // how `easel-cli predict` reads each column: numbers for integer / real
    for (const QJsonValue &v : m.value(QStringLiteral("input_schema")).toArray()) {
        const QString name = v.toObject().value(QStringLiteral("name")).toString();
        inputs << name;
        inputTypes.insert(name, v.toObject().value(QStringLiteral("type")));
    }

    const QJsonObject pipelines = m.value(QStringLiteral("pipelines")).toObject();
    QJsonObject usedPipelines;
    QJsonArray members;
    QStringList families, payloadNames;
    for (const QJsonValue &mv : m.value(QStringLiteral("members")).toArray()) {
        const QJsonObject mo = mv.toObject();
        const QString family = mo.value(QStringLiteral("family")).toString();
        const double weight = mo.value(QStringLiteral("weight")).toDouble();
        const QJsonArray folds = mo.value(QStringLiteral("folds")).toArray();
        if (!(weight > 0) || folds.isEmpty())
            continue;  // Predictor::open leaves these out too
        if (!knownFamilies().contains(family))
            return R::failure(ErrorCode::Unsupported,
                              QStringLiteral("The Python export cannot run the model's %1 member yet.").arg(family));
        QJsonArray outFolds;
        for (const QJsonValue &fv : folds) {
            const QJsonObject fo = fv.toObject();
            const QString pipeline = fo.value(QStringLiteral("pipeline")).toString();
            const QString payload = fo.value(QStringLiteral("payload")).toString();
            if (!pipelines.contains(pipeline) || !bundle.payloads.count(payload))
                return R::failure(ErrorCode::Corrupt,
                                  QStringLiteral("The model file lacks the part '%1'. Build the model again.")
                                      .arg(bundle.payloads.count(payload) ? pipeline : payload));
            if (!usedPipelines.contains(pipeline))
                usedPipelines.insert(pipeline, scriptPipeline(pipelines.value(pipeline).toObject()));
            if (!payloadNames.contains(payload))
                payloadNames << payload;
            outFolds.append(QJsonObject{{QStringLiteral("pipeline"), pipeline}, {QStringLiteral("payload"), payload}});
        }
        if (!families.contains(family))
            families << family;
        members.append(QJsonObject{{QStringLiteral("family"), family},
                                   {QStringLiteral("weight"), weight},
                                   {QStringLiteral("params"), mo.value(QStringLiteral("params"))},
                                   {QStringLiteral("folds"), outFolds}});
    }
    if (members.isEmpty())
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The model file holds no trained model."));

    const QJsonObject model{
        {QStringLiteral("format"), QStringLiteral("easel-python-export")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("easel_version"), m.value(QStringLiteral("easel_version"))},
        {QStringLiteral("created_at"), m.value(QStringLiteral("created_at"))},
        {QStringLiteral("problem_type"), m.value(QStringLiteral("problem_type"))},
        {QStringLiteral("target"), m.value(QStringLiteral("target"))},
        {QStringLiteral("class_labels"), m.value(QStringLiteral("class_labels"))},
        {QStringLiteral("threshold"), m.value(QStringLiteral("threshold")).toDouble(0.5)},
        {QStringLiteral("input_columns"), QJsonArray::fromStringList(inputs)},
        {QStringLiteral("input_types"), inputTypes},
        {QStringLiteral("pipelines"), usedPipelines},
        {QStringLiteral("members"), members},
        {QStringLiteral("calibration"), m.value(QStringLiteral("calibration")).toObject()},
    };
    QByteArray modelJson = QJsonDocument(model).toJson(QJsonDocument::Indented);
    // A raw triple-quoted literal keeps the JSON readable; it cannot hold a
    // triple quote or end in a backslash, so fall back to base64 then.
    QByteArray modelLiteral;
    if (!modelJson.contains("\"\"\"") && !modelJson.trimmed().endsWith('\\'))
        modelLiteral = "json.loads(r\"\"\"\n" + modelJson + "\"\"\")";
    else
        modelLiteral = "json.loads(base64.b64decode(\"" + modelJson.toBase64() + "\").decode(\"utf-8\"))";

    QByteArray script;
    script += "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n\"\"\"";
    script += pythonDocstring(m, families, inputs);
    script += "\"\"\"\n# Generated by Easel; edit at your own risk.\n\n";
    script += "import base64\nimport json\nimport math\nimport re\nimport struct\nimport sys\n\n";
    script += "import numpy as np\nimport pandas as pd\n\n";
    script += "# The model: problem, labels, threshold, the fitted data preparation per pipeline,\n"
              "# and the ensemble members (weight, and one payload per cross-validation fold).\n";
    script += "MODEL = " + modelLiteral + "\n\n";
    script += "# The fitted models, base64 (XGBoost UBJ, linear weights as JSON, MLP raw weights).\nPAYLOADS = {\n";
    for (const QString &name : payloadNames) {
        script += "    \"" + name.toUtf8().replace('\\', "\\\\").replace('"', "\\\"") + "\": ";
        script += base64Lines(bundle.payloads.at(name)) + ",\n";
    }
    script += "}\n";
    script += pythonRuntimeSource();
    return script;
}

} // namespace easel
