// progress.h: one status line on a terminal while a run goes: the current check, n of
// total, elapsed time and the run seed. Quiet when stderr is not a terminal, so logs
// and CI output hold only the results.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace parity::harness {

// ProgressMode says whether the status line is drawn.
enum class ProgressMode { automatic, off, on };

// Progress draws the status line on stderr.
class Progress {
 public:
  explicit Progress(ProgressMode mode = ProgressMode::automatic, std::FILE* out = stderr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  void start(int total, const std::string& seed_hex);
  // begin shows the check that starts now (n is 1-based).
  void begin(int n, const std::string& check_id);
  // step shows how far the current check got ("case 12 of 50"); redrawn at most ten
  // times a second, so a check may call it for every message it sends.
  void step(const std::string& detail);
  // note prints a line above the status line (a restart, a warning).
  void note(const std::string& line);
  // finish clears the status line.
  void finish();

 private:
  void draw();
  void clear();
  bool enabled_ = false;
  std::FILE* out_;
  int total_ = 0;
  int current_ = 0;
  std::string check_;
  std::string detail_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::mutex mutex_;  // step may come from a scenario's thread
  std::string seed_;
  std::chrono::steady_clock::time_point started_{};
  bool drawn_ = false;
};

}  // namespace parity::harness
