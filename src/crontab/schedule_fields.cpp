#include "crontab/schedule_fields.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

namespace certcron::crontab {
namespace {

using schedule::TimeZone;
using std::chrono::seconds;
using std::chrono::sys_seconds;

using Segment = CronFieldsPlanner::Segment;

// Coarse enough to be cheap over years, fine enough that no two real transitions fall in
// one step (tzdata has none closer than weeks); each change found is then pinned to the
// second by bisection.
constexpr std::chrono::hours kSampleStep{6};

sys_seconds first_change_after(const TimeZone& zone, sys_seconds low, sys_seconds high) {
  // offset_at(low) differs from offset_at(high); find the first second with the new offset.
  const seconds before = zone.offset_at(low);
  while (high - low > seconds(1)) {
    sys_seconds middle = low + (high - low) / 2;
    if (zone.offset_at(middle) == before) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return high;
}

std::vector<Segment> offset_segments(const TimeZone& zone, sys_seconds from, sys_seconds to) {
  std::vector<Segment> segments{{from, zone.offset_at(from)}};
  for (sys_seconds t = from; t < to; t += kSampleStep) {
    sys_seconds next = t + kSampleStep;
    if (zone.offset_at(next) != zone.offset_at(t)) {
      sys_seconds change = first_change_after(zone, t, next);
      segments.push_back({change, zone.offset_at(change)});
    }
  }
  return segments;
}

// Every value of host offset minus job offset that occurs while both segment lists apply.
std::set<seconds> offset_differences(const std::vector<Segment>& job,
                                     const std::vector<Segment>& host) {
  std::set<seconds> differences;
  std::size_t i = 0;
  std::size_t k = 0;
  while (true) {
    differences.insert(host[k].offset - job[i].offset);
    bool job_next = i + 1 < job.size();
    bool host_next = k + 1 < host.size();
    if (!job_next && !host_next) {
      break;
    }
    // Step past whichever segment ends first; both when they end together, so that no pair
    // that never overlaps contributes a difference.
    if (job_next && host_next && job[i + 1].start == host[k + 1].start) {
      ++i;
      ++k;
    } else if (job_next && (!host_next || job[i + 1].start < host[k + 1].start)) {
      ++i;
    } else {
      ++k;
    }
  }
  return differences;
}

int minute_of(sys_seconds instant) {
  auto minutes = std::chrono::floor<std::chrono::minutes>(instant).time_since_epoch().count();
  return static_cast<int>(((minutes % 60) + 60) % 60);
}

int shifted_minute(int minute, seconds difference) {
  auto shift = std::chrono::floor<std::chrono::minutes>(difference).count();
  return static_cast<int>((((minute + shift) % 60) + 60) % 60);
}

std::string join_fields(const std::string& minutes, const std::string& hours) {
  return minutes + " " + hours + " * * *";
}

CronFields cron_job_fields(const schedule::Schedule& job, const std::vector<Segment>& job_segments,
                           const std::vector<Segment>& host_segments, const TimeZone& host) {
  const schedule::CronExpression& expression = *job.expression();
  std::set<seconds> differences = offset_differences(job_segments, host_segments);
  if (differences == std::set<seconds>{seconds(0)}) {
    return {expression.text, true};
  }
  std::bitset<60> minutes;
  for (int m = 0; m < 60; ++m) {
    if (expression.minutes.test(static_cast<std::size_t>(m))) {
      for (seconds difference : differences) {
        minutes.set(static_cast<std::size_t>(shifted_minute(m, difference)));
      }
    }
  }
  if (expression.fixed_time) {
    // A fixed-time slot inside a skipped hour runs at the first instant after the gap.
    for (std::size_t s = 1; s < job_segments.size(); ++s) {
      if (job_segments[s].offset > job_segments[s - 1].offset) {
        sys_seconds gap_end = job_segments[s].start;
        minutes.set(static_cast<std::size_t>(minute_of(gap_end + host.offset_at(gap_end))));
      }
    }
  }
  return {join_fields(format_minutes(minutes), "*"), false};
}

std::set<long> host_offset_minutes(const std::vector<Segment>& host_segments) {
  std::set<long> result;
  for (const auto& segment : host_segments) {
    result.insert(std::chrono::floor<std::chrono::minutes>(segment.offset).count());
  }
  return result;
}

std::bitset<60> minutes_every(long step, const std::set<long>& offsets) {
  std::bitset<60> minutes;
  for (long offset : offsets) {
    for (long m = 0; m < 60; m += step) {
      minutes.set(static_cast<std::size_t>((((m + offset) % 60) + 60) % 60));
    }
  }
  return minutes;
}

// Slots every N minutes from the epoch (UTC midnight), so their UTC minute-of-day is k*N.
CronFields every_job_fields(int frequency, const std::vector<Segment>& host_segments) {
  const long n = frequency;
  std::set<long> offsets = host_offset_minutes(host_segments);
  if (60 % n == 0) {
    std::set<long> residues;
    for (long offset : offsets) {
      residues.insert(((offset % n) + n) % n);
    }
    return {join_fields(format_minutes(minutes_every(n, offsets)), "*"), residues.size() == 1};
  }
  if (n % 60 == 0 && 1440 % n == 0 && offsets.size() == 1) {
    // A host without DST: exact minute and hour lists, with no gap or repeat to worry about.
    long offset = *offsets.begin();
    std::bitset<24> hours;
    for (long minute_of_day = 0; minute_of_day < 1440; minute_of_day += n) {
      long local = (((minute_of_day + offset) % 1440) + 1440) % 1440;
      hours.set(static_cast<std::size_t>(local / 60));
    }
    std::string hour_list;
    for (std::size_t h = 0; h < 24; ++h) {
      if (hours.test(h)) {
        hour_list += (hour_list.empty() ? "" : ",") + std::to_string(h);
      }
    }
    std::string minute = std::to_string((((offset % 60) + 60) % 60));
    return {join_fields(minute, hours.all() ? "*" : hour_list), true};
  }
  // Hours stay "*": a line the daemon treats as wildcard has no DST catch-up or skip rules.
  long step = std::gcd(n, 60L);
  return {join_fields(format_minutes(minutes_every(step, offsets)), "*"), false};
}

}  // namespace

std::string format_minutes(const std::bitset<60>& minutes) {
  if (minutes.all()) {
    return "*";
  }
  std::string text;
  std::size_t m = 0;
  while (m < 60) {
    if (!minutes.test(m)) {
      ++m;
      continue;
    }
    std::size_t last = m;
    while (last + 1 < 60 && minutes.test(last + 1)) {
      ++last;
    }
    text += text.empty() ? "" : ",";
    if (last - m >= 2) {
      text += std::to_string(m) + "-" + std::to_string(last);
      m = last + 1;
    } else {
      text += std::to_string(m);
      ++m;
    }
  }
  return text;
}

CronFieldsPlanner::CronFieldsPlanner(TimeZone host, sys_seconds now)
    : host_(std::move(host)),
      from_(now - std::chrono::days(1)),
      to_(now + std::chrono::duration_cast<seconds>(kOffsetHorizon)) {}

Result<CronFieldsPlanner> CronFieldsPlanner::create(std::string_view host_zone, sys_seconds now) {
  auto host = TimeZone::locate(host_zone);
  if (!host) {
    return fail(host.error());
  }
  return CronFieldsPlanner(*host, now);
}

const std::vector<Segment>& CronFieldsPlanner::segments_of(const TimeZone& zone) {
  auto found = segments_.find(zone.name());
  if (found == segments_.end()) {
    found = segments_.emplace(zone.name(), offset_segments(zone, from_, to_)).first;
  }
  return found->second;
}

CronFields CronFieldsPlanner::fields_for(const schedule::Schedule& schedule) {
  const std::vector<Segment>& host_segments = segments_of(host_);
  if (!schedule.is_cron()) {
    return every_job_fields(schedule.frequency_minutes(), host_segments);
  }
  return cron_job_fields(schedule, segments_of(schedule.zone()), host_segments, host_);
}

Result<CronFields> cron_fields_for(const schedule::Schedule& schedule, std::string_view host_zone,
                                   sys_seconds now) {
  auto planner = CronFieldsPlanner::create(host_zone, now);
  if (!planner) {
    return fail(planner.error());
  }
  return planner->fields_for(schedule);
}

}  // namespace certcron::crontab
