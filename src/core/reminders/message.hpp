#pragma once

// The messages certcron delivers (reminders to mentors; the same shape serves job alerts) and
// their RFC 5322 form.

#include "core/clock.hpp"
#include "core/reminders/config.hpp"
#include "core/reminders/reminder_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::reminders {

// What an alert is about (core/alerts.hpp); a webhook posts these instead of a reminder's fields.
struct AlertFields {
  AlertFormat format = AlertFormat::json;
  std::string event;  // "late", "failed", "running_too_long", "recovered"
  std::string job_id;
  std::string job_name;
  std::string job_uuid;
  std::string state;
  std::string previous_state;
  std::string reason;
  std::string slot;    // RFC 3339, or empty
  std::string run_id;  // or empty
  std::string at;      // when the state changed, RFC 3339
  std::string ping_url;
  std::string job_url;
};

struct Message {
  std::string message_id;  // "<5f0c...@certcron>", stable for the same reminder
  std::string from;        // "certcron@host" or "Name <address>" (as configured)
  std::string to_name;     // display name, UTF-8; may be empty
  std::string to_email;
  std::string subject;  // UTF-8, not yet encoded
  std::string body;     // UTF-8 text, "\n" line ends
  Seconds date{};

  // What a reminder is about (empty / 0 for alerts); the webhook sends these as fields.
  std::string mentor_id;
  std::string certification;
  std::string expires_on;  // the local expiry date shown to the mentor (YYYY-MM-DD)
  int days_left = 0;
  int threshold = 0;  // kExpiredThreshold for the reminder after expiry

  std::optional<AlertFields> alert;  // set for alerts only
};

enum class LineEnding { crlf, lf };

// The whole message: headers (From, To, Subject, Date, Message-ID, MIME-Version,
// Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding, Auto-Submitted), a blank
// line, the body. Non-ASCII display names and subjects are RFC 2047 encoded words (UTF-8,
// base64); long subjects are folded. CRLF is the wire form (an .eml file); LF is what local
// mail programs such as `sendmail -t` expect on stdin.
std::string render_rfc5322(const Message& message, LineEnding ending = LineEnding::crlf);

// "<32 hex digits@certcron>" from the certification key, its expiry and the threshold: the
// same reminder always gets the same id, so a repeated delivery can be recognised.
std::string make_message_id(std::string_view mentor_id, std::string_view certification,
                            std::string_view expires_on, int threshold);

// "<32 hex digits@certcron>" for the alert of one flip of one job: the same on every retry.
std::string make_alert_message_id(std::string_view job_uuid, std::int64_t flip_seq);

// "Thu, 26 Mar 2026 10:05:00 +0000".
std::string format_rfc5322_date(Seconds instant);

// `text` as is when it is printable ASCII without "=?", else RFC 2047 encoded words
// ("=?UTF-8?B?...?=", never splitting a UTF-8 character) separated by `separator` (a folding
// whitespace such as "\r\n "), sized so that each line stays within 76 characters given
// that `used` characters (e.g. "Subject: ") precede the first word.
std::string encode_header_text(std::string_view text, std::string_view separator,
                               std::size_t used = 0);

// "Name <address>" with the name quoted or encoded as needed; the bare address without a name.
std::string format_mailbox(std::string_view name, std::string_view address,
                           std::string_view separator = " ", std::size_t used = 0);

// The From used when the configuration sets none: "certcron@<host name>".
std::string default_sender();

}  // namespace certcron::reminders
