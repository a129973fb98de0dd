#pragma once

// Turning a due reminder into the message the mentor receives.

#include "core/reminders/config.hpp"
#include "core/reminders/message.hpp"
#include "core/reminders/policy.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/reminders/template.hpp"

#include <chrono>

namespace certcron::reminders {

// The placeholder values for one reminder; `expiry` is the local expiry date.
TemplateValues reminder_values(const Certification& certification, const Decision& decision,
                               std::chrono::sys_days expiry);

// Subject and body from the configured templates (the built-in body when none is set), a
// Message-ID from (mentor_id, certification, expires_on, threshold), dated `now`.
Message compose_reminder(const Certification& certification, const Decision& decision,
                         std::chrono::sys_days expiry, const ReminderConfig& config, Seconds now);

}  // namespace certcron::reminders
