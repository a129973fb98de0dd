#include "web/html.hpp"

#include "util/utf8.hpp"

namespace certcron::web {

void append_escaped(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // A ping's message is kept as it came, bytes that are not UTF-8 included: each
      // ill-formed sequence shows as U+FFFD, as the JSON writer shows it, so a page stays UTF-8.
      std::size_t bad = 0;
      const std::size_t length = util::utf8_sequence(text, i, bad);
      if (length > 0) {
        out.append(text.substr(i, length));
        i += length;
      } else {
        out += "\xEF\xBF\xBD";
        i += bad;
      }
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n':
      case '\r': out += c; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
          out += c;
        }
    }
    ++i;
  }
}

std::string escape_html(std::string_view text) {
  std::string out;
  append_escaped(out, text);
  return out;
}

}  // namespace certcron::web
