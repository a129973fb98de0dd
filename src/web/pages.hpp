#pragma once

// The status pages of `certcron serve`, rendered on the server as HTML with no script: the
// overview (GET /), a job's page (GET /jobs/:id), the login form and the page of an error.
// Every function returns a whole document; what users typed is escaped everywhere.

#include "core/status_board.hpp"

#include <string>
#include <string_view>

namespace certcron::web {

// One row per job: name, state badge, schedule, last run, next run, the strip of its last
// runs; a line saying so when the overview is bounded (limits.jobs).
std::string render_overview(const StatusOverview& board, const StatusLimits& limits, Seconds now);
// The job's definition, ping URL with curl lines for both dialects, recent flips, runs and
// pings. `ping_base_url` is "http://host:port".
std::string render_job_page(const JobStatus& status, Seconds now, std::string_view ping_base_url);
// The token form; `next` is the page to return to (a path of this server), `refused` says the
// token given was wrong.
std::string render_login_page(std::string_view next, bool refused);
// A page that only says what went wrong, with a way back to the overview.
std::string render_message_page(std::string_view title, std::string_view message);

}  // namespace certcron::web
