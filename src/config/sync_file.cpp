#include "config/sync_file.hpp"

#include "config/toml_reader.hpp"

#include <filesystem>
#include <limits>

namespace certcron::config {
namespace {

constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();

CreateJobRequest read_job(TableReader& reader) {
  CreateJobRequest job;
  reader.string("name", job.name);
  std::string type;
  if (reader.string("type", type)) {
    if (type == "cron" || type == "simple") {
      job.type = type == "cron" ? ScheduleType::cron : ScheduleType::simple;
    } else {
      reader.report(reader.line_of("type"), "'" + reader.qualified("type") +
                                                "' must be \"cron\" or \"simple\" (got '" + type +
                                                "')");
    }
  }
  std::string text;
  if (reader.string("cron_expression", text)) {
    job.cron_expression = text;
  }
  int number = 0;
  if (reader.integer("frequency_in_minutes", number, kIntMin, kIntMax)) {
    job.frequency_in_minutes = number;
  }
  if (reader.integer("grace_time_in_minutes", number, kIntMin, kIntMax)) {
    job.grace_time_in_minutes = number;
  }
  if (reader.string("server_timezone", text)) {
    job.server_timezone = text;
  }
  reader.string("description", job.description);
  reader.boolean("enabled", job.enabled);
  if (reader.integer("max_runtime_in_minutes", number, kIntMin, kIntMax)) {
    job.max_runtime_in_minutes = number;
  }
  reader.boolean("catch_up", job.catch_up);
  reader.report_unknown_keys();
  return job;
}

}  // namespace

Result<SyncFile> read_sync_toml(std::string_view text, const std::string& path) {
  toml::table document;
  try {
    document = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return fail(Error::usage(path + ":" + std::to_string(where.line) + ":" +
                             std::to_string(where.column) + ": " +
                             std::string(error.description())));
  }
  FileContext context(path, std::nullopt, std::filesystem::path(path).parent_path().string());
  TableReader root(document, "", context);
  SyncFile file;
  if (const toml::node* jobs = root.node("job")) {
    const toml::array* tables = jobs->as_array();
    if (tables == nullptr || !tables->is_array_of_tables()) {
      context.report(line_of(*jobs), "'job' must be an array of tables: write each job as [[job]]");
    } else {
      for (std::size_t i = 0; i < tables->size(); ++i) {
        const toml::table& table = *tables->get(i)->as_table();
        TableReader reader(table, "job[" + std::to_string(i) + "]", context);
        file.jobs.push_back(read_job(reader));
        file.lines.push_back(line_of(table));
      }
    }
  }
  root.report_unknown_keys();
  if (context.has_problems()) {
    return fail(context.first_problem());
  }
  return file;
}

}  // namespace certcron::config
