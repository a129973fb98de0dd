// The floor for `certcron list`: a whole process that opens the same SQLite database
// read-only, counts the rows of the jobs table and prints the number. Nothing but the
// sqlite3 C API and the C library, so its time is exec, dynamic loading of one library,
// opening the database and one query.
//   list_floor DATABASE          prints: the number of jobs

#include <sqlite3.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: list_floor DATABASE\n");
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "list_floor: open: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM jobs", -1, &statement, nullptr) != SQLITE_OK ||
      sqlite3_step(statement) != SQLITE_ROW) {
    std::fprintf(stderr, "list_floor: count: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  std::printf("%lld\n", static_cast<long long>(sqlite3_column_int64(statement, 0)));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return 0;
}
