#include "core/reminders/message.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <initializer_list>

namespace certcron::reminders {
namespace {

constexpr std::size_t kEncodedWordOverhead = 12;  // "=?UTF-8?B?" and "?="
constexpr std::size_t kFoldAt = 76;               // RFC 2047's limit for lines with encoded words

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                            std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (i + 1 < bytes.size()) {
      n |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    }
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool needs_encoding(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F) {
      return true;
    }
  }
  return text.find("=?") != std::string_view::npos;
}

// Breaks an ASCII header value at spaces so lines stay near 78 characters.
std::string fold_ascii(std::string_view text, std::size_t used, std::string_view separator) {
  std::string out;
  std::size_t line = used;
  std::size_t start = 0;
  while (start < text.size()) {
    auto space = text.find(' ', start + 1);
    if (space == std::string_view::npos) {
      space = text.size();
    }
    const auto word = text.substr(start, space - start);
    if (line + word.size() > kFoldAt && !out.empty() && word.front() == ' ') {
      out += separator;
      out += word.substr(1);
      line = 1 + word.size() - 1;
    } else {
      out += word;
      line += word.size();
    }
    start = space;
  }
  return out;
}

// Control characters would break the header structure: a header value is one line.
std::string single_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\t') {
      c = ' ';
    }
  }
  return out;
}

bool needs_quoting(std::string_view name) {
  return name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
}

bool has_8bit(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return true;
    }
  }
  return false;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string encode_header_text(std::string_view text, std::string_view separator,
                               std::size_t used) {
  if (!needs_encoding(text)) {
    return std::string(text);
  }
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    // Each line (the header name or the folding space included) stays within kFoldAt.
    const std::size_t room = kFoldAt > used + kEncodedWordOverhead + 4
                                 ? (kFoldAt - used - kEncodedWordOverhead) / 4 * 3
                                 : 3;
    std::size_t end = std::min(text.size(), start + room);
    // Never split a UTF-8 sequence: back up to the start of a character.
    while (end < text.size() && end > start + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) {
      out += separator;
    }
    out += "=?UTF-8?B?" + base64(text.substr(start, end - start)) + "?=";
    start = end;
    used = 1;
  }
  return out;
}

std::string format_mailbox(std::string_view name, std::string_view address,
                           std::string_view separator, std::size_t used) {
  const std::string clean = single_line(name);
  if (clean.empty()) {
    return std::string(address);
  }
  std::string display;
  if (needs_encoding(clean)) {
    display = encode_header_text(clean, separator, used);
  } else if (needs_quoting(clean)) {
    display = "\"";
    for (char c : clean) {
      if (c == '"' || c == '\\') {
        display += '\\';
      }
      display += c;
    }
    display += "\"";
  } else {
    display = clean;
  }
  const std::string angle_address = "<" + std::string(address) + ">";
  const auto last_break = display.rfind('\n');
  const std::size_t last_line =
      last_break == std::string::npos ? used + display.size() : display.size() - last_break - 1;
  const bool folds = separator.find('\n') != std::string_view::npos;
  if (folds && last_line + 1 + angle_address.size() > kFoldAt) {
    return display + std::string(separator) + angle_address;
  }
  return display + " " + angle_address;
}

std::string format_rfc5322_date(Seconds instant) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(instant);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::weekday weekday{day};
  const std::chrono::hh_mm_ss hms{instant - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday.c_encoding()], unsigned(ymd.day()),
                kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buffer;
}

namespace {

std::string message_id_of(std::initializer_list<std::string_view> parts) {
  // Length-prefixed parts, so ("ab", "c") and ("a", "bc") differ.
  std::string key;
  for (std::string_view part : parts) {
    key += std::to_string(part.size()) + ":" + std::string(part) + ";";
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "<%016llx%016llx@certcron>",
                static_cast<unsigned long long>(fnv1a(key, 0xcbf29ce484222325ULL)),
                static_cast<unsigned long long>(fnv1a(key, 0x84222325cbf29ce4ULL)));
  return buffer;
}

}  // namespace

std::string make_message_id(std::string_view mentor_id, std::string_view certification,
                            std::string_view expires_on, int threshold) {
  const std::string threshold_text = std::to_string(threshold);
  return message_id_of({mentor_id, certification, expires_on, threshold_text});
}

std::string make_alert_message_id(std::string_view job_uuid, std::int64_t flip_seq) {
  // Five parts, so never equal to a reminder's four.
  const std::string seq_text = std::to_string(flip_seq);
  return message_id_of({"alert", job_uuid, seq_text, "", ""});
}

std::string default_sender() {
  // Asked once per process: a run renders thousands of messages.
  static const std::string sender = [] {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
      return std::string("certcron@localhost");
    }
    return std::string("certcron@") + host;
  }();
  return sender;
}

std::string render_rfc5322(const Message& message, LineEnding ending) {
  const std::string eol = ending == LineEnding::crlf ? "\r\n" : "\n";
  const std::string fold = eol + " ";
  std::string from = message.from.empty() ? default_sender() : single_line(message.from);
  if (needs_encoding(from)) {
    const auto open = from.rfind('<');
    if (open != std::string::npos && from.back() == '>') {
      std::string name = from.substr(0, open);
      while (!name.empty() && (name.back() == ' ' || name.back() == '"')) {
        name.pop_back();
      }
      const auto first = name.find_first_not_of(" \"");
      name = first == std::string::npos ? "" : name.substr(first);
      from = format_mailbox(name, from.substr(open + 1, from.size() - open - 2), fold, 6);
    }
  }
  const std::string subject = single_line(message.subject);
  std::string out;
  out += "From: " + from + eol;
  out += "To: " + format_mailbox(message.to_name, message.to_email, fold, 4) + eol;
  out += "Subject: " +
         (needs_encoding(subject) ? encode_header_text(subject, fold, 9)
                                  : fold_ascii(subject, 9, fold)) +
         eol;
  out += "Date: " + format_rfc5322_date(message.date) + eol;
  out += "Message-ID: " + message.message_id + eol;
  out += "MIME-Version: 1.0" + eol;
  out += "Content-Type: text/plain; charset=utf-8" + eol;
  out +=
      std::string("Content-Transfer-Encoding: ") + (has_8bit(message.body) ? "8bit" : "7bit") + eol;
  out += "Auto-Submitted: auto-generated" + eol;
  out += eol;
  for (char c : message.body) {
    if (c == '\n') {
      out += eol;
    } else if (c != '\r') {
      out += c;
    }
  }
  if (!message.body.empty() && message.body.back() != '\n') {
    out += eol;
  }
  return out;
}

}  // namespace certcron::reminders
