package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many more requests than request connections, while an import runs: the requests beyond the
 * bounded wait answer 503 with Retry-After at once (never a 500, never a long wait), and the job,
 * on a pool of its own, finishes.
 */
class OverloadTest {
  private static final int CLIENTS = 200;

  @Test
  void saturatedRequestsAnswer503QuicklyAndJobsStillFinish() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "FREIGHT_DB_POOL_SIZE", "1",
                "FREIGHT_DB_MAX_WAITING_REQUESTS", "2",
                "FREIGHT_DB_REQUEST_WAIT_MS", "200"))) {
      Client admin = server.admin();
      StringBuilder csv = new StringBuilder("id,title,priority,active\n");
      for (int i = 0; i < 100_000; i++) {
        csv.append("L").append(i).append(",Standard ").append(i).append(",1,true\n");
      }
      long id =
          Imports.upload(admin, "standard.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
              .bodyAsJsonObject()
              .getLong("id");

      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < CLIENTS; i++) {
        answers.add(
            admin.request(HttpMethod.GET, "/api/v2/library/standards/?search=" + i % 10).send());
      }
      int unavailable = 0;
      for (Future<HttpResponse<Buffer>> answer : answers) {
        HttpResponse<Buffer> response = answer.await(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.bodyAsString()).isIn(200, 503);
        if (response.statusCode() == 503) {
          unavailable++;
          assertThat(response.getHeader("Retry-After")).isEqualTo("2");
          assertThat(response.bodyAsJsonObject().getString("detail")).contains("busy");
        }
      }
      assertThat(unavailable).as("a saturated pool refuses rather than queues").isPositive();
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
          .as("every answer came soon")
          .isLessThan(30);

      assertThat(Imports.settle(admin, id).getString("status")).isEqualTo("ready_for_review");
      assertThat(Imports.accept(admin, id).getString("status")).isEqualTo("success");
    }
  }
}
