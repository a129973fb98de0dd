#include "http/message.hpp"

#include <algorithm>
#include <cstddef>

namespace certcron::http {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}


}  // namespace

bool percent_decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {  // needs two hex digits after '%'
        return false;
      }
      const int high = hex_value(in[i + 1]);
      const int low = hex_value(in[i + 2]);
      if (high < 0 || low < 0) {
        return false;
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool parse_form(std::string_view text, Fields& query) {
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = (amp == std::string_view::npos) ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) {
      continue;  // "a=1&&b=2" and a trailing '&' carry no parameter
    }
    const std::size_t eq = pair.find('=');
    std::string name;
    std::string value;
    if (!percent_decode(pair.substr(0, eq), true, name)) {
      return false;
    }
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), true, value)) {
      return false;
    }
    query.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  return Response{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

Response Response::text(int status, std::string body) {
  return Response{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

std::string path_for_log(std::string_view target) {
  std::string path(target.substr(0, target.find('?')));
  constexpr std::string_view ping = "/ping/";
  const std::size_t at = path.find(ping);
  if (at == 0 || (at != std::string::npos && path.find_first_not_of('/') == at + 1)) {
    const std::size_t start = at + ping.size();
    const std::size_t end = std::min(path.find('/', start), path.size());
    path.replace(start, end - start, "...");
  }
  return path;
}

bool parse_target(std::string_view target, std::string& path, Fields& query) {
  path.clear();
  query.clear();
  // Only origin-form: absolute-form ("http://h/x") and asterisk-form ("*") name no route here.
  if (target.empty() || target.front() != '/') {
    return false;
  }
  const std::size_t question = target.find('?');
  if (!percent_decode(target.substr(0, question), false, path)) {
    return false;
  }
  // A NUL would cut the path short in any C API that sees it later (file names, logs).
  if (path.find('\0') != std::string::npos) {
    return false;
  }
  if (question == std::string_view::npos) {
    return true;
  }
  return parse_form(target.substr(question + 1), query);
}

}  // namespace certcron::http
