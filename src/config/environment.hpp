#pragma once

// The process environment as a value, so that settings can be resolved against a fake one in
// tests instead of mutating the real environment.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::config {

// Returns the variable's value, or nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the real environment (getenv).
Environment process_environment();

}  // namespace certcron::config
