// A seeded random number generator whose output is the same on every machine and standard
// library: xoshiro256** seeded through splitmix64, and our own reduction to a range (the
// std::*_distribution classes are implementation-defined, so a seed would not reproduce).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace auditvm::difftest {

// One step of splitmix64: also how a run's seed and a rule set's index make that set's seed.
std::uint64_t splitmix64(std::uint64_t& state);

class Random {
 public:
  explicit Random(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, n), n > 0 (rejection sampling: no modulo bias).
  std::uint64_t below(std::uint64_t n);
  bool percent(unsigned p) { return below(100) < p; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(below(items.size()))];
  }
  // An index chosen with the given weights (at least one positive).
  std::size_t weighted(const std::vector<unsigned>& weights);

 private:
  std::uint64_t s_[4];
};

}  // namespace auditvm::difftest
