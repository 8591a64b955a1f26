// digest_worker_test: media::DigestWorker (a stream's digests on the digest thread) and
// the streams that use it. Results must not depend on whether a stream got the thread,
// hashed itself, or shared the machine with other streams.
#include "reference/media/digest_worker.h"

#include <atomic>
#include <thread>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "reference/crypto/hash.h"
#include "reference/media/media.h"
#include "reference/media/media_stream.h"

namespace parity {
namespace {

using media::DigestWorker;
using media::MediaType;

// WorkersOff keeps workers off the digest thread for a scope.
class WorkersOff {
 public:
  WorkersOff() : before_(media::set_digest_workers(false)) {}
  ~WorkersOff() { media::set_digest_workers(before_); }
  WorkersOff(const WorkersOff&) = delete;
  WorkersOff& operator=(const WorkersOff&) = delete;

 private:
  bool before_;
};

Bytes pattern(size_t n, uint32_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>((i * 2654435761u + seed) >> 13);
  return b;
}

Key32 key_of(uint8_t v) {
  Key32 k{};
  k.fill(v);
  return k;
}

// Encrypted is what a streamed encryption gives.
struct Encrypted {
  Bytes file;
  Digest256 file_sha256{};
  Digest256 file_enc_sha256{};
  bool operator==(const Encrypted&) const = default;
};

Encrypted encrypt_in_chunks(const Bytes& pt, const Key32& key, size_t chunk) {
  auto enc = media::MediaEncryptor::create(MediaType::video, key);
  EXPECT_TRUE(enc.ok());
  Encrypted out;
  for (size_t at = 0; at < pt.size(); at += chunk) {
    EXPECT_TRUE(enc->update(ByteView(pt).subspan(at, std::min(chunk, pt.size() - at)), &out.file).ok());
  }
  auto tail = enc->finish();
  EXPECT_TRUE(tail.ok());
  out.file.insert(out.file.end(), tail->tail.begin(), tail->tail.end());
  out.file_sha256 = tail->file_sha256;
  out.file_enc_sha256 = tail->file_enc_sha256;
  return out;
}

// decrypt_in_chunks runs both passes; returns the error code name or the plaintext.
std::variant<Bytes, media::MediaErrc> decrypt_in_chunks(const Encrypted& e, const Key32& key, size_t chunk,
                                                        media::SecondPass mode) {
  auto dec = media::MediaDecryptor::create(MediaType::video, key, e.file_enc_sha256, mode);
  if (!dec.ok()) return dec.code();
  ByteView file(e.file);
  for (size_t at = 0; at < file.size(); at += chunk)
    dec->verify_update(file.subspan(at, std::min(chunk, file.size() - at)));
  if (auto st = dec->verify_finish(); !st.ok()) return st.code();
  Bytes out;
  for (size_t at = 0; at < file.size(); at += chunk) {
    if (auto st = dec->decrypt_update(file.subspan(at, std::min(chunk, file.size() - at)), &out); !st.ok()) {
      return st.code();
    }
  }
  if (auto st = dec->decrypt_finish(&out); !st.ok()) return st.code();
  return out;
}

TEST(DigestWorker, RunsJobsInPostedOrderAndEndWaitsForAll) {
  std::vector<size_t> order;
  std::vector<std::thread::id> ran_on;
  DigestWorker worker([&](ByteView b) {
    order.push_back(b.size());
    ran_on.push_back(std::this_thread::get_id());
  });
  ASSERT_TRUE(worker.begin()) << "no other stream holds the thread in this test";
  Bytes data(1000);
  // More jobs than the queue holds, so post() must wait for (or run) earlier ones.
  for (size_t i = 0; i < data.size(); ++i) worker.post(ByteView(data).first(i));
  worker.end();
  EXPECT_FALSE(worker.parallel());
  ASSERT_EQ(order.size(), data.size());
  for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i) << "job " << i << " ran out of order";
  // Without a batch, post() is the digest itself, on this thread.
  worker.post(ByteView(data).first(7));
  ASSERT_EQ(order.size(), data.size() + 1);
  EXPECT_EQ(order.back(), 7u);
  EXPECT_EQ(ran_on.back(), std::this_thread::get_id());
}

TEST(DigestWorker, OneWorkerAtATimeAndSwitchOff) {
  size_t digested = 0;
  const DigestWorker::Digest count = [&](ByteView b) { digested += b.size(); };
  {
    DigestWorker first(count);
    ASSERT_TRUE(first.begin());
    DigestWorker second(count);
    EXPECT_FALSE(second.begin()) << "a second stream must hash itself";
    EXPECT_FALSE(second.parallel());
    const Bytes data(100);
    second.post(data);  // runs now, on this thread
    EXPECT_EQ(digested, 100u);
  }  // first's destructor ends its batch
  DigestWorker third(count);
  EXPECT_TRUE(third.begin()) << "given back when the batch ends";
  third.end();
  WorkersOff off;
  EXPECT_FALSE(third.begin());
}

TEST(DigestWorker, StreamsGiveTheSameBytesOnAndOffTheThread) {
  // Sizes around the worker threshold (two 16 KiB pieces), the queue (64 pieces) and above.
  const size_t sizes[] = {0, 1, 32767, 32768, 32769, 65536, 1 << 20, (64 << 14) + 5, (5 << 20) + 3};
  const size_t chunks[] = {4096, 32768, 1 << 20, 8 << 20};
  uint32_t seed = 7;
  for (size_t n : sizes) {
    const Bytes pt = pattern(n, seed++);
    const Key32 key = key_of(static_cast<uint8_t>(seed));
    Encrypted one_thread;
    {
      WorkersOff off;
      one_thread = encrypt_in_chunks(pt, key, 1 << 20);
    }
    EXPECT_EQ(one_thread.file_sha256, sha256(pt));
    EXPECT_EQ(one_thread.file_enc_sha256, sha256(one_thread.file));
    for (size_t chunk : chunks) {
      ASSERT_TRUE(encrypt_in_chunks(pt, key, chunk) == one_thread) << "n=" << n << " chunk=" << chunk;
      for (auto mode : {media::SecondPass::same_bytes, media::SecondPass::recheck}) {
        auto got = decrypt_in_chunks(one_thread, key, chunk, mode);
        ASSERT_TRUE(std::holds_alternative<Bytes>(got)) << "n=" << n << " chunk=" << chunk;
        ASSERT_TRUE(std::get<Bytes>(got) == pt) << "n=" << n << " chunk=" << chunk;
      }
    }
  }
}

TEST(DigestWorker, TamperingIsRefusedTheSameWayOnTheThread) {
  const Bytes pt = pattern(3 << 20, 3);
  const Key32 key = key_of(9);
  const Encrypted good = encrypt_in_chunks(pt, key, 1 << 20);
  struct Case {
    size_t at;
    bool fix_hash;  // recompute file_enc_sha256, so that the MAC must catch it
    media::MediaErrc want;
  };
  const Case cases[] = {{0, false, media::MediaErrc::bad_hash},
                        {good.file.size() / 2, false, media::MediaErrc::bad_hash},
                        {good.file.size() / 2, true, media::MediaErrc::bad_mac},
                        {good.file.size() - 1, true, media::MediaErrc::bad_mac}};
  for (const Case& c : cases) {
    Encrypted bad = good;
    bad.file[c.at] ^= 0x40;
    if (c.fix_hash) bad.file_enc_sha256 = sha256(bad.file);
    for (bool workers : {true, false}) {
      const bool before = media::set_digest_workers(workers);
      auto got = decrypt_in_chunks(bad, key, 1 << 20, media::SecondPass::same_bytes);
      media::set_digest_workers(before);
      ASSERT_TRUE(std::holds_alternative<media::MediaErrc>(got)) << "at=" << c.at << " workers=" << workers;
      EXPECT_EQ(std::get<media::MediaErrc>(got), c.want) << "at=" << c.at << " workers=" << workers;
    }
  }
}

TEST(DigestWorker, ConcurrentStreamsShareTheThread) {
  // Four threads race for the one digest thread; whoever loses hashes itself. Every result must
  // match the one-thread answer.
  constexpr int kThreads = 4;
  std::vector<Bytes> inputs;
  std::vector<Encrypted> want;
  {
    WorkersOff off;
    for (int t = 0; t < kThreads; ++t) {
      inputs.push_back(pattern((size_t{1} << 20) + static_cast<size_t>(t) * 4099, static_cast<uint32_t>(t)));
      want.push_back(encrypt_in_chunks(inputs.back(), key_of(static_cast<uint8_t>(t + 1)), 1 << 20));
    }
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const Key32 key = key_of(static_cast<uint8_t>(t + 1));
      for (int round = 0; round < 8; ++round) {
        if (!(encrypt_in_chunks(inputs[t], key, 256 << 10) == want[t])) ++mismatches;
        auto got = decrypt_in_chunks(want[t], key, 256 << 10, media::SecondPass::same_bytes);
        if (!std::holds_alternative<Bytes>(got) || std::get<Bytes>(got) != inputs[t]) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace parity
