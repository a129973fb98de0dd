#pragma once

// A small JSON writer that appends compact JSON (no spaces, as nlohmann's dump() writes it) to
// one string, for the shapes on the server's hot path: no tree is built and nothing is
// allocated besides the string's own growth. Keys and strings are escaped as nlohmann escapes
// them (\" \\ \b \f \n \r \t, other control characters as \u00XX); UTF-8 passes through, and
// a byte sequence that is not UTF-8 becomes U+FFFD so the output is always valid JSON.
// Commas are placed by the writer; the caller only opens, names and closes.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::json {

// An object's key. A string literal is looked at when the program is compiled, so that a key
// needing no escaping (all of the shapes' keys) is written as it is.
class Key {
 public:
  template <std::size_t N>
  consteval Key(const char (&text)[N]) : text_(text, N - 1), plain_(is_plain(text_)) {}  // NOLINT
  explicit constexpr Key(std::string_view text) : text_(text), plain_(is_plain(text)) {}

  constexpr std::string_view text() const { return text_; }
  constexpr bool plain() const { return plain_; }

 private:
  static constexpr bool is_plain(std::string_view text) {
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  std::string_view text_;
  bool plain_;
};

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // An object's key; the value written next belongs to it.
  JsonWriter& key(Key name);

  JsonWriter& string(std::string_view text);
  // One string made of the parts, without building it first.
  JsonWriter& string_parts(std::initializer_list<std::string_view> parts);
  JsonWriter& number(std::int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // An instant as RFC 3339 in UTC ("2026-11-30T02:00:00Z"), as util::format_rfc3339 writes it.
  JsonWriter& instant(std::chrono::sys_seconds at);

  // key + value in one call, so one line of a shape is one key.
  JsonWriter& field(Key name, std::string_view text) { return key(name).string(text); }
  JsonWriter& field(Key name, const std::string& text) { return key(name).string(text); }
  JsonWriter& field(Key name, const char* text) {
    return text ? key(name).string(text) : key(name).null();
  }
  JsonWriter& field(Key name, bool value) { return key(name).boolean(value); }
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  JsonWriter& field(Key name, T value) {
    return key(name).number(static_cast<std::int64_t>(value));
  }
  JsonWriter& field(Key name, std::chrono::sys_seconds at) {
    return key(name).instant(at);
  }
  JsonWriter& field(Key name, std::nullptr_t) { return key(name).null(); }
  // An absent value is null.
  template <class T>
  JsonWriter& field(Key name, const std::optional<T>& value) {
    return value ? field(name, *value) : key(name).null();
  }

 private:
  void separate();
  void quoted(std::string_view text);

  std::string& out_;
  bool need_comma_ = false;
};

// Appends `text` to `out` escaped for a JSON string, without the quotes.
void append_escaped(std::string& out, std::string_view text);

}  // namespace certcron::json
