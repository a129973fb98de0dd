#pragma once

// The JSON shapes of the API contract (seed 000) plus the monitoring fields (SPEC section 2).
// Field order follows the contract; objects are ordered_json so output is stable. The job
// object, on the server's hot path, is written by write_job alone (straight into a string);
// job_to_json reads that text back for the callers that want a tree.

#include "core/error.hpp"
#include "core/job_service.hpp"
#include "core/store.hpp"
#include "json/writer.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace certcron::json {

using Json = nlohmann::ordered_json;

// The job object of the contract: the one definition of its keys, their order and values.
void write_job(JsonWriter& out, const JobDetails& details, Seconds now,
               std::string_view ping_base_url);
// {"data": [jobs...], "pagination": {"page", "limit", "total"}}, as page_to_json gives it.
void write_job_page(JsonWriter& out, const Page<JobDetails>& page, Seconds now,
                    std::string_view ping_base_url);
// write_job's object and write_job_page's page as trees.
Json job_to_json(const JobDetails& details, Seconds now, const std::string& ping_base_url);
Json job_page_to_json(const Page<JobDetails>& page, Seconds now, std::string_view ping_base_url);
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
