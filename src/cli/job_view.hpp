#pragma once

// Human renderings of jobs and runs shared by list, show, create, update and runs.

#include "cli/context.hpp"
#include "core/job_service.hpp"

#include <string>

namespace certcron::cli {

std::string schedule_text(const JobDefinition& definition);
std::string status_cell(const Context& context, const Job& job);
std::string run_status_cell(const Context& context, RunStatus status);
// The monitoring label ("ok", "late", "failed", ...), coloured on a terminal, and whether
// the job is snoozed.
std::string monitoring_cell(Context& context, const Job& job);
std::string instant_text(std::optional<Seconds> instant);

// show, create, update, snooze: the JSON object with --json, a key/value block otherwise.
void print_job(Context& context, const JobDetails& details);

}  // namespace certcron::cli
