#include "reference/media/digest_worker.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>

#include <unistd.h>

namespace parity::media {

namespace {

// kQueue is how many pieces may wait for the thread; a stream posts pieces of 8-16 KiB,
// so this is about a megabyte of look-ahead, and post() waits when it is full.
constexpr uint32_t kQueue = 64;
// kSpins bounds busy waiting (about 20-40 us) before a futex wait: jobs arrive every few
// microseconds while a stream runs, and a sleep/wake per piece would cost more than the
// overlap gains on small attachments.
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

// Job is one piece for the digest of the worker that posted it.
struct Job {
  const DigestWorker::Digest* digest = nullptr;
  ByteView piece;
};

// DigestThread is the process's digest thread and its queue. posted and done count jobs
// (modulo 2^32; they never differ by more than kQueue). Jobs run one at a time, in order,
// by whoever holds `running`: the thread, or the worker that waits for them. Leaked on
// purpose: the thread may still wait on it while static destructors run at exit.
struct DigestThread {
  std::mutex lease;  // held by the worker whose batch is open
  std::array<Job, kQueue> queue{};
  std::atomic<uint32_t> posted{0};
  std::atomic<uint32_t> done{0};
  std::atomic<bool> running{false};

  // run_pending runs jobs up to `until` if no one else is running them; false when someone is.
  bool run_pending(uint32_t until) {
    if (running.exchange(true, std::memory_order_acquire)) return false;
    for (uint32_t d = done.load(std::memory_order_relaxed); !reached(d, until); ++d) {
      const Job& job = queue[d % kQueue];
      (*job.digest)(job.piece);
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
      // The thread is running a job: it ends within one piece.
      if (spins < kSpins) {
        cpu_relax();
      } else {
        done.wait(d, std::memory_order_acquire);
      }
    }
  }

  void post(Job job) {
    const uint32_t at = posted.load(std::memory_order_relaxed);
    // A free slot: job at - kQueue has run.
    if (at - done.load(std::memory_order_acquire) >= kQueue) wait_done(at - kQueue + 1);
    queue[at % kQueue] = job;
    posted.store(at + 1, std::memory_order_release);
    posted.notify_one();
  }

  void run() {
    uint32_t seen = 0;
    for (;;) {
      uint32_t now = posted.load(std::memory_order_acquire);
      if (now == seen) now = wait_while_equal(posted, seen);
      seen = now;
      // One job at a time, so a worker that waits can take over between jobs.
      int spins = 0;
      for (uint32_t d = done.load(std::memory_order_acquire); !reached(d, now);
           d = done.load(std::memory_order_acquire)) {
        if (run_pending(d + 1)) {
          spins = 0;
        } else if (++spins < kSpins) {
          cpu_relax();
        } else {
          done.wait(d, std::memory_order_acquire);  // the worker is running them itself
        }
      }
    }
  }
};

std::atomic<bool> g_enabled{true};
std::once_flag g_start;
DigestThread* g_thread = nullptr;  // null when no thread could be started
pid_t g_pid = 0;                   // the process that started it: a fork child has no thread

DigestThread* digest_thread() {
  std::call_once(g_start, [] {
    auto* t = new DigestThread;  // NOLINT(cppcoreguidelines-owning-memory): lives as long as the process
    try {
      std::thread([t] { t->run(); }).detach();
    } catch (const std::system_error&) {  // no thread, so every stream does its own hashing
      delete t;                           // NOLINT(cppcoreguidelines-owning-memory)
      return;
    }
    g_thread = t;
    g_pid = getpid();
  });
  return g_thread != nullptr && g_pid == getpid() ? g_thread : nullptr;
}

}  // namespace

bool set_digest_workers(bool on) {
  return g_enabled.exchange(on);
}

bool DigestWorker::begin() {
  if (leased_) return true;
  if (!g_enabled.load(std::memory_order_relaxed)) return false;
  DigestThread* t = digest_thread();
  if (t == nullptr || !t->lease.try_lock()) return false;
  leased_ = true;
  return true;
}

void DigestWorker::post(ByteView piece) {
  if (!leased_) {
    digest_(piece);
    return;
  }
  g_thread->post({&digest_, piece});
}

void DigestWorker::end() {
  if (!leased_) return;
  g_thread->wait_done(g_thread->posted.load(std::memory_order_relaxed));
  leased_ = false;
  g_thread->lease.unlock();
}

}  // namespace parity::media
