// easel-cli serve: a local prediction endpoint over HTTP (the "endpoint" of a
// cloud ML service, on the user's own machine).
//
// The HTTP side is Qt's QHttpServer (6.4 API), which runs every handler on the
// main thread. /health and /schema are answered there; /predict only copies the
// body and hands it to a thread pool, which parses, checks and predicts
// (Predictor::predict is thread-safe), then posts the reply back to the main
// thread, which writes it if the client is still connected.
#include "cli_commands.h"

#include "automl/trainer_registry.h"
#include "model/bundle.h"
#include "model/predictor.h"
#include "serve_endpoint.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QThreadPool>

#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

namespace easel::cli {

namespace {

void out(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);  // a test or script reads the URL through a pipe
}
void err(const QString &text) { std::fputs(text.toUtf8().constData(), stderr); }

int usage(const QString &message)
{
    err(QStringLiteral("easel-cli: %1\n").arg(message));
    return ExitUsage;
}

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;

QHttpServerResponse response(const ServeReply &reply)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"), reply.toJson(), Status(reply.status));
}

void write(QHttpServerResponder &responder, int status, const QByteArray &json)
{
    responder.write(json, {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}},
                    Status(status));
}

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(double(bytes) / (1024 * 1024), 0, 'f', 1);
    if (bytes >= 1024)
        return QStringLiteral("%1 KB").arg(double(bytes) / 1024, 0, 'f', 1);
    return QStringLiteral("%1 bytes").arg(bytes);
}

// ---- Ctrl+C / SIGTERM: a self-pipe wakes the event loop, which quits -----------------------------

int g_signalPipe[2] = {-1, -1};

extern "C" void onStopSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[0], &byte, 1);
}

//! Routes SIGINT and SIGTERM to QCoreApplication::quit() for its lifetime.
class StopOnSignal
{
public:
    StopOnSignal()
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
            return;
        m_notifier = std::make_unique<QSocketNotifier>(g_signalPipe[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, [] {
            char byte;
            [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[1], &byte, 1);
            QCoreApplication::quit();
        });
        std::signal(SIGINT, onStopSignal);
        std::signal(SIGTERM, onStopSignal);
    }
    ~StopOnSignal()
    {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        m_notifier.reset();
        for (int &fd : g_signalPipe)
            if (fd >= 0) {
                ::close(fd);
                fd = -1;
            }
    }

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

//! A prediction waiting for its worker: the responder and a guard that turns
//! null when the client's socket goes away (QHttpServer deletes it on disconnect).
struct PendingReply
{
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
};

} // namespace

int runServe(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Serve a model bundle over HTTP on this machine:\n"
                       "  POST /predict   a JSON array of rows (or one row object) -> predictions\n"
                       "  GET  /schema    the columns the model needs, their types, levels and ranges\n"
                       "  GET  /health    {\"status\": \"ok\"} and which model is served\n"
                       "Ctrl+C stops it."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The model bundle (.easel)."));
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("The port to listen on (default 8080; 0 picks a free one)."),
         QStringLiteral("N"), QStringLiteral("8080")},
        {QStringLiteral("host"),
         QStringLiteral("The address to listen on (default 127.0.0.1: only this machine can connect)."),
         QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("max-body"), QStringLiteral("Largest request body accepted, in bytes (default 10 MB)."),
         QStringLiteral("BYTES"), QString::number(10 * 1024 * 1024)},
        {QStringLiteral("threads"), QStringLiteral("Requests predicted at once (default: one per core)."),
         QStringLiteral("N")},
        {QStringLiteral("library"), QStringLiteral("Ignored (serve records nothing)."), QStringLiteral("PATH")},
    });
    QStringList full = args;
    full.prepend(QStringLiteral("easel-cli serve"));
    if (!parser.parse(full))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1)
        return usage(QStringLiteral("serve takes one MODEL.easel. Try 'easel-cli serve --help'."));

    bool ok = false;
    const uint port = parser.value(QStringLiteral("port")).toUInt(&ok);
    if (!ok || port > 65535)
        return usage(QStringLiteral("--port takes a number from 0 to 65535 (0 picks a free port)."));
    const QString hostText = parser.value(QStringLiteral("host"));
    QHostAddress host;
    if (hostText == QLatin1String("localhost"))
        host = QHostAddress(QHostAddress::LocalHost);
    else if (!host.setAddress(hostText))
        return usage(QStringLiteral("--host takes an IP address such as 127.0.0.1 or 0.0.0.0, not '%1'.").arg(hostText));
    const qint64 maxBody = parser.value(QStringLiteral("max-body")).toLongLong(&ok);
    if (!ok || maxBody <= 0)
        return usage(QStringLiteral("--max-body takes a number of bytes above 0."));
    int threads = QThread::idealThreadCount();
    if (parser.isSet(QStringLiteral("threads"))) {
        threads = parser.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || threads < 1)
            return usage(QStringLiteral("--threads takes a whole number of 1 or more."));
    }

    const QString modelPath = parser.positionalArguments().constFirst();
    Result<ModelBundle> bundle = ModelBundle::load(modelPath);
    if (!bundle) {
        err(QStringLiteral("easel-cli: %1\n").arg(bundle.error().toString()));
        return bundle.error().code == ErrorCode::NotFound || bundle.error().code == ErrorCode::PermissionDenied
                       || bundle.error().code == ErrorCode::NotAFile
                   ? ExitNotFound
                   : ExitBadInput;
    }
    TrainerRegistry registry;
    registry.discover();
    Result<std::unique_ptr<Predictor>> opened = Predictor::open(*bundle, registry);
    if (!opened) {
        err(QStringLiteral("easel-cli: %1: %2\n").arg(modelPath, opened.error().message));
        return ExitFailure;
    }
    const std::unique_ptr<Predictor> predictor = std::move(*opened);
    const QString name = QFileInfo(modelPath).completeBaseName();
    const ServeEndpoint endpoint(*predictor, name);

    QThreadPool pool;
    pool.setMaxThreadCount(threads);

    QHttpServer server;
    server.route(QStringLiteral("/health"), Method::Get, [&endpoint] { return response(endpoint.health()); });
    server.route(QStringLiteral("/schema"), Method::Get, [&endpoint] { return response(endpoint.schema()); });
    server.route(QStringLiteral("/predict"), Method::Post,
                 [&endpoint, &pool, &server, maxBody](const QHttpServerRequest &request,
                                                      QHttpServerResponder &&responder) {
                     const QByteArray body = request.body();
                     if (body.size() > maxBody) {
                         const ServeReply reply = ServeReply::error(
                             413, QStringLiteral("The request body is %1; this endpoint accepts at most %2 "
                                                 "(--max-body). Send fewer rows per request.")
                                      .arg(sizeText(body.size()), sizeText(maxBody)));
                         write(responder, reply.status, reply.toJson());
                         return;
                     }
                     QPointer<QTcpSocket> socket = responder.socket();
                     auto pending = std::make_shared<PendingReply>(PendingReply{std::move(responder), socket});
                     pool.start([pending, body, &endpoint, &server] {
                         const ServeReply reply = endpoint.predict(body);
                         const int status = reply.status;
                         const QByteArray json = reply.toJson();
                         QMetaObject::invokeMethod(
                             &server,
                             [pending, status, json] {
                                 if (pending->socket && pending->socket->state() == QAbstractSocket::ConnectedState)
                                     write(pending->responder, status, json);
                             },
                             Qt::QueuedConnection);
                     });
                 });
    server.setMissingHandler([](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        const QString path = request.url().path();
        const QByteArray allow = path == QLatin1String("/predict") ? QByteArrayLiteral("POST")
                                 : path == QLatin1String("/health") || path == QLatin1String("/schema")
                                     ? QByteArrayLiteral("GET")
                                     : QByteArray();
        if (!allow.isEmpty()) {
            const ServeReply reply = ServeReply::error(
                405, QStringLiteral("%1 takes %2 requests only.").arg(path, QString::fromLatin1(allow)));
            responder.write(reply.toJson(),
                            {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                             {QByteArrayLiteral("Allow"), allow}},
                            Status::MethodNotAllowed);
            return;
        }
        const ServeReply reply = ServeReply::error(
            404, QStringLiteral("There is nothing at %1. This endpoint answers POST /predict, GET /schema and "
                                "GET /health.")
                     .arg(path.isEmpty() ? QStringLiteral("/") : path));
        write(responder, reply.status, reply.toJson());
    });

    auto *tcp = new QTcpServer(&server);
    if (!tcp->listen(host, quint16(port))) {
        err(QStringLiteral("easel-cli: cannot listen on %1 port %2: %3. Choose another --port (0 picks a free "
                           "one).\n")
                .arg(host.toString())
                .arg(port)
                .arg(tcp->errorString()));
        return ExitFailure;
    }
    server.bind(tcp);

    StopOnSignal stopOnSignal;
    const QString hostInUrl = host.protocol() == QAbstractSocket::IPv6Protocol
                                  ? QStringLiteral("[%1]").arg(host.toString())
                                  : host.toString();
    out(QStringLiteral("Serving %1 on http://%2:%3\n").arg(name, hostInUrl).arg(tcp->serverPort()));
    if (!host.isLoopback())
        err(QStringLiteral("easel-cli: warning: listening on %1, so other machines can reach this model. The "
                           "endpoint has no password or encryption; use --host 127.0.0.1 unless you mean it.\n")
                .arg(host.toString()));
    err(QStringLiteral("POST /predict  GET /schema  GET /health   (%1 threads; Ctrl+C stops)\n").arg(threads));

    QCoreApplication::exec();

    tcp->close();
    pool.clear();
    pool.waitForDone();
    err(QStringLiteral("Stopped.\n"));
    return ExitOk;
}

} // namespace easel::cli
