#pragma once

// Human and JSON output: aligned tables, key/value blocks, colour only on a TTY and never
// with NO_COLOR.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace certcron::cli {

enum class Color { none, green, red, orange, blue, grey };

class Output {
 public:
  Output();

  bool color_enabled() const { return color_; }
  bool stderr_is_tty() const { return stderr_tty_; }
  std::string paint(const std::string& text, Color color) const;
  Color color_named(const std::string& name) const;  // "green", "red", ...

  void print_json(const nlohmann::ordered_json& value) const;
  // Columns aligned on display width; cells may carry colour codes (ignored for width).
  void print_table(const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) const;
  void print_fields(const std::vector<std::pair<std::string, std::string>>& fields) const;
  void line(const std::string& text) const;
  // "certcron: warning: ..." on stderr, one line each, in every mode (cron mails stderr even
  // with --json or --quiet).
  void warnings(const std::vector<std::string>& texts) const;

 private:
  bool color_ = false;
  bool stderr_tty_ = false;
};

// Display width of UTF-8 text, skipping ANSI colour sequences.
std::size_t display_width(const std::string& text);

}  // namespace certcron::cli
