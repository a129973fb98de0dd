#include "json/reports.hpp"

#include "core/reminders/policy.hpp"
#include "crontab/install.hpp"
#include "util/time.hpp"

namespace certcron::json {

Json flip_to_json(const Flip& flip) {
  return Json{{"job_id", format_job_id(flip.job_seq)},
              {"from", to_string(flip.from)},
              {"to", to_string(flip.to)},
              {"reason", flip.reason},
              {"slot", optional_instant(flip.slot)},
              {"run_id", flip.run_seq ? Json(format_run_id(*flip.run_seq)) : Json(nullptr)},
              {"at", util::format_rfc3339(flip.at)},
              {"alert", to_string(flip.alert)},
              {"alert_attempts", flip.attempts},
              {"alert_error", flip.alert_error.empty() ? Json(nullptr) : Json(flip.alert_error)}};
}

namespace {

Json flips_to_json(const std::vector<Flip>& flips) {
  Json out = Json::array();
  for (const Flip& flip : flips) {
    out.push_back(flip_to_json(flip));
  }
  return out;
}

Json runs_to_json(const std::vector<Run>& runs) {
  Json out = Json::array();
  for (const Run& run : runs) {
    out.push_back(run_to_json(run));
  }
  return out;
}

}  // namespace

Json check_outcome_to_json(const CheckOutcome& outcome) {
  const MonitorReport& report = outcome.monitor;
  Json late = Json::array();
  for (const LateJob& item : report.late) {
    late.push_back(Json{{"id", item.job.id()},
                        {"name", item.job.definition.name},
                        {"slot", util::format_rfc3339(item.slot)},
                        {"grace_time_in_minutes", item.job.definition.grace_time_in_minutes},
                        {"newly_late", item.newly_late}});
  }
  Json too_long = Json::array();
  for (const LongRunningJob& item : report.running_too_long) {
    too_long.push_back(Json{{"id", item.job.id()},
                            {"name", item.job.definition.name},
                            {"run_id", item.run ? Json(item.run->id()) : Json(nullptr)},
                            {"since", util::format_rfc3339(item.since)},
                            {"newly_flagged", item.newly_flagged}});
  }
  Json warnings = Json::array();
  for (const std::string& warning : outcome.warnings) {
    warnings.push_back(warning);
  }
  return Json{{"jobs_checked", report.jobs_checked},
              {"abandoned", runs_to_json(report.abandoned)},
              {"late", std::move(late)},
              {"running_too_long", std::move(too_long)},
              {"flips", flips_to_json(report.flips)},
              {"caught_up", runs_to_json(outcome.caught_up)},
              {"alerts", Json{{"sent", flips_to_json(outcome.alerts.sent)},
                              {"failed", flips_to_json(outcome.alerts.failed)},
                              {"held_by_snooze", flips_to_json(outcome.alerts.held)},
                              {"released", flips_to_json(outcome.alerts.released)}}},
              {"heartbeat_sent", outcome.heartbeat_sent},
              {"warnings", std::move(warnings)}};
}

Json due_reminder_to_json(const reminders::DueReminder& due) {
  const auto& cert = due.certification;
  return Json{{"mentor_id", cert.mentor_id},
              {"name", cert.name},
              {"email", cert.email},
              {"certification", cert.certification},
              {"expires_on", due.message.expires_on},
              {"days_left", due.decision.days_left},
              {"threshold", reminders::threshold_label(due.decision.threshold)},
              {"reason", due.decision.reason},
              {"message_id", due.message.message_id}};
}

Json due_report_to_json(Seconds as_of, const std::string& timezone, Json items,
                        const RunResult& counts) {
  return Json{{"as_of", util::format_rfc3339(as_of)},
              {"timezone", timezone},
              {"data", std::move(items)},
              {"result", run_result_to_json(counts)}};
}

Json import_summary_to_json(const reminders::ImportSummary& summary) {
  return Json{{"rows", summary.rows},
              {"mentors_inserted", summary.mentors_inserted},
              {"mentors_updated", summary.mentors_updated},
              {"certifications_inserted", summary.certifications_inserted},
              {"certifications_updated", summary.certifications_updated}};
}

Json crontab_repair_to_json(const crontab::InstallOutcome& outcome) {
  return Json{{"changed", outcome.changed},
              {"block", outcome.block},
              {"backup", outcome.backup_path}};
}

Json crontab_verify_to_json(const crontab::VerifyReport& report) {
  return Json{{"in_sync", report.in_sync},
              {"installed", report.installed ? Json(*report.installed) : Json(nullptr)},
              {"expected", report.expected},
              {"diff", report.diff}};
}

}  // namespace certcron::json
