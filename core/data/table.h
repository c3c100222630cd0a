#pragma once

#include <QString>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace easel {

//! What a column holds, as a user would say it (shown as the column's badge).
enum class ColumnType : uint8_t {
    Integer,      //!< whole numbers
    Real,         //!< numbers with decimals (also ±inf)
    Boolean,      //!< true/false, yes/no, t/f, y/n (0/1 stays Integer, as pandas reads it)
    Categorical,  //!< a small set of repeated labels
    Text,         //!< free text: many different values
    Date,         //!< calendar dates
    DateTime,     //!< dates with a time of day
    Identifier,   //!< a different value in (nearly) every row: an ID
};

//! How a column's values are stored in memory.
enum class Storage : uint8_t {
    Int64,    //!< int64 values; kMissingInt64 is missing (Integer, Date, DateTime, integer Identifier)
    Float64,  //!< doubles; NaN is missing (Real)
    Bool,     //!< int8 0/1; -1 is missing (Boolean)
    String,   //!< int32 codes into a dictionary; -1 is missing (Categorical, Text, string Identifier)
};

constexpr int64_t kMissingInt64 = std::numeric_limits<int64_t>::min();
constexpr int8_t kMissingBool = -1;
constexpr int32_t kMissingCode = -1;

QString columnTypeName(ColumnType type);          //!< "integer", "real", … (stable, used in JSON)
bool columnTypeFromName(const QString &name, ColumnType *type);
bool isNumeric(ColumnType type);                  //!< Integer or Real
bool isTemporal(ColumnType type);                 //!< Date or DateTime
//! A Text column whose present values are at least half different (more than two):
//! free text, whose words a build reads, rather than repeated labels.
bool isFreeText(ColumnType type, int64_t distinct, int64_t present);

//! One typed column. Exactly one of the value vectors is used, chosen by storage().
//! Dates and date-times are stored as milliseconds since 1970-01-01T00:00:00 UTC
//! (a time of day or offset in the file is converted to UTC).
class Column
{
public:
    Column() = default;
    Column(QString name, ColumnType type, Storage storage)
        : m_name(std::move(name)), m_type(type), m_storage(storage) {}

    const QString &name() const { return m_name; }
    void setName(const QString &name) { m_name = name; }
    ColumnType type() const { return m_type; }
    void setType(ColumnType type) { m_type = type; }
    Storage storage() const { return m_storage; }

    size_t size() const;
    bool isMissing(size_t row) const;
    size_t missingCount() const;

    // Storage-specific access (valid only for the matching storage()).
    std::vector<int64_t> &int64s() { return m_int64; }
    const std::vector<int64_t> &int64s() const { return m_int64; }
    std::vector<double> &doubles() { return m_double; }
    const std::vector<double> &doubles() const { return m_double; }
    std::vector<int8_t> &bools() { return m_bool; }
    const std::vector<int8_t> &bools() const { return m_bool; }
    std::vector<int32_t> &codes() { return m_codes; }
    const std::vector<int32_t> &codes() const { return m_codes; }
    //! The dictionary of a String column: code → UTF-8 text. Codes are dense, 0..n-1.
    std::vector<std::string> &dictionary() { return m_dictionary; }
    const std::vector<std::string> &dictionary() const { return m_dictionary; }

    //! Boolean columns: how the file spelled false and true ("no"/"yes", "F"/"T", …),
    //! so labels are shown and written back exactly as they were read.
    void setBoolText(std::string falseText, std::string trueText)
    {
        m_boolText[0] = std::move(falseText);
        m_boolText[1] = std::move(trueText);
    }
    const std::string &boolText(bool value) const { return m_boolText[value ? 1 : 0]; }

    //! The value as a number, NaN when missing or not numeric-like (bools 0/1,
    //! dates in ms, codes for String storage).
    double numberAt(size_t row) const;
    //! The value as display text ("" when missing); dates as ISO 8601.
    QString textAt(size_t row) const;

private:
    QString m_name;
    ColumnType m_type = ColumnType::Text;
    Storage m_storage = Storage::String;
    std::vector<int64_t> m_int64;
    std::vector<double> m_double;
    std::vector<int8_t> m_bool;
    std::vector<int32_t> m_codes;
    std::vector<std::string> m_dictionary;
    std::string m_boolText[2] = {"false", "true"};
};

//! An immutable-after-construction, typed, columnar table. Shared between
//! threads through std::shared_ptr<const Table>.
class Table
{
public:
    size_t rowCount() const { return m_rows; }
    size_t columnCount() const { return m_columns.size(); }
    const Column &column(size_t i) const { return m_columns[i]; }
    Column &column(size_t i) { return m_columns[i]; }
    const std::vector<Column> &columns() const { return m_columns; }
    std::vector<Column> &columns() { return m_columns; }
    //! Index of the column named name, or -1.
    int indexOf(const QString &name) const;

    void setRowCount(size_t rows) { m_rows = rows; }
    void addColumn(Column column) { m_columns.push_back(std::move(column)); }

    //! Approximate bytes held in memory.
    size_t memoryBytes() const;

private:
    size_t m_rows = 0;
    std::vector<Column> m_columns;
};

using TablePtr = std::shared_ptr<const Table>;

//! Text read as a number the way values typed for prediction are: a decimal number,
//! or true/false, yes/no, t/f, y/n (any case) as 1/0. False for anything else.
bool parseNumberText(const QString &text, double *value);
//! The value as a number; a String column's text is read with parseNumberText (NaN
//! when it is not a number). For tables whose columns were typed differently at
//! training and at prediction time.
double numberOrParsed(const Column &column, size_t row);

//! Milliseconds since the epoch → "2024-05-01" (date) or "2024-05-01 13:45:00" (date-time).
QString formatTimestamp(int64_t ms, bool dateOnly);

} // namespace easel
