#pragma once

// The schedule engine: parse and validate cron expressions, describe them in English, and
// compute fire times in an IANA time zone with the cron daemon's DST behaviour.
// Pure computation: no I/O besides reading a zone's file from the system tzdata, once per
// zone and process.

#include "core/error.hpp"

#include <bitset>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certcron::schedule {

using Seconds = std::chrono::sys_seconds;

// A parsed five-field expression (macros expanded). Bit i set = value i allowed.
struct CronExpression {
  std::string text;                 // as given (trimmed)
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;    // bits 1..31
  std::bitset<13> months;           // bits 1..12
  std::bitset<7> days_of_week;      // bits 0..6, 0 = Sunday (7 folded into 0)
  bool day_of_month_restricted = false;  // field does not start with '*'
  bool day_of_week_restricted = false;
  bool fixed_time = false;          // neither minute nor hour field starts with '*'

  // Errors are ErrorKind::validation on field "cron_expression", the message naming the
  // cron field and the token, e.g. "minute field: 60 is out of range 0-59".
  static Result<CronExpression> parse(std::string_view text);

  // English description in the style of cronstrue with 24-hour times ("At 02:00").
  std::string describe() const;
};

// Opaque handle on a tzdata zone; cheap to copy.
class TimeZone {
 public:
  // ErrorKind::validation on field "server_timezone" for an unknown name.
  static Result<TimeZone> locate(std::string_view iana_name);
  // The host's zone as an IANA name (TZ, /etc/timezone, /etc/localtime), "UTC" if unknown.
  static std::string host_zone_name();

  const std::string& name() const;
  // Offset from UTC at an instant, in seconds (e.g. +3600 for CET).
  std::chrono::seconds offset_at(Seconds instant) const;
  // The local calendar date and time of an instant.
  std::chrono::local_seconds to_local(Seconds instant) const;

  struct Impl;
 private:
  friend class Schedule;
  explicit TimeZone(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// A job's schedule: a cron expression in a zone, or every N minutes (1..525600) counted
// from the Unix epoch (so slots do not move when the job is edited).
class Schedule {
 public:
  static Result<Schedule> cron(std::string_view expression, std::string_view timezone);
  static Result<Schedule> every(int minutes, std::string_view timezone);

  bool is_cron() const;
  const CronExpression* expression() const;  // nullptr for every-N
  int frequency_minutes() const;             // 0 for cron
  const TimeZone& zone() const;

  // The first fire instant strictly after `after`; Seconds::max() if the schedule has none
  // within the supported range (years up to 9999).
  Seconds next_fire_after(Seconds after) const;
  // The next `count` fire instants strictly after `after` (fewer only past year 9999).
  std::vector<Seconds> next_fires_after(Seconds after, int count) const;
  // The latest fire instant at or before `at` and strictly after `not_before`, if any.
  std::optional<Seconds> latest_fire_between(Seconds not_before, Seconds at) const;

  std::string describe() const;

 private:
  Schedule(std::optional<CronExpression> expression, int frequency_minutes, TimeZone zone);

  std::optional<CronExpression> expression_;
  int frequency_minutes_ = 0;
  TimeZone zone_;
};

}  // namespace certcron::schedule
