#include "core/reminders/template.hpp"

#include <algorithm>

namespace certcron::reminders {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Calls `on_text` for literal text and `on_placeholder` for each {name}.
template <class Text, class Placeholder>
void walk(std::string_view text, Text&& on_text, Placeholder&& on_placeholder) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      on_text(text.substr(i, 1));
      i += 2;
      continue;
    }
    if (c == '{') {
      std::size_t end = i + 1;
      while (end < text.size() && is_name_char(text[end])) {
        ++end;
      }
      if (end > i + 1 && end < text.size() && text[end] == '}') {
        on_placeholder(text.substr(i + 1, end - i - 1));
        i = end + 1;
        continue;
      }
    }
    on_text(text.substr(i, 1));
    ++i;
  }
}

std::string names_list() {
  std::string list;
  for (const auto& name : placeholder_names()) {
    list += (list.empty() ? "{" : ", {") + name + "}";
  }
  return list;
}

}  // namespace

const std::vector<std::string>& placeholder_names() {
  static const std::vector<std::string> names = {"name",          "email",      "mentor_id",
                                                 "certification", "expires_on", "days_left",
                                                 "threshold",     "when",       "expiry"};
  return names;
}

Result<void> check_template(std::string_view text, const std::string& field) {
  std::string unknown;
  walk(
      text, [](std::string_view) {},
      [&](std::string_view name) {
        if (unknown.empty() &&
            std::ranges::find(placeholder_names(), name) == placeholder_names().end()) {
          unknown = name;
        }
      });
  if (!unknown.empty()) {
    return fail(
        Error::invalid(field, "unknown placeholder {" + unknown + "} (use " + names_list() + ")"));
  }
  return {};
}

std::string render_template(std::string_view text, const TemplateValues& values) {
  std::string out;
  out.reserve(text.size() + 64);
  walk(
      text, [&](std::string_view literal) { out += literal; },
      [&](std::string_view name) {
        if (auto found = values.find(name); found != values.end()) {
          out += found->second;
        } else {
          out += "{";
          out += name;
          out += "}";
        }
      });
  return out;
}

const std::string& default_body_template() {
  static const std::string body =
      "Hello {name},\n"
      "\n"
      "This is a reminder that your {certification} certification {expiry}.\n"
      "\n"
      "Please renew it as soon as you can, so that you can keep mentoring without\n"
      "a break, and send the new expiry date to the programme team. Reminders about\n"
      "the current expiry date stop once the new one is recorded.\n"
      "\n"
      "Mentor id: {mentor_id}\n"
      "\n"
      "-- \n"
      "Sent automatically by certcron.\n";
  return body;
}

Result<void> check_reminder_templates(const ReminderConfig& config) {
  if (auto subject = check_template(config.subject, "reminders.subject"); !subject) {
    return subject;
  }
  return check_template(config.body, "reminders.body");
}

}  // namespace certcron::reminders
