#pragma once

#include <chrono>
#include <string>

namespace certcron::cli {

// A one-line progress display on stderr, redrawn at most a few times a second, shown only
// when stderr is a terminal; cleared when done.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void show(const std::string& text, bool force = false);
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace certcron::cli
