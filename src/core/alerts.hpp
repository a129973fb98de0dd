#pragma once

// Alerts about jobs: sent from flips (core/flip.hpp) through the [alerts] delivery, at least
// once, each with a Message-ID that stays the same on every retry.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/flip.hpp"
#include "core/job.hpp"
#include "core/reminders/config.hpp"
#include "core/reminders/delivery.hpp"
#include "core/reminders/message.hpp"
#include "core/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace certcron {

struct AlertSettings {
  std::string from;  // "certcron@host" or "Name <address>"
  std::string to;    // the administrator's address (the local user by default)
  reminders::AlertFormat format = reminders::AlertFormat::json;
  std::string base_url;  // where the server answers: ping and API URLs in alerts
};

// For the caller's write transaction, after it stored what happened: when `event` changes the
// job's state, records the flip, its alert pending, or snoozed while the job is snoozed (a
// recovery is only told when the state it ends was: otherwise its alert is none). Returns the
// flip; none when the state stays (or the job is gone).
Result<std::optional<Flip>> record_flip(JobStore& store, std::int64_t job_seq,
                                        const FlipEvent& event, Seconds now);

// The alert message of `flip` about `job`.
reminders::Message compose_alert(const Job& job, const Flip& flip, const AlertSettings& settings,
                                 Seconds now);

struct AlertReport {
  std::vector<Flip> released;  // snoozed alerts made pending: their snooze ended, state stayed
  std::vector<Flip> sent;
  std::vector<Flip> failed;    // alert_error says why; retried by the next pass
  std::vector<Flip> held;      // pending, but the job is snoozed now: kept as snoozed
};

class AlertService {
 public:
  AlertService(JobStore& store, const Clock& clock, AlertSettings settings)
      : store_(store), clock_(clock), settings_(std::move(settings)) {}

  // Releases the alerts held by snoozes that have ended, then delivers every pending alert.
  // After a late or failed alert went out, the job's latest_result becomes
  // sentCronNotExutedOnTimeNotification / sentPingFailedNotification, unless something newer
  // was recorded meanwhile.
  Result<AlertReport> deliver(reminders::Delivery& delivery);

 private:
  Result<void> release_snoozed(AlertReport& report);
  Result<void> deliver_one(Flip flip, reminders::Delivery& delivery, AlertReport& report);

  JobStore& store_;
  const Clock& clock_;
  AlertSettings settings_;
};

}  // namespace certcron
