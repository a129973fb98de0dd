#include "core/schedule/schedule.hpp"

#include "core/schedule/fire_times.hpp"
#include "core/schedule/zone_table.hpp"

#include <algorithm>

namespace certcron::schedule {
namespace {

constexpr int kMaxFrequencyMinutes = 525600;  // one year

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

}  // namespace

Schedule::Schedule(std::optional<CronExpression> expression, int frequency_minutes, TimeZone zone)
    : expression_(std::move(expression)),
      frequency_minutes_(frequency_minutes),
      zone_(std::move(zone)) {}

Result<Schedule> Schedule::cron(std::string_view expression, std::string_view timezone) {
  auto parsed = CronExpression::parse(expression);
  auto zone = TimeZone::locate(timezone);
  if (!parsed && !zone) {
    // Report both problems at once, as a form would.
    FieldErrors fields = parsed.error().fields;
    fields.insert(zone.error().fields.begin(), zone.error().fields.end());
    return fail(Error::invalid(std::move(fields)));
  }
  if (!parsed) {
    return fail(parsed.error());
  }
  if (!zone) {
    return fail(zone.error());
  }
  return Schedule(std::move(*parsed), 0, std::move(*zone));
}

Result<Schedule> Schedule::every(int minutes, std::string_view timezone) {
  if (minutes < 1 || minutes > kMaxFrequencyMinutes) {
    return fail(Error::invalid("frequency_in_minutes", "must be between 1 and 525600 minutes"));
  }
  auto zone = TimeZone::locate(timezone);
  if (!zone) {
    return fail(zone.error());
  }
  return Schedule(std::nullopt, minutes, std::move(*zone));
}

bool Schedule::is_cron() const { return expression_.has_value(); }

const CronExpression* Schedule::expression() const {
  return expression_ ? &*expression_ : nullptr;
}

int Schedule::frequency_minutes() const { return frequency_minutes_; }

const TimeZone& Schedule::zone() const { return zone_; }

Seconds Schedule::next_fire_after(Seconds after) const {
  if (!expression_) {
    if (after >= kLatestSupported) {
      return Seconds::max();
    }
    const std::int64_t step = std::int64_t{frequency_minutes_} * 60;
    const Seconds slot{std::chrono::seconds{(floor_div(after.time_since_epoch().count(), step) + 1) * step}};
    return slot <= kLatestSupported ? slot : Seconds::max();
  }
  return CronFireFinder(*expression_, zone_.impl_->table).next_after(after);
}

std::vector<Seconds> Schedule::next_fires_after(Seconds after, int count) const {
  std::vector<Seconds> fires;
  if (count <= 0) {
    return fires;
  }
  fires.reserve(static_cast<std::size_t>(std::min(count, 1024)));
  if (!expression_) {
    if (after >= kLatestSupported) {
      return fires;
    }
    // Slots are whole multiples of the frequency since the Unix epoch, in UTC.
    const std::int64_t step = std::int64_t{frequency_minutes_} * 60;
    std::int64_t slot = floor_div(after.time_since_epoch().count(), step);
    for (int i = 0; i < count; ++i) {
      const Seconds fire{std::chrono::seconds{(slot + 1 + i) * step}};
      if (fire > kLatestSupported) {
        break;
      }
      fires.push_back(fire);
    }
    return fires;
  }
  CronFireFinder finder(*expression_, zone_.impl_->table);
  Seconds cursor = after;
  for (int i = 0; i < count; ++i) {
    cursor = finder.next_after(cursor);
    if (cursor == Seconds::max()) {
      break;
    }
    fires.push_back(cursor);
  }
  return fires;
}

std::optional<Seconds> Schedule::latest_fire_between(Seconds not_before, Seconds at) const {
  not_before = std::max(not_before, kEarliestSupported - std::chrono::seconds{1});
  at = std::min(at, kLatestSupported);
  if (at <= not_before) {
    return std::nullopt;
  }
  if (!expression_) {
    const std::int64_t step = std::int64_t{frequency_minutes_} * 60;
    Seconds slot{std::chrono::seconds{floor_div(at.time_since_epoch().count(), step) * step}};
    return slot > not_before ? std::optional<Seconds>(slot) : std::nullopt;
  }
  // Scan forward over a window ending at `at`, widening it only while it holds no fire,
  // so a long window over a sparse schedule costs a few scans, not one per fire.
  CronFireFinder finder(*expression_, zone_.impl_->table);
  std::chrono::seconds span{3600};
  while (true) {
    Seconds from = (at - not_before > span) ? at - span : not_before;
    std::optional<Seconds> latest;
    for (Seconds fire = finder.next_after(from); fire <= at; fire = finder.next_after(fire)) {
      latest = fire;
    }
    if (latest || from == not_before) {
      return latest;
    }
    span *= 4;
  }
}

std::string Schedule::describe() const {
  if (expression_) {
    return expression_->describe();
  }
  return frequency_minutes_ == 1 ? "Every minute"
                                 : "Every " + std::to_string(frequency_minutes_) + " minutes";
}

}  // namespace certcron::schedule
