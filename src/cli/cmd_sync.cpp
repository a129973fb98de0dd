#include "cli/commands.hpp"
#include "config/sync_file.hpp"
#include "json/sync.hpp"
#include "util/file.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace certcron::cli {
namespace {

struct SyncCommandOptions {
  std::string file;
  bool dry_run = false;
  bool keep_missing = false;
  bool yes = false;
};

struct SyncInput {
  std::vector<CreateJobRequest> entries;
  std::vector<std::size_t> lines;  // TOML only: where each [[job]] starts
};

bool looks_like_json(const std::string& path, const std::string& text) {
  if (path.ends_with(".json")) {
    return true;
  }
  if (path.ends_with(".toml")) {
    return false;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

// A validation error of a TOML file keyed "cron_checks.N.field" says where job N starts.
Error located(Error error, const std::string& path, const std::vector<std::size_t>& lines) {
  if (error.kind != ErrorKind::validation || lines.empty()) {
    return error;
  }
  std::string where;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string prefix = "cron_checks." + std::to_string(i);
    for (const auto& [field, messages] : error.fields) {
      if (field == prefix || field.starts_with(prefix + ".")) {
        where += (where.empty() ? "" : ", ") + prefix + " is the [[job]] at " + path + ":" +
                 std::to_string(lines[i]);
        break;
      }
    }
  }
  if (!where.empty()) {
    error.message += " (" + where + ")";
  }
  return error;
}

SyncInput read_input(Context& context, const std::string& path) {
  std::string text = context.check(util::read_file(path));
  SyncInput input;
  if (looks_like_json(path, text)) {
    auto entries = json::parse_sync_document(text);
    if (!entries) {
      Error error = entries.error();
      if (error.kind == ErrorKind::usage) {
        error.message = path + ": " + error.message;
      }
      throw CommandFailure(std::move(error));
    }
    input.entries = std::move(*entries);
  } else {
    config::SyncFile file = context.check(config::read_sync_toml(text, path));
    input.entries = std::move(file.jobs);
    input.lines = std::move(file.lines);
  }
  return input;
}

void print_plan(Context& context, const SyncPlan& plan) {
  std::vector<std::vector<std::string>> rows;
  for (const SyncStep& step : plan.steps) {
    std::string changes;
    for (const std::string& field : step.changes) {
      changes += (changes.empty() ? "" : ", ") + field;
    }
    Color color = Color::none;
    switch (step.action) {
      case SyncAction::create: color = Color::green; break;
      case SyncAction::update: color = Color::blue; break;
      case SyncAction::remove: color = Color::red; break;
      case SyncAction::unchanged: color = Color::grey; break;
    }
    rows.push_back({context.out().paint(to_string(step.action), color),
                    step.job ? step.job->id() : "-", step.name, changes.empty() ? "-" : changes});
  }
  context.out().print_table({"ACTION", "ID", "NAME", "CHANGES"}, rows);
}

std::string summary(const SyncPlan& plan, bool dry_run) {
  auto n = [&](SyncAction action) { return std::to_string(plan.count(action)); };
  if (dry_run) {
    return "Dry run: would create " + n(SyncAction::create) + ", update " +
           n(SyncAction::update) + ", delete " + n(SyncAction::remove) + "; " +
           n(SyncAction::unchanged) + " unchanged. Nothing was changed.";
  }
  return "Synced: " + n(SyncAction::create) + " created, " + n(SyncAction::update) +
         " updated, " + n(SyncAction::remove) + " deleted, " + n(SyncAction::unchanged) +
         " unchanged.";
}

bool confirmed(const SyncPlan& plan) {
  std::string names;
  for (const SyncStep& step : plan.steps) {
    if (step.action == SyncAction::remove) {
      names += (names.empty() ? "" : ", ") + step.job->id() + " (" + step.name + ")";
    }
  }
  std::fprintf(stderr, "Delete %zu job(s) not in the file, with all their runs: %s? [y/N] ",
               plan.count(SyncAction::remove), names.c_str());
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    return false;
  }
  return answer == "y" || answer == "Y" || answer == "yes";
}

void print_outcome(Context& context, const SyncOutcome& outcome, bool dry_run, bool plan_shown) {
  if (context.options.json) {
    context.out().print_json(json::sync_outcome_to_json(outcome, dry_run, context.clock().now(),
                                                        context.ping_base_url()));
    return;
  }
  if (context.options.quiet) {
    return;
  }
  if (!plan_shown) {
    print_plan(context, outcome.plan);
  }
  context.out().line(summary(outcome.plan, dry_run));
}

void sync_jobs(Context& context, const SyncCommandOptions& options) {
  SyncInput input = read_input(context, options.file);
  auto run_sync = [&](const SyncOptions& sync_options) {
    auto outcome = context.app().sync_jobs(input.entries, sync_options);
    if (!outcome) {
      throw CommandFailure(located(outcome.error(), options.file, input.lines));
    }
    return std::move(*outcome);
  };
  SyncOutcome planned = run_sync(SyncOptions{options.keep_missing, true, std::nullopt});
  if (options.dry_run) {
    print_outcome(context, planned, true, false);
    return;
  }
  const std::size_t deletions = planned.plan.count(SyncAction::remove);
  bool plan_shown = false;
  if (deletions > 0 && !options.yes) {
    if (isatty(STDIN_FILENO) != 1) {
      throw CommandFailure(Error::usage(
          "the sync would delete " + std::to_string(deletions) +
          " job(s) not in the file: pass --yes when not on a terminal (or --keep-missing to "
          "keep them; --dry-run shows the plan)"));
    }
    if (!context.options.json) {
      print_plan(context, planned.plan);
      plan_shown = true;
    }
    if (!confirmed(planned.plan)) {
      throw CommandFailure(Error::usage("not synced; nothing was changed"));
    }
  }
  SyncOutcome applied =
      run_sync(SyncOptions{options.keep_missing, false, planned.plan.deleted_seqs()});
  print_outcome(context, applied, false, plan_shown);
}

}  // namespace

void set_sync_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<SyncCommandOptions>();
  command.add_option("file", options->file, "Jobs file: TOML ([[job]] tables) or the seed's JSON")
      ->required();
  command.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  command.add_flag("--keep-missing", options->keep_missing,
                   "Keep jobs the file does not name (default: delete them)");
  command.add_flag("-y,--yes", options->yes, "Do not ask before deleting jobs not in the file");
  command.footer(
      "The file is the whole truth: jobs are keyed by name; existing names are updated in\n"
      "place (id, ping URL and runs kept), new ones created, and jobs the file does not name\n"
      "are deleted unless --keep-missing. All or nothing: one bad entry changes nothing.\n"
      "A .json file (or one starting with '{') is the seed's {\"cron_checks\": [...]}.\n"
      "Examples:\n"
      "  certcron sync jobs.toml --dry-run\n"
      "  certcron sync jobs.toml --yes");
  command.callback([&context, options] { sync_jobs(context, *options); });
}

}  // namespace certcron::cli
