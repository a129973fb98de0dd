#include "crontab/schedule_fields.hpp"

#include "core/schedule/cron_syntax.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace certcron::crontab {
namespace {

using schedule::CronExpression;
using schedule::Schedule;
using schedule::TimeZone;
using std::chrono::seconds;
using std::chrono::sys_seconds;

using Segment = CronFieldsPlanner::Segment;

constexpr long kMinutesPerDay = 1440;

// Host wall-clock minutes of the day (0 = 00:00) at which a line must fire.
using DayMinutes = std::bitset<kMinutesPerDay>;

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

long whole_minutes(seconds duration) {
  return std::chrono::floor<std::chrono::minutes>(duration).count();
}

long floor_div(long value, long divisor) {
  long quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

long positive_mod(long value, long divisor) {
  return value - floor_div(value, divisor) * divisor;
}

// A wall-clock instant's minute of the day.
std::size_t day_minute_of(sys_seconds local_instant) {
  long minutes = whole_minutes(local_instant.time_since_epoch());
  return static_cast<std::size_t>(positive_mod(minutes, kMinutesPerDay));
}

// "*" when every value is set, else a list with runs of three or more as ranges.
template <std::size_t N>
std::string format_values(const std::bitset<N>& values) {
  if (values.all()) {
    return "*";
  }
  std::string text;
  std::size_t v = 0;
  while (v < N) {
    if (!values.test(v)) {
      ++v;
      continue;
    }
    std::size_t last = v;
    while (last + 1 < N && values.test(last + 1)) {
      ++last;
    }
    text += text.empty() ? "" : ",";
    if (last - v >= 2) {
      text += std::to_string(v) + "-" + std::to_string(last);
      v = last + 1;
    } else {
      text += std::to_string(v);
      ++v;
    }
  }
  return text;
}

std::string join_fields(const std::bitset<60>& minutes, const std::bitset<24>& hours,
                        const std::string& days) {
  return format_values(minutes) + " " + format_values(hours) + " " + days;
}

// Calls `visit` with each wall-clock time of the job, as minutes of the day.
template <typename Visit>
void for_each_time_of_day(const CronExpression& expression, Visit visit) {
  for (std::size_t hour = 0; hour < 24; ++hour) {
    for (std::size_t minute = 0; minute < 60; ++minute) {
      if (expression.hours.test(hour) && expression.minutes.test(minute)) {
        visit(static_cast<long>(hour * 60 + minute));
      }
    }
  }
}

// The job's wall-clock times moved by each difference (host minus job offset).
DayMinutes shifted_times(const CronExpression& expression, const std::set<seconds>& differences) {
  DayMinutes times;
  for_each_time_of_day(expression, [&](long time) {
    for (seconds difference : differences) {
      times.set(
          static_cast<std::size_t>(positive_mod(time + whole_minutes(difference), kMinutesPerDay)));
    }
  });
  return times;
}

// A fixed-time slot skipped by a gap of the job's zone fires as the clock lands after the
// gap: a host time no shift of the job's times gives. Taken from the transitions themselves
// (and only where the job does fire then), so the line gains no hour on other days' account.
void add_gap_end_times(DayMinutes& times, const Schedule& job,
                       const std::vector<Segment>& job_segments, const TimeZone& host) {
  for (std::size_t s = 1; s < job_segments.size(); ++s) {
    sys_seconds gap_end = job_segments[s].start;
    if (job_segments[s].offset > job_segments[s - 1].offset &&
        job.next_fire_after(gap_end - seconds(1)) == gap_end) {
      times.set(day_minute_of(gap_end + host.offset_at(gap_end)));
    }
  }
}

// When the host's clock goes back, the daemon starts a fixed-time line only on the first
// pass through the repeated stretch. A slot of the job on the second pass needs a line that
// follows the clock: one whose minute or hour field is `*`.
bool has_slot_on_second_pass(const Schedule& job, const std::vector<Segment>& host_segments) {
  for (std::size_t s = 1; s < host_segments.size(); ++s) {
    seconds repeated = host_segments[s - 1].offset - host_segments[s].offset;
    sys_seconds clock_back = host_segments[s].start;
    if (repeated > seconds(0) &&
        job.next_fire_after(clock_back - seconds(1)) < clock_back + repeated) {
      return true;
    }
  }
  return false;
}

bool all_days_of_month(const CronExpression& expression) {
  return (expression.days_of_month >> 1).count() == 31;
}

bool all_months(const CronExpression& expression) {
  return (expression.months >> 1).count() == 12;
}

// Cron's day rule: either day field may match when both are restricted, else both must.
bool matches_every_day(const CronExpression& expression) {
  bool any_day_of_month = all_days_of_month(expression);
  bool any_day_of_week = expression.days_of_week.all();
  bool either = expression.day_of_month_restricted && expression.day_of_week_restricted;
  return all_months(expression) &&
         (either ? any_day_of_month || any_day_of_week : any_day_of_month && any_day_of_week);
}

struct DayFields {
  std::string text;  // day-of-month, month and day-of-week
  bool exact = false;
};

// The day fields of a line whose times are the job's moved by one constant `difference`
// (host minus job offset): a time the move carries past midnight falls on the previous or
// next host date.
DayFields constant_shift_days(const CronExpression& expression, seconds difference) {
  if (matches_every_day(expression)) {
    return {"* * *", true};
  }
  std::set<long> date_moves;
  for_each_time_of_day(expression, [&](long time) {
    date_moves.insert(floor_div(time + whole_minutes(difference), kMinutesPerDay));
  });
  if (date_moves == std::set<long>{0}) {
    // Every slot keeps its date, so the job's own day fields (with their either-or rule)
    // pick the same dates.
    auto fields = schedule::syntax::split_fields(expression.text);
    if (fields) {
      return {std::string((*fields)[2].text) + " " + std::string((*fields)[3].text) + " " +
                  std::string((*fields)[4].text),
              true};
    }
  } else if (all_months(expression) && all_days_of_month(expression)) {
    // Only the weekday restricts the days, and a weekday moves with its date.
    std::bitset<7> weekdays;
    for (std::size_t day = 0; day < 7; ++day) {
      for (long move : date_moves) {
        if (expression.days_of_week.test(day)) {
          weekdays.set(static_cast<std::size_t>(positive_mod(static_cast<long>(day) + move, 7)));
        }
      }
    }
    return {"* * " + format_values(weekdays), date_moves.size() == 1};
  }
  return {"* * *", false};
}

CronFields cron_job_fields(const Schedule& job, const std::vector<Segment>& job_segments,
                           const std::vector<Segment>& host_segments, const TimeZone& host) {
  const CronExpression& expression = *job.expression();
  std::set<seconds> differences = offset_differences(job_segments, host_segments);
  if (differences == std::set<seconds>{seconds(0)}) {
    return {expression.text, true};
  }
  DayMinutes times = shifted_times(expression, differences);
  if (expression.fixed_time) {
    add_gap_end_times(times, job, job_segments, host);
  }
  std::bitset<60> minutes;
  std::bitset<24> hours;
  for (std::size_t time = 0; time < times.size(); ++time) {
    if (times.test(time)) {
      minutes.set(time % 60);
      hours.set(time / 60);
    }
  }
  bool follows_clock = minutes.all() || hours.all();
  if (!follows_clock && has_slot_on_second_pass(job, host_segments)) {
    hours.set();
  }
  if (job_segments.size() > 1 || host_segments.size() > 1) {
    return {join_fields(minutes, hours, "* * *"), false};
  }
  // Neither zone changes offset: one difference, and no gap or repeated stretch anywhere.
  DayFields days = constant_shift_days(expression, *differences.begin());
  bool times_exact = minutes.count() * hours.count() == times.count();
  return {join_fields(minutes, hours, days.text), days.exact && times_exact};
}

std::set<long> host_offset_minutes(const std::vector<Segment>& host_segments) {
  std::set<long> result;
  for (const auto& segment : host_segments) {
    result.insert(whole_minutes(segment.offset));
  }
  return result;
}

std::bitset<60> minutes_every(long step, const std::set<long>& offsets) {
  std::bitset<60> minutes;
  for (long offset : offsets) {
    for (long m = 0; m < 60; m += step) {
      minutes.set(static_cast<std::size_t>(positive_mod(m + offset, 60)));
    }
  }
  return minutes;
}

// Every N minutes where N is whole hours dividing a day: slots at the same UTC times each
// day, i.e. a fixed-time job in UTC, whose line the cron path narrows to hours.
std::optional<Schedule> as_utc_daily_times(int frequency) {
  if (60 % frequency == 0 || frequency % 60 != 0 || kMinutesPerDay % frequency != 0) {
    return std::nullopt;
  }
  std::bitset<24> hours;
  for (int hour = 0; hour < 24; hour += frequency / 60) {
    hours.set(static_cast<std::size_t>(hour));
  }
  auto schedule = Schedule::cron("0 " + format_values(hours) + " * * *", "UTC");
  return schedule ? std::optional<Schedule>(*schedule) : std::nullopt;
}

// Slots every N minutes from the epoch (UTC midnight), so their UTC minute-of-day is k*N.
CronFields every_job_fields(int frequency, const std::vector<Segment>& host_segments) {
  const long n = frequency;
  std::set<long> offsets = host_offset_minutes(host_segments);
  if (60 % n == 0) {
    std::set<long> residues;
    for (long offset : offsets) {
      residues.insert(positive_mod(offset, n));
    }
    return {format_values(minutes_every(n, offsets)) + " * * * *", residues.size() == 1};
  }
  // Hours stay "*": a line the daemon treats as wildcard has no DST catch-up or skip rules.
  long step = std::gcd(n, 60L);
  return {format_values(minutes_every(step, offsets)) + " * * * *", false};
}

}  // namespace

std::string format_minutes(const std::bitset<60>& minutes) {
  return format_values(minutes);
}

std::string format_hours(const std::bitset<24>& hours) {
  return format_values(hours);
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

CronFields CronFieldsPlanner::fields_for(const Schedule& schedule) {
  const std::vector<Segment>& host_segments = segments_of(host_);
  if (schedule.is_cron()) {
    return cron_job_fields(schedule, segments_of(schedule.zone()), host_segments, host_);
  }
  if (auto daily = as_utc_daily_times(schedule.frequency_minutes())) {
    const std::vector<Segment> utc{{from_, seconds(0)}};
    return cron_job_fields(*daily, utc, host_segments, host_);
  }
  return every_job_fields(schedule.frequency_minutes(), host_segments);
}

Result<CronFields> cron_fields_for(const Schedule& schedule, std::string_view host_zone,
                                   sys_seconds now) {
  auto planner = CronFieldsPlanner::create(host_zone, now);
  if (!planner) {
    return fail(planner.error());
  }
  return planner->fields_for(schedule);
}

}  // namespace certcron::crontab
