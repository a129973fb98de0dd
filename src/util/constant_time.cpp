#include "util/constant_time.hpp"

#include <algorithm>

namespace certcron::util {

bool constant_time_equals(std::string_view given, std::string_view secret) {
  unsigned difference = given.size() == secret.size() ? 0u : 1u;
  const std::size_t longer = std::max(given.size(), secret.size());
  for (std::size_t i = 0; i < longer; ++i) {
    const unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    const unsigned char b = i < secret.size() ? static_cast<unsigned char>(secret[i]) : 0;
    difference |= static_cast<unsigned>(a ^ b);
  }
  return difference == 0;
}

}  // namespace certcron::util
