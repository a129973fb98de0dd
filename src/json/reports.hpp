#pragma once

// JSON of the reports that are not the API contract's own objects: the monitoring pass, `due`,
// `import` and the crontab block. Shared by `--json` and the HTTP API like shapes.hpp.

#include "core/check_outcome.hpp"
#include "core/reminders/expiry_check.hpp"
#include "core/reminders/import.hpp"
#include "json/shapes.hpp"

#include <optional>
#include <string>

namespace certcron::crontab {
struct InstallOutcome;
struct VerifyReport;
}  // namespace certcron::crontab

namespace certcron::json {

Json check_outcome_to_json(const CheckOutcome& outcome);
// One flip: {"job_id", "from", "to", "reason", "slot", "run_id", "at", "alert", "alert_attempts",
// "alert_error"}.
Json flip_to_json(const Flip& flip);
Json due_reminder_to_json(const reminders::DueReminder& due);
// {"as_of", "timezone", "data": [due reminders], "result": counts}
Json due_report_to_json(Seconds as_of, const std::string& timezone, Json items,
                        const RunResult& counts);
Json import_summary_to_json(const reminders::ImportSummary& summary);
Json crontab_repair_to_json(const crontab::InstallOutcome& outcome);
Json crontab_verify_to_json(const crontab::VerifyReport& report);

}  // namespace certcron::json
