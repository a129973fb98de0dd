#pragma once

// Matches a request's method and path against a table of routes. Patterns are paths whose
// segments are literals or `:name` captures ("/api/v1/certification-cron/:id/runs"); a literal
// segment wins over a capture, so "/sync" beside "/:id" goes to its own route. The path is
// matched as sent, still percent-encoded, and only captures are decoded: a job named
// "reports/weekly" arrives as "reports%2Fweekly" and stays one segment.

#include "http/message.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::http {

using Captures = std::map<std::string, std::string, std::less<>>;

template <class Action>
class Router {
 public:
  void add(std::string method, std::string_view pattern, Action action) {
    routes_.push_back({std::move(method), split(pattern), std::move(action)});
  }

  struct Match {
    const Action* action = nullptr;  // null: no route for this method (see allowed)
    Captures captures;
    std::vector<std::string> allowed;  // methods the path answers to; empty: unknown path
  };

  // HEAD is answered as GET (the transport drops the body). `raw_path` is still encoded.
  Match match(std::string_view method, std::string_view raw_path) const {
    const std::string wanted = method == "HEAD" ? "GET" : std::string(method);
    const std::vector<std::string> segments = split(raw_path);
    Match best;
    int best_score = -1;
    for (const Route& route : routes_) {
      Captures captures;
      const int score = score_of(route.segments, segments, captures);
      if (score < 0) {
        continue;
      }
      if (score > best_score) {
        best = Match{};
        best_score = score;
      }
      if (score == best_score) {
        add_allowed(best.allowed, route.method);
        if (route.method == wanted && best.action == nullptr) {
          best.action = &route.action;
          best.captures = std::move(captures);
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

  static std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find('/', start);
      if (end == std::string_view::npos) {
        end = path.size();
      }
      if (end > start) {
        segments.emplace_back(path.substr(start, end - start));
      }
      start = end + 1;
    }
    return segments;
  }

  // -1 when `pattern` does not match; otherwise the number of literal segments, so that the
  // most specific route wins.
  static int score_of(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& segments, Captures& captures) {
    if (pattern.size() != segments.size()) {
      return -1;
    }
    int literals = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (!pattern[i].empty() && pattern[i][0] == ':') {
        std::string decoded;
        if (!percent_decode(segments[i], false, decoded)) {
          return -1;
        }
        captures[pattern[i].substr(1)] = std::move(decoded);
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
