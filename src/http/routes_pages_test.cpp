#include "http/api_test_support.hpp"

#include <doctest/doctest.h>

namespace certcron::http {
namespace {

using testing::header_of;

// The routes' fixture, with a way to create a job through the API.
struct PagesFixture : testing::ApiFixture {
  using ApiFixture::ApiFixture;

  void create(const std::string& name) {
    const Response created =
        call("POST", "/api/v1/certification-cron",
             R"({"name":")" + name + R"(","cron_expression":"0 2 * * *"})",
             {{"authorization", "Bearer " + context.token}});
    REQUIRE(created.status == 201);
  }
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* kToken = "s3cret+/token=";

}  // namespace

TEST_SUITE("http.pages") {
  TEST_CASE("without a token, / and a job's page are HTML that no one caches") {
    PagesFixture pages;
    pages.create("nightly <b>");
    const Response overview = pages.call("GET", "/");
    REQUIRE(overview.status == 200);
    CHECK(header_of(overview, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header_of(overview, "Cache-Control") == "no-store");
    CHECK(contains(header_of(overview, "Content-Security-Policy"), "default-src 'none'"));
    CHECK(contains(overview.body, "nightly &lt;b&gt;"));
    const Response job = pages.call("GET", "/jobs/cron-001");
    REQUIRE(job.status == 200);
    CHECK(contains(job.body, "Ping URL"));
    CHECK(contains(job.body, "http://127.0.0.1:8080/ping/"));
    const Response by_name = pages.call("GET", "/jobs/nightly%20%3Cb%3E");
    CHECK(by_name.status == 200);
    const Response missing = pages.call("GET", "/jobs/cron-404");
    CHECK(missing.status == 404);
    CHECK(header_of(missing, "Content-Type") == "text/html; charset=utf-8");
    CHECK(contains(missing.body, "Not found"));
  }

  TEST_CASE("with a token: the login form, ?token= turns into a cookie, the cookie opens pages") {
    PagesFixture pages(kToken);
    pages.create("nightly");
    const Response asked = pages.call("GET", "/jobs/cron-001?x=1");
    CHECK(asked.status == 401);
    CHECK(contains(asked.body, R"(<form method="post" action="/login">)"));
    CHECK(contains(asked.body, R"(name="next" value="/jobs/cron-001?x=1")"));
    CHECK_FALSE(contains(asked.body, "nightly"));

    const Response wrong = pages.call("GET", "/?token=nope");
    CHECK(wrong.status == 401);
    CHECK(contains(wrong.body, "not this server"));
    CHECK(header_of(wrong, "Set-Cookie").empty());

    const Response linked = pages.call("GET", "/jobs/cron-001?x=1&token=s3cret%2B%2Ftoken%3D&y=2");
    REQUIRE(linked.status == 303);
    CHECK(header_of(linked, "Location") == "/jobs/cron-001?x=1&y=2");
    const std::string cookie = header_of(linked, "Set-Cookie");
    CHECK(cookie == "certcron_token=s3cret%2B%2Ftoken%3D; Path=/; HttpOnly; SameSite=Strict");

    const std::string sent = cookie.substr(0, cookie.find(';'));
    const Response opened = pages.call("GET", "/", "", {{"cookie", "other=1; " + sent}});
    CHECK(opened.status == 200);
    CHECK(contains(opened.body, "nightly"));
    CHECK(pages.call("GET", "/", "", {{"cookie", "certcron_token=s3cret"}}).status == 401);
    CHECK(pages.call("GET", "/", "", {{"authorization", std::string("Bearer ") + kToken}}).status ==
          200);
  }

  TEST_CASE("the login form sets the cookie and returns to a page of this server only") {
    PagesFixture pages(kToken);
    const Response signed_in = pages.call(
        "POST", "/login", "token=s3cret%2B%2Ftoken%3D&next=%2Fjobs%2Fcron-001",
        {{"content-type", "application/x-www-form-urlencoded"}});
    REQUIRE(signed_in.status == 303);
    CHECK(header_of(signed_in, "Location") == "/jobs/cron-001");
    CHECK(contains(header_of(signed_in, "Set-Cookie"), "; HttpOnly; SameSite=Strict"));
    for (const char* next : {"%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F",
                             "%2F%5Cevil.example", "%2Fa%0D%0ASet-Cookie%3A+x"}) {
      CAPTURE(next);
      const Response away =
          pages.call("POST", "/login", std::string("token=s3cret%2B%2Ftoken%3D&next=") + next);
      CHECK(header_of(away, "Location") == "/");
    }
    const Response refused = pages.call("POST", "/login", "token=wrong&next=%2F");
    CHECK(refused.status == 401);
    CHECK(header_of(refused, "Set-Cookie").empty());
  }

  TEST_CASE("the API's token rule is unchanged by the pages' cookie") {
    PagesFixture pages(kToken);
    const Response api = pages.call("GET", "/api/v1/certification-cron", "",
                                    {{"cookie", "certcron_token=s3cret%2B%2Ftoken%3D"}});
    CHECK(api.status == 401);
  }
}

}  // namespace certcron::http
