#include "core/schedule/tzif.hpp"

#include <array>
#include <cstdint>

namespace certcron::schedule {
namespace {

constexpr std::size_t kHeaderSize = 44;
constexpr std::int64_t kMaxOffset = 26 * 3600;  // wider than any zone has ever used
// RFC 8536 3.2: times SHOULD be at least -2^59, zic's "big bang"; older zic wrote -2^63 for
// the start of time. A change before it holds from the start of time: it gives the initial
// offset, so that no period of the zone begins where instants and offsets overflow.
constexpr std::int64_t kBigBang = -(std::int64_t{1} << 59);

struct Counts {
  std::uint32_t isutcnt = 0;
  std::uint32_t isstdcnt = 0;
  std::uint32_t leapcnt = 0;
  std::uint32_t timecnt = 0;
  std::uint32_t typecnt = 0;
  std::uint32_t charcnt = 0;

  // The size of the data block that follows the header, with `time_size`-byte times.
  std::uint64_t block_size(std::uint64_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * 6ull + charcnt +
           leapcnt * (time_size + 4) + isstdcnt + isutcnt;
  }
};

// Big-endian two's complement, as TZif stores every number.
std::int64_t read_signed(std::string_view bytes, std::size_t at, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  }
  if (size == 4) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
  }
  return static_cast<std::int64_t>(value);
}

std::optional<Counts> read_header(std::string_view file, std::size_t at) {
  if (file.size() < at + kHeaderSize || file.substr(at, 4) != "TZif") {
    return std::nullopt;
  }
  std::array<std::uint32_t, 6> values{};
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<std::uint32_t>(read_signed(file, at + 20 + 4 * i, 4));
  }
  Counts counts{values[0], values[1], values[2], values[3], values[4], values[5]};
  if (counts.typecnt == 0 || (counts.isutcnt != 0 && counts.isutcnt != counts.typecnt) ||
      (counts.isstdcnt != 0 && counts.isstdcnt != counts.typecnt)) {
    return std::nullopt;
  }
  return counts;
}

}  // namespace

std::optional<TzifHistory> parse_tzif(std::string_view file) {
  auto counts = read_header(file, 0);
  if (!counts) {
    return std::nullopt;
  }
  std::size_t at = kHeaderSize;
  std::size_t time_size = 4;
  // Version 2 and later repeat the data with 64-bit times after the version 1 block; only
  // that second block is read.
  if (file[4] != '\0') {
    std::uint64_t skip = counts->block_size(4);
    if (skip > file.size() - at) {
      return std::nullopt;
    }
    at += static_cast<std::size_t>(skip);
    counts = read_header(file, at);
    if (!counts) {
      return std::nullopt;
    }
    at += kHeaderSize;
    time_size = 8;
  }
  if (counts->block_size(time_size) > file.size() - at) {
    return std::nullopt;
  }
  const std::size_t times = at;
  const std::size_t indices = times + counts->timecnt * time_size;
  const std::size_t types = indices + counts->timecnt;
  const std::size_t end = at + static_cast<std::size_t>(counts->block_size(time_size));

  std::vector<std::chrono::seconds> offsets;
  for (std::size_t type = 0; type < counts->typecnt; ++type) {
    std::int64_t offset = read_signed(file, types + 6 * type, 4);
    if (offset < -kMaxOffset || offset > kMaxOffset) {
      return std::nullopt;
    }
    offsets.emplace_back(offset);
  }
  TzifHistory history;
  history.initial_offset = offsets.front();
  std::optional<std::int64_t> previous;
  for (std::size_t i = 0; i < counts->timecnt; ++i) {
    auto type = static_cast<unsigned char>(file[indices + i]);
    if (type >= offsets.size()) {
      return std::nullopt;
    }
    const std::int64_t time = read_signed(file, times + i * time_size, time_size);
    if (previous && time <= *previous) {
      return std::nullopt;
    }
    previous = time;
    if (time < kBigBang) {
      history.initial_offset = offsets[type];
      continue;
    }
    history.changes.emplace_back(std::chrono::sys_seconds{std::chrono::seconds{time}}, offsets[type]);
  }
  if (time_size == 8 && end < file.size() && file[end] == '\n') {
    auto close = file.find('\n', end + 1);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    history.footer = std::string(file.substr(end + 1, close - end - 1));
  }
  return history;
}

}  // namespace certcron::schedule
