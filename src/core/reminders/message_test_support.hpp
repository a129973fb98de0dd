#pragma once

// The one sample reminder the message and delivery tests start from; each test changes only
// the fields it is about.

#include "core/reminders/message.hpp"
#include "util/time.hpp"

namespace certcron::reminders {

inline Message sample_message() {
  Message m;
  m.message_id = make_message_id("m1", "First Aid", "2026-04-10", 7);
  m.from = "Programme Office <office@example.org>";
  m.to_name = "Ana Lopez";
  m.to_email = "ana@example.org";
  m.subject = "Your First Aid certification expires on 2026-04-10";
  m.body = "Hello Ana,\nRenew soon.\n";
  m.date = *util::parse_rfc3339("2026-03-26T10:05:00Z");
  return m;
}

}  // namespace certcron::reminders
