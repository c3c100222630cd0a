#include "store/hash64.h"

#include <bit>
#include <cstring>

namespace easel {

namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

inline uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big)
        v = __builtin_bswap64(v);
    return v;
}

inline uint32_t read32(const unsigned char *p)
{
    uint32_t v;
    std::memcpy(&v, p, 4);
    if constexpr (std::endian::native == std::endian::big)
        v = __builtin_bswap32(v);
    return v;
}

inline uint64_t round(uint64_t acc, uint64_t input)
{
    acc += input * kPrime2;
    acc = std::rotl(acc, 31);
    return acc * kPrime1;
}

inline uint64_t mergeRound(uint64_t acc, uint64_t value)
{
    acc ^= round(0, value);
    return acc * kPrime1 + kPrime4;
}

} // namespace

Hash64::Hash64(uint64_t seed) : m_seed(seed)
{
    m_v[0] = seed + kPrime1 + kPrime2;
    m_v[1] = seed + kPrime2;
    m_v[2] = seed;
    m_v[3] = seed - kPrime1;
}

void Hash64::update(const void *data, size_t size)
{
    auto p = static_cast<const unsigned char *>(data);
    const unsigned char *const end = p + size;
    m_total += size;

    if (m_buffered + size < 32) {
        if (size)
            std::memcpy(m_buffer + m_buffered, p, size);
        m_buffered += size;
        return;
    }
    if (m_buffered) {
        const size_t fill = 32 - m_buffered;
        std::memcpy(m_buffer + m_buffered, p, fill);
        p += fill;
        m_v[0] = round(m_v[0], read64(m_buffer));
        m_v[1] = round(m_v[1], read64(m_buffer + 8));
        m_v[2] = round(m_v[2], read64(m_buffer + 16));
        m_v[3] = round(m_v[3], read64(m_buffer + 24));
        m_buffered = 0;
    }
    uint64_t v0 = m_v[0], v1 = m_v[1], v2 = m_v[2], v3 = m_v[3];
    while (end - p >= 32) {
        v0 = round(v0, read64(p));
        v1 = round(v1, read64(p + 8));
        v2 = round(v2, read64(p + 16));
        v3 = round(v3, read64(p + 24));
        p += 32;
    }
    m_v[0] = v0;
    m_v[1] = v1;
    m_v[2] = v2;
    m_v[3] = v3;
    if (p < end) {
        m_buffered = size_t(end - p);
        std::memcpy(m_buffer, p, m_buffered);
    }
}

uint64_t Hash64::digest() const
{
    uint64_t h;
    if (m_total >= 32) {
        h = std::rotl(m_v[0], 1) + std::rotl(m_v[1], 7) + std::rotl(m_v[2], 12) + std::rotl(m_v[3], 18);
        for (uint64_t v : m_v)
            h = mergeRound(h, v);
    } else {
        h = m_seed + kPrime5;
    }
    h += m_total;

    const unsigned char *p = m_buffer;
    size_t len = m_buffered;
    while (len >= 8) {
        h ^= round(0, read64(p));
        h = std::rotl(h, 27) * kPrime1 + kPrime4;
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        h ^= uint64_t(read32(p)) * kPrime1;
        h = std::rotl(h, 23) * kPrime2 + kPrime3;
        p += 4;
        len -= 4;
    }
    while (len > 0) {
        h ^= uint64_t(*p) * kPrime5;
        h = std::rotl(h, 11) * kPrime1;
        ++p;
        --len;
    }
    h ^= h >> 33;
    h *= kPrime2;
    h ^= h >> 29;
    h *= kPrime3;
    h ^= h >> 32;
    return h;
}

uint64_t Hash64::of(const void *data, size_t size, uint64_t seed)
{
    Hash64 hash(seed);
    hash.update(data, size);
    return hash.digest();
}

} // namespace easel
