#pragma once

// The JSON shapes of the API contract (seed 000) plus the monitoring fields (SPEC section 2).
// Field order follows the contract; objects are ordered_json so output is stable.

#include "core/error.hpp"
#include "core/job_service.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace certcron::json {

using Json = nlohmann::ordered_json;

Json job_to_json(const JobDetails& details, Seconds now, const std::string& ping_base_url);
Json run_to_json(const Run& run);
Json run_result_to_json(const RunResult& result);
Json deleted_to_json(const Job& job);
// The contract's answer to execute: {"run_id", "cron_id", "triggered_at", "status"}.
Json execute_accepted_to_json(const Run& run);
// {"data": [...], "pagination": {"page", "limit", "total"}}
Json page_to_json(Json data, int page, int limit, std::int64_t total);
// {"message": "...", "errors": {...}}; errors only for validation.
Json error_to_json(const Error& error);

Json optional_instant(std::optional<Seconds> instant);

}  // namespace certcron::json
