#pragma once

// Building the configured delivery ([reminders.delivery] or [alerts.delivery]).

#include "core/reminders/config.hpp"
#include "core/reminders/delivery.hpp"

#include <filesystem>
#include <memory>

namespace certcron::delivery {

// outbox: DeliveryConfig::outbox, or "<state_dir>/outbox" when empty (a relative path is
// taken from the working directory); command: DeliveryConfig::command (required); webhook:
// DeliveryConfig::url (required, http:// or https://). timeout_seconds must be positive.
// Errors are ErrorKind::validation on the config key ("reminders.delivery.url", ...), using
// `section` ("reminders" or "alerts") for the key names. libcurl is not loaded here.
Result<std::unique_ptr<reminders::Delivery>> make_delivery(
    const reminders::DeliveryConfig& config, const std::filesystem::path& state_dir,
    const std::string& section = "reminders");

}  // namespace certcron::delivery
