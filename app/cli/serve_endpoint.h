#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace easel {
class Predictor;
}

namespace easel::cli {

//! What the endpoint answers to one request: an HTTP status and a JSON body.
struct ServeReply
{
    int status = 200;
    QJsonObject body;

    QByteArray toJson() const;  //!< compact UTF-8
    static ServeReply error(int status, const QString &message);
};

//! The request logic of `easel-cli serve`, without any HTTP: parses request
//! bodies, checks every value against the model's input schema and predicts.
//! Thread-safe: every method is const and Predictor::predict is thread-safe, so
//! requests may be answered on several threads at once.
class ServeEndpoint
{
public:
    static constexpr qsizetype kMaxRows = 100000;

    //! The predictor must outlive the endpoint; name is shown as the model's name.
    ServeEndpoint(const Predictor &predictor, QString name);

    //! GET /health: {"status": "ok", "model": {...}}.
    ServeReply health() const;
    //! GET /schema: the columns the model reads (types, levels, ranges), target, problem type, labels.
    ServeReply schema() const;
    //! POST /predict: body is a JSON array of row objects, or one row object.
    //! 400 for a body that is not JSON or not rows, 422 for a value of the wrong
    //! type or a row lacking a column, 413 for more than kMaxRows rows.
    ServeReply predict(const QByteArray &body) const;

    //! {"name", "target", "problem_type", "families"}: included in every prediction reply.
    const QJsonObject &modelInfo() const { return m_model; }

private:
    struct InputColumn
    {
        QString name;
        QString type;  //!< columnTypeName: "integer", "real", "boolean", "categorical", "text", "date", …
    };

    const Predictor &m_predictor;
    QJsonObject m_model;
    std::vector<InputColumn> m_inputs;
};

} // namespace easel::cli
