package dev.freight.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerTest;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import dev.freight.webhooks.Receiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: Prometheus text of what an operator watches, for superusers only. */
class MetricsTest extends ServerTest {
  private static final byte[] TWO_ROWS =
      "id,title\nM1,One\nM2,Two\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** The value of the first sample whose line starts with {@code series}. */
  private static double sample(String text, String series) {
    Matcher line =
        Pattern.compile("^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
            .matcher(text);
    assertThat(line.find()).as(series + " in\n" + text).isTrue();
    return Double.parseDouble(line.group(1));
  }

  private static String scrape(Client client) {
    HttpResponse<Buffer> metrics = client.get("/metrics");
    assertThat(metrics.statusCode()).as(metrics.bodyAsString()).isEqualTo(200);
    assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
    return metrics.bodyAsString();
  }

  @Test
  void afterAnImportAndAnExportTheFamiliesAnOperatorWatchesAreThere() throws IOException {
    Imports.load(admin, "standard.csv", TWO_ROWS);
    long export =
        admin
            .post(
                "/api/v2/library/export/",
                new JsonObject()
                    .put("file_format", "csv")
                    .put("content_models", new io.vertx.core.json.JsonArray().add("standard")))
            .bodyAsJsonObject()
            .getLong("id");
    admin.awaitStatus("/api/v2/library/export/" + export + "/", "success");

    String text = scrape(admin);

    // Requests by route template (never by path: a job id is not a label) and status.
    assertThat(text)
        .containsPattern(
            "vertx_http_server_requests_total\\{[^}]*code=\"200\"[^}]*route=\"/api/v2/library/import/:job_id\"");
    assertThat(text).doesNotContainPattern("route=\"[^\"]*/[0-9]+/");
    assertThat(text).contains("vertx_http_server_response_time_seconds_bucket{");
    assertThat(sample(text, "vertx_http_server_bytes_read_total")).isPositive();
    assertThat(text).contains("freight_event_loop_lag_seconds_count{");
    // The database pool and the jobs' worker pool: in use, waiting, how long they waited.
    assertThat(text).containsPattern("vertx_pool_in_use\\{[^}]*pool_type=\"sql\"");
    assertThat(text).containsPattern("vertx_pool_queue_pending\\{[^}]*pool_name=\"freight-jobs\"");
    assertThat(text).contains("vertx_pool_queue_time_seconds_bucket{");
    // Jobs by kind and status, counted in PostgreSQL.
    assertThat(sample(text, "freight_jobs{kind=\"import_jobs\",status=\"success\"}")).isEqualTo(1);
    assertThat(sample(text, "freight_jobs{kind=\"export_jobs\",status=\"success\"}")).isEqualTo(1);
    assertThat(sample(text, "freight_rows_read_total")).isEqualTo(2);
    assertThat(sample(text, "freight_rows_diffed_total")).isEqualTo(2);
    assertThat(sample(text, "freight_rows_applied_total")).isEqualTo(2);
    assertThat(sample(text, "freight_rows_exported_total{kind=\"export_jobs\"}")).isEqualTo(2);

    // The Grafana dashboard shows only series that exist.
    Matcher used =
        Pattern.compile("\\b(?:vertx|freight|jvm)_[a-z_]+")
            .matcher(Files.readString(Path.of("deploy/grafana/freight-dashboard.json")));
    while (used.find()) {
      assertThat(text)
          .as("the dashboard's " + used.group())
          .containsPattern("(?m)^" + used.group() + "[{ ]");
    }
  }

  @Test
  void aWebhookDeliveryThatIsRetriedThenSucceedsMovesTheCounters() {
    // Answers 500, then 200: one retry, one success.
    try (Receiver receiver =
            Receiver.start(
                (request, n) -> request.response().setStatusCode(n == 1 ? 500 : 200).end());
        TestServer hooks =
            TestServer.start(
                Map.of(
                    "FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true",
                    "FREIGHT_WEBHOOKS_FIRST_RETRY_SECONDS", "1",
                    "FREIGHT_WEBHOOKS_POLL_SECONDS", "1"))) {
      Client hooksAdmin = hooks.admin();
      String before = scrape(hooksAdmin);
      assertThat(sample(before, "freight_webhook_deliveries_total{result=\"success\"}")).isZero();
      HttpResponse<Buffer> subscribed =
          hooksAdmin.post(
              "/api/v2/webhooks/",
              new JsonObject()
                  .put("url", receiver.url("/"))
                  .put(
                      "events", new io.vertx.core.json.JsonArray().add("import.ready_for_review")));
      assertThat(subscribed.statusCode()).as(subscribed.bodyAsString()).isEqualTo(201);
      long job =
          Imports.upload(hooksAdmin, "standard.csv", TWO_ROWS).bodyAsJsonObject().getLong("id");
      Imports.settle(hooksAdmin, job);

      long deadline = System.nanoTime() + 60_000_000_000L;
      String after = scrape(hooksAdmin);
      while (sample(after, "freight_webhook_deliveries_total{result=\"success\"}") < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
        after = scrape(hooksAdmin);
      }
      assertThat(sample(after, "freight_webhook_deliveries_total{result=\"success\"}"))
          .isEqualTo(1);
      assertThat(sample(after, "freight_webhook_deliveries_total{result=\"retry\"}")).isEqualTo(1);
      assertThat(sample(after, "freight_webhook_deliveries_total{result=\"failed\"}")).isZero();
      assertThat(sample(after, "freight_webhook_delivery_duration_seconds_count")).isEqualTo(2);
      assertThat(after).contains("freight_webhook_delivery_duration_seconds_bucket{");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void onlySuperusersReadThem() {
    assertThat(server.client(null).get("/metrics").statusCode()).isEqualTo(401);
    Client user = admin.createUser("metrics-reader@example.com", false);
    assertThat(user.get("/metrics").statusCode()).isEqualTo(403);
  }

  @Test
  void withAMetricsPortTheyAreServedThereWithoutAToken() {
    try (TestServer separate = TestServer.start(Map.of("FREIGHT_METRICS_PORT", "0"))) {
      Vertx vertx = Vertx.vertx();
      try {
        WebClient web = WebClient.create(vertx);
        HttpResponse<Buffer> metrics =
            web.get(separate.metricsPort(), "127.0.0.1", "/metrics").send().await();
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.bodyAsString()).contains("freight_event_loop_lag_seconds_count{");
        assertThat(web.get(separate.metricsPort(), "127.0.0.1", "/").send().await().statusCode())
            .isEqualTo(404);
      } finally {
        vertx.close().await();
      }
    }
  }
}
