#include "config/environment.hpp"

#include <cstdlib>

namespace certcron::config {

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    // getenv needs a terminated string; names are short, so the copy is nothing.
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

}  // namespace certcron::config
