// Times next-fire computation: per occurrence, both as a chain of next_fire_after calls
// (each starting afresh, as a caller asking "when next?" does) and as next_fires_after
// batches of kBatch (as `certcron next --count` does). Prints one tab-separated line per
// case:
//   expression, zone, ns per occurrence (chained), ns per occurrence (batch),
//   the croner_occurrences-th fire (to compare with croner's).

#include "core/schedule/schedule.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace {

using certcron::schedule::Schedule;
using certcron::schedule::Seconds;
using Clock = std::chrono::steady_clock;

constexpr int kRounds = 5;
constexpr int kBatch = 1000;

double nanoseconds_per(Clock::duration elapsed, int occurrences) {
  return std::chrono::duration<double, std::nano>(elapsed).count() / occurrences;
}

// Best of kRounds, so a busy moment on the machine does not count.
template <class Work>
double best_ns_per(int occurrences, Work work) {
  double best = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    auto begin = Clock::now();
    work();
    best = std::min(best, nanoseconds_per(Clock::now() - begin, occurrences));
  }
  return best;
}

int run(const nlohmann::json& config) {
  const int occurrences = config.at("occurrences").get<int>();
  const int croner_occurrences = config.at("croner_occurrences").get<int>();
  const auto start = certcron::util::parse_rfc3339(config.at("start").get<std::string>());
  if (!start) {
    std::cerr << "bad start instant\n";
    return 1;
  }
  for (const auto& item : config.at("cases")) {
    auto expression = item.at(0).get<std::string>();
    auto zone = item.at(1).get<std::string>();
    auto schedule = Schedule::cron(expression, zone);
    if (!schedule) {
      std::cerr << "invalid case: " << expression << " in " << zone << "\n";
      return 1;
    }
    Seconds last_chained{};
    double chained = best_ns_per(occurrences, [&] {
      Seconds cursor = *start;
      for (int i = 0; i < occurrences; ++i) {
        cursor = schedule->next_fire_after(cursor);
      }
      last_chained = cursor;
    });
    Seconds last_batch{};
    double batch = best_ns_per(occurrences, [&] {
      Seconds cursor = *start;
      for (int done = 0; done < occurrences; done += kBatch) {
        cursor = schedule->next_fires_after(cursor, std::min(kBatch, occurrences - done)).back();
      }
      last_batch = cursor;
    });
    if (last_batch != last_chained) {
      std::cerr << "chained and batch answers differ for " << expression << "\n";
      return 1;
    }
    auto compare = schedule->next_fires_after(*start, croner_occurrences).back();
    std::printf("%s\t%s\t%.1f\t%.1f\t%s\n", expression.c_str(), zone.c_str(), chained, batch,
                certcron::util::format_rfc3339(compare).c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: next_fire_bench CASES.json\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  return run(nlohmann::json::parse(in));
}
