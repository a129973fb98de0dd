#include "cli/version.hpp"

#include "store/database.hpp"

#include <fstream>
#include <string_view>

namespace certcron::cli {
namespace {

std::string first_line_of(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

// A release name as the tz project spells them (2024a, 2023c): anything else is not one.
bool is_release_name(std::string_view text) {
  if (text.empty() || text.size() > 16) {
    return false;
  }
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string tzdata_version(const std::filesystem::path& zoneinfo) {
  constexpr std::string_view kPrefix = "# version ";
  std::string line = first_line_of(zoneinfo / "tzdata.zi");
  if (line.starts_with(kPrefix) && is_release_name(std::string_view(line).substr(kPrefix.size()))) {
    return line.substr(kPrefix.size());
  }
  line = first_line_of(zoneinfo / "+VERSION");
  if (is_release_name(line)) {
    return line;
  }
  return "unknown";
}

std::string version_text(const std::filesystem::path& zoneinfo) {
  return std::string("certcron ") + CERTCRON_VERSION + "\nSQLite " + store::sqlite_library_version() +
         "\ntzdata " + tzdata_version(zoneinfo);
}

}  // namespace certcron::cli
