#pragma once

// What a route is handed, and the pieces every route file shares. Each feature's routes live
// in a file of their own (routes_jobs.cpp, ...) and are added to one table by api.cpp.

#include "app/app.hpp"
#include "http/api.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "json/shapes.hpp"

#include <string>
#include <string_view>

namespace certcron::http {

// The API contract's prefix; also answered at the contract's doubled spelling.
inline constexpr std::string_view kApiPrefix = "/api/v1/certification-cron";

struct RouteCall {
  app::App& app;  // this I/O thread's
  const ApiContext& context;
  const Request& request;
  const Captures& captures;
};

using RouteAction = Response (*)(RouteCall& call);
using RouteTable = Router<RouteAction>;

// The contract's seven routes (list, create, show, update, delete, execute, runs).
void add_job_routes(RouteTable& table);
// POST /sync: bulk sync of the jobs (the seed's {"cron_checks": [...]}).
void add_sync_routes(RouteTable& table);
// snooze, unsnooze and the ping history under the prefix, and the ping routes.
void add_monitoring_routes(RouteTable& table);
// /ping/:uuid in the Oh Dear and healthchecks.io dialects (no token: the uuid is the secret).
void add_ping_routes(RouteTable& table);
// /healthz and /openapi.json.
void add_service_routes(RouteTable& table);
// The status pages for a browser: GET / and GET /jobs/:id (HTML), and the login form that
// turns the token into a cookie (GET|POST /login).
void add_page_routes(RouteTable& table);
// The monitoring seed's own API (/api/monitors/{monitorId}/cron-checks..., /api/cron-checks/
// {id}...), in its own shapes; a table of its own, which api.cpp consults for those paths only.
void add_seed_routes(RouteTable& table);
// Whether the path (as the router reads it: empty segments do not count) starts with
// /api/monitors or /api/cron-checks, the seed's routes.
bool is_seed_path(std::string_view path);

Response json_response(int status, const json::Json& body);
// The status app/error_codes.hpp gives the error's kind, with json::error_to_json's body.
Response error_response(const Error& error);
Response message_response(int status, std::string message);
// A job as the contract shows it, with this server's ping URL.
json::Json job_json(RouteCall& call, const JobDetails& details);

}  // namespace certcron::http
