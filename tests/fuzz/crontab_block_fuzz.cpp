// The managed-block parser: finding certcron's block in a crontab and splicing a new one in.
//
// Input: a crontab. When its block can be found, splicing a block in must leave every byte
// outside it as it was, the block must then be found and read back exactly, and removing it
// must give back the crontab without it.

#include "crontab/block.hpp"
#include "fuzz_check.hpp"

#include <string>

namespace {

using certcron::fuzz::check;
using namespace certcron::crontab;

constexpr std::string_view kIdentity = "8f3a0c2e";

const std::string& our_block() {
  static const std::string block =
      *render_block(kIdentity, {{"cron-001", "0 2 * * *", "'/usr/bin/certcron' execute cron-001"},
                                {"monitor", "*/5 * * * *", "'/usr/bin/certcron' check --quiet 50%"}});
  return block;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view crontab = certcron::fuzz::as_text(data, size);
  auto location = locate_block(crontab, kIdentity);
  auto extracted = extract_block(crontab, kIdentity);
  check(location.has_value() == extracted.has_value(), "extract agrees with locate");
  if (!location) {
    check(location.error().kind == certcron::ErrorKind::failed, "damaged markers are a failure");
    check(!splice_block(crontab, kIdentity, our_block()), "a damaged block is not replaced");
    return 0;
  }

  // What lies outside our block: everything when there is none.
  std::string_view before = crontab;
  std::string_view after;
  if (*location) {
    const BlockLocation& where = **location;
    check(where.begin_offset < where.end_offset && where.end_offset <= crontab.size(),
          "the block lies inside the crontab");
    check(where.begin_line <= where.end_line, "the block's lines are in order");
    check(**extracted == crontab.substr(where.begin_offset, where.end_offset - where.begin_offset),
          "extract gives the located text");
    before = crontab.substr(0, where.begin_offset);
    after = crontab.substr(where.end_offset);
  } else {
    check(!*extracted, "no block is extracted where none is located");
  }

  auto spliced = splice_block(crontab, kIdentity, our_block());
  check(spliced.has_value(), "a located block can be replaced");
  check(spliced->starts_with(before), "the text before the block is kept");
  check(spliced->ends_with(after), "the text after the block is kept");
  auto read_back = extract_block(*spliced, kIdentity);
  check(read_back.has_value() && read_back->has_value() && **read_back == our_block(),
        "the spliced block reads back exactly");

  auto removed = splice_block(*spliced, kIdentity, "");
  check(removed.has_value(), "the spliced block can be removed");
  std::string expected(before);
  if (!*location && !expected.empty() && expected.back() != '\n') {
    expected += '\n';  // appending the block ended the last line
  }
  expected += after;
  check(*removed == expected, "removing the block gives the crontab without it");
  check(!*locate_block(*removed, kIdentity), "no block is left after removing it");
  return 0;
}
