#include "harness/runner/progress.h"

#include <unistd.h>

namespace parity::harness {

Progress::Progress(ProgressMode mode, std::FILE* out) : out_(out) {
  enabled_ = mode == ProgressMode::on || (mode == ProgressMode::automatic && isatty(fileno(out)) == 1);
}

Progress::~Progress() {
  finish();
}

void Progress::start(int total, const std::string& seed_hex) {
  total_ = total;
  seed_ = seed_hex;
  started_ = std::chrono::steady_clock::now();
  if (!enabled_) return;
  std::fprintf(out_, "parity: %d checks, seed %s\n", total, seed_.c_str());
  std::fflush(out_);
}

void Progress::begin(int n, const std::string& check_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = n;
  check_ = check_id;
  detail_.clear();
  draw();
}

void Progress::step(const std::string& detail) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  detail_ = detail;
  if (std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(100)) return;
  draw();
}

void Progress::note(const std::string& line) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  clear();
  std::fprintf(out_, "%s\n", line.c_str());
  draw();
}

void Progress::finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  clear();
  std::fflush(out_);
}

void Progress::draw() {
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  clear();
  // \r and an erase-line escape keep it to one line however long the previous one was.
  if (detail_.empty()) {
    std::fprintf(out_, "\r\x1b[K[%d/%d] %s  %.1fs", current_, total_, check_.c_str(), elapsed);
  } else {
    std::fprintf(out_, "\r\x1b[K[%d/%d] %s: %s  %.1fs", current_, total_, check_.c_str(), detail_.c_str(), elapsed);
  }
  std::fflush(out_);
  drawn_ = true;
  last_draw_ = std::chrono::steady_clock::now();
}

void Progress::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(out_, "\r\x1b[K");
  drawn_ = false;
}

}  // namespace parity::harness
