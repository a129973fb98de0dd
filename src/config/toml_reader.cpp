#include "config/toml_reader.hpp"

#include "config/paths.hpp"
#include "config/suggest.hpp"

#include <algorithm>
#include <utility>

namespace certcron::config {

std::size_t line_of(const toml::node& node) {
  return node.source().begin.line;
}

FileContext::FileContext(std::string file, std::optional<std::string> home, std::string folder)
    : file_(std::move(file)), home_(std::move(home)), folder_(std::move(folder)) {}

void FileContext::report(std::size_t line, std::string message) {
  problems_.push_back({line, std::move(message)});
}

Error FileContext::first_problem() const {
  auto earliest =
      std::min_element(problems_.begin(), problems_.end(),
                       [](const Problem& a, const Problem& b) { return a.line < b.line; });
  if (earliest == problems_.end()) {
    return Error::usage(file_ + ": invalid configuration");
  }
  return Error::usage(file_ + ":" + std::to_string(earliest->line) + ": " + earliest->message);
}

std::optional<std::string> FileContext::resolve(std::string_view raw) const {
  return resolve_path(raw, home_, folder_);
}

TableReader::TableReader(const toml::table& table, std::string name, FileContext& context)
    : table_(table), name_(std::move(name)), context_(context) {}

std::string TableReader::qualified(std::string_view key) const {
  return name_.empty() ? std::string(key) : name_ + "." + std::string(key);
}

std::size_t TableReader::line_of(std::string_view key) const {
  if (const toml::node* node = table_.get(key)) {
    return config::line_of(*node);
  }
  return config::line_of(table_);
}

const toml::node* TableReader::find(std::string_view key) {
  known_.emplace_back(key);
  return table_.get(key);
}

void TableReader::report_type(std::string_view key, const toml::node& node,
                              std::string_view expected) {
  report(config::line_of(node), "'" + qualified(key) + "' must be " + std::string(expected));
}

void TableReader::report_unexpandable(std::string_view key) {
  report(line_of(key),
         "cannot expand '~' in '" + qualified(key) + "': the home folder is unknown (set HOME)");
}

bool TableReader::string(std::string_view key, std::string& out) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return false;
  }
  if (const auto* text = node->as_string()) {
    out = text->get();
    return true;
  }
  report_type(key, *node, "a string");
  return false;
}

bool TableReader::non_empty_string(std::string_view key, std::string& out) {
  std::string value;
  if (!string(key, value)) {
    return false;
  }
  if (value.empty()) {
    report(line_of(key), "'" + qualified(key) + "' must not be empty");
    return false;
  }
  out = std::move(value);
  return true;
}

bool TableReader::path(std::string_view key, std::string& out) {
  std::string raw;
  if (!string(key, raw) || raw.empty()) {
    return false;
  }
  if (auto resolved = context_.resolve(raw)) {
    out = std::move(*resolved);
    return true;
  }
  report_unexpandable(key);
  return false;
}

void TableReader::program(std::string_view key, std::string& out) {
  std::string raw;
  if (!non_empty_string(key, raw)) {
    return;
  }
  if (raw.find('/') == std::string::npos) {
    out = std::move(raw);
  } else if (auto resolved = context_.resolve(raw)) {
    out = std::move(*resolved);
  } else {
    report_unexpandable(key);
  }
}

std::optional<int> TableReader::checked_integer(std::string_view key, const toml::node& node,
                                                std::string_view expected, int min, int max) {
  const auto* number = node.as_integer();
  if (number == nullptr) {
    report_type(key, node, expected);
    return std::nullopt;
  }
  std::int64_t value = number->get();
  if (value < min || value > max) {
    report(config::line_of(node), "'" + qualified(key) + "' must be between " +
                                      std::to_string(min) + " and " + std::to_string(max) +
                                      " (got " + std::to_string(value) + ")");
    return std::nullopt;
  }
  return static_cast<int>(value);
}

bool TableReader::integer(std::string_view key, int& out, int min, int max) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return false;
  }
  auto value = checked_integer(key, *node, "an integer", min, max);
  if (value) {
    out = *value;
  }
  return value.has_value();
}

bool TableReader::boolean(std::string_view key, bool& out) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return false;
  }
  if (const auto* value = node->as_boolean()) {
    out = value->get();
    return true;
  }
  report_type(key, *node, "true or false");
  return false;
}

bool TableReader::unique_integers(std::string_view key, std::vector<int>& out, int min, int max) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return false;
  }
  const auto* items = node->as_array();
  if (items == nullptr) {
    report_type(key, *node, "an array of integers");
    return false;
  }
  std::vector<int> values;
  bool all_valid = true;
  for (const toml::node& item : *items) {
    auto value = checked_integer(key, item, "an array of integers", min, max);
    if (!value) {
      all_valid = false;
    } else if (std::find(values.begin(), values.end(), *value) != values.end()) {
      report(config::line_of(item),
             "'" + qualified(key) + "' lists " + std::to_string(*value) + " more than once");
      all_valid = false;
    } else {
      values.push_back(*value);
    }
  }
  if (all_valid) {
    out = std::move(values);
  }
  return all_valid;
}

std::optional<TableReader> TableReader::sub_table(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const auto* inner = node->as_table();
  if (inner == nullptr) {
    report_type(key, *node, "a table");
    return std::nullopt;
  }
  return TableReader(*inner, qualified(key), context_);
}

void TableReader::report_unknown_keys() {
  std::vector<std::string_view> candidates(known_.begin(), known_.end());
  for (auto&& [key, node] : table_) {
    if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) {
      continue;
    }
    std::string message = "unknown key '" + qualified(key.str()) + "'";
    if (auto suggestion = closest_match(key.str(), candidates)) {
      message += " (did you mean '" + *suggestion + "'?)";
    }
    report(key.source().begin.line, std::move(message));
  }
}

}  // namespace certcron::config
