#pragma once

// The monitoring seed's cron check object, for the seed's own API (/api/monitors/1/cron-checks
// and /api/cron-checks/{id}): its fields in its order, an integer id (the job's number), times
// as "2020-07-28 13:27:02" in UTC, and the last ping said relative to now ("5 minutes ago").
// Built from the same JobDetails as the contract's job object (shapes.hpp).

#include "core/job_service.hpp"
#include "json/shapes.hpp"

#include <string>

namespace certcron::json {

Json cron_check_to_json(const JobDetails& details, Seconds now, const std::string& ping_base_url);

// "2020-07-28 13:27:02": the seed's way of writing an instant (UTC).
std::string format_seed_time(Seconds instant);

// How long before `now` `then` was, as the seed says it: "just now" under a minute (and for an
// instant after now), then "1 minute ago", "N minutes ago", hours, days, weeks (from 7 days),
// months of 30 days (from 30 days) and years of 365 days (from 365 days), each rounded down.
std::string human_readable_since(Seconds then, Seconds now);

}  // namespace certcron::json
