#include "json/reports.hpp"

#include "core/reminders/policy.hpp"
#include "crontab/install.hpp"
#include "util/time.hpp"

namespace certcron::json {

Json monitor_report_to_json(const MonitorReport& report) {
  Json abandoned = Json::array();
  for (const Run& run : report.abandoned) {
    abandoned.push_back(run_to_json(run));
  }
  Json late = Json::array();
  for (const LateJob& item : report.late) {
    late.push_back(Json{{"id", item.job.id()},
                        {"name", item.job.definition.name},
                        {"slot", util::format_rfc3339(item.slot)},
                        {"grace_time_in_minutes", item.job.definition.grace_time_in_minutes},
                        {"newly_late", item.newly_late}});
  }
  return Json{{"jobs_checked", report.jobs_checked},
              {"abandoned", std::move(abandoned)},
              {"late", std::move(late)}};
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
