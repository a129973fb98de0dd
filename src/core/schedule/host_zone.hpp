#pragma once

// How the host's zone name is found, with the places to look passed in so tests can point
// them at scratch files.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::schedule {

struct HostZoneSources {
  std::optional<std::string> tz_variable;  // the TZ environment variable, if set
  std::filesystem::path timezone_file;     // normally /etc/timezone
  std::filesystem::path localtime_link;    // normally /etc/localtime
};

// TZ (leading ':' dropped, a path under a zoneinfo folder made relative to it), then the
// first line of the timezone file, then the zoneinfo-relative target of the localtime
// link; "UTC" when none gives a name.
std::string host_zone_name_from(const HostZoneSources& sources);

// "/usr/share/zoneinfo/Europe/Brussels" -> "Europe/Brussels"; other text unchanged.
std::string zone_name_from_path(std::string_view path);

}  // namespace certcron::schedule
