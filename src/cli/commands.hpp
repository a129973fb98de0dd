#pragma once

// One file per subcommand; each adds its options to `app` and a callback that parses, calls
// one service function and prints.

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace certcron::cli {

struct CommandInfo {
  const char* name;
  const char* description;
  void (*install)(CLI::App& command, Context& context);
};

void set_list_command(CLI::App& command, Context& context);
void set_show_command(CLI::App& command, Context& context);
void set_create_command(CLI::App& command, Context& context);
void set_update_command(CLI::App& command, Context& context);
void set_delete_command(CLI::App& command, Context& context);
void set_sync_command(CLI::App& command, Context& context);
void set_next_command(CLI::App& command, Context& context);
void set_crontab_command(CLI::App& command, Context& context);
void set_k8s_command(CLI::App& command, Context& context);
void set_db_command(CLI::App& command, Context& context);
void set_execute_command(CLI::App& command, Context& context);
void set_runs_command(CLI::App& command, Context& context);
void set_import_command(CLI::App& command, Context& context);
void set_due_command(CLI::App& command, Context& context);
void set_check_command(CLI::App& command, Context& context);
void set_serve_command(CLI::App& command, Context& context);
void set_snooze_command(CLI::App& command, Context& context);
void set_unsnooze_command(CLI::App& command, Context& context);
void set_ping_command(CLI::App& command, Context& context);

// Every subcommand, in the order `--help` lists them.
const std::vector<CommandInfo>& command_table();

}  // namespace certcron::cli
