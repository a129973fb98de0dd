#include "web/layout.hpp"
#include "web/pages.hpp"

namespace certcron::web {

std::string render_login_page(std::string_view next, bool refused) {
  std::string page;
  HtmlOut out(page);
  begin_page(out, "Sign in");
  out.raw("<header><h1>certcron status</h1></header>\n<main>\n");
  if (refused) {
    out.raw("<p class=\"error\" role=\"alert\">That token is not this server's.</p>\n");
  }
  out.raw("<p>This server needs its token (<code>CERTCRON_TOKEN</code> or "
          "<code>[server] token_file</code>).</p>\n<form method=\"post\" action=\"/login\">\n"
          "<label for=\"token\">Token</label>\n<input id=\"token\" name=\"token\" "
          "type=\"password\" autocomplete=\"current-password\" required autofocus>\n"
          "<input type=\"hidden\" name=\"next\" value=\"");
  out.text(next).raw("\">\n<button type=\"submit\">Sign in</button>\n</form>\n</main>\n");
  end_page(out);
  return page;
}

std::string render_message_page(std::string_view title, std::string_view message) {
  std::string page;
  HtmlOut out(page);
  begin_page(out, title);
  out.raw("<header><p><a href=\"/\">← all jobs</a></p><h1>").text(title).raw("</h1></header>\n");
  out.raw("<main><p>").text(message).raw("</p></main>\n");
  end_page(out);
  return page;
}

}  // namespace certcron::web
