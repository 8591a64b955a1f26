// hash_lane.h: digest work on a second core while the caller's thread runs the cipher.
//
// Why: the attachment format needs AES-256-CBC, HMAC-SHA256 and two SHA-256 passes over
// the same bytes. CBC encryption is serial and the digests are serial, so on one core the
// format costs their sum; the digests of piece k, however, do not depend on the cipher of
// piece k+1. A HashLane lets a stream hand the digests of each piece to one helper thread
// and go on with the next piece, so the format runs at about the speed of its slowest half
// (measured in bench/media_bench.cc, BM_Media_* against BM_Media_*_OneThread).
//
// The helper is one thread for the whole process, started on first use. One stream holds
// it at a time: try_acquire() gives nothing while another stream holds it (or when lanes
// are switched off), and the stream then does the work itself. Results never depend on
// which way was taken; tests run both (set_hash_lanes).
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace parity::media {

// HashJob is one unit of lane work: fn(ctx, bytes), run on the helper thread.
struct HashJob {
  void (*fn)(void* ctx, ByteView bytes) = nullptr;
  void* ctx = nullptr;
  ByteView bytes;
};

// HashLane is a lease on the helper thread: jobs run there one after another, in the
// order they were posted. The destructor waits for every posted job and releases the lease.
class HashLane {
 public:
  // try_acquire leases the helper thread, or gives nothing when it is held by another
  // stream, lanes are switched off, or no thread can be started.
  static std::optional<HashLane> try_acquire();

  HashLane(HashLane&& other) noexcept;
  HashLane& operator=(HashLane&&) = delete;
  HashLane(const HashLane&) = delete;
  HashLane& operator=(const HashLane&) = delete;
  ~HashLane();

  // post queues a job. Its bytes and ctx must stay valid and unchanged, and ctx must not
  // be used by the caller, until drain() returns. Blocks while the queue is full.
  void post(HashJob job);
  // drain waits until every posted job has run; afterwards the caller may use their ctx.
  void drain();

 private:
  HashLane() = default;
  bool held_ = false;
};

// set_hash_lanes switches lanes on (the default) or off for the whole process, so tests
// and benchmarks can run the one-thread path; it returns the previous setting.
bool set_hash_lanes(bool on);

}  // namespace parity::media
