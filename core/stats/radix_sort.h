#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <bit>
#include <vector>

namespace easel::detail {

//! Order-preserving map of a double (not NaN) to an unsigned key.
inline uint64_t sortKey(double v)
{
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    // Negative: flip every bit; positive: flip the sign bit. Branch-free, as signs
    // are often random.
    const uint64_t mask = uint64_t(-int64_t(bits >> 63)) | 0x8000000000000000ull;
    return bits ^ mask;
}

inline double fromSortKey(uint64_t key)
{
    const uint64_t mask = uint64_t(-int64_t(~key >> 63)) | 0x8000000000000000ull;
    const uint64_t bits = key ^ mask;
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

//! LSD radix sort on 11-bit digits; digits that are equal in every item are skipped.
//! keyOf(item) gives the uint64 key. Stable. About 3× faster than std::sort on 1M doubles.
template<typename T, typename KeyOf>
void radixSort(std::vector<T> &items, KeyOf keyOf)
{
    constexpr int kBits = 11, kBuckets = 1 << kBits, kPasses = (64 + kBits - 1) / kBits;
    const size_t n = items.size();
    if (n < 2)
        return;
    std::vector<uint32_t> counts(size_t(kPasses) * kBuckets, 0);
    for (const T &item : items) {
        const uint64_t k = keyOf(item);
        for (int p = 0; p < kPasses; ++p)
            ++counts[size_t(p) * kBuckets + ((k >> (p * kBits)) & (kBuckets - 1))];
    }
    std::vector<T> buffer(n);
    for (int p = 0; p < kPasses; ++p) {
        uint32_t *c = counts.data() + size_t(p) * kBuckets;
        const uint64_t first = (keyOf(items[0]) >> (p * kBits)) & (kBuckets - 1);
        if (c[first] == n)
            continue;  // every item has this digit
        uint32_t sum = 0;
        for (int b = 0; b < kBuckets; ++b) {
            const uint32_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (const T &item : items)
            buffer[c[(keyOf(item) >> (p * kBits)) & (kBuckets - 1)]++] = item;
        items.swap(buffer);
    }
}

//! Digit counts of sort keys' top 31 bits, for sortKeysHighFirst(); add() every key.
struct HighDigitCounts
{
    static constexpr int kBits = 11, kBuckets = 1 << kBits, kShift = 33, kPasses = 3;
    std::vector<uint32_t> counts = std::vector<uint32_t>(size_t(kPasses) * kBuckets, 0);

    void add(uint64_t key)
    {
        uint32_t *c = counts.data();
        ++c[(key >> kShift) & (kBuckets - 1)];
        ++c[kBuckets + ((key >> (kShift + kBits)) & (kBuckets - 1))];
        ++c[2 * kBuckets + (key >> (kShift + 2 * kBits))];
    }
};

//! Sorts sort keys (sortKey() bits held in doubles, so that a column's storage can
//! hold them) counted into counts. Radix passes on the top 31 bits (sign, exponent
//! and 19 bits of mantissa: values closer than about 2e-6 relative share them) put
//! the keys nearly in order; the short runs that share those bits are then sorted
//! on the whole key. Half the passes of a full radix sort for data read from text
//! with a few digits; std::sort's cost when all values crowd together.
inline void sortKeysHighFirst(std::vector<double> &keys, HighDigitCounts &counts)
{
    using C = HighDigitCounts;
    const size_t n = keys.size();
    const auto key = [](double k) { return std::bit_cast<uint64_t>(k); };
    if (n < 256) {
        std::sort(keys.begin(), keys.end(), [&](double a, double b) { return key(a) < key(b); });
        return;
    }
    // Not value-initialised: every element is written before it is read.
    std::unique_ptr<double[]> buffer(new double[n]);
    double *from = keys.data(), *to = buffer.get();
    for (int p = 0; p < C::kPasses; ++p) {
        const int shift = C::kShift + p * C::kBits;
        uint32_t *c = counts.counts.data() + size_t(p) * C::kBuckets;
        if (c[(key(keys[0]) >> shift) & (C::kBuckets - 1)] == n)
            continue;  // every key has this digit
        uint32_t sum = 0;
        for (int b = 0; b < C::kBuckets; ++b) {
            const uint32_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; ++i)
            to[c[(key(from[i]) >> shift) & (C::kBuckets - 1)]++] = from[i];
        std::swap(from, to);
    }
    if (from != keys.data())
        std::copy(from, from + n, keys.data());
    buffer.reset();
    for (size_t i = 0; i < n;) {
        const uint64_t high = key(keys[i]) >> C::kShift;
        size_t j = i + 1;
        while (j < n && key(keys[j]) >> C::kShift == high)
            ++j;
        if (j - i > 1)
            std::sort(keys.begin() + std::ptrdiff_t(i), keys.begin() + std::ptrdiff_t(j),
                      [&](double a, double b) { return key(a) < key(b); });
        i = j;
    }
}

} // namespace easel::detail
