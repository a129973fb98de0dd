#include "web/layout.hpp"

namespace certcron::web {
namespace {

// Colours pass WCAG AA (4.5:1) for white text on them; every badge also says its state in
// words, so colour is never the only sign.
constexpr std::string_view kStylesheet = R"css(
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa;
--green:#1a7f37;--blue:#0b5cad;--orange:#9a4d00;--red:#c62828;--grey:#5f6368}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#30363d;--head:#161b22}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:80rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;border-bottom:1px solid var(--line)}
header p{margin:.5rem 0;color:var(--muted)}
h1{font-size:1.35rem;margin:.6rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
a{color:var(--blue)}@media (prefers-color-scheme:dark){a{color:#58a6ff}}
code,pre{font:13px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
pre{background:var(--head);border:1px solid var(--line);padding:.6rem;overflow-x:auto;white-space:pre}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.4rem 0}
th,td{text-align:left;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid var(--line)}
thead th{background:var(--head);font-size:.85rem;color:var(--muted)}
tbody th{font-weight:600}
.id,.rel,.desc,.muted,.none,.strip-sum{color:var(--muted);font-size:.85rem}
.id{font-weight:400;margin-left:.35rem}.desc{margin:.15rem 0 0;font-weight:400}.rel{white-space:nowrap}
.badge{display:inline-block;min-width:4.5em;text-align:center;padding:.05rem .5rem;border-radius:1rem;color:#fff;font-weight:600;font-size:.85rem;border:1px solid transparent}
.chip{display:inline-block;white-space:nowrap;padding:0 .45rem;border:1px solid var(--line);border-radius:1rem;font-size:.8rem;color:var(--muted)}
.green{background:var(--green)}.blue{background:var(--blue)}.orange{background:var(--orange)}.red{background:var(--red)}.grey{background:var(--grey)}
.strip{display:inline-flex;gap:2px;align-items:flex-end;height:1.1rem;vertical-align:middle}
.mark{display:inline-block;width:6px;height:.7rem;border-radius:1px}
.mark.failed,.mark.abandoned{height:1.1rem}.mark.running{height:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:.5rem 0}dt{color:var(--muted)}dd{margin:0}
.summary{margin:.8rem 0}.error{color:var(--red);font-weight:600}
form{display:grid;gap:.5rem;max-width:22rem;margin:1rem 0}
input,button{font:inherit;padding:.4rem .5rem}
@media (max-width:44rem){
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack tr{display:block;border-bottom:2px solid var(--line);padding:.4rem 0}
table.stack th,table.stack td{display:block;border:0;padding:.15rem .25rem}
table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem}
dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
@media (prefers-contrast:more){:root{--muted:var(--fg);--line:var(--fg)}.badge,.mark{border-color:var(--fg)}}
@media (forced-colors:active){.badge,.chip{border:1px solid CanvasText}
.mark{forced-color-adjust:none;background:Canvas;border:1px solid CanvasText}.mark.failed,.mark.abandoned{background:CanvasText}}
)css";

}  // namespace

std::string_view stylesheet() { return kStylesheet; }

void begin_page(HtmlOut& out, std::string_view title) {
  out.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  out.raw("<meta name=\"referrer\" content=\"no-referrer\">\n");
  out.raw("<title>").text(title).raw(" · certcron</title>\n<style>").raw(kStylesheet);
  out.raw("</style>\n</head>\n<body>\n");
}

void end_page(HtmlOut& out) { out.raw("</body>\n</html>\n"); }

}  // namespace certcron::web
