#pragma once

// The seed's bulk sync document ({"cron_checks": [...]}) and the answer to a sync, shared by
// `certcron sync` (a .json file, --json) and POST /sync.

#include "core/requests.hpp"
#include "core/sync.hpp"
#include "json/shapes.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace certcron::json {

// The entries of {"cron_checks": [{name, type, cron_expression, frequency_in_minutes,
// grace_time_in_minutes, server_timezone, description, enabled}, ...]}. Text that is not JSON,
// or a value of the wrong JSON type, is a usage error naming where ("cron_checks.2.enabled");
// a missing cron_checks, an unknown field or an unknown type is a validation error.
Result<std::vector<CreateJobRequest>> parse_sync_document(std::string_view text);

// {"action", "id" (null for a create not applied), "name", "changes": [field names]}
Json sync_step_to_json(const SyncStep& step);
// {"dry_run", "applied", "plan": [steps], "data": [jobs after the sync]}
Json sync_outcome_to_json(const SyncOutcome& outcome, bool dry_run, Seconds now,
                          const std::string& ping_base_url);

}  // namespace certcron::json
