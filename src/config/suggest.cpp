#include "config/suggest.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace certcron::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the classic table is enough: row[j] is the distance between the prefix of `a`
  // seen so far and b[0..j).
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates) {
  const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (std::string_view candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    // "timeout" for "timeout_seconds" is far in edits but plainly the same name, shortened.
    if (word.size() >= 3 && candidate.starts_with(word)) {
      distance = std::min(distance, allowed);
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace certcron::config
