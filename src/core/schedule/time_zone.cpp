#include "core/schedule/host_zone.hpp"
#include "core/schedule/posix_tz.hpp"
#include "core/schedule/schedule.hpp"
#include "core/schedule/tzif.hpp"
#include "core/schedule/zone_table.hpp"
#include "util/file.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

namespace certcron::schedule {
namespace {

Error unknown_zone(std::string_view name) {
  return Error::invalid("server_timezone", "unknown time zone '" + std::string(name) +
                                               "'; use an IANA name such as Europe/Brussels");
}

constexpr const char* kZoneInfo = "/usr/share/zoneinfo/";
constexpr int kLastRuleYear = 2400;

// Whether `name` can only mean a zone file under the zoneinfo folder, and one that date-tz's
// own table of zones lists: relative, no "." or ".." part, and none of the folders and files
// that hold copies with leap seconds (right/, posix/), POSIX rule defaults (posixrules), a
// placeholder (Factory) or whatever the host's zone is today (localtime).
bool is_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') {
    return false;
  }
  if (name == "posixrules" || name == "Factory" || name == "localtime" ||
      name.starts_with("posix/") || name.starts_with("right/")) {
    return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    auto end = name.find('/', start);
    if (end == std::string_view::npos) {
      end = name.size();
    }
    auto part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    for (char c : part) {
      bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '+' || c == '.';
      if (!plain) {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

// The whole zone file (a few kilobytes), or nothing when it is missing or not in TZif form
// (the zoneinfo folder also holds tables such as zone.tab).
std::optional<std::string> read_zone_file(const std::string& path) {
  auto contents = util::read_file(path);
  if (!contents || !contents->starts_with("TZif")) {
    return std::nullopt;
  }
  return std::move(*contents);
}

std::string first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (in && std::getline(in, line)) {
    auto start = line.find_first_not_of(" \t\r");
    auto end = line.find_last_not_of(" \t\r");
    return start == std::string::npos ? std::string() : line.substr(start, end - start + 1);
  }
  return {};
}

}  // namespace

// Debian's files list changes to 2037 only, and clocks must keep changing after that.
ZoneTable zone_table_from(const TzifHistory& history) {
  ZoneTable table;
  table.append(Seconds::min(), history.initial_offset);
  for (const auto& [instant, offset] : history.changes) {
    table.append(instant, offset);
  }
  auto rule = PosixZoneRule::parse(history.footer);
  if (!rule || !rule->has_dst()) {
    return table;
  }
  using namespace std::chrono;
  const Seconds last = table.last_change();
  const Seconds epoch{sys_days{year{1970} / January / 1}};
  const int first_year = int(year_month_day{floor<days>(std::max(last, epoch))}.year());
  // A change whose time is past 24 h may fall in the next year, after that year's first
  // change, and "DST all year" rules ("0/0,J365/25") end a year at the instant the next
  // one starts: the changes go in time order, the later of two at one instant winning.
  std::vector<std::pair<Seconds, seconds>> changes;
  for (int y = first_year - 1; y <= kLastRuleYear; ++y) {
    for (const auto& change : rule->changes_in(y)) {
      changes.push_back(change);
    }
  }
  std::ranges::stable_sort(changes, {}, &std::pair<Seconds, seconds>::first);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& [instant, offset] = changes[i];
    const bool superseded = i + 1 < changes.size() && changes[i + 1].first == instant;
    if (instant > last && !superseded) {
      table.append(instant, offset);
    }
  }
  return table;
}

std::string zone_name_from_path(std::string_view path) {
  constexpr std::string_view kFolder = "zoneinfo/";
  auto at = path.rfind(kFolder);
  if (at == std::string_view::npos) {
    return std::string(path);
  }
  auto name = path.substr(at + kFolder.size());
  if (name.starts_with("posix/")) {
    name.remove_prefix(6);
  }
  return std::string(name);
}

std::string host_zone_name_from(const HostZoneSources& sources) {
  if (sources.tz_variable) {
    std::string_view tz = *sources.tz_variable;
    if (tz.starts_with(':')) {
      tz.remove_prefix(1);
    }
    if (!tz.empty()) {
      return zone_name_from_path(tz);
    }
  }
  if (auto name = first_line(sources.timezone_file); !name.empty()) {
    return name;
  }
  std::error_code error;
  auto target = std::filesystem::read_symlink(sources.localtime_link, error);
  if (!error) {
    auto name = zone_name_from_path(target.string());
    if (!name.empty() && name != target.string()) {
      return name;
    }
  }
  return "UTC";
}

std::string TimeZone::host_zone_name() {
  HostZoneSources sources{std::nullopt, "/etc/timezone", "/etc/localtime"};
  if (const char* tz = std::getenv("TZ")) {
    sources.tz_variable = tz;
  }
  return host_zone_name_from(sources);
}

Result<TimeZone> TimeZone::locate(std::string_view iana_name) {
  auto impl = std::make_shared<Impl>();
  impl->name = std::string(iana_name);
  // UTC needs no tzdata.
  if (iana_name == "UTC" || iana_name == "Etc/UTC") {
    impl->table.append(Seconds::min(), std::chrono::seconds{0});
    return TimeZone(std::move(impl));
  }
  if (iana_name.empty()) {
    return fail(unknown_zone(iana_name));
  }
  // A zone's table is built once per process: listing a hundred jobs in one zone must not
  // read its history a hundred times.
  static std::mutex cache_mutex;
  static std::map<std::string, std::shared_ptr<const Impl>, std::less<>> cache;
  std::lock_guard lock(cache_mutex);
  if (auto found = cache.find(iana_name); found != cache.end()) {
    return TimeZone(found->second);
  }
  if (!is_zone_name(iana_name)) {
    return fail(unknown_zone(iana_name));
  }
  // The one file is read directly: date-tz's loader would first walk the whole zoneinfo
  // folder (some 680 stat calls, a few milliseconds at every start cron makes). The unit
  // tests hold the result to date-tz's for every zone.
  auto zone_file = read_zone_file(kZoneInfo + impl->name);
  auto history = zone_file ? parse_tzif(*zone_file) : std::nullopt;
  if (!history) {
    return fail(unknown_zone(iana_name));
  }
  impl->table = zone_table_from(*history);
  cache.emplace(impl->name, impl);
  return TimeZone(std::move(impl));
}

const std::string& TimeZone::name() const { return impl_->name; }

std::chrono::seconds TimeZone::offset_at(Seconds instant) const {
  return impl_->table.offset_at(instant);
}

std::chrono::local_seconds TimeZone::to_local(Seconds instant) const {
  return std::chrono::local_seconds{instant.time_since_epoch() + offset_at(instant)};
}

}  // namespace certcron::schedule
