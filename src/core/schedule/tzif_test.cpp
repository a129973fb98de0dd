#include "core/schedule/tzif.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using certcron::schedule::parse_tzif;
using namespace std::chrono_literals;

namespace {

void put(std::string& out, std::int64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> shift) & 0xff));
  }
}

struct Change {
  std::int64_t at;
  unsigned char type;
};

// A TZif header and data block: types are UTC offsets, with "UTC\0" as the only
// designation.
std::string block(char version, int time_bytes, const std::vector<std::int64_t>& types,
                  const std::vector<Change>& changes) {
  std::string out = "TZif";
  out.push_back(version);
  out.append(15, '\0');
  for (std::int64_t count : {std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                             static_cast<std::int64_t>(changes.size()),
                             static_cast<std::int64_t>(types.size()), std::int64_t{4}}) {
    put(out, count, 4);
  }
  for (const auto& change : changes) {
    put(out, change.at, time_bytes);
  }
  for (const auto& change : changes) {
    out.push_back(static_cast<char>(change.type));
  }
  for (auto offset : types) {
    put(out, offset, 4);
    out.push_back(offset != 0 ? 1 : 0);
    out.push_back(0);
  }
  out.append("UTC", 4);
  return out;
}

// A version 2 file: an empty version 1 block, the 64-bit block, then the footer.
std::string version2(const std::vector<std::int64_t>& types, const std::vector<Change>& changes,
                     const std::string& footer) {
  return block('2', 4, {0}, {}) + block('2', 8, types, changes) + "\n" + footer + "\n";
}

}  // namespace

TEST_SUITE("schedule.tzif") {
  TEST_CASE("a version 2 file gives its 64-bit changes, the first type before them, and the footer") {
    auto history = parse_tzif(version2({3600, 7200}, {{-5000000000, 1}, {100, 0}, {200, 1}},
                                       "CET-1CEST,M3.5.0,M10.5.0/3"));
    REQUIRE(history);
    CHECK(history->initial_offset == 3600s);
    REQUIRE(history->changes.size() == 3);
    CHECK(history->changes[0].first.time_since_epoch() == -5000000000s);
    CHECK(history->changes[0].second == 7200s);
    CHECK(history->changes[1].second == 3600s);
    CHECK(history->changes[2].first.time_since_epoch() == 200s);
    CHECK(history->footer == "CET-1CEST,M3.5.0,M10.5.0/3");
  }

  // Found by the tzif fuzz target: a change at -2^63 left the zone table an empty first
  // period, and an instant that near the end of the range overflows once an offset is added.
  TEST_CASE("a change before -2^59 gives the initial offset and is not kept") {
    constexpr std::int64_t kStartOfTime = INT64_MIN;
    constexpr std::int64_t kBigBang = -(std::int64_t{1} << 59);
    auto history = parse_tzif(
        version2({3600, -18000, 7200}, {{kStartOfTime, 1}, {kBigBang, 2}, {100, 0}}, ""));
    REQUIRE(history);
    CHECK(history->initial_offset == -18000s);
    REQUIRE(history->changes.size() == 2);
    CHECK(history->changes[0].first.time_since_epoch().count() == kBigBang);
    CHECK(history->changes[0].second == 7200s);
    CHECK_FALSE(parse_tzif(version2({3600, 7200}, {{100, 1}, {kStartOfTime, 0}}, "")));
  }

  TEST_CASE("a version 1 file is read from its 32-bit block and has no footer") {
    auto history = parse_tzif(block('\0', 4, {-18000, -14400}, {{1000, 1}, {2000, 0}}));
    REQUIRE(history);
    CHECK(history->initial_offset == -18000s);
    REQUIRE(history->changes.size() == 2);
    CHECK(history->changes[0].second == -14400s);
    CHECK(history->footer.empty());
  }

  TEST_CASE("a file that is not well-formed TZif is refused, never read past its end") {
    const std::string good = version2({0, 3600}, {{100, 1}}, "X0");
    REQUIRE(parse_tzif(good));
    CHECK_FALSE(parse_tzif(""));
    CHECK_FALSE(parse_tzif("TZif"));
    CHECK_FALSE(parse_tzif("# tzdb timezone descriptions\nAD\t+4230+00131\tEurope/Andorra\n"));
    CHECK_FALSE(parse_tzif("XZif" + good.substr(4)));
    for (std::size_t cut : {std::size_t{10}, std::size_t{44}, std::size_t{60}, good.size() - 10}) {
      CAPTURE(cut);
      CHECK_FALSE(parse_tzif(good.substr(0, cut)));
    }
    CHECK_FALSE(parse_tzif(version2({0}, {{100, 1}}, "X0")));             // type out of range
    CHECK_FALSE(parse_tzif(version2({0, 3600}, {{200, 1}, {100, 0}}, "")));  // out of order
    CHECK_FALSE(parse_tzif(version2({0, 30 * 3600}, {{100, 1}}, "")));      // offset beyond a day
    CHECK_FALSE(parse_tzif(version2({}, {}, "")));                         // no time type
  }

  TEST_CASE("a footer without its closing newline is refused") {
    std::string file = version2({0}, {}, "UTC0");
    file.pop_back();
    CHECK_FALSE(parse_tzif(file));
  }
}
