// aes.h: AES-256-CBC with PKCS#7 padding and AES-256-GCM on OpenSSL 3 EVP.
#pragma once

#include "base/bytes.h"

namespace parity {

// aes256_cbc_encrypt encrypts with PKCS#7 padding. key: 32 bytes, iv: 16 bytes.
Result<Bytes> aes256_cbc_encrypt(ByteView key, ByteView iv, ByteView plaintext);
// aes256_cbc_decrypt decrypts and strips PKCS#7 padding; bad padding is Errc::bad_padding.
Result<Bytes> aes256_cbc_decrypt(ByteView key, ByteView iv, ByteView ciphertext);

// aes256_gcm_encrypt returns ciphertext || 16-byte tag. key: 32 bytes, iv: 1 or more bytes.
Result<Bytes> aes256_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext);
// aes256_gcm_decrypt checks the trailing 16-byte tag; a wrong tag is Errc::bad_mac.
Result<Bytes> aes256_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView sealed);

}  // namespace parity
