#pragma once

#include "core/error.hpp"

#include <chrono>
#include <optional>

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
  // The system clock, or `pinned` for as long as this clock lives.
  explicit SystemClock(std::optional<Seconds> pinned = std::nullopt) : pinned_(pinned) {}

  // The clock of a process: CERTCRON_NOW's instant when the variable is set and not empty,
  // else the system clock. Any other value is a usage error naming the variable, since a
  // rehearsal run on the wall clock by mistake would send real reminders.
  static Result<SystemClock> from_environment();

  Seconds now() const override;

 private:
  std::optional<Seconds> pinned_;
};

// CERTCRON_NOW's value read as from_environment reads it: none when unset (nullptr) or empty.
Result<std::optional<Seconds>> read_pinned_now(const char* value);

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
