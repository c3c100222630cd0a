#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace easel {

//! Dense features as every trainer receives them: row-major float32, NaN for
//! missing. Trainers that embed categoricals (networks) also get the category
//! codes of the categorical columns (-1 missing) with their cardinalities.
struct FeatureMatrix
{
    size_t rows = 0;
    size_t cols = 0;
    std::vector<float> values;          //!< rows × cols, row-major
    QStringList names;                  //!< one per numeric feature ("age", "sex=male", "date.month")
    std::vector<int> sourceColumn;      //!< per feature: index into Preprocessor::inputColumns() of the column it came from

    size_t catCols = 0;
    std::vector<int32_t> cats;          //!< rows × catCols, row-major; codes 0..L-1 for the L training levels,
                                        //!< L ("other") for a missing or unseen value
    std::vector<int32_t> catCardinality;//!< per categorical column: number of codes, L + 1 (codes 0..n-1)
    QStringList catNames;
    std::vector<int> catSourceColumn;   //!< per categorical column: index into Preprocessor::inputColumns()

    float at(size_t row, size_t col) const { return values[row * cols + col]; }
    const float *row(size_t r) const { return values.data() + r * cols; }
};

} // namespace easel
