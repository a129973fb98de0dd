#include "core/reminders/compose.hpp"

#include "util/time.hpp"

namespace certcron::reminders {

TemplateValues reminder_values(const Certification& certification, const Decision& decision,
                               std::chrono::sys_days expiry) {
  const std::string expires_on = util::format_date(expiry);
  const std::string when = relative_days(decision.days_left);
  const std::string expiry_phrase =
      (decision.days_left >= 0 ? "expires on " : "expired on ") + expires_on + ", " + when;
  return TemplateValues{
      {"name", certification.name},
      {"email", certification.email},
      {"mentor_id", certification.mentor_id},
      {"certification", certification.certification},
      {"expires_on", expires_on},
      {"days_left", std::to_string(decision.days_left)},
      {"threshold", threshold_label(decision.threshold)},
      {"when", when},
      {"expiry", expiry_phrase},
  };
}

Message compose_reminder(const Certification& certification, const Decision& decision,
                         std::chrono::sys_days expiry, const ReminderConfig& config, Seconds now) {
  const auto values = reminder_values(certification, decision, expiry);
  Message message;
  message.message_id = make_message_id(certification.mentor_id, certification.certification,
                                       certification.expires_on, decision.threshold);
  message.from = config.from;
  message.to_name = certification.name;
  message.to_email = certification.email;
  message.subject = render_template(config.subject, values);
  message.body =
      render_template(config.body.empty() ? default_body_template() : config.body, values);
  message.date = now;
  message.mentor_id = certification.mentor_id;
  message.certification = certification.certification;
  message.expires_on = values.at("expires_on");
  message.days_left = decision.days_left;
  message.threshold = decision.threshold;
  return message;
}

}  // namespace certcron::reminders
