#pragma once

#include <cstddef>
#include <cstdint>

namespace easel {

//! Streaming 64-bit hash of a byte sequence: the XXH64 algorithm (Yann Collet,
//! BSD-2), written out here because core links no third-party hash library.
//! Fast (several GB/s on one core) and non-cryptographic: good for checksums and
//! recognising re-imported files, useless against an attacker.
//!
//! Feeding the same bytes in any chunking gives the same digest.
class Hash64
{
public:
    explicit Hash64(uint64_t seed = 0);

    //! Adds size bytes at data.
    void update(const void *data, size_t size);
    //! The digest of everything added so far (the state stays usable).
    uint64_t digest() const;

    //! One-shot helper.
    static uint64_t of(const void *data, size_t size, uint64_t seed = 0);

private:
    uint64_t m_total = 0;
    uint64_t m_v[4];
    unsigned char m_buffer[32];
    size_t m_buffered = 0;
    uint64_t m_seed;
};

//! The digest as 16 lowercase hex digits.
inline void hash64ToHex(uint64_t value, char out[16])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        out[i] = digits[value & 0xf];
        value >>= 4;
    }
}

} // namespace easel
