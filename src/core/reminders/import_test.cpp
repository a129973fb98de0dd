#include "core/reminders/import.hpp"

#include "store/reminder_test_support.hpp"

#include <doctest/doctest.h>

using namespace certcron::reminders;
using certcron::ErrorKind;
using testing::import_text;
using testing::read_bytes;
using testing::TestDatabase;

namespace {

using Lines = std::vector<std::string>;

std::string errors_of(const certcron::Result<ImportSummary>& result) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().kind == ErrorKind::validation);
  auto found = result.error().fields.find("file");
  REQUIRE(found != result.error().fields.end());
  return testing::joined(found->second);
}

const char* const kGoodFile =
    "mentor_id,name,email,certification,expires_at\n"
    "m1,Ana Lopez,ana@example.org,First Aid,2026-04-10\n"
    "m1,Ana Lopez,ana@example.org,Safeguarding,2026-05-01T09:00:00+02:00\n"
    "m2,\"Okafor, Chidi\",chidi@example.org,First Aid,2026-04-20\n";

}  // namespace

TEST_SUITE("reminders.import") {
  TEST_CASE("a valid file inserts mentors and certifications and counts them") {
    TestDatabase t;
    auto summary = import_text(t.store, kGoodFile);
    REQUIRE(summary.has_value());
    CHECK(summary->rows == 3);
    CHECK(summary->mentors_inserted == 2);
    CHECK(summary->mentors_updated == 0);
    CHECK(summary->certifications_inserted == 3);
    CHECK(summary->certifications_updated == 0);
    CHECK(t.count("SELECT count(*) FROM mentors") == 2);
    CHECK(t.db->execAndGet("SELECT name FROM mentors WHERE mentor_id = 'm2'").getString() ==
          "Okafor, Chidi");
  }

  TEST_CASE("an RFC 3339 expiry is stored as the UTC instant, a date as given") {
    TestDatabase t;
    REQUIRE(import_text(t.store, kGoodFile).has_value());
    CHECK(t.db->execAndGet("SELECT expires_on FROM certifications WHERE certification = "
                           "'Safeguarding'")
              .getString() == "2026-05-01T07:00:00Z");
    CHECK(t.db->execAndGet("SELECT expires_at FROM certifications WHERE certification = "
                           "'Safeguarding'")
              .getInt64() == 1777618800);
    CHECK(t.db->execAndGet("SELECT expires_at FROM certifications WHERE mentor_id = 'm2'")
              .getInt64() == 1776643200);  // 2026-04-20T00:00:00Z
  }

  TEST_CASE("columns may come in any order, with issued_at, and re-importing upserts") {
    TestDatabase t;
    REQUIRE(import_text(t.store, kGoodFile).has_value());
    auto summary = import_text(t.store,
                               "issued_at,expires_at,certification,email,name,mentor_id\n"
                               "2024-04-10,2028-04-10,First Aid,ana@new.example.org,Ana L.,m1\n"
                               ",2026-04-20,First Aid,chidi@example.org,\"Okafor, Chidi\",m2\n"
                               ",2027-01-01,CPR,new@example.org,New Mentor,m3\n");
    REQUIRE(summary.has_value());
    CHECK(summary->rows == 3);
    CHECK(summary->mentors_inserted == 1);
    CHECK(summary->mentors_updated == 1);  // m1's name and email; m2 unchanged
    CHECK(summary->certifications_inserted == 1);
    CHECK(summary->certifications_updated == 1);  // m1 First Aid renewed; m2 unchanged
    CHECK(t.db->execAndGet("SELECT email FROM mentors WHERE mentor_id = 'm1'").getString() ==
          "ana@new.example.org");
    CHECK(t.db->execAndGet("SELECT expires_on || ' ' || issued_at FROM certifications WHERE "
                           "mentor_id = 'm1' AND certification = 'First Aid'")
              .getString() == "2028-04-10 2024-04-10");
    CHECK(t.count("SELECT count(*) FROM certifications") == 4);
  }

  TEST_CASE("a mentor's name and email come from the file's latest row") {
    TestDatabase t;
    REQUIRE(import_text(t.store,
                        "mentor_id,name,email,certification,expires_at\n"
                        "m1,Old Name,old@example.org,A,2026-01-01\n"
                        "m1,New Name,new@example.org,B,2026-01-01\n")
                .has_value());
    CHECK(t.db->execAndGet("SELECT name || ' ' || email FROM mentors").getString() ==
          "New Name new@example.org");
  }

  TEST_CASE("every bad row is listed by its file line and the database stays byte-identical") {
    TestDatabase t;
    REQUIRE(import_text(t.store, kGoodFile).has_value());
    t.db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto before = read_bytes(t.file);
    const auto wal_before = read_bytes(t.file.string() + "-wal");
    auto result = import_text(t.store,
                              "mentor_id,name,email,certification,expires_at\n"    // 1
                              "m1,Ana,ana@example.org,First Aid,2030-01-01\n"      // 2 (good)
                              "m4,\"Multi\nLine\",x@example.org,CPR,2026-02-30\n"  // 3-4
                              "m5,Bob,bob@example,CPR,2026-01-01\n"                // 5
                              ",Carol,carol@example.org,CPR,2026-01-01\n"          // 6
                              "m7,Dan,dan@example.org,CPR,2026-13-01T00:00:00Z\n"  // 7
                              "m8,Eve,eve@example.org,CPR\n"                       // 8
                              "m9,Fay,fay @example.org,CPR,2026-01-01\n");         // 9
    const auto errors = errors_of(result);
    CHECK(errors ==
          testing::joined(Lines{
              "line 3: expires_at: '2026-02-30' is not a date (use YYYY-MM-DD or RFC 3339)",
              "line 5: email: 'bob@example' is not an email address",
              "line 6: mentor_id: missing",
              "line 7: expires_at: '2026-13-01T00:00:00Z' is not a date (use YYYY-MM-DD "
              "or RFC 3339)",
              "line 8: expected 5 fields, found 4",
              "line 9: email: 'fay @example.org' is not an email address",
          }));
    CHECK(result.error().message == "The file was not imported: 6 errors (nothing was changed).");
    CHECK(read_bytes(t.file) == before);
    CHECK(read_bytes(t.file.string() + "-wal") == wal_before);
    CHECK(t.db->execAndGet("SELECT expires_on FROM certifications WHERE mentor_id = 'm1' AND "
                           "certification = 'First Aid'")
              .getString() == "2026-04-10");
  }

  TEST_CASE("header problems are reported on line 1") {
    TestDatabase t;
    CHECK(errors_of(import_text(t.store, "mentor_id,name,email,certification,expires,extra\n")) ==
          testing::joined(
              Lines{"line 1: unknown column 'expires' (the header is "
                    "mentor_id,name,email,certification,expires_at[,issued_at], in any order)",
                    "line 1: unknown column 'extra' (the header is "
                    "mentor_id,name,email,certification,expires_at[,issued_at], in any order)",
                    "line 1: missing column 'expires_at'"}));
    CHECK(
        errors_of(import_text(t.store, "mentor_id,name,email,email,certification,expires_at\n")) ==
        testing::joined(Lines{"line 1: column 'email' appears twice"}));
    CHECK(errors_of(import_text(t.store, "")) ==
          testing::joined(Lines{"line 1: the file is empty (the first line must be the header "
                                "mentor_id,name,email,certification,expires_at[,issued_at])"}));
  }

  TEST_CASE("a BOM, CRLF line ends, blank lines and a bad issued_at are handled") {
    TestDatabase t;
    auto errors = errors_of(import_text(t.store,
                                        "\xEF\xBB\xBFmentor_id,name,email,certification,expires_at,"
                                        "issued_at\r\n"
                                        "\r\n"
                                        "m1,Ana,ana@example.org,CPR,2026-01-01,yesterday\r\n"));
    CHECK(errors == testing::joined(Lines{"line 3: issued_at: 'yesterday' is not a date (use "
                                          "YYYY-MM-DD or RFC 3339)"}));
  }

  TEST_CASE("a quoting error is reported with the line where its record starts") {
    TestDatabase t;
    auto errors = errors_of(import_text(t.store,
                                        "mentor_id,name,email,certification,expires_at\n"
                                        "m1,\"Ana\nLopez\",ana@example.org,CPR,2026-01-01\n"
                                        "m2,Bo\"b,bob@example.org,CPR,2026-01-01\n"
                                        "m3,\"Cy,cy@example.org,CPR,2026-01-01\n"));
    CHECK(errors == testing::joined(
                        Lines{"line 4: a quote inside an unquoted field (quote the whole field and "
                              "double the quote: \"\")",
                              "line 5: a quoted field opened on line 5 is never closed"}));
  }

  TEST_CASE("a line break inside a name becomes a space; inside an id it is an error") {
    TestDatabase t;
    CHECK(errors_of(import_text(t.store,
                                "mentor_id,name,email,certification,expires_at\n"
                                "\"m\n1\",Ana,a@example.org,CPR,2026-01-01\n")) ==
          testing::joined(Lines{"line 2: mentor_id: contains a line break"}));
    REQUIRE(import_text(t.store,
                        "mentor_id,name,email,certification,expires_at\n"
                        "m1,\"Ana\r\nLopez\",a@example.org,CPR,2026-01-01\n")
                .has_value());
    CHECK(t.db->execAndGet("SELECT name FROM mentors").getString() == "Ana Lopez");
  }

  TEST_CASE("invalid UTF-8 is rejected with the field named") {
    TestDatabase t;
    CHECK(errors_of(import_text(t.store,
                                "mentor_id,name,email,certification,expires_at\n"
                                "m1,Caf\xE9,a@example.org,CPR,2026-01-01\n")) ==
          testing::joined(Lines{"line 2: name: not valid UTF-8 (byte 4)"}));
    CHECK(t.db->execAndGet("SELECT count(*) FROM mentors").getInt() == 0);
  }

  TEST_CASE("a control character other than a line break is rejected with the field and byte") {
    TestDatabase t;
    CHECK(errors_of(import_text(t.store,
                                "mentor_id,name,email,certification,expires_at\n"
                                "m1,Ana,a@example.org,CPR,2026-01-01\n"
                                "m2,Bo\x1b[2Jb,b@example.org,CPR\tAED,2026-01-01\n")) ==
          testing::joined(Lines{"line 3: name: contains a control character (U+001B) at byte 3",
                                "line 3: certification: contains a control character (U+0009) "
                                "at byte 4"}));
    CHECK(t.db->execAndGet("SELECT count(*) FROM mentors").getInt() == 0);
  }

  TEST_CASE("the list of errors is capped and counts the rest") {
    TestDatabase t;
    std::string text = "mentor_id,name,email,certification,expires_at\n";
    for (int i = 0; i < 1005; ++i) {
      text += "m,n,bad,c,2026-01-01\n";
    }
    auto result = import_text(t.store, text);
    REQUIRE_FALSE(result.has_value());
    const auto& errors = result.error().fields.at("file");
    REQUIRE(errors.size() == kMaxListedImportErrors + 1);
    CHECK(errors.front() == "line 2: email: 'bad' is not an email address");
    CHECK(errors.back() == "... and 5 more errors");
    CHECK(result.error().message ==
          "The file was not imported: 1005 errors (nothing was changed).");
  }

  TEST_CASE("progress is reported while validating and while writing") {
    TestDatabase t;
    std::string text = "mentor_id,name,email,certification,expires_at\n";
    for (int i = 0; i < 25000; ++i) {
      text += "m" + std::to_string(i % 100) + ",N,n@example.org,C" + std::to_string(i) +
              ",2026-01-01\n";
    }
    std::vector<ImportProgress> seen;
    auto summary = import_text(t.store, text, [&](const ImportProgress& p) { seen.push_back(p); });
    REQUIRE(summary.has_value());
    CHECK(summary->certifications_inserted == 25000);
    CHECK(summary->mentors_inserted == 100);
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].phase == ImportProgress::Phase::validating);
    CHECK(seen[1].rows == 20000);
    CHECK(seen[2].phase == ImportProgress::Phase::writing);
    CHECK(seen[3].total_rows == 25000);
  }

  TEST_CASE("the email sanity check") {
    CHECK(is_plausible_email("a.b+c@mail.example.org"));
    CHECK_FALSE(is_plausible_email("a@b@example.org"));
    CHECK_FALSE(is_plausible_email("@example.org"));
    CHECK_FALSE(is_plausible_email("ana@"));
    CHECK_FALSE(is_plausible_email("ana@localhost"));
    CHECK_FALSE(is_plausible_email("ana@.org"));
    CHECK_FALSE(is_plausible_email("an a@example.org"));
    CHECK_FALSE(is_plausible_email("Ana <ana@example.org>"));
  }

  TEST_CASE("a missing file is not_found") {
    TestDatabase t;
    auto result = import_csv_file(t.store, t.dir / "nope.csv");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::not_found);
  }
}

TEST_SUITE("reminders.import") {
  TEST_CASE("a re-import counts exactly the rows it inserts and updates, not the unchanged ones") {
    TestDatabase t;
    REQUIRE(import_text(t.store, kGoodFile).has_value());
    auto summary = import_text(t.store,
                               "mentor_id,name,email,certification,expires_at\n"
                               // unchanged
                               "m1,Ana Lopez,ana@example.org,First Aid,2026-04-10\n"
                               // the same instant written with another offset: unchanged
                               "m1,Ana Lopez,ana@example.org,Safeguarding,2026-05-01T07:00:00Z\n"
                               // renewed, and a new name for m2
                               "m2,Chidi Okafor,chidi@example.org,First Aid,2027-04-20\n"
                               // m2 again with the new name: no second update
                               "m2,Chidi Okafor,chidi@example.org,CPR,2027-01-01\n"
                               // a new mentor, twice
                               "m3,Bo,bo@example.org,CPR,2027-01-01\n"
                               "m3,Bo,bo@example.org,Scuba,2027-01-01\n"
                               // the row just written, again: unchanged
                               "m3,Bo,bo@example.org,Scuba,2027-01-01\n");
    REQUIRE(summary.has_value());
    CHECK(summary->rows == 7);
    CHECK(summary->mentors_inserted == 1);
    CHECK(summary->mentors_updated == 1);
    CHECK(summary->certifications_inserted == 3);
    CHECK(summary->certifications_updated == 1);
    CHECK(t.count("SELECT count(*) FROM certifications") == 6);

    auto again = import_text(t.store,
                             "mentor_id,name,email,certification,expires_at\n"
                             "m3,Bo,bo@example.org,Scuba,2027-01-01\n");
    REQUIRE(again.has_value());
    CHECK(again->rows == 1);
    CHECK(again->mentors_inserted + again->mentors_updated + again->certifications_inserted +
              again->certifications_updated ==
          0);
  }

  TEST_CASE("counts stay exact across batches of a large file with inserts, updates and repeats") {
    TestDatabase t;
    const auto file = [](int rows, int changed_every) {
      std::string text = "mentor_id,name,email,certification,expires_at,issued_at\n";
      for (int i = 0; i < rows; ++i) {
        const int mentor = i / 3;
        const bool changed = changed_every > 0 && i % changed_every == 0;
        text += "m" + std::to_string(mentor) + ",Mentor " + std::to_string(mentor) + ",m" +
                std::to_string(mentor) + (mentor % 10 == 0 && changed_every > 0 ? "@new" : "@") +
                "example.org,C" + std::to_string(i % 3) + "," +
                (i % 4 == 0 ? "2026-06-01T10:00:00+02:00" : "2026-06-01") + "," +
                (changed ? "2020-01-01" : "") + "\n";
      }
      return text;
    };
    auto first = import_text(t.store, file(9000, 0));
    REQUIRE(first.has_value());
    CHECK(first->mentors_inserted == 3000);
    CHECK(first->certifications_inserted == 9000);
    CHECK(first->mentors_updated + first->certifications_updated == 0);
    auto same = import_text(t.store, file(9000, 0));
    REQUIRE(same.has_value());
    CHECK(same->mentors_inserted + same->mentors_updated + same->certifications_inserted +
              same->certifications_updated ==
          0);
    auto changed = import_text(t.store, file(9300, 7));
    REQUIRE(changed.has_value());
    CHECK(changed->rows == 9300);
    CHECK(changed->mentors_inserted == 100);                 // m3000 .. m3099
    CHECK(changed->mentors_updated == 300);                  // every 10th of m0 .. m2999
    CHECK(changed->certifications_inserted == 300);          // rows 9000 .. 9299
    CHECK(changed->certifications_updated == 9000 / 7 + 1);  // rows 0, 7, .. 8995
  }

  TEST_CASE("a bad row at the end of a large file leaves the database as it was") {
    TestDatabase t;
    REQUIRE(import_text(t.store, kGoodFile).has_value());
    t.db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto before = read_bytes(t.file);
    const auto wal_before = read_bytes(t.file.string() + "-wal");
    std::string text = "mentor_id,name,email,certification,expires_at\n";
    for (int i = 0; i < 30000; ++i) {
      text += "b" + std::to_string(i) + ",Mentor,b" + std::to_string(i) +
              "@example.org,First Aid,2026-06-01\n";
    }
    text += "m1,Ana Lopez,ana@example.org,First Aid,2026-06-31\n";  // line 30002
    auto result = import_text(t.store, text);
    CHECK(errors_of(result) ==
          testing::joined(Lines{"line 30002: expires_at: '2026-06-31' is not a date (use "
                                "YYYY-MM-DD or RFC 3339)"}));
    CHECK(read_bytes(t.file) == before);
    CHECK(read_bytes(t.file.string() + "-wal") == wal_before);
    CHECK(t.count("SELECT count(*) FROM mentors") == 2);
    CHECK(t.count("SELECT count(*) FROM certifications") == 3);
  }
}
