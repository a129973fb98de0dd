#pragma once

// "Did you mean ...?" for misspelt names.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace certcron::config {

// Levenshtein distance: insertions, deletions and substitutions each cost one.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is near enough to be a likely typo: at most a third
// of the word's length away (at least one edit allowed), or starting with the word (of three
// letters or more). Ties go to the earlier candidate.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates);

}  // namespace certcron::config
