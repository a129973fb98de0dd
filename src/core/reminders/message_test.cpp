#include "core/reminders/message.hpp"
#include "core/reminders/message_test_support.hpp"
#include "core/reminders/compose.hpp"
#include "core/reminders/template.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

using namespace certcron::reminders;
using certcron::ErrorKind;
using certcron::Seconds;

namespace {

Seconds instant(const char* text) {
  return *certcron::util::parse_rfc3339(text);
}

std::string decode_base64(std::string_view text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') {
      break;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// Decodes a header value made of "=?UTF-8?B?...?=" words separated by folding whitespace.
std::string decode_words(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const auto end = value.find("?=", pos + 10);
    out += decode_base64(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

std::string header(const std::string& message, const std::string& name) {
  const auto start = message.find("\r\n" + name + ": ");
  if (start == std::string::npos) {
    return message.starts_with(name + ": ")
               ? message.substr(name.size() + 2, message.find("\r\n") - name.size() - 2)
               : "";
  }
  std::string value;
  auto pos = start + 2 + name.size() + 2;
  for (;;) {  // unfold continuation lines
    const auto end = message.find("\r\n", pos);
    value += message.substr(pos, end - pos);
    if (message[end + 2] != ' ') {
      return value;
    }
    pos = end + 2;
  }
}

Message sample() { return sample_message(); }

}  // namespace

TEST_SUITE("reminders.message") {
  TEST_CASE("templates substitute named placeholders and keep doubled braces literal") {
    TemplateValues values{{"name", "Ana"}, {"days_left", "6"}};
    CHECK(render_template("Hi {name}, {days_left} days {{left}} }}", values) ==
          "Hi Ana, 6 days {left} }");
    CHECK(render_template("{ name } {} {", values) == "{ name } {} {");
  }

  TEST_CASE("an unknown placeholder is a validation error naming it and the valid ones") {
    auto checked = check_template("Hello {nmae}", "reminders.subject");
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().kind == ErrorKind::validation);
    const auto& messages = checked.error().fields.at("reminders.subject");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0] ==
          "unknown placeholder {nmae} (use {name}, {email}, {mentor_id}, "
          "{certification}, {expires_on}, {days_left}, {threshold}, {when}, "
          "{expiry})");
    CHECK(check_template("{name} {{nmae}}", "reminders.subject").has_value());
    ReminderConfig config;
    config.body = "Dear {mentor}";
    CHECK(check_reminder_templates(config).error().fields.count("reminders.body") == 1);
    CHECK(check_reminder_templates(ReminderConfig{}).has_value());
    CHECK(check_template(default_body_template(), "reminders.body").has_value());
  }

  TEST_CASE("the Message-ID is stable for the same reminder and differs otherwise") {
    const auto id = make_message_id("m1", "First Aid", "2026-04-10", 7);
    CHECK(id == make_message_id("m1", "First Aid", "2026-04-10", 7));
    CHECK(id.size() == 1 + 32 + 10);
    CHECK(id.starts_with("<"));
    CHECK(id.ends_with("@certcron>"));
    CHECK(id != make_message_id("m1", "First Aid", "2026-04-10", 1));
    CHECK(id != make_message_id("m1", "First Aid", "2027-04-10", 7));
    CHECK(id != make_message_id("m2", "First Aid", "2026-04-10", 7));
    CHECK(make_message_id("ab", "c", "d", 1) != make_message_id("a", "bc", "d", 1));
  }

  TEST_CASE("the RFC 5322 date format") {
    CHECK(format_rfc5322_date(instant("2026-03-26T10:05:00Z")) ==
          "Thu, 26 Mar 2026 10:05:00 +0000");
    CHECK(format_rfc5322_date(instant("2027-01-03T00:00:09Z")) == "Sun, 3 Jan 2027 00:00:09 +0000");
  }

  TEST_CASE("a rendered message has the headers, a blank line and the body with CRLF") {
    const auto text = render_rfc5322(sample());
    CHECK(text.starts_with("From: Programme Office <office@example.org>\r\n"));
    CHECK(header(text, "To") == "Ana Lopez <ana@example.org>");
    CHECK(header(text, "Subject") == "Your First Aid certification expires on 2026-04-10");
    CHECK(header(text, "Date") == "Thu, 26 Mar 2026 10:05:00 +0000");
    CHECK(header(text, "Message-ID") == sample().message_id);
    CHECK(header(text, "MIME-Version") == "1.0");
    CHECK(header(text, "Content-Type") == "text/plain; charset=utf-8");
    CHECK(header(text, "Content-Transfer-Encoding") == "7bit");
    CHECK(text.ends_with("\r\n\r\nHello Ana,\r\nRenew soon.\r\n"));
    const auto lf = render_rfc5322(sample(), LineEnding::lf);
    CHECK(lf.find('\r') == std::string::npos);
    CHECK(lf.find("\nTo: Ana Lopez <ana@example.org>\n") != std::string::npos);
  }

  TEST_CASE("non-ASCII subjects and names are RFC 2047 encoded words that decode back") {
    auto m = sample();
    m.to_name = "Zoë Ångström-Ñúñez";
    m.subject =
        "Votre certification « Premiers secours » expire le 10 avril 2026 — renouvelez-la "
        "dès maintenant 🙂";
    m.body = "Bonjour Zoë,\n";
    const auto text = render_rfc5322(m);
    for (std::size_t pos = 0, end = 0; pos < text.find("\r\n\r\n"); pos = end + 2) {
      end = text.find("\r\n", pos);
      CHECK(end - pos <= 78);  // every header line, folded
    }
    const auto subject = header(text, "Subject");
    CHECK(subject.starts_with("=?UTF-8?B?"));
    CHECK(decode_words(subject) == m.subject);
    const auto to = header(text, "To");
    CHECK(to.ends_with(" <ana@example.org>"));
    CHECK(decode_words(to) == m.to_name);
    CHECK(header(text, "Content-Transfer-Encoding") == "8bit");
  }

  TEST_CASE("names with specials are quoted and header values never span lines") {
    CHECK(format_mailbox("Okafor, Chidi \"CJ\"", "c@example.org") ==
          "\"Okafor, Chidi \\\"CJ\\\"\" <c@example.org>");
    CHECK(format_mailbox("", "c@example.org") == "c@example.org");
    auto m = sample();
    m.subject = "line one\r\nBcc: victim@example.org";
    const auto text = render_rfc5322(m);
    CHECK(text.find("\r\nBcc:") == std::string::npos);
    CHECK(encode_header_text("plain =?text", " ").starts_with("=?UTF-8?B?"));
  }

  TEST_CASE("a long ASCII subject is folded at spaces") {
    auto m = sample();
    m.subject = std::string(50, 'a') + " " + std::string(40, 'b') + " " + std::string(10, 'c');
    const auto text = render_rfc5322(m);
    CHECK(text.find("Subject: " + std::string(50, 'a') + "\r\n " + std::string(40, 'b') + " " +
                    std::string(10, 'c') + "\r\n") != std::string::npos);
  }

  TEST_CASE("a reminder is composed from the templates and the decision") {
    Certification c;
    c.id = 4;
    c.mentor_id = "m1";
    c.name = "Ana Lopez";
    c.email = "ana@example.org";
    c.certification = "First Aid";
    c.expires_on = "2026-04-09T21:00:00Z";
    Decision decision;
    decision.threshold = 7;
    decision.days_left = 6;
    ReminderConfig config;
    config.from = "office@example.org";
    config.subject = "{certification}: {threshold}/{days_left} {when} ({mentor_id}, {email})";
    const auto expiry = *certcron::util::parse_date("2026-04-10");
    const auto m = compose_reminder(c, decision, expiry, config, instant("2026-04-04T02:00:00Z"));
    CHECK(m.subject == "First Aid: 7/6 in 6 days (m1, ana@example.org)");
    CHECK(
        m.body.starts_with("Hello Ana Lopez,\n\nThis is a reminder that your First Aid "
                           "certification expires on 2026-04-10, in 6 days.\n"));
    CHECK(m.message_id == make_message_id("m1", "First Aid", "2026-04-09T21:00:00Z", 7));
    CHECK(m.expires_on == "2026-04-10");
    CHECK(m.to_email == "ana@example.org");
    decision.threshold = kExpiredThreshold;
    decision.days_left = -3;
    config.body = "{name}: {expiry} [{threshold}]";
    const auto expired =
        compose_reminder(c, decision, expiry, config, instant("2026-04-13T02:00:00Z"));
    CHECK(expired.body == "Ana Lopez: expired on 2026-04-10, 3 days ago [expired]");
  }

  TEST_CASE("the default sender names this host") {
    CHECK(default_sender().starts_with("certcron@"));
    CHECK(default_sender().size() > std::string("certcron@").size());
  }
}
