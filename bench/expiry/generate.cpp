// Writes a certcron import file of N certifications to stdout: four per mentor, expiries
// spread evenly over two years either side of TODAY, one in ten given as an RFC 3339 instant,
// some names needing CSV quoting. Deterministic for a given N and TODAY.
//   expiry_generate 1000000 2026-03-01 > certifications.csv

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr const char* kCertifications[] = {"First Aid",       "Safeguarding",   "CPR",
                                           "Food Hygiene",    "Fire Safety",    "DBS Check",
                                           "Manual Handling", "Data Protection"};
constexpr int kSpreadDays = 730;

std::uint64_t next_random(std::uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

std::string format_day(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: expiry_generate ROWS YYYY-MM-DD\n");
    return 2;
  }
  const long rows = std::strtol(argv[1], nullptr, 10);
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (rows <= 0 || std::sscanf(argv[2], "%d-%u-%u", &y, &m, &d) != 3) {
    std::fprintf(stderr, "expiry_generate: bad arguments\n");
    return 2;
  }
  const std::chrono::sys_days today{std::chrono::year{y} / std::chrono::month{m} /
                                    std::chrono::day{d}};
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  std::printf("mentor_id,name,email,certification,expires_at,issued_at\n");
  for (long i = 0; i < rows; ++i) {
    const long mentor = i / 4;
    const auto offset = static_cast<int>(next_random(state) % (2 * kSpreadDays + 1)) - kSpreadDays;
    const auto expiry = today + std::chrono::days{offset};
    const auto issued = expiry - std::chrono::days{730};
    std::string name = mentor % 50 == 0 ? "\"Okafor, Chidi " + std::to_string(mentor) + "\""
                                        : "Mentor " + std::to_string(mentor);
    std::string expires = format_day(expiry);
    if (i % 10 == 3) {
      expires += "T09:30:00+02:00";
    }
    std::printf("m%07ld,%s,m%07ld@example.org,%s,%s,%s\n", mentor, name.c_str(), mentor,
                kCertifications[(mentor + i % 4) % 8], expires.c_str(), format_day(issued).c_str());
  }
  return 0;
}
