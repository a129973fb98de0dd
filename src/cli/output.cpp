#include "cli/output.hpp"

#include <unistd.h>

#include <cstdlib>

namespace certcron::cli {

Output::Output() {
  const char* no_color = std::getenv("NO_COLOR");
  bool allowed = no_color == nullptr || *no_color == '\0';
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") {
    allowed = false;
  }
  color_ = allowed && isatty(STDOUT_FILENO) == 1;
  stderr_tty_ = isatty(STDERR_FILENO) == 1;
}

std::string Output::paint(const std::string& text, Color color) const {
  if (!color_ || color == Color::none) {
    return text;
  }
  const char* code = "";
  switch (color) {
    case Color::green: code = "32"; break;
    case Color::red: code = "31"; break;
    case Color::orange: code = "33"; break;
    case Color::blue: code = "34"; break;
    case Color::grey: code = "90"; break;
    case Color::none: break;
  }
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

Color Output::color_named(const std::string& name) const {
  if (name == "green") return Color::green;
  if (name == "red") return Color::red;
  if (name == "orange") return Color::orange;
  if (name == "blue") return Color::blue;
  if (name == "grey") return Color::grey;
  return Color::none;
}

void Output::print_json(const nlohmann::ordered_json& value) const {
  std::string text = value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
}

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {
      while (i < text.size() && text[i] != 'm') {
        ++i;
      }
      continue;
    }
    if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

void Output::print_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) const {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) {
    measure(row);
  }
  auto emit = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) {
        text.append(widths[i] - display_width(row[i]) + 2, ' ');
      }
    }
    line(text);
  };
  emit(header);
  for (const auto& row : rows) {
    emit(row);
  }
}

void Output::print_fields(const std::vector<std::pair<std::string, std::string>>& fields) const {
  std::size_t width = 0;
  for (const auto& [key, value] : fields) {
    width = std::max(width, key.size());
  }
  for (const auto& [key, value] : fields) {
    line(key + ":" + std::string(width - key.size() + 1, ' ') + value);
  }
}

void Output::line(const std::string& text) const {
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
}

void Output::warnings(const std::vector<std::string>& texts) const {
  for (const std::string& text : texts) {
    std::fprintf(stderr, "certcron: warning: %s\n", text.c_str());
  }
}

}  // namespace certcron::cli
