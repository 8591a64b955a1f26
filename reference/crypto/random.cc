#include "reference/crypto/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

namespace parity {

void OsRng::fill(std::span<uint8_t> out_) {
  if (out_.empty()) return;
  if (RAND_bytes(out_.data(), static_cast<int>(out_.size())) != 1) {
    // Without randomness no key can be made safely; stopping is the only safe answer.
    std::abort();
  }
}

struct SeededRng::Impl {
  EVP_CIPHER_CTX* ctx = nullptr;
};

SeededRng::SeededRng(const Key32& seed) : impl_(std::make_unique<Impl>()) {
  static const uint8_t kZeroIv[16] = {};
  impl_->ctx = EVP_CIPHER_CTX_new();
  if (impl_->ctx == nullptr ||
      EVP_EncryptInit_ex(impl_->ctx, EVP_aes_256_ctr(), nullptr, seed.data(), kZeroIv) != 1) {
    std::abort();
  }
}

SeededRng::~SeededRng() { EVP_CIPHER_CTX_free(impl_->ctx); }

void SeededRng::fill(std::span<uint8_t> out_) {
  if (out_.empty()) return;
  std::vector<uint8_t> zeros(out_.size(), 0);
  int len = 0;
  if (EVP_EncryptUpdate(impl_->ctx, out_.data(), &len, zeros.data(), static_cast<int>(zeros.size())) != 1) {
    std::abort();
  }
}

Rng& os_rng() {
  static OsRng rng;
  return rng;
}

}  // namespace parity
