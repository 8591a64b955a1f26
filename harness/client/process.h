// process.h: a child process driven over three pipes, with deadlines, a bounded
// stderr tail and group-wide SIGKILL. The PTP client's only contact with the OS.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "harness/errors.h"

namespace parity::harness {

using Clock = std::chrono::steady_clock;

// kStderrTailBytes is how much of a child's stderr is kept (the last part).
inline constexpr size_t kStderrTailBytes = 64u << 10;

// IoStatus is the outcome of one write or read with a deadline.
enum class IoStatus {
  ok,
  timeout,    // the deadline passed first
  closed,     // the child closed its end (stdin: EPIPE; stdout: end of file)
  oversized,  // a stdout line grew past ptp::kMaxLineBytes without a newline
  error,      // an unexpected OS error
};

// ExitKind says how a child ended.
enum class ExitKind { exited, signaled };

// ExitStatus is a reaped child's status.
struct ExitStatus {
  ExitKind kind = ExitKind::exited;
  int value = 0;  // the exit status or the signal number
  // describe reads "exited with status 3" or "killed by signal SIGSEGV (11)".
  std::string describe() const;
};

// Process is one child started with `/bin/sh -c 'exec CMD'` in its own process group
// (without `exec` when CMD is a list, a pipeline or starts with VAR=value).
// Not thread-safe; one owner drives it.
class Process {
 public:
  // spawn starts `command`; only OS failures (pipes, fork) are errors: a command that
  // does not exist shows up as the shell's exit status 127.
  static HarnessResult<std::unique_ptr<Process>> spawn(const std::string& command);
  // ~Process kills the process group and reaps the child.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // write_line writes `line` and a newline completely, draining stdout and stderr
  // meanwhile so a child that writes instead of reading cannot deadlock us.
  IoStatus write_line(std::string_view line, Clock::time_point deadline);
  // read_line reads one stdout line (without its newline) into line_out.
  IoStatus read_line(Clock::time_point deadline, std::string& line_out);
  // pending_stdout returns the first bytes of what stdout buffered (for evidence
  // after a timeout or an oversized line).
  std::string pending_stdout(size_t max_bytes) const;
  size_t pending_stdout_size() const { return out_buf_.size(); }

  // close_stdin signals end of input to the child.
  void close_stdin();
  // wait_exit waits until the child ends or the deadline passes, draining stderr;
  // the child is reaped (and its group killed) when it ended.
  std::optional<ExitStatus> wait_exit(Clock::time_point deadline);
  // kill sends SIGKILL to the whole process group and reaps the child.
  ExitStatus kill();
  // exit_status is set once the child was reaped.
  const std::optional<ExitStatus>& exit_status() const { return status_; }

  // stderr_tail returns the last kStderrTailBytes the child wrote to stderr.
  std::string stderr_tail() const;
  // stderr_bytes counts everything the child wrote to stderr.
  uint64_t stderr_bytes() const { return err_total_; }
  pid_t pid() const { return pid_; }

 private:
  Process() = default;
  // pump polls once (until the deadline at most) and handles what is ready; `want_write`
  // adds stdin to the poll set. Returns false when the deadline passed.
  bool pump(Clock::time_point deadline, bool want_write, bool& writable_out);
  void read_stdout();
  void read_stderr();
  // reap_if_exited reaps the child if it ended, killing its group first.
  bool reap_if_exited();
  void reap_blocking();
  void close_fd(int& fd);

  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_buf_;
  size_t scan_pos_ = 0;  // out_buf_ before this holds no newline
  std::string err_buf_;  // at most 2 * kStderrTailBytes; the tail is its end
  uint64_t err_total_ = 0;
  std::optional<ExitStatus> status_;
};

}  // namespace parity::harness
