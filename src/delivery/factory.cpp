#include "delivery/factory.hpp"

#include "delivery/command.hpp"
#include "delivery/outbox.hpp"
#include "delivery/webhook.hpp"

namespace certcron::delivery {

Result<std::unique_ptr<reminders::Delivery>> make_delivery(const reminders::DeliveryConfig& config,
                                                           const std::filesystem::path& state_dir,
                                                           const std::string& section) {
  const std::string prefix = section + ".delivery.";
  if (config.timeout_seconds <= 0) {
    return fail(Error::invalid(prefix + "timeout_seconds", "must be a positive number of seconds"));
  }
  const std::chrono::seconds timeout{config.timeout_seconds};
  switch (config.kind) {
    case reminders::DeliveryKind::outbox:
      return std::make_unique<OutboxDelivery>(
          config.outbox.empty() ? state_dir / "outbox" : std::filesystem::path(config.outbox));
    case reminders::DeliveryKind::command:
      if (config.command.find_first_not_of(" \t") == std::string::npos) {
        return fail(Error::invalid(prefix + "command",
                                   "kind \"command\" needs a command, e.g. \"sendmail -t -oi\""));
      }
      return std::make_unique<CommandDelivery>(config.command, timeout);
    case reminders::DeliveryKind::webhook:
      if (!config.url.starts_with("http://") && !config.url.starts_with("https://")) {
        return fail(Error::invalid(prefix + "url",
                                   "kind \"webhook\" needs an http:// or https:// "
                                   "URL, e.g. \"https://hooks.example.org/certcron\""));
      }
      return std::make_unique<WebhookDelivery>(config.url, timeout);
  }
  return fail(Error::invalid(prefix + "kind", "must be \"outbox\", \"command\" or \"webhook\""));
}

}  // namespace certcron::delivery
