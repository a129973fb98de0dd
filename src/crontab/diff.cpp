#include "crontab/diff.hpp"

#include <algorithm>
#include <vector>

namespace certcron::crontab {
namespace {

struct DiffLine {
  std::string_view text;
  bool terminated = true;  // ends with "\n"

  bool operator==(const DiffLine&) const = default;
};

std::vector<DiffLine> lines_of(std::string_view text) {
  std::vector<DiffLine> lines;
  std::size_t offset = 0;
  while (offset < text.size()) {
    std::size_t newline = text.find('\n', offset);
    if (newline == std::string_view::npos) {
      lines.push_back({text.substr(offset), false});
      break;
    }
    lines.push_back({text.substr(offset, newline - offset), true});
    offset = newline + 1;
  }
  return lines;
}

void emit(std::string& out, char sign, const DiffLine& line) {
  out += sign;
  out.append(line.text);
  out += '\n';
  if (!line.terminated) {
    out += "\\ No newline at end of file\n";
  }
}

}  // namespace

std::string line_diff(std::string_view before, std::string_view after,
                      std::string_view before_label, std::string_view after_label) {
  if (before == after) {
    return "";
  }
  auto a = lines_of(before);
  auto b = lines_of(after);
  // Longest common subsequence table, filled from the end so the walk below goes forwards.
  std::vector<std::vector<int>> common(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      common[i][j] =
          a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::string out = "--- " + std::string(before_label) + "\n+++ " + std::string(after_label) + "\n";
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      emit(out, ' ', a[i++]);
      ++j;
    } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      // On a tie the removal goes first, as diff -u prints a change.
      emit(out, '-', a[i++]);
    } else {
      emit(out, '+', b[j++]);
    }
  }
  return out;
}

}  // namespace certcron::crontab
