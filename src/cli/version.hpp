#pragma once

// What `certcron --version` prints: certcron's own version on the first line (scripts parse
// it), then the SQLite library it runs with and the host's time zone database, which together
// decide what a schedule means.

#include <filesystem>
#include <string>

namespace certcron::cli {

// The zoneinfo folder certcron reads zones from (the schedule engine's, too).
inline constexpr const char* kZoneInfoFolder = "/usr/share/zoneinfo";

// The tz database release in `zoneinfo` ("2024a"): from the first line of tzdata.zi
// ("# version 2024a"), else from +VERSION; "unknown" when neither says.
std::string tzdata_version(const std::filesystem::path& zoneinfo);

// "certcron 0.1.0\nSQLite 3.40.1\ntzdata 2024a". Reads a file: call it for --version only.
std::string version_text(const std::filesystem::path& zoneinfo = kZoneInfoFolder);

}  // namespace certcron::cli
