#pragma once

// Subject and body templates with named placeholders: {name} {email} {mentor_id}
// {certification} {expires_on} {days_left} {threshold}, and two phrases: {when} ("in 6 days",
// "today", "3 days ago") and {expiry} ("expires on 2026-04-10, in 6 days" / "expired on
// 2026-03-20, 3 days ago"). "{{" and "}}" are literal
// braces. A brace that does not start a placeholder name is kept as text.

#include "core/error.hpp"
#include "core/reminders/config.hpp"

#include <map>
#include <string>
#include <string_view>

namespace certcron::reminders {

using TemplateValues = std::map<std::string, std::string, std::less<>>;

// The placeholder names, as listed in messages ("{name}, {email}, ...").
const std::vector<std::string>& placeholder_names();

// ErrorKind::validation on `field` for an unknown placeholder, naming it and the valid ones:
// "unknown placeholder {nmae} (use {name}, {email}, ...)".
Result<void> check_template(std::string_view text, const std::string& field);

// Substitutes the placeholders (the template is assumed checked; an unknown one is kept).
std::string render_template(std::string_view text, const TemplateValues& values);

// The body used when the configuration sets none.
const std::string& default_body_template();

// Checks the subject and body templates of the reminder configuration
// (fields "reminders.subject", "reminders.body").
Result<void> check_reminder_templates(const ReminderConfig& config);

}  // namespace certcron::reminders
