package dev.freight.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Events whose deliveries all ended are purged past {@code webhooks.retention_days} (at start, then
 * every 10 minutes), their deliveries with them; a pending delivery is never purged.
 */
class WebhooksPurgeTest {
  private static final byte[] GOOD = "id,title\nS1,One\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void anEndedDeliveryIsPurgedPastRetentionAPendingOneStays() {
    Map<String, String> settings = new HashMap<>(WebhooksTest.SETTINGS);
    settings.put("FREIGHT_WEBHOOKS_RETENTION_DAYS", "0");
    TestServer server = TestServer.start(settings);
    try (Receiver ok = Receiver.answering(200);
        Receiver down = Receiver.answering(503)) {
      Client admin = server.admin();
      long delivered =
          WebhooksTest.subscribe(admin, ok.url("/"), "import.ready_for_review").getLong("id");
      long retried = WebhooksTest.subscribe(admin, down.url("/"), "import.cancel").getLong("id");
      long job = Imports.upload(admin, "standard.csv", GOOD).bodyAsJsonObject().getLong("id");
      Imports.settle(admin, job);
      Imports.patch(admin, job, "cancel");
      WebhooksTest.awaitDeliveries(
          admin,
          delivered,
          list ->
              list.size() == 1 && list.getJsonObject(0).getString("status").equals("succeeded"));
      WebhooksTest.awaitDeliveries(
          admin,
          retried,
          list -> list.size() == 1 && list.getJsonObject(0).getJsonArray("attempts").size() >= 1);
      assertThat(server.count("SELECT count(*) FROM webhook_events")).isEqualTo(2);

      server = server.restart(settings); // the purge runs at start
      Client restarted = server.admin();
      WebhooksTest.awaitDeliveries(restarted, delivered, JsonArray::isEmpty);
      JsonObject pending =
          restarted
              .get(WebhooksTest.WEBHOOKS + retried + "/deliveries/")
              .bodyAsJsonObject()
              .getJsonArray("results")
              .getJsonObject(0);
      assertThat(pending.getString("status")).isEqualTo("pending");
      assertThat(pending.getJsonObject("event").getString("type")).isEqualTo("import.cancel");
      assertThat(server.count("SELECT count(*) FROM webhook_events"))
          .as("the pending one's")
          .isEqualTo(1);
      assertThat(server.count("SELECT count(*) FROM webhook_deliveries")).isEqualTo(1);
    } finally {
      server.close();
    }
  }
}
