#include "core/reminders/policy.hpp"

#include "util/time.hpp"

#include <algorithm>

namespace certcron::reminders {
namespace {

bool in_ledger(const std::vector<LedgerEntry>& ledger, int threshold) {
  return std::ranges::any_of(
      ledger, [&](const LedgerEntry& entry) { return entry.threshold == threshold; });
}

std::string reminder_name(int threshold) {
  return threshold == kExpiredThreshold ? std::string("expired reminder")
                                        : std::to_string(threshold) + "-day reminder";
}

std::string describe_expiry(int days_left) {
  return (days_left >= 0 ? "expires " : "expired ") + relative_days(days_left);
}

// "30-day", "7- and 30-day", "1-, 7- and 30-day" (thresholds ascending).
std::string threshold_list(const std::vector<int>& thresholds) {
  std::string out;
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    if (i > 0) {
      out += i + 1 == thresholds.size() ? " and " : ", ";
    }
    out += std::to_string(thresholds[i]) + (i + 1 == thresholds.size() ? "-day" : "-");
  }
  return out;
}

std::string explain(const ReminderConfig& config, const Decision& decision,
                    const std::vector<LedgerEntry>& ledger, const schedule::TimeZone& zone) {
  std::string reason = describe_expiry(decision.days_left) + ": ";
  if (decision.threshold == kExpiredThreshold) {
    reason += "within the " + std::to_string(config.expired_window_days) +
              "-day window for the one reminder after expiry";
  } else {
    reason += "crossed the " + std::to_string(decision.threshold) + "-day threshold";
  }
  std::vector<std::string> notes;
  for (const auto& entry : ledger) {
    const auto day = util::format_date(local_date(entry.recorded_at, zone));
    notes.push_back(reminder_name(entry.threshold) +
                    (entry.outcome == LedgerOutcome::sent ? " sent " : " skipped ") + day);
  }
  if (!decision.superseded.empty()) {
    notes.push_back(threshold_list(decision.superseded) +
                    (decision.superseded.size() == 1 ? " reminder" : " reminders") +
                    " never sent, now skipped");
  }
  if (!notes.empty()) {
    reason += " (";
    for (std::size_t i = 0; i < notes.size(); ++i) {
      reason += (i == 0 ? "" : "; ") + notes[i];
    }
    reason += ")";
  }
  return reason;
}

}  // namespace

std::chrono::sys_days local_date(Seconds instant, const schedule::TimeZone& zone) {
  const auto local = std::chrono::floor<std::chrono::days>(zone.to_local(instant));
  return std::chrono::sys_days{local.time_since_epoch()};
}

std::chrono::sys_days expiry_date(const Certification& certification,
                                  const schedule::TimeZone& zone) {
  if (auto day = util::parse_date(certification.expires_on)) {
    return *day;
  }
  return local_date(certification.expires_at, zone);
}

DayWindow day_window(const ReminderConfig& config) {
  DayWindow window;
  window.earliest = -config.expired_window_days;
  window.latest = -1;
  for (int threshold : config.thresholds_days) {
    window.latest = std::max(window.latest, threshold);
  }
  return window;
}

std::vector<ThresholdBand> threshold_bands(const ReminderConfig& config) {
  std::vector<ThresholdBand> bands;
  if (config.expired_window_days > 0) {
    bands.push_back({kExpiredThreshold, -config.expired_window_days, -1});
  }
  std::vector<int> thresholds = config.thresholds_days;
  std::ranges::sort(thresholds);
  int first = 0;
  for (int threshold : thresholds) {
    if (threshold >= first) {  // a repeated threshold adds no band
      bands.push_back({threshold, first, threshold});
      first = threshold + 1;
    }
  }
  return bands;
}

ThresholdBand entered_since(const ThresholdBand& band, int days_since) {
  ThresholdBand part = band;
  part.first = std::max(band.first, band.last - days_since + 1);
  return part;
}

std::string policy_key(const ReminderConfig& config, const schedule::TimeZone& zone) {
  std::vector<int> thresholds = config.thresholds_days;
  std::ranges::sort(thresholds);
  const auto repeated = std::ranges::unique(thresholds);
  thresholds.erase(repeated.begin(), repeated.end());
  std::string key = zone.name() + "|";
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    key += (i == 0 ? "" : ",") + std::to_string(thresholds[i]);
  }
  return key + "|" + std::to_string(config.expired_window_days);
}

std::optional<Decision> decide(const ReminderConfig& config, int days_left,
                               const std::vector<LedgerEntry>& ledger,
                               const schedule::TimeZone& zone) {
  if (!day_window(config).contains(days_left)) {
    return std::nullopt;
  }
  std::vector<int> crossed;  // most urgent first
  if (days_left < 0) {
    crossed.push_back(kExpiredThreshold);
  }
  std::vector<int> thresholds = config.thresholds_days;
  std::ranges::sort(thresholds);
  for (int threshold : thresholds) {
    if (days_left <= threshold && (crossed.empty() || crossed.back() != threshold)) {
      crossed.push_back(threshold);
    }
  }
  if (crossed.empty() || in_ledger(ledger, crossed.front())) {
    return std::nullopt;
  }
  Decision decision;
  decision.threshold = crossed.front();
  decision.days_left = days_left;
  for (std::size_t i = 1; i < crossed.size(); ++i) {
    if (!in_ledger(ledger, crossed[i])) {
      decision.superseded.push_back(crossed[i]);
    }
  }
  decision.reason = explain(config, decision, ledger, zone);
  return decision;
}

std::string threshold_label(int threshold) {
  return threshold == kExpiredThreshold ? std::string("expired") : std::to_string(threshold);
}

std::string relative_days(int days_left) {
  switch (days_left) {
    case 0:
      return "today";
    case 1:
      return "tomorrow";
    case -1:
      return "yesterday";
    default:
      return days_left > 0 ? "in " + std::to_string(days_left) + " days"
                           : std::to_string(-days_left) + " days ago";
  }
}

}  // namespace certcron::reminders
