#pragma once

// Instants and durations as the pages show them: an absolute UTC time a person reads
// ("2026-03-26 10:00 UTC", with the RFC 3339 instant in the <time> element's datetime) and how
// far it is from now ("5 minutes ago", "in 3 hours").

#include "core/clock.hpp"
#include "web/html.hpp"

#include <chrono>
#include <string>

namespace certcron::web {

// "just now" within a minute; otherwise "N minutes|hours|days ago" or "in N ...", rounded down.
std::string relative_to(Seconds then, Seconds now);
// "2026-03-26 10:00 UTC" (seconds shown only when not zero).
std::string readable_utc(Seconds instant);
// "42 s", "3 min 5 s", "2 h 3 min", "3 d 4 h".
std::string duration_text(std::chrono::seconds duration);
// <time datetime="...">readable</time> <span class="rel">relative</span>
void write_instant(HtmlOut& out, Seconds instant, Seconds now);

}  // namespace certcron::web
