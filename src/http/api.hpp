#pragma once

// The routes of `certcron serve`: the API contract under /api/v1/certification-cron (also at
// the contract's doubled prefix), /healthz and /openapi.json. Each route parses, calls the
// same service function as the CLI command of the same name, and maps the outcome through
// app/error_codes.hpp.

#include "core/clock.hpp"
#include "core/settings.hpp"
#include "http/message.hpp"
#include "util/task_group.hpp"

#include <string>

namespace certcron::http {

// What every I/O thread's handler shares; it outlives the server.
struct ApiContext {
  Settings settings;        // server.listen is the address actually bound
  const Clock* clock;       // shared by all threads
  util::TaskGroup* runs;    // runs answered 202 continue here
  std::string token;        // empty: /api routes are open
};

// One handler per I/O thread, each with its own database connection. When the database
// cannot be opened, the handler answers 503 and says why.
HandlerFactory api_handler_factory(const ApiContext& context);

// Whether `given` is "Bearer <token>", compared in constant time.
bool bearer_matches(std::string_view given, std::string_view token);

}  // namespace certcron::http
