#pragma once

// The run log: one line per finished run, appended to the log in the state folder by the
// process that ran it (README "The run log"), so that an administrator can follow the runs
// with tail and grep. This file says what a line holds; app/ appends it.
//
//   2026-03-26T02:00:31Z job=cron-001 name=nightly run=run-0001 trigger=schedule
//     slot=2026-03-26T02:00:00Z status=success dry_run=false mentors_checked=7
//     reminders_sent=4 errors=0 duration_ms=12
//
// (one line in the file). The time is when the run finished; `key=value` pairs follow in this
// order, a value in double quotes with backslash escapes when it holds a space, a quote, an
// equals sign, a backslash or a control character. `slot` is `-` for a run without one;
// `error="..."` follows `duration_ms` when the run has an error. With detail (-v), the counts
// per threshold follow (`sent_30=1 sent_expired=2 failed_7=1`, `due_N` for a dry run) and
// `failures="..."`, the first few failed deliveries with why.

#include "core/job.hpp"
#include "core/reminders/expiry_check.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace certcron {

// What -v adds to a run's line, collected from the check's events.
class RunLogDetail {
 public:
  static constexpr std::size_t kListedFailures = 5;

  void record(const reminders::CheckEvent& event);

  struct Counts {
    std::int64_t sent = 0;
    std::int64_t failed = 0;
    std::int64_t due = 0;  // dry run
  };
  // By threshold, most distant first, "expired" last.
  const std::map<int, Counts, std::greater<>>& by_threshold() const { return by_threshold_; }
  // "m7 CPR (7): the command exited with status 1", the first kListedFailures.
  const std::vector<std::string>& failures() const { return failures_; }
  std::int64_t failure_count() const { return failure_count_; }

 private:
  std::map<int, Counts, std::greater<>> by_threshold_;
  std::vector<std::string> failures_;
  std::int64_t failure_count_ = 0;
};

struct RunLogEntry {
  const Run& run;                          // finished
  std::string_view job_name{};             // empty when the job is gone
  std::chrono::milliseconds duration{};    // as the process that ran it measured it
  const RunLogDetail* detail = nullptr;    // with -v
};

// The entry's line, ending in "\n": never more than one line, whatever the texts hold.
std::string format_run_log_line(const RunLogEntry& entry);

// `value` as a run log value: as it is, or quoted with \" \\ \n \r \t \u00XX escapes (and \xNN
// for a byte that is not UTF-8) when it is empty or holds a space, '"', '=', '\\' or a control
// character.
std::string run_log_value(std::string_view value);

}  // namespace certcron
