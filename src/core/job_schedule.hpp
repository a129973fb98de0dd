#pragma once

#include "core/error.hpp"
#include "core/job.hpp"
#include "core/schedule/schedule.hpp"

namespace certcron {

// The schedule a job definition describes (cron expression or every N minutes, in its zone).
Result<schedule::Schedule> schedule_for(const JobDefinition& definition);

}  // namespace certcron
