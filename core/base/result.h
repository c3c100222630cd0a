#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace easel {

//! What went wrong, in a form a caller can branch on.
enum class ErrorCode {
    None = 0,
    NotFound,          //!< the file or item does not exist
    PermissionDenied,  //!< the file exists but cannot be read or written
    NotAFile,          //!< a directory or device where a file was expected
    EmptyInput,        //!< nothing to read
    BinaryInput,       //!< the content is not text
    NotCsv,            //!< text, but not a table
    BadRow,            //!< a row is malformed and the caller asked to refuse such files
    Canceled,          //!< the user stopped the task
    InvalidArgument,   //!< the caller passed something that makes no sense
    Corrupt,           //!< stored data fails its checks (truncated, altered)
    Database,          //!< the library database reported an error
    Io,                //!< reading or writing failed half-way
    Unsupported,       //!< a valid request this version cannot honour
    Internal,          //!< a bug
};

//! An expected failure: a code, a sentence for the user, and where it happened.
struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;   //!< plain words: what happened and what to do next
    QString file;      //!< the file concerned, if any
    qint64 line = -1;  //!< 1-based line in that file, or -1
    int column = -1;   //!< 1-based column (field) in that line, or -1

    //! The message prefixed with file, line and column where they are known.
    QString toString() const
    {
        QString where = file;
        if (line > 0)
            where += (where.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("line %1").arg(line);
        if (column > 0)
            where += QStringLiteral(", column %1").arg(column);
        return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
    }
};

//! Either a value or an Error; never both. Used instead of exceptions across
//! threads, plugins and layers (see STYLE.md).
template<typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    static Result failure(ErrorCode code, QString message, QString file = {}, qint64 line = -1, int column = -1)
    {
        return Result(Error{code, std::move(message), std::move(file), line, column});
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    T &value() & { return *m_value; }
    const T &value() const & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }
    T &operator*() & { return *m_value; }
    const T &operator*() const & { return *m_value; }

    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

//! A Result with no value: success, or an Error.
class Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}

    static Status success() { return {}; }
    static Status failure(ErrorCode code, QString message, QString file = {}, qint64 line = -1, int column = -1)
    {
        return Status(Error{code, std::move(message), std::move(file), line, column});
    }

    bool ok() const { return m_error.code == ErrorCode::None; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
};

} // namespace easel
