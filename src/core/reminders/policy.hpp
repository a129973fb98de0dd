#pragma once

// Which reminder a certification is due, by calendar date in the job's time zone.
//
// days_left = expiry date - today, both local dates in the zone (a date-only expiry is its
// own date; an RFC 3339 expiry is the local date of that instant). A threshold T is crossed
// when days_left <= T. Once expired (days_left < 0), one "expired" reminder
// (kExpiredThreshold) is due, but only while -days_left <= expired_window_days. Each
// (certification, expires_on, threshold) is reminded at most once: the ledger says what was
// sent or passed over. When several crossed thresholds are unsent, only the most urgent is
// sent and the others are superseded (recorded, never sent later).

#include "core/clock.hpp"
#include "core/reminders/config.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/schedule/schedule.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace certcron::reminders {

// The local calendar date of an instant in `zone`.
std::chrono::sys_days local_date(Seconds instant, const schedule::TimeZone& zone);
// The certification's expiry as a local calendar date (see above).
std::chrono::sys_days expiry_date(const Certification& certification,
                                  const schedule::TimeZone& zone);

// The window of days_left values the check looks at: [-expired_window_days, largest
// threshold] (or [-window, -1] with no thresholds). Certifications outside it are untouched.
struct DayWindow {
  int earliest = 0;  // most negative days_left still reminded
  int latest = 0;    // largest days_left with a crossed threshold
  bool contains(int days_left) const { return days_left >= earliest && days_left <= latest; }
};
DayWindow day_window(const ReminderConfig& config);

// The days_left values for which `threshold` is the most urgent crossed reminder:
// [-expired_window_days, -1] for kExpiredThreshold, [0, t1] for the smallest threshold t1,
// [t1 + 1, t2] for the next, and so on. Only a certification whose ledger lacks its band's
// threshold can be due; every other one is settled, whatever else its ledger holds.
struct ThresholdBand {
  int threshold = 0;
  int first = 0;  // days_left, inclusive
  int last = 0;
  bool contains(int days_left) const { return days_left >= first && days_left <= last; }
};
// Ascending by days_left (the expired band first); empty bands left out.
std::vector<ThresholdBand> threshold_bands(const ReminderConfig& config);

// The part of `band` a run `days_since` days after a complete one must read: the days_left
// values that entered the band since then ([last - days_since + 1, last], clipped to the
// band). Every other certification in the band was in it at the complete run, which left its
// threshold in the ledger. Empty (first > last) when days_since is 0.
ThresholdBand entered_since(const ThresholdBand& band, int days_since);

// Names a policy as far as due-ness goes (zone, thresholds, expired window): the key of its
// watermark. "Europe/Berlin|1,7,30|30".
std::string policy_key(const ReminderConfig& config, const schedule::TimeZone& zone);

struct Decision {
  int threshold = 0;  // the one to send now; kExpiredThreshold after expiry
  int days_left = 0;
  std::vector<int> superseded;  // crossed, less urgent, never recorded: passed over
  std::string reason;           // "expires in 6 days: crossed the 7-day threshold (30-day ...)"
};

// nullopt when nothing is due (no threshold crossed, outside the expired window, or the most
// urgent crossed reminder is already in the ledger). `ledger` holds this certification's
// entries for its current expires_on; `zone` only formats the dates in the reason.
std::optional<Decision> decide(const ReminderConfig& config, int days_left,
                               const std::vector<LedgerEntry>& ledger,
                               const schedule::TimeZone& zone);

// "7" or "expired": the {threshold} placeholder and the webhook's threshold field.
std::string threshold_label(int threshold);
// "in 6 days", "tomorrow", "today", "yesterday", "3 days ago".
std::string relative_days(int days_left);

}  // namespace certcron::reminders
