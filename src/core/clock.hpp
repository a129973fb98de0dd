#pragma once

#include <chrono>

namespace certcron {

using Seconds = std::chrono::sys_seconds;

// Where "now" comes from. The real clock reads the system clock, or CERTCRON_NOW (an
// RFC 3339 instant) when set, so end-to-end tests can pin time; unit tests use FixedClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Seconds now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Seconds now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Seconds now) : now_(now) {}
  Seconds now() const override { return now_; }
  void set(Seconds now) { now_ = now; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  Seconds now_;
};

}  // namespace certcron
