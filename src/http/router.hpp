#pragma once

// Matches a request's method and path against a table of routes. Patterns are paths whose
// segments are literals or `:name` captures ("/api/v1/certification-cron/:id/runs"); a literal
// segment wins over a capture, so "/sync" beside "/:id" goes to its own route. The path is
// matched as sent, still percent-encoded, and only captures are decoded: a job named
// "reports/weekly" arrives as "reports%2Fweekly" and stays one segment.

#include "http/message.hpp"

#include <array>
#include <functional>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::http {

using Captures = std::map<std::string, std::string, std::less<>>;

template <class Action>
class Router {
 public:
  // Patterns have at most kMaxSegments segments.
  static constexpr std::size_t kMaxSegments = 16;

  void add(std::string method, std::string_view pattern, Action action) {
    std::array<std::string_view, kMaxSegments> held;
    std::size_t count = 0;
    if (!split_into(pattern, held, count)) {
      throw std::logic_error("route pattern with too many segments: " + std::string(pattern));
    }
    routes_.push_back({std::move(method), std::vector<std::string>(held.begin(), held.begin() + count),
                       std::move(action)});
  }

  struct Match {
    const Action* action = nullptr;  // null: no route for this method (see allowed)
    Captures captures;
    std::vector<std::string> allowed;  // methods the path answers to; empty: unknown path
  };

  // HEAD is answered as GET (the transport drops the body). `raw_path` is still encoded.
  Match match(std::string_view method, std::string_view raw_path) const {
    const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    // The path's segments on the stack: a path longer than every pattern matches none.
    std::array<std::string_view, kMaxSegments> held;
    std::size_t count = 0;
    if (!split_into(raw_path, held, count)) {
      return Match{};
    }
    const std::span<const std::string_view> segments(held.data(), count);
    Match best;
    const Route* chosen = nullptr;
    int best_score = -1;
    for (const Route& route : routes_) {
      const int score = score_of(route.segments, segments);
      if (score < 0) {
        continue;
      }
      if (score > best_score) {
        best = Match{};
        chosen = nullptr;
        best_score = score;
      }
      if (score == best_score) {
        add_allowed(best.allowed, route.method);
        if (route.method == wanted && chosen == nullptr) {
          chosen = &route;
        }
      }
    }
    if (chosen != nullptr) {
      // Decoded only for the route taken: score_of has checked that each one decodes.
      best.action = &chosen->action;
      for (std::size_t i = 0; i < chosen->segments.size(); ++i) {
        const std::string& pattern = chosen->segments[i];
        if (is_capture(pattern)) {
          std::string decoded;
          percent_decode(segments[i], false, decoded);
          best.captures[pattern.substr(1)] = std::move(decoded);
        }
      }
    }
    return best;
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Action action;
  };

  // False when `path` has more than kMaxSegments non-empty segments.
  static bool split_into(std::string_view path, std::array<std::string_view, kMaxSegments>& out,
                         std::size_t& count) {
    count = 0;
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find('/', start);
      if (end == std::string_view::npos) {
        end = path.size();
      }
      if (end > start) {
        if (count == out.size()) {
          return false;
        }
        out[count++] = path.substr(start, end - start);
      }
      start = end + 1;
    }
    return true;
  }

  static bool is_capture(const std::string& segment) {
    return !segment.empty() && segment[0] == ':';
  }

  // Whether percent_decode accepts `segment`: each '%' followed by two hex digits.
  static bool decodes(std::string_view segment) {
    auto hex = [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    };
    for (std::size_t i = 0; i < segment.size(); ++i) {
      if (segment[i] == '%') {
        if (i + 2 >= segment.size() || !hex(segment[i + 1]) || !hex(segment[i + 2])) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }

  // -1 when `pattern` does not match (a capture that does not decode does not match);
  // otherwise the number of literal segments, so that the most specific route wins.
  static int score_of(const std::vector<std::string>& pattern,
                      std::span<const std::string_view> segments) {
    if (pattern.size() != segments.size()) {
      return -1;
    }
    int literals = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (is_capture(pattern[i])) {
        if (!decodes(segments[i])) {
          return -1;
        }
      } else if (pattern[i] == segments[i]) {
        ++literals;
      } else {
        return -1;
      }
    }
    return literals;
  }

  static void add_allowed(std::vector<std::string>& allowed, const std::string& method) {
    for (const std::string& known : allowed) {
      if (known == method) {
        return;
      }
    }
    allowed.push_back(method);
  }

  std::vector<Route> routes_;
};

}  // namespace certcron::http
