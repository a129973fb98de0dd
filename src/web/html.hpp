#pragma once

// Building HTML as text: markup the page writes itself goes in as is (`raw`), and everything
// else, above all what users typed (job names, descriptions, ping messages), is escaped
// (`text`), in element content and in quoted attribute values alike.

#include <cstdint>
#include <string>
#include <string_view>

namespace certcron::web {

// `text` with & < > " ' as character references, and control characters other than tab and
// line breaks dropped, so that it is safe in element content and in a quoted attribute; each
// sequence that is not UTF-8 becomes U+FFFD.
std::string escape_html(std::string_view text);
void append_escaped(std::string& out, std::string_view text);

class HtmlOut {
 public:
  explicit HtmlOut(std::string& out) : out_(out) {}
  // Markup written by the page itself; never user data.
  HtmlOut& raw(std::string_view markup) {
    out_ += markup;
    return *this;
  }
  HtmlOut& text(std::string_view text) {
    append_escaped(out_, text);
    return *this;
  }
  HtmlOut& number(std::int64_t value) {
    out_ += std::to_string(value);
    return *this;
  }

 private:
  std::string& out_;
};

}  // namespace certcron::web
