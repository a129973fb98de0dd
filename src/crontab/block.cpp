#include "crontab/block.hpp"

namespace certcron::crontab {
namespace {

constexpr std::string_view kBeginPrefix = "# BEGIN certcron ";
constexpr std::string_view kEndPrefix = "# END certcron ";
constexpr std::string_view kBeginNotice =
    " \xe2\x80\x94 managed by certcron; edit with `certcron`, not by hand";

// One line of a crontab: its content (without "\n" and a trailing "\r") and where it lies.
struct Line {
  std::string_view content;
  std::size_t offset = 0;  // of the first byte
  std::size_t next = 0;    // offset of the following line
  int number = 0;          // 1-based
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t offset = 0;
  int number = 1;
  while (offset < text.size()) {
    std::size_t newline = text.find('\n', offset);
    std::size_t stop = newline == std::string_view::npos ? text.size() : newline;
    std::string_view content = text.substr(offset, stop - offset);
    if (!content.empty() && content.back() == '\r') {
      content.remove_suffix(1);
    }
    std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back({content, offset, next, number++});
    offset = next;
  }
  return lines;
}

// "starts with PREFIX followed by end or a space".
bool is_marker(std::string_view line, std::string_view prefix, std::string_view identity) {
  if (!line.starts_with(prefix)) {
    return false;
  }
  line.remove_prefix(prefix.size());
  if (!line.starts_with(identity)) {
    return false;
  }
  line.remove_prefix(identity.size());
  return line.empty() || line.front() == ' ';
}

bool is_any_certcron_marker(std::string_view line) {
  return line.starts_with(kBeginPrefix) || line.starts_with(kEndPrefix);
}

Error damaged(std::string_view identity, const std::string& what) {
  return Error::failed("the certcron markers for database " + std::string(identity) +
                       " are damaged: " + what);
}

std::string line_list(const std::vector<int>& numbers) {
  std::string text;
  for (int number : numbers) {
    text += (text.empty() ? "" : ", ") + std::to_string(number);
  }
  return text;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string escape_percent(std::string_view command) {
  std::string escaped;
  for (char c : command) {
    if (c == '%') {
      escaped += '\\';
    }
    escaped += c;
  }
  return escaped;
}

bool valid_identity(std::string_view identity) {
  return !identity.empty() && identity.find_first_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string begin_marker(std::string_view identity) {
  return std::string(kBeginPrefix) + std::string(identity) + std::string(kBeginNotice);
}

std::string end_marker(std::string_view identity) {
  return std::string(kEndPrefix) + std::string(identity);
}

Result<std::string> render_block(std::string_view identity,
                                 const std::vector<ManagedEntry>& entries,
                                 std::string_view user_field) {
  if (!valid_identity(identity)) {
    return fail(Error::usage("the database identity \"" + std::string(identity) +
                             "\" cannot be used in crontab markers"));
  }
  if (entries.empty()) {
    return std::string();
  }
  std::string block = begin_marker(identity) + "\n";
  for (const auto& entry : entries) {
    if (has_line_break(entry.schedule_fields) || has_line_break(entry.command) ||
        has_line_break(entry.tag) || has_line_break(user_field) || entry.command.empty() ||
        entry.schedule_fields.empty()) {
      return fail(Error::usage("the crontab line for " + entry.tag +
                               " would be empty or span several lines (a path with a newline?)"));
    }
    block += entry.schedule_fields + " ";
    if (!user_field.empty()) {
      block += std::string(user_field) + " ";
    }
    block += escape_percent(entry.command) + "  # certcron:" + entry.tag + "\n";
  }
  block += end_marker(identity) + "\n";
  return block;
}

Result<std::optional<BlockLocation>> locate_block(std::string_view crontab,
                                                  std::string_view identity) {
  std::vector<Line> lines = split_lines(crontab);
  std::vector<int> begins;
  std::vector<int> ends;
  for (const auto& line : lines) {
    if (is_marker(line.content, kBeginPrefix, identity)) {
      begins.push_back(line.number);
    } else if (is_marker(line.content, kEndPrefix, identity)) {
      ends.push_back(line.number);
    }
  }
  if (begins.empty() && ends.empty()) {
    return std::optional<BlockLocation>();
  }
  if (begins.size() > 1) {
    return fail(damaged(identity, "BEGIN marker repeated on lines " + line_list(begins)));
  }
  if (ends.size() > 1) {
    return fail(damaged(identity, "END marker repeated on lines " + line_list(ends)));
  }
  if (ends.empty()) {
    return fail(
        damaged(identity, "BEGIN marker on line " + line_list(begins) + " has no END marker"));
  }
  if (begins.empty()) {
    return fail(
        damaged(identity, "END marker on line " + line_list(ends) + " has no BEGIN marker"));
  }
  if (ends.front() < begins.front()) {
    return fail(damaged(identity, "END marker on line " + line_list(ends) +
                                      " comes before the BEGIN marker on line " +
                                      line_list(begins)));
  }
  const Line& first = lines[static_cast<std::size_t>(begins.front() - 1)];
  const Line& last = lines[static_cast<std::size_t>(ends.front() - 1)];
  // Replacing our block must never swallow (part of) another database's block.
  for (int n = first.number + 1; n < last.number; ++n) {
    if (is_any_certcron_marker(lines[static_cast<std::size_t>(n - 1)].content)) {
      return fail(damaged(identity, "line " + std::to_string(n) +
                                        " inside the block is another certcron block's marker"));
    }
  }
  return std::optional<BlockLocation>(
      BlockLocation{first.offset, last.next, first.number, last.number});
}

Result<std::optional<std::string>> extract_block(std::string_view crontab,
                                                 std::string_view identity) {
  auto location = locate_block(crontab, identity);
  if (!location) {
    return fail(location.error());
  }
  if (!*location) {
    return std::optional<std::string>();
  }
  const BlockLocation& where = **location;
  return std::optional<std::string>(
      std::string(crontab.substr(where.begin_offset, where.end_offset - where.begin_offset)));
}

Result<std::string> splice_block(std::string_view crontab, std::string_view identity,
                                 std::string_view block) {
  auto location = locate_block(crontab, identity);
  if (!location) {
    return fail(location.error());
  }
  std::string result;
  if (*location) {
    const BlockLocation& where = **location;
    result.reserve(crontab.size() + block.size());
    result.append(crontab.substr(0, where.begin_offset));
    result.append(block);
    result.append(crontab.substr(where.end_offset));
    return result;
  }
  result.assign(crontab);
  if (block.empty()) {
    return result;
  }
  if (!result.empty() && result.back() != '\n') {
    result += '\n';
  }
  result.append(block);
  return result;
}

}  // namespace certcron::crontab
