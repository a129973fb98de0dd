#include "delivery/webhook.hpp"

#include "core/reminders/expiry_check.hpp"
#include "core/reminders/message_test_support.hpp"
#include "delivery/curl_library.hpp"
#include "delivery/factory.hpp"
#include "delivery/http_client.hpp"
#include "delivery/http_test_server.hpp"
#include "store/reminder_test_support.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace certcron::reminders;
using certcron::delivery::url_for_messages;
using certcron::delivery::WebhookDelivery;
using certcron::delivery::testing::HttpTestServer;

namespace {

Message sample() {
  Message m = sample_message();
  m.from.clear();
  m.to_name = "Zoë";
  m.to_email = "zoe@example.org";
  m.body = "Hello Zoë,\n";
  m.date = *certcron::util::parse_rfc3339("2026-04-04T02:00:00Z");
  m.mentor_id = "m1";
  m.certification = "First Aid";
  m.expires_on = "2026-04-10";
  m.days_left = 6;
  m.threshold = 7;
  return m;
}

}  // namespace

TEST_SUITE("delivery.webhook") {
  TEST_CASE("a message is POSTed as JSON and a 2xx answer is success") {
    HttpTestServer server({204});
    WebhookDelivery webhook(server.url(), std::chrono::seconds{5});
    REQUIRE(webhook.deliver(sample()).has_value());
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].head.starts_with("POST /hook HTTP/1.1\r\n"));
    CHECK(requests[0].head.find("Content-Type: application/json") != std::string::npos);
    CHECK(requests[0].head.find("Idempotency-Key: " + sample().message_id) != std::string::npos);
    const auto json = nlohmann::json::parse(requests[0].body);
    CHECK(json.at("message_id") == sample().message_id);
    CHECK(json.at("to") == "=?UTF-8?B?Wm/Dqw==?= <zoe@example.org>");
    CHECK(json.at("name") == "Zoë");
    CHECK(json.at("email") == "zoe@example.org");
    CHECK(json.at("mentor_id") == "m1");
    CHECK(json.at("certification") == "First Aid");
    CHECK(json.at("expires_on") == "2026-04-10");
    CHECK(json.at("days_left") == 6);
    CHECK(json.at("threshold") == 7);
    CHECK(json.at("expired") == false);
    CHECK(json.at("subject") == sample().subject);
    CHECK(json.at("body") == "Hello Zoë,\n");
  }

  TEST_CASE("a non-2xx answer is a failure giving the status and the start of the answer") {
    HttpTestServer server({500});
    WebhookDelivery webhook(server.url(), std::chrono::seconds{5});
    auto delivered = webhook.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    CHECK(delivered.error().message ==
          "webhook " + server.url("") + "/\u2026 answered HTTP 500: something broke on the "
          "receiving side");
  }

  TEST_CASE("an error names the webhook's host, never its secret path, query or password") {
    HttpTestServer server({500});
    const std::string secret = "T0000/B0000/XXXXsecretXXXX";
    WebhookDelivery webhook("http://user:hunter2@" + server.url("").substr(7) + "/services/" +
                                secret + "?token=abc",
                            std::chrono::seconds{5});
    auto delivered = webhook.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    const std::string& message = delivered.error().message;
    CHECK(message.starts_with("webhook " + server.url("") + "/\u2026 answered HTTP 500"));
    CHECK(message.find(secret) == std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find("token=abc") == std::string::npos);
  }

  TEST_CASE("url_for_messages keeps scheme, host and port only") {
    CHECK(url_for_messages("https://hooks.example.org/services/a/b") ==
          "https://hooks.example.org/\u2026");
    CHECK(url_for_messages("https://u:p@hooks.example.org:8443?k=v") ==
          "https://hooks.example.org:8443/\u2026");
    CHECK(url_for_messages("http://127.0.0.1:9000/") == "http://127.0.0.1:9000");
    CHECK(url_for_messages("http://127.0.0.1:9000") == "http://127.0.0.1:9000");
    CHECK(url_for_messages("no scheme/secret") == "(a URL without a scheme)");
  }

  TEST_CASE("a receiver that never answers fails after the timeout") {
    HttpTestServer server({0});
    WebhookDelivery webhook(server.url(), std::chrono::seconds{1});
    const auto start = std::chrono::steady_clock::now();
    auto delivered = webhook.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    CHECK(delivered.error().message.find("webhook " + server.url("") + "/\u2026: ") == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{8});
  }

  TEST_CASE("a refused connection is a failure") {
    int port = 0;
    {
      HttpTestServer closed({}, 0, std::chrono::seconds{1});
      port = std::stoi(closed.url().substr(17));
    }
    WebhookDelivery webhook("http://127.0.0.1:" + std::to_string(port) + "/hook",
                            std::chrono::seconds{2});
    CHECK_FALSE(webhook.deliver(sample()).has_value());
  }

  TEST_CASE("a missing libcurl is a clear error telling what to install") {
    WebhookDelivery webhook("http://127.0.0.1:9/hook", std::chrono::seconds{1},
                            "libcurl-certcron-missing.so.4");
    auto delivered = webhook.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    CHECK(delivered.error().message.find("webhook delivery needs libcurl") == 0);
    CHECK(delivered.error().message.find("apt-get install libcurl4") != std::string::npos);
  }

  TEST_CASE("a 500 is counted in errors, kept out of the ledger and delivered on the retry run") {
    testing::TestDatabase t;
    REQUIRE(testing::import_text(t.store,
                                 "mentor_id,name,email,certification,expires_at\n"
                                 "m1,Ana,ana@example.org,First Aid,2026-03-31\n"
                                 "m2,Bo,bo@example.org,CPR,2026-02-27\n")
                .has_value());
    HttpTestServer server({500, 200, 200});
    WebhookDelivery webhook(server.url(), std::chrono::seconds{5});
    auto zone = certcron::schedule::TimeZone::locate("UTC");
    REQUIRE(zone.has_value());
    CheckOptions options;
    options.now = *certcron::util::parse_rfc3339("2026-03-01T02:00:00Z");
    auto first = run_expiry_check(t.store, webhook, ReminderConfig{}, *zone, options);
    REQUIRE(first.has_value());
    CHECK(first->errors == 1);  // Bo's expired reminder came first and got the 500
    CHECK(first->reminders_sent == 1);
    CHECK(t.count("SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'") == 1);
    CHECK(t.count("SELECT count(*) FROM reminder_ledger l JOIN certifications c ON c.id = "
                  "l.certification_id WHERE c.mentor_id = 'm2'") == 0);
    auto retry = run_expiry_check(t.store, webhook, ReminderConfig{}, *zone, options);
    REQUIRE(retry.has_value());
    CHECK(retry->errors == 0);
    CHECK(retry->reminders_sent == 1);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].body == requests[2].body);  // the retry is the same message
    const auto json = nlohmann::json::parse(requests[2].body);
    CHECK(json.at("threshold") == kExpiredThreshold);
    CHECK(json.at("expired") == true);
    CHECK(json.at("days_left") == -2);
  }
}

TEST_SUITE("delivery.factory") {
  TEST_CASE("the factory builds each kind and rejects incomplete settings by config key") {
    using certcron::delivery::make_delivery;
    DeliveryConfig config;
    CHECK(make_delivery(config, "/tmp/state").has_value());
    config.kind = DeliveryKind::command;
    auto missing_command = make_delivery(config, "/tmp/state");
    REQUIRE_FALSE(missing_command.has_value());
    CHECK(missing_command.error().fields.count("reminders.delivery.command") == 1);
    config.command = "sendmail -t -oi";
    CHECK(make_delivery(config, "/tmp/state").has_value());
    config.kind = DeliveryKind::webhook;
    config.url = "ftp://example.org";
    auto bad_url = make_delivery(config, "/tmp/state", "alerts");
    REQUIRE_FALSE(bad_url.has_value());
    CHECK(bad_url.error().fields.count("alerts.delivery.url") == 1);
    config.url = "https://hooks.example.org/certcron";
    CHECK(make_delivery(config, "/tmp/state").has_value());
    config.timeout_seconds = 0;
    CHECK(make_delivery(config, "/tmp/state")
              .error()
              .fields.count("reminders.delivery.timeout_seconds") == 1);
  }

  TEST_CASE("the default outbox is in the state folder") {
    testing::ScratchDir dir;
    auto delivery = certcron::delivery::make_delivery(DeliveryConfig{}, dir.path());
    REQUIRE(delivery.has_value());
    Message m;
    m.message_id = "<abc@certcron>";
    m.to_email = "a@example.org";
    REQUIRE((*delivery)->deliver(m).has_value());
    CHECK(std::filesystem::exists(dir / "outbox" / "abc@certcron.eml"));
  }
}
