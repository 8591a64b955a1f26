#include "reference/media/hash_lane.h"

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace parity::media {

namespace {

// kRing is how many jobs may wait for the helper; a stream posts pieces of 16-64 KiB, so
// this is megabytes of look-ahead, and post() waits when it is full.
constexpr uint32_t kRing = 64;
// kSpins bounds busy waiting (about 20-40 us) before a futex wait: jobs arrive every
// few microseconds while a stream runs, and a sleep/wake per piece would cost more than
// the overlap gains on small attachments.
constexpr int kSpins = 1000;

// reached tells whether counter `value` is at or past `target` (counters wrap around).
inline bool reached(uint32_t value, uint32_t target) {
  return static_cast<int32_t>(value - target) >= 0;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// wait_while_equal returns once `a` no longer holds `old`: spins first, then sleeps.
uint32_t wait_while_equal(const std::atomic<uint32_t>& a, uint32_t old) {
  for (int i = 0; i < kSpins; ++i) {
    const uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
    cpu_relax();
  }
  for (;;) {
    a.wait(old, std::memory_order_acquire);
    const uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
  }
}

// Helper is the process's one helper thread and its job ring. posted and done count jobs
// (modulo 2^32; they never differ by more than kRing). Jobs run one at a time, in order,
// by whoever holds `running`: the helper thread, or the stream itself when it must wait
// (drain, a full ring) and the helper has not taken the next job, for instance because
// the other core is busy. So a loaded machine degrades to the one-thread speed instead of
// waiting for the helper to be scheduled. Leaked on purpose: the thread may still wait on
// it while static destructors run at exit.
struct Helper {
  std::mutex lease;  // held by the stream that holds the lane
  std::array<HashJob, kRing> ring{};
  std::atomic<uint32_t> posted{0};
  std::atomic<uint32_t> done{0};
  std::atomic<bool> running{false};

  // run_pending runs jobs up to `until` (or all posted ones) if no one else is running
  // them; false when someone else is.
  bool run_pending(uint32_t until) {
    if (running.exchange(true, std::memory_order_acquire)) return false;
    for (uint32_t d = done.load(std::memory_order_relaxed); !reached(d, until); ++d) {
      const HashJob job = ring[d % kRing];
      job.fn(job.ctx, job.bytes);
      done.store(d + 1, std::memory_order_release);
    }
    running.store(false, std::memory_order_release);
    done.notify_all();
    return true;
  }

  // wait_done returns once done reaches target, running jobs itself when it can.
  void wait_done(uint32_t target) {
    for (int spins = 0;; ++spins) {
      const uint32_t d = done.load(std::memory_order_acquire);
      if (reached(d, target)) return;
      if (run_pending(target)) return;
      // The helper is running a job: it ends within one piece.
      if (spins < kSpins) {
        cpu_relax();
      } else {
        done.wait(d, std::memory_order_acquire);
      }
    }
  }

  void run() {
    uint32_t seen = 0;
    for (;;) {
      uint32_t now = posted.load(std::memory_order_acquire);
      if (now == seen) now = wait_while_equal(posted, seen);
      seen = now;
      // One job at a time, so a stream that waits can take over between jobs.
      int spins = 0;
      for (uint32_t d = done.load(std::memory_order_acquire); !reached(d, now);
           d = done.load(std::memory_order_acquire)) {
        if (run_pending(d + 1)) {
          spins = 0;
        } else if (++spins < kSpins) {
          cpu_relax();
        } else {
          done.wait(d, std::memory_order_acquire);  // the stream is running them itself
        }
      }
    }
  }
};

std::atomic<bool> g_enabled{true};
std::once_flag g_start;
Helper* g_helper = nullptr;  // null when no thread could be started
pid_t g_pid = 0;             // the process that started it: a fork child has no helper thread

Helper* helper() {
  std::call_once(g_start, [] {
    auto* h = new Helper;  // NOLINT(cppcoreguidelines-owning-memory): lives as long as the process
    try {
      std::thread([h] { h->run(); }).detach();
    } catch (...) {  // std::system_error: no thread, so every stream does its own hashing
      delete h;      // NOLINT(cppcoreguidelines-owning-memory)
      return;
    }
    g_helper = h;
    g_pid = getpid();
  });
  return g_helper != nullptr && g_pid == getpid() ? g_helper : nullptr;
}

}  // namespace

bool set_hash_lanes(bool on) {
  return g_enabled.exchange(on);
}

std::optional<HashLane> HashLane::try_acquire() {
  if (!g_enabled.load(std::memory_order_relaxed)) return std::nullopt;
  Helper* h = helper();
  if (h == nullptr || !h->lease.try_lock()) return std::nullopt;
  HashLane lane;
  lane.held_ = true;
  return lane;
}

HashLane::HashLane(HashLane&& other) noexcept : held_(other.held_) {
  other.held_ = false;
}

HashLane::~HashLane() {
  if (!held_) return;
  drain();
  g_helper->lease.unlock();
}

void HashLane::post(HashJob job) {
  Helper& h = *g_helper;
  const uint32_t at = h.posted.load(std::memory_order_relaxed);
  // A free slot: job at - kRing has run.
  if (at - h.done.load(std::memory_order_acquire) >= kRing) h.wait_done(at - kRing + 1);
  h.ring[at % kRing] = job;
  h.posted.store(at + 1, std::memory_order_release);
  h.posted.notify_one();
}

void HashLane::drain() {
  if (!held_) return;
  Helper& h = *g_helper;
  h.wait_done(h.posted.load(std::memory_order_relaxed));
}

}  // namespace parity::media
