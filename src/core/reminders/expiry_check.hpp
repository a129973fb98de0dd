#pragma once

// The nightly certification expiry check (`certcron execute`) and its preview (`certcron due`).

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/reminders/config.hpp"
#include "core/reminders/delivery.hpp"
#include "core/reminders/policy.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/schedule/schedule.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace certcron::reminders {

struct CheckProgress {
  std::int64_t scanned = 0;  // certifications read so far
  std::int64_t total = 0;    // certifications in the scanned range
  std::int64_t reminders_sent = 0;
  std::int64_t errors = 0;
};

// One due reminder: sent, failed, or (dry run / preview) only computed.
struct CheckEvent {
  enum class Kind { sent, failed, due };
  Kind kind = Kind::due;
  const Certification& certification;
  const Decision& decision;
  const Message& message;
  std::string error;  // for failed: the delivery's message
};

struct CheckOptions {
  Seconds now{};
  bool dry_run = false;      // compute everything, deliver nothing, write no ledger entry
  std::int64_t run_seq = 0;  // recorded in the ledger entries
  std::function<void(const CheckProgress&)> progress;  // every few hundred rows, and at the end
  std::function<void(const CheckEvent&)> on_event;     // every due reminder
};

// Scans the certifications whose local expiry date is within the policy's window
// [today - expired_window_days, today + largest threshold] (through the expires_at index, in
// pages), decides each (see policy.hpp), delivers the due reminders one by one and records
// each in the ledger right after its delivery succeeded, in a transaction of its own; the
// less urgent thresholds it passed over are recorded with it as superseded. A crash can thus
// only repeat the one message in flight, with the same Message-ID. (So call it outside any
// open transaction on the store's connection: inside one, nothing would be committed early.)
//
// RunResult: certifications_checked = certifications whose local expiry date is within that
// window (those the policy looked at, reminded or not); mentors_checked = distinct mentors
// owning them; reminders_sent = deliveries that succeeded (in a dry run: reminders that
// would be sent); errors = failed deliveries (not in the ledger, so retried by the next run;
// one failure never stops the others). A database error ends the run with an error; a
// template error in the configuration (unknown placeholder) is ErrorKind::validation before
// anything is read.
Result<RunResult> run_expiry_check(ReminderStore& store, Delivery& delivery,
                                   const ReminderConfig& config, const schedule::TimeZone& zone,
                                   const CheckOptions& options);

struct DueReminder {
  const Certification& certification;
  const Decision& decision;  // threshold, days_left, superseded, reason
  const Message& message;    // what would be sent
};

// `certcron due`: what the check would remind at `now`, and why, without sending or
// recording anything. Same counts as a dry run.
Result<RunResult> list_due(ReminderStore& store, const ReminderConfig& config,
                           const schedule::TimeZone& zone, Seconds now,
                           const std::function<void(const DueReminder&)>& visit);

}  // namespace certcron::reminders
