#include "core/schedule/host_zone.hpp"
#include "core/schedule/posix_tz.hpp"
#include "core/schedule/schedule.hpp"
#include "core/schedule/zone_table.hpp"

#include <date/tz.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

namespace certcron::schedule {
namespace {

Error unknown_zone(std::string_view name) {
  return Error::invalid("server_timezone", "unknown time zone '" + std::string(name) +
                                               "'; use an IANA name such as Europe/Brussels");
}

constexpr const char* kZoneInfo = "/usr/share/zoneinfo/";
constexpr int kLastRuleYear = 2400;

// The last bytes of a file: enough for a TZif footer, whose rule is a short line.
std::string file_tail(const std::string& path) {
  constexpr long kTail = 512;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file || std::fseek(file.get(), 0, SEEK_END) != 0) {
    return {};
  }
  long size = std::ftell(file.get());
  long start = size > kTail ? size - kTail : 0;
  if (size < 0 || std::fseek(file.get(), start, SEEK_SET) != 0) {
    return {};
  }
  std::string tail(static_cast<std::size_t>(size - start), '\0');
  tail.resize(std::fread(tail.data(), 1, tail.size(), file.get()));
  return tail;
}

// Continues the table past date-tz's last transition with the zone's POSIX rule, so clocks
// keep changing after 2037.
void extend_with_rule(ZoneTable& table, const std::string& name) {
  auto rule = PosixZoneRule::parse(tzif_footer(file_tail(kZoneInfo + name)));
  if (!rule || !rule->has_dst()) {
    return;
  }
  using namespace std::chrono;
  const Seconds last = table.last_change();
  const Seconds epoch{sys_days{year{1970} / January / 1}};
  const int first_year = int(year_month_day{floor<days>(std::max(last, epoch))}.year());
  for (int y = first_year; y <= kLastRuleYear; ++y) {
    for (const auto& [instant, offset] : rule->changes_in(y)) {
      if (instant > last) {
        table.append(instant, offset);
      }
    }
  }
}

// The whole history of the zone as date-tz sees it; a few hundred periods at most, read
// once, so later lookups never go back to date-tz.
ZoneTable read_periods(const date::time_zone& zone) {
  using namespace std::chrono;
  const sys_seconds last_known{sys_days{year{32767} / January / 1}};
  ZoneTable table;
  auto info = zone.get_info(sys_seconds{sys_days{year{-32767} / January / 1}});
  while (true) {
    table.append(info.begin, info.offset);
    if (info.end >= last_known) {
      return table;
    }
    info = zone.get_info(info.end);
  }
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
  // UTC needs no tzdata, and skipping date-tz spares the scan of the zoneinfo folder.
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
  try {
    const date::time_zone* zone = date::locate_zone(impl->name);
    impl->table = read_periods(*zone);
    extend_with_rule(impl->table, impl->name);
  } catch (const std::exception&) {
    return fail(unknown_zone(iana_name));
  }
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
