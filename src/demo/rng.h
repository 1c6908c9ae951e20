// The demo's own pseudo-random generator: xoshiro256** seeded by splitmix64.
// std:: distributions are not used because their output may change between
// standard-library versions, and the demo must be byte-identical by seed.
#pragma once
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace u5::demo {

inline uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a, to derive independent streams from names (a commune code).
inline uint64_t HashText(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(seed);
  }
  Rng(uint64_t seed, std::string_view stream) : Rng(seed ^ HashText(stream)) {}

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // [0, n) without modulo bias worth caring about at these sizes (n < 2^32).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1))); }
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal by Box-Muller (one value per call; simplicity over speed).
  double Normal() {
    const double u1 = 1.0 - Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }
  // Index drawn with the given weights (need not sum to 1).
  template <typename Weights>
  size_t Pick(const Weights& w) {
    double total = 0;
    for (double x : w) total += x;
    double u = Uniform() * total;
    size_t i = 0;
    for (double x : w) {
      if (u < x) return i;
      u -= x;
      ++i;
    }
    return i == 0 ? 0 : i - 1;
  }
  size_t Pick(std::initializer_list<double> w) { return Pick<std::initializer_list<double>>(w); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace u5::demo
