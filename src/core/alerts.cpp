#include "core/alerts.hpp"

#include "util/time.hpp"

namespace certcron {
namespace {

const char* event_name(const Flip& flip) {
  return flip.to == MonitorState::up ? "recovered" : to_string(flip.to);
}

std::string headline(const Job& job, const Flip& flip) {
  const std::string who = job.definition.name + " (" + job.id() + ")";
  switch (flip.to) {
    case MonitorState::late:
      return who + " did not run on time";
    case MonitorState::failed:
      return who + " failed";
    case MonitorState::running_too_long:
      return who + " is running too long";
    case MonitorState::up:
      break;
  }
  return who + " recovered";
}

}  // namespace

Result<std::optional<Flip>> record_flip(JobStore& store, std::int64_t job_seq,
                                        const FlipEvent& event, Seconds now) {
  auto job = store.find_job_by_seq(job_seq);
  if (!job) {
    return fail(job.error());
  }
  if (!*job) {
    return std::optional<Flip>{};
  }
  auto latest = store.latest_flip(job_seq);
  if (!latest) {
    return fail(latest.error());
  }
  const MonitorState current = *latest ? (*latest)->to : MonitorState::up;
  if (!is_flip(current, event)) {
    return std::optional<Flip>{};
  }
  Flip flip;
  flip.job_seq = job_seq;
  flip.at = now;
  flip.from = current;
  flip.to = event.to;
  flip.reason = event.reason;
  flip.slot = event.slot;
  flip.run_seq = event.run_seq;
  if ((*job)->snoozed_at(now)) {
    flip.alert = AlertStatus::snoozed;
  } else if (event.to == MonitorState::up) {
    // A recovery is news only to whoever heard of the problem.
    const bool told = *latest && ((*latest)->alert == AlertStatus::sent ||
                                  (*latest)->alert == AlertStatus::pending);
    flip.alert = told ? AlertStatus::pending : AlertStatus::none;
  } else {
    flip.alert = AlertStatus::pending;
  }
  auto stored = store.insert_flip(flip);
  if (!stored) {
    return fail(stored.error());
  }
  return std::optional<Flip>{*stored};
}

reminders::Message compose_alert(const Job& job, const Flip& flip, const AlertSettings& settings,
                                 Seconds now) {
  reminders::AlertFields fields;
  fields.format = settings.format;
  fields.event = event_name(flip);
  fields.job_id = job.id();
  fields.job_name = job.definition.name;
  fields.job_uuid = job.uuid;
  fields.state = to_string(flip.to);
  fields.previous_state = to_string(flip.from);
  fields.reason = flip.reason;
  fields.slot = flip.slot ? util::format_rfc3339(*flip.slot) : "";
  fields.run_id = flip.run_seq ? format_run_id(*flip.run_seq) : "";
  fields.at = util::format_rfc3339(flip.at);
  fields.ping_url = settings.base_url + "/ping/" + job.uuid;
  fields.job_url = settings.base_url + "/api/v1/certification-cron/" + job.id();

  reminders::Message message;
  message.message_id = reminders::make_alert_message_id(job.uuid, flip.seq);
  message.from = settings.from;
  message.to_email = settings.to;
  message.subject = "[certcron] " + headline(job, flip);
  message.date = now;
  std::string body = headline(job, flip) + ".\n\n" + flip.reason + "\n\n";
  body += "Job:        " + fields.job_id + " " + fields.job_name + "\n";
  body += "State:      " + fields.state + " (was " + fields.previous_state + ")\n";
  body += "Since:      " + fields.at + "\n";
  if (!fields.slot.empty()) {
    body += "Slot:       " + fields.slot + "\n";
  }
  if (!fields.run_id.empty()) {
    body += "Run:        " + fields.run_id + "\n";
  }
  body += "Ping URL:   " + fields.ping_url + "\n";
  body += "API:        " + fields.job_url + "\n\n";
  body += "See `certcron show " + fields.job_id + "`; `certcron snooze " + fields.job_id +
          " --minutes N` silences this job's alerts for a while.\n";
  message.body = std::move(body);
  message.alert = std::move(fields);
  return message;
}

Result<AlertReport> AlertService::deliver(reminders::Delivery& delivery) {
  AlertReport report;
  if (auto released = release_snoozed(report); !released) {
    return fail(released.error());
  }
  auto pending = store_.pending_alerts();
  if (!pending) {
    return fail(pending.error());
  }
  for (Flip& flip : *pending) {
    if (auto delivered = deliver_one(std::move(flip), delivery, report); !delivered) {
      return fail(delivered.error());
    }
  }
  return report;
}

Result<void> AlertService::release_snoozed(AlertReport& report) {
  auto jobs = store_.all_jobs();
  if (!jobs) {
    return fail(jobs.error());
  }
  const Seconds now = clock_.now();
  for (const Job& job : *jobs) {
    if (job.snoozed_at(now)) {
      continue;
    }
    auto latest = store_.latest_flip(job.seq);
    if (!latest) {
      return fail(latest.error());
    }
    // Only the job's current state is told: a problem that ended during the snooze is past.
    if (!*latest || (*latest)->alert != AlertStatus::snoozed || (*latest)->to == MonitorState::up) {
      continue;
    }
    Flip flip = **latest;
    flip.alert = AlertStatus::pending;
    if (auto updated = store_.update_alert(flip); !updated) {
      return fail(updated.error());
    }
    report.released.push_back(std::move(flip));
  }
  return {};
}

Result<void> AlertService::deliver_one(Flip flip, reminders::Delivery& delivery,
                                       AlertReport& report) {
  auto job = store_.find_job_by_seq(flip.job_seq);
  if (!job) {
    return fail(job.error());
  }
  if (!*job) {
    return {};  // deleted since: its flips went with it
  }
  const Seconds now = clock_.now();
  if ((*job)->snoozed_at(now)) {
    flip.alert = AlertStatus::snoozed;
    report.held.push_back(flip);
    return store_.update_alert(flip);
  }
  auto delivered = delivery.deliver(compose_alert(**job, flip, settings_, now));
  ++flip.attempts;
  if (!delivered) {
    flip.alert_error = delivered.error().message;
    report.failed.push_back(flip);
    return store_.update_alert(flip);
  }
  flip.alert = AlertStatus::sent;
  flip.alert_error.clear();
  flip.alerted_at = now;
  auto done = store_.in_transaction([&]() -> Result<void> {
    if (auto updated = store_.update_alert(flip); !updated) {
      return updated;
    }
    auto current = store_.find_job_by_seq(flip.job_seq);
    if (!current) {
      return fail(current.error());
    }
    if (!*current) {
      return {};
    }
    const std::optional<LatestResult> result = (*current)->latest_result;
    std::optional<LatestResult> notified;
    if (flip.to == MonitorState::late && result == LatestResult::check_ran_too_late) {
      notified = LatestResult::sent_not_on_time_notification;
    } else if (flip.to == MonitorState::failed && (result == LatestResult::ping_failed ||
                                                   result == LatestResult::check_failed)) {
      notified = LatestResult::sent_ping_failed_notification;
    }
    return notified ? store_.record_monitoring(flip.job_seq, *notified, std::nullopt)
                    : Result<void>{};
  });
  if (!done) {
    return fail(done.error());
  }
  report.sent.push_back(std::move(flip));
  return {};
}

}  // namespace certcron
