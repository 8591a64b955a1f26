#include "harness/client/process.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptp/ptp.h"

extern char** environ;

namespace parity::harness {

namespace {

constexpr size_t kStdoutChunk = 256u << 10;
constexpr size_t kStderrChunk = 64u << 10;
// kStderrReadsPerPump bounds one drain so a flooding child cannot starve stdout.
constexpr int kStderrReadsPerPump = 16;

std::string errno_text(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

// ignore_sigpipe makes a write to a dead child fail with EPIPE instead of killing us.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int remaining_ms(Clock::time_point deadline) {
  auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  // Round up so we never spin on a sub-millisecond remainder.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// simple_command tells whether `exec` can go in front of `command`: not a list or
// pipeline, and no leading VAR=value (`exec FOO=1 prog` would try to run "FOO=1").
bool simple_command(const std::string& command) {
  if (command.find_first_of(";&|()\n`") != std::string::npos) return false;
  size_t start = command.find_first_not_of(" \t");
  if (start == std::string::npos) return false;
  size_t end = command.find_first_of(" \t", start);
  std::string_view first = std::string_view(command).substr(start, end == std::string::npos ? end : end - start);
  return first.find('=') == std::string_view::npos && first != "exec";
}

}  // namespace

std::string ExitStatus::describe() const {
  if (kind == ExitKind::signaled) return "killed by signal " + signal_name(value) + " (" + std::to_string(value) + ")";
  std::string text = "exited with status " + std::to_string(value);
  // A wrapper shell reports its child's death by signal N as status 128+N.
  if (value > 128 && value < 128 + 65) text += " (" + signal_name(value - 128) + " through a shell?)";
  return text;
}

HarnessResult<std::unique_ptr<Process>> Process::spawn(const std::string& command) {
  ignore_sigpipe();
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {in, out, err}) {
      for (int i = 0; i < 2; ++i) {
        if (p[i] >= 0) ::close(p[i]);
      }
    }
  };
  // O_CLOEXEC: a second target spawned later must not inherit this one's stdin, or
  // this one would never see end of input.
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    close_all();
    return harness_error(HarnessErrc::io, errno_text("pipe2", e));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group: one kill(-pgid) also reaches wrappers' grandchildren.
  posix_spawnattr_setpgroup(&attr, 0);
  // We ignore SIGPIPE, and ignored signals survive exec: give the child the default.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&attr, &mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  // exec: the target replaces the shell, so its own exit status or signal reaches us.
  // Compound commands keep the shell; the process group still covers them.
  std::string script = simple_command(command) ? "exec " + command : command;
  char sh[] = "sh";
  char dash_c[] = "-c";
  char* argv[] = {sh, dash_c, script.data(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    close_all();
    return harness_error(HarnessErrc::io, errno_text("posix_spawn /bin/sh", rc));
  }

  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  std::unique_ptr<Process> p(new Process());
  p->pid_ = pid;
  p->in_fd_ = in[1];
  p->out_fd_ = out[0];
  p->err_fd_ = err[0];
  set_nonblocking(p->in_fd_);
  set_nonblocking(p->out_fd_);
  set_nonblocking(p->err_fd_);
  // Larger pipes mean fewer wake-ups for big lines; the kernel may refuse, which is fine.
  ::fcntl(p->out_fd_, F_SETPIPE_SZ, 1 << 20);
  ::fcntl(p->in_fd_, F_SETPIPE_SZ, 1 << 20);
  return p;
}

Process::~Process() {
  if (pid_ > 0) kill();
  close_fd(in_fd_);
  close_fd(out_fd_);
  close_fd(err_fd_);
}

void Process::close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool Process::pump(Clock::time_point deadline, bool want_write, bool& writable_out) {
  writable_out = false;
  pollfd fds[3];
  int n = 0;
  int iw = -1;
  int io = -1;
  int ie = -1;
  if (want_write && in_fd_ >= 0) {
    iw = n;
    fds[n++] = {in_fd_, POLLOUT, 0};
  }
  // Past the line limit we stop reading stdout; read_line reports oversized.
  if (out_fd_ >= 0 && out_buf_.size() <= ptp::kMaxLineBytes) {
    io = n;
    fds[n++] = {out_fd_, POLLIN, 0};
  }
  if (err_fd_ >= 0) {
    ie = n;
    fds[n++] = {err_fd_, POLLIN, 0};
  }
  int ms = remaining_ms(deadline);
  if (ms == 0) return false;
  int r = ::poll(n > 0 ? fds : nullptr, static_cast<nfds_t>(n), ms);
  if (r < 0) return errno == EINTR || Clock::now() < deadline;
  if (r == 0) return Clock::now() < deadline;
  if (iw >= 0 && fds[iw].revents != 0) writable_out = true;  // POLLERR too: the write reports EPIPE
  if (ie >= 0 && fds[ie].revents != 0) read_stderr();
  if (io >= 0 && fds[io].revents != 0) read_stdout();
  return true;
}

void Process::read_stdout() {
  if (out_fd_ < 0) return;
  size_t old = out_buf_.size();
  out_buf_.resize(old + kStdoutChunk);
  ssize_t n = ::read(out_fd_, out_buf_.data() + old, kStdoutChunk);
  out_buf_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) close_fd(out_fd_);
}

void Process::read_stderr() {
  char buf[kStderrChunk];
  for (int i = 0; i < kStderrReadsPerPump && err_fd_ >= 0; ++i) {
    ssize_t n = ::read(err_fd_, buf, sizeof buf);
    if (n > 0) {
      err_total_ += static_cast<uint64_t>(n);
      err_buf_.append(buf, static_cast<size_t>(n));
      // A ring of sorts: trim only when twice the tail, so trimming is amortised.
      if (err_buf_.size() > 2 * kStderrTailBytes) err_buf_.erase(0, err_buf_.size() - kStderrTailBytes);
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_fd(err_fd_);
    return;
  }
}

std::string Process::stderr_tail() const {
  if (err_buf_.size() <= kStderrTailBytes) return err_buf_;
  return err_buf_.substr(err_buf_.size() - kStderrTailBytes);
}

std::string Process::pending_stdout(size_t max_bytes) const {
  return out_buf_.substr(0, max_bytes);
}

IoStatus Process::write_line(std::string_view line, Clock::time_point deadline) {
  if (in_fd_ < 0) return IoStatus::closed;
  static const char kNewline[] = "\n";
  const size_t total = line.size() + 1;
  size_t off = 0;
  while (off < total) {
    iovec iov[2];
    int count = 0;
    if (off < line.size()) iov[count++] = {const_cast<char*>(line.data() + off), line.size() - off};
    iov[count++] = {const_cast<char*>(kNewline), 1};
    ssize_t n = ::writev(in_fd_, iov, count);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return IoStatus::closed;
    if (n < 0 && errno != EAGAIN) return IoStatus::error;
    bool writable = false;
    while (!writable) {
      if (!pump(deadline, /*want_write=*/true, writable)) return IoStatus::timeout;
    }
  }
  return IoStatus::ok;
}

IoStatus Process::read_line(Clock::time_point deadline, std::string& line_out) {
  for (;;) {
    size_t nl = out_buf_.find('\n', scan_pos_);
    if (nl != std::string::npos) {
      if (nl > ptp::kMaxLineBytes) return IoStatus::oversized;
      line_out.assign(out_buf_, 0, nl);
      out_buf_.erase(0, nl + 1);
      scan_pos_ = 0;
      return IoStatus::ok;
    }
    scan_pos_ = out_buf_.size();
    if (out_buf_.size() > ptp::kMaxLineBytes) return IoStatus::oversized;
    if (out_fd_ < 0) return IoStatus::closed;
    bool writable = false;
    if (!pump(deadline, /*want_write=*/false, writable)) return IoStatus::timeout;
  }
}

void Process::close_stdin() {
  close_fd(in_fd_);
}

std::optional<ExitStatus> Process::wait_exit(Clock::time_point deadline) {
  for (;;) {
    if (reap_if_exited()) return status_;
    if (Clock::now() >= deadline) return std::nullopt;
    // Short steps: exit is noticed by polling waitid, output is drained meanwhile.
    auto step = std::min(deadline, Clock::now() + std::chrono::milliseconds(5));
    bool writable = false;
    (void)pump(step, /*want_write=*/false, writable);
  }
}

bool Process::reap_if_exited() {
  if (status_) return true;
  if (pid_ <= 0) return false;
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  // WNOWAIT leaves the zombie in place, so its pid (and group id) cannot be reused
  // before we kill the group.
  int r = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  if (r < 0) {
    if (errno == EINTR) return false;
    status_ = ExitStatus{ExitKind::exited, -1};  // reaped elsewhere (SIGCHLD ignored?)
    return true;
  }
  if (info.si_pid == 0) return false;
  ::kill(-pid_, SIGKILL);
  reap_blocking();
  return true;
}

void Process::reap_blocking() {
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    status_ = ExitStatus{ExitKind::exited, -1};
  } else if (WIFSIGNALED(st)) {
    status_ = ExitStatus{ExitKind::signaled, WTERMSIG(st)};
  } else {
    status_ = ExitStatus{ExitKind::exited, WEXITSTATUS(st)};
  }
}

ExitStatus Process::kill() {
  if (!status_ && pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);  // in case the group was not set up
    reap_blocking();
  }
  // What the child wrote to stderr before it died is still in the pipe.
  for (int i = 0; i < 64 && err_fd_ >= 0; ++i) {
    uint64_t before = err_total_;
    read_stderr();
    if (err_total_ == before) break;
  }
  close_fd(in_fd_);
  close_fd(out_fd_);
  close_fd(err_fd_);
  pid_ = -1;
  return status_.value_or(ExitStatus{ExitKind::exited, -1});
}

}  // namespace parity::harness
