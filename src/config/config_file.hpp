#pragma once

// config.toml -> Settings. The file format stays behind this header.

#include "core/error.hpp"
#include "core/settings.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace certcron::config {

// Applies the keys of the config file at `path` (absolute) to `settings`; what the file does
// not set keeps its current value. Paths in the file have "~" expanded to `home` and are
// otherwise taken relative to the file's folder. Any problem (unreadable file, TOML syntax,
// unknown key, wrong type, value out of range) fails with ErrorKind::usage and a message
// starting "<path>:<line>:".
Result<void> apply_config_file(const std::string& path, const std::optional<std::string>& home,
                               Settings& settings);

// The same for text already read; `path` names it in messages and anchors relative paths.
Result<void> apply_config_text(std::string_view text, const std::string& path,
                               const std::optional<std::string>& home, Settings& settings);

}  // namespace certcron::config
