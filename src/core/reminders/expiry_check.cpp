#include "core/reminders/expiry_check.hpp"

#include "core/reminders/compose.hpp"
#include "core/reminders/template.hpp"

#include <algorithm>
#include <vector>

namespace certcron::reminders {
namespace {

constexpr std::int64_t kProgressEvery = 256;

using std::chrono::days;

// The UTC range holding every expiry whose local date is within the window: a date-only
// expiry is stored at UTC midnight of its date, an instant's local date differs from its UTC
// date by less than a day either way.
struct ScanRange {
  Seconds from;
  Seconds to;  // exclusive
};

ScanRange scan_range(std::chrono::sys_days today, const DayWindow& window) {
  return {Seconds{today + days{window.earliest} - days{1}},
          Seconds{today + days{window.latest} + days{2}}};
}

class MentorTally {
 public:
  void add(std::int64_t mentor_key) { keys_.push_back(mentor_key); }
  std::int64_t distinct() {
    std::ranges::sort(keys_);
    return std::ranges::distance(keys_.begin(), std::unique(keys_.begin(), keys_.end()));
  }

 private:
  std::vector<std::int64_t> keys_;  // 8 bytes per checked certification
};

// What happens to each due reminder: sent, previewed...
using DueHandler =
    std::function<Result<void>(const Certification&, const Decision&, const Message&)>;

Result<RunResult> scan(ReminderStore& store, const ReminderConfig& config,
                       const schedule::TimeZone& zone, Seconds now, const DueHandler& handle,
                       const std::function<void(const CheckProgress&)>& progress,
                       const RunResult& counts) {
  if (auto templates = check_reminder_templates(config); !templates) {
    return fail(templates.error());
  }
  const auto today = local_date(now, zone);
  const auto window = day_window(config);
  const auto range = scan_range(today, window);
  CheckProgress state;
  if (progress) {
    auto total = store.count_expiring(range.from, range.to);
    if (!total) {
      return fail(total.error());
    }
    state.total = *total;
  }
  RunResult result;
  MentorTally mentors;
  auto scanned = store.for_each_expiring(
      range.from, range.to, [&](const Certification& certification) -> Result<void> {
        ++state.scanned;
        if (progress && state.scanned % kProgressEvery == 0) {
          state.reminders_sent = counts.reminders_sent;
          state.errors = counts.errors;
          progress(state);
        }
        const auto expiry = expiry_date(certification, zone);
        const int days_left = static_cast<int>((expiry - today).count());
        if (!window.contains(days_left)) {
          return {};
        }
        ++result.certifications_checked;
        mentors.add(certification.mentor_key);
        auto ledger = store.ledger_for(certification.id, certification.expires_on);
        if (!ledger) {
          return fail(ledger.error());
        }
        auto decision = decide(config, days_left, *ledger, zone);
        if (!decision) {
          return {};
        }
        const auto message = compose_reminder(certification, *decision, expiry, config, now);
        return handle(certification, *decision, message);
      });
  if (!scanned) {
    return fail(scanned.error());
  }
  result.mentors_checked = mentors.distinct();
  if (progress) {
    state.reminders_sent = counts.reminders_sent;
    state.errors = counts.errors;
    progress(state);
  }
  return result;
}

std::vector<LedgerEntry> ledger_entries(const Certification& certification,
                                        const Decision& decision, const Message& message,
                                        const CheckOptions& options) {
  std::vector<LedgerEntry> entries;
  entries.push_back({certification.id, certification.expires_on, decision.threshold,
                     LedgerOutcome::sent, options.now, options.run_seq, message.message_id});
  for (int threshold : decision.superseded) {
    entries.push_back({certification.id, certification.expires_on, threshold,
                       LedgerOutcome::superseded, options.now, options.run_seq, ""});
  }
  return entries;
}

}  // namespace

Result<RunResult> run_expiry_check(ReminderStore& store, Delivery& delivery,
                                   const ReminderConfig& config, const schedule::TimeZone& zone,
                                   const CheckOptions& options) {
  RunResult counts;
  const auto notify = [&](CheckEvent::Kind kind, const Certification& certification,
                          const Decision& decision, const Message& message, std::string error) {
    if (options.on_event) {
      options.on_event(CheckEvent{kind, certification, decision, message, std::move(error)});
    }
  };
  auto handle = [&](const Certification& certification, const Decision& decision,
                    const Message& message) -> Result<void> {
    if (options.dry_run) {
      ++counts.reminders_sent;
      notify(CheckEvent::Kind::due, certification, decision, message, {});
      return {};
    }
    if (auto delivered = delivery.deliver(message); !delivered) {
      ++counts.errors;
      if (counts.first_error.empty()) {
        counts.first_error = "to " + message.to_email + ": " + delivered.error().message;
      }
      notify(CheckEvent::Kind::failed, certification, decision, message, delivered.error().message);
      return {};
    }
    // Delivered: record it now, before the next delivery, so a crash repeats at most this one.
    if (auto recorded = store.record(ledger_entries(certification, decision, message, options));
        !recorded) {
      return fail(Error{recorded.error().kind,
                        "delivered " + message.message_id +
                            " but could not record it in the ledger: " + recorded.error().message,
                        {}});
    }
    ++counts.reminders_sent;
    notify(CheckEvent::Kind::sent, certification, decision, message, {});
    return {};
  };
  auto result = scan(store, config, zone, options.now, handle, options.progress, counts);
  if (!result) {
    return result;
  }
  result->reminders_sent = counts.reminders_sent;
  result->errors = counts.errors;
  result->first_error = counts.first_error;
  return result;
}

Result<RunResult> list_due(ReminderStore& store, const ReminderConfig& config,
                           const schedule::TimeZone& zone, Seconds now,
                           const std::function<void(const DueReminder&)>& visit) {
  RunResult counts;
  auto handle = [&](const Certification& certification, const Decision& decision,
                    const Message& message) -> Result<void> {
    ++counts.reminders_sent;
    if (visit) {
      visit(DueReminder{certification, decision, message});
    }
    return {};
  };
  auto result = scan(store, config, zone, now, handle, {}, counts);
  if (result) {
    result->reminders_sent = counts.reminders_sent;
  }
  return result;
}

}  // namespace certcron::reminders
