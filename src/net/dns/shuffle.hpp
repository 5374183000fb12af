// The order in which a name's addresses are answered: shuffled per answer so that
// clients taking the first address spread over the replicas. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace stack::net::dns {

// xorshift64*: fast and good enough to spread load; not for anything secret.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  // Uniform enough in [0, n) for the small n used here.
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

// Fills `order` with a random permutation of 0..order.size()-1.
inline void shuffled_order(std::span<uint16_t> order, Rng& rng) {
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint16_t>(i);
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = rng.below(i);
    const uint16_t t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
}

}  // namespace stack::net::dns
