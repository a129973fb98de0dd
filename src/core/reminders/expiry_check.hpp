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

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace certcron::reminders {

struct CheckProgress {
  std::int64_t candidates = 0;  // certifications the due query returned so far
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
  std::int64_t run_seq = 0;  // recorded in the ledger entries, and the holder of its claims
  std::chrono::seconds lease{900};  // how long a claim holds from when it is made
  const Clock* clock = nullptr;     // when a claim is made (SQLite counts its lease from it);
                                    // `now` when null
  // After each delivered batch: the run is still going. An error (the run was taken over by
  // another process) ends the check with that error, before it claims anything more.
  std::function<Result<void>()> keep_alive;
  std::function<void(const CheckProgress&)> progress;  // every few hundred rows, and at the end
  std::function<void(const CheckEvent&)> on_event;     // every due reminder
};

// Asks the store for what can be due (see threshold_bands and ReminderStore::due_candidates:
// per threshold, the certifications in its band of days whose ledger lacks it), decides each
// with the policy (policy.hpp), and delivers the due reminders. Each batch is claimed before
// its delivery (ReminderStore::claim): a reminder another run holds is left to that run, so
// runs of several jobs, on several hosts, deliver each reminder once. A delivery that takes one
// message at a time gets each recorded in the ledger right after it went out, so a crash
// repeats at most the message in flight; one that takes batches (the outbox) gets each batch
// recorded in one transaction after the batch is on disk, so a crash repeats at most that
// batch, each message with its Message-ID and file name. The less urgent thresholds passed
// over are recorded with the reminder, as superseded. Call it outside any open transaction
// on the store's connection: inside one, nothing would be committed early.
//
// After a run that delivered everything due (none failed, none was left to another run's
// claim), the policy's watermark is saved: while no
// certification changes, the next run reads only the days that entered a band since
// (a steady night reads one day per threshold), yet finds exactly what a full read would.
//
// RunResult: mentors_checked and certifications_checked = every mentor and certification on
// record (all were checked; most had nothing due); reminders_sent = deliveries that succeeded
// (in a dry run: reminders that would be sent); errors = failed deliveries (not in the
// ledger, so retried by the next run; one failure never stops the others). A database error
// ends the run with an error; a template error in the configuration (unknown placeholder) is
// ErrorKind::validation before anything is read.
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
