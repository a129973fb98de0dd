#pragma once

// A readable line diff between the installed and the expected block, for `crontab verify`.

#include <string>
#include <string_view>

namespace certcron::crontab {

// Unified-style, whole-text context (blocks are short):
//   --- installed
//   +++ expected
//    # BEGIN certcron …
//   -0 3 * * * … # certcron:cron-001
//   +0 2 * * * … # certcron:cron-001
//    # END certcron …
// "" when the texts are equal. A missing final newline is shown as in diff(1).
std::string line_diff(std::string_view before, std::string_view after,
                      std::string_view before_label = "installed",
                      std::string_view after_label = "expected");

}  // namespace certcron::crontab
