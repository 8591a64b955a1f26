// random.h: where the reference draws its randomness from.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"

namespace parity {

// Rng is a source of random bytes. Sessions take one, so a run can be made
// reproducible by handing them a SeededRng.
class Rng {
 public:
  virtual ~Rng() = default;
  // fill writes random bytes over out_.
  virtual void fill(std::span<uint8_t> out_) = 0;
  Key32 key32() {
    Key32 k{};
    fill(k);
    return k;
  }
};

// OsRng draws from OpenSSL's RAND_bytes (the operating system's generator).
class OsRng final : public Rng {
 public:
  void fill(std::span<uint8_t> out_) override;
};

// SeededRng is a deterministic generator: AES-256-CTR keystream under the seed. The
// same seed gives the same bytes in the same order.
class SeededRng final : public Rng {
 public:
  explicit SeededRng(const Key32& seed);
  ~SeededRng() override;
  SeededRng(const SeededRng&) = delete;
  SeededRng& operator=(const SeededRng&) = delete;
  void fill(std::span<uint8_t> out_) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// os_rng returns a process-wide OsRng.
Rng& os_rng();

}  // namespace parity
