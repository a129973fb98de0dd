#include "core/settings.hpp"

namespace certcron {

bool database_url_has_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return false;
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos &&
                                            authority.substr(0, at).find(':') != std::string_view::npos) {
    return true;
  }
  if (authority_end == std::string_view::npos) {
    return false;
  }
  const auto query = rest.find('?');
  if (query == std::string_view::npos) {
    return false;
  }
  std::string_view parameters = rest.substr(query + 1);
  while (!parameters.empty()) {
    const auto end = parameters.find('&');
    const std::string_view parameter = parameters.substr(0, end);
    if (parameter.starts_with("password=")) {
      return true;
    }
    if (end == std::string_view::npos) {
      break;
    }
    parameters.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace certcron
