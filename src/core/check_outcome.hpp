#pragma once

// What one `check` pass did (app::App::check): the monitoring pass, its catch-up runs, the
// alerts it delivered and the heartbeat.

#include "core/alerts.hpp"
#include "core/monitor_service.hpp"

#include <string>
#include <vector>

namespace certcron {

struct CheckOutcome {
  MonitorReport monitor;
  std::vector<Run> caught_up;  // catch-up runs this pass made, finished
  AlertReport alerts;
  bool alerts_failed = false;   // some alert could not be delivered (kept for the next pass)
  bool heartbeat_sent = false;  // [monitoring] heartbeat_url answered 2xx
  // What the pass could not do, said for the log: a catch-up refused, the alert delivery
  // not buildable, the heartbeat unanswered. The rest of the pass was still done.
  std::vector<std::string> warnings;
};

}  // namespace certcron
