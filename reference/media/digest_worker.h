// digest_worker.h: a stream's digests on a second core while the stream runs the cipher.
//
// Why: the attachment format needs AES-256-CBC, HMAC-SHA256 and two SHA-256 passes over
// the same bytes. CBC encryption is serial and the digests are serial, so on one core the
// format costs their sum; the digests of piece k, however, do not depend on the cipher of
// piece k+1. A stream hands the digests of each piece to its DigestWorker and goes on with
// the next piece, so the format runs at about the speed of its slowest half (measured in
// bench/media_bench.cc, BM_Media_* against BM_Media_*_OneThread).
//
// Each stream owns a DigestWorker: its digest function and, for one chunk at a time
// (begin() to end()), a bounded queue of pieces served by a thread. Jobs run in the order
// they were posted, one at a time, by whoever is free: the thread, or the stream itself
// when it must wait (end(), a full queue) and the thread has not taken the next job, for
// instance because the other core is busy. So a loaded machine degrades to the one-thread
// speed instead of waiting for the thread to be scheduled. Results never depend on who ran
// a job; tests run both ways (set_digest_workers).
//
// The thread is not the stream's own: it is one long-lived thread per process, lent to one
// worker at a time (the others hash on their own thread). A thread started with each
// stream and joined by its destructor was measured (bench preset, 2 cores, load 7-8, back
// to back with this design) at 118/95 MB/s against 167/156 for 64 KiB encryption, 169/154
// against 294/309 for 64 KiB decryption and 97/100 against 156/157 for 1 MiB encryption:
// creating and joining a thread costs about 100 us on a loaded machine (a 64 KiB
// attachment takes 150-400 us), and the join waits until the thread is scheduled, which is
// the stall the fallback above exists to avoid. The lent thread touches only its own
// queue, never the stream's memory once end() returned, so no stream ever waits for it.
#pragma once

#include <functional>
#include <utility>

#include "base/bytes.h"

namespace parity::media {

// DigestWorker runs one stream's digest function over the pieces it posts, in order.
class DigestWorker {
 public:
  // Digest is the stream's job: feed one piece to its digests.
  using Digest = std::function<void(ByteView piece)>;

  explicit DigestWorker(Digest digest) : digest_(std::move(digest)) {}
  DigestWorker(const DigestWorker&) = delete;
  DigestWorker& operator=(const DigestWorker&) = delete;
  // The destructor ends a batch still open.
  ~DigestWorker() { end(); }

  // begin opens a batch on the process's digest thread; false (and post() then runs each
  // job on the caller's thread) when another worker holds the thread, workers are
  // switched off, or no thread can be started.
  bool begin();
  // parallel tells whether a batch is open on the thread.
  bool parallel() const { return leased_; }

  // post queues the digest of `piece`, or runs it now without a batch. The bytes must stay
  // valid and unchanged, and the digests must not be read, until end() returns. Blocks
  // (running queued jobs itself) while the queue is full.
  void post(ByteView piece);
  // end returns once every posted job has run (running them itself when it can), and
  // gives the thread back.
  void end();

 private:
  Digest digest_;
  bool leased_ = false;
};

// set_digest_workers lets workers use the digest thread (the default) or not, for the
// whole process, so tests and benchmarks can run the one-thread path; it returns the
// previous setting.
bool set_digest_workers(bool on);

}  // namespace parity::media
