#pragma once

// The five time fields of a job's crontab line. The cron daemon reads them in the host's
// zone; a job defined in another zone (or every N minutes where `*/N` cannot say it) gets a
// superset line: it fires at every slot of the job, plus extra times that
// `execute --scheduled` ignores because no slot of the job is due then.
//
// A line for another zone holds, as host times, each slot of the job shifted by every
// difference between the two zones' offsets that occurs, plus the instants at which the
// job's fixed-time slots skipped by a DST gap fire. Its day fields stay `*` (a shift can
// cross midnight), except between zones that never change offset, where the job's days
// are kept, or moved by a day, when the shift allows.

#include "core/error.hpp"
#include "core/schedule/schedule.hpp"

#include <bitset>
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::crontab {

struct CronFields {
  std::string fields;  // "0 2 * * *", "15,45 0,1 * * *"
  bool exact = true;   // false: a superset line, filtered by `execute --scheduled`
};

// Zone offsets are considered from `now` minus a day to kOffsetHorizon after it, so the line
// stays right across every DST change (of either zone) in that span.
inline constexpr std::chrono::years kOffsetHorizon{15};

// Computes the fields of many jobs against one host zone, finding each zone's offset
// changes once. `host_zone` is the IANA name of the zone the cron daemon runs in (a
// parameter, so tests can pick it).
class CronFieldsPlanner {
 public:
  // ErrorKind::validation on an unknown host zone.
  static Result<CronFieldsPlanner> create(std::string_view host_zone, std::chrono::sys_seconds now);

  CronFields fields_for(const schedule::Schedule& schedule);

  // From `start` on (until the next segment) a zone has `offset`.
  struct Segment {
    std::chrono::sys_seconds start;
    std::chrono::seconds offset;
  };

 private:
  CronFieldsPlanner(schedule::TimeZone host, std::chrono::sys_seconds now);
  const std::vector<Segment>& segments_of(const schedule::TimeZone& zone);

  schedule::TimeZone host_;
  std::chrono::sys_seconds from_;
  std::chrono::sys_seconds to_;
  std::map<std::string, std::vector<Segment>> segments_;
};

// One job's fields; see CronFieldsPlanner.
Result<CronFields> cron_fields_for(const schedule::Schedule& schedule, std::string_view host_zone,
                                   std::chrono::sys_seconds now);

// "*" for all minutes, else a comma list with runs of three or more as ranges ("0-4,30").
std::string format_minutes(const std::bitset<60>& minutes);
// The same for hours: "*", "0,1", "8-10,23".
std::string format_hours(const std::bitset<24>& hours);

}  // namespace certcron::crontab
