#pragma once

// The JSON shape of a ping, for `GET /api/v1/certification-cron/:id/pings` and
// `certcron ping --json`.

#include "core/ping_store.hpp"

#include <nlohmann/json.hpp>

namespace certcron::json {

// {"ping_id", "cron_id", "kind", "at", "exit_code", "runtime_ms", "message", "body", "rid",
//  "source", "remote"}; empty texts are null.
nlohmann::ordered_json ping_to_json(const Ping& ping);

}  // namespace certcron::json
