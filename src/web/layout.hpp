#pragma once

// The frame every page shares: doctype, language, viewport (phones), the one inlined stylesheet
// (no external asset, no script), the page's title and heading.

#include "web/html.hpp"

#include <string>
#include <string_view>

namespace certcron::web {

// The stylesheet, inlined into every page (a few KiB): colours with text labels beside them,
// a stacked table layout on narrow screens, and plain borders under forced colours and
// `prefers-contrast: more`.
std::string_view stylesheet();

// Opens <html>, writes <head> and <body>'s header; `title` is text (escaped).
void begin_page(HtmlOut& out, std::string_view title);
// Closes what begin_page opened.
void end_page(HtmlOut& out);

}  // namespace certcron::web
