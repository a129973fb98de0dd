#include "cli/progress.hpp"

#include <cstdio>

namespace certcron::cli {

void ProgressLine::show(const std::string& text, bool force) {
  if (!enabled_) {
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (!force && shown_ && now - last_ < std::chrono::milliseconds{150}) {
    return;
  }
  last_ = now;
  std::fprintf(stderr, "\r\x1b[2K%s", text.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::clear() {
  if (shown_) {
    std::fputs("\r\x1b[2K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }
}

}  // namespace certcron::cli
