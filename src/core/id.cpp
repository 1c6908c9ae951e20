#include "core/id.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "core/date.h"

namespace u5 {

static const char kHex[] = "0123456789abcdef";

std::string Sha256Hex(std::string_view s) {
  // OpenSSL's SHA-256 uses the processor's SHA instructions, a third of
  // libsodium's portable code's time: every read's audit entry and every
  // request's session token are hashed. Fetched once, not at each call.
  static const EVP_MD* const kSha256 = [] {
    const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md ? md : EVP_sha256();
  }();
  unsigned char h[crypto_hash_sha256_BYTES];
  unsigned int n = 0;
  if (EVP_Digest(s.data(), s.size(), h, &n, kSha256, nullptr) != 1 || n != sizeof h)
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  std::string out;
  out.reserve(2 * sizeof h);
  for (unsigned char c : h) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

std::string NewUuid7() {
  // 48-bit ms timestamp, then a per-process counter in rand_a keeps ids made
  // in the same millisecond increasing (monotonic within this process).
  static std::atomic<uint64_t> last{0};
  uint64_t ms = static_cast<uint64_t>(NowMillis());
  uint64_t prev = last.load();
  uint64_t seq;
  do {
    // Never below the last id: a thread that read the clock just before another must not go back.
    seq = std::max(prev + 1, ms << 12);
  } while (!last.compare_exchange_weak(prev, seq));
  uint64_t rand_b;
  randombytes_buf(&rand_b, sizeof rand_b);
  return FormatUuid7(seq >> 12, static_cast<uint16_t>(seq & 0xfff), rand_b);
}

std::string FormatUuid7(uint64_t unix_ms, uint16_t rand_a, uint64_t rand_b) {
  uint8_t b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(unix_ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((rand_a >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(rand_a & 0xff);
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<uint8_t>(rand_b >> (56 - 8 * i));
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 0xf]);
  }
  return s;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), bytes);
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

}  // namespace u5
