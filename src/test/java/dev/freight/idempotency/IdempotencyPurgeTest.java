package dev.freight.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys past retention are deleted by the purge, which runs at start and then periodically. */
class IdempotencyPurgeTest {
  @Test
  void keysPastRetentionArePurgedOthersKept() throws InterruptedException {
    TestServer server = TestServer.start(Map.of("FREIGHT_IDEMPOTENCY_RETENTION_HOURS", "2"));
    try {
      for (String key : new String[] {"old", "recent"}) {
        int status =
            server
                .admin()
                .request(HttpMethod.POST, "/api/v2/library/export/")
                .putHeader("Idempotency-Key", key)
                .sendJsonObject(new JsonObject().put("type", "template"))
                .await()
                .statusCode();
        assertThat(status).isEqualTo(201);
      }
      server.query(
          "UPDATE idempotency_keys SET created = now() - interval '121 minutes'"
              + " WHERE key = 'old' RETURNING 1");
      server.query(
          "UPDATE idempotency_keys SET created = now() - interval '119 minutes'"
              + " WHERE key = 'recent' RETURNING 1");

      server = server.restart();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (server.count("SELECT count(*) FROM idempotency_keys WHERE key = 'old'") > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(server.count("SELECT count(*) FROM idempotency_keys WHERE key = 'old'")).isZero();
      assertThat(server.count("SELECT count(*) FROM idempotency_keys WHERE key = 'recent'"))
          .isEqualTo(1);
    } finally {
      server.close();
    }
  }
}
