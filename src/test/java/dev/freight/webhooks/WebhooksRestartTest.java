package dev.freight.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outbox outlives the server: an event committed with its change is sent after a restart. */
class WebhooksRestartTest {
  private static final byte[] GOOD = "id,title\nS1,One\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void anEventNotYetDeliveredWhenTheServerStopsIsDeliveredAfterItsRestart() {
    // The first server may not reach the loopback receiver: the event waits in the outbox.
    Map<String, String> unable = new HashMap<>(WebhooksTest.SETTINGS);
    unable.put("FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false");
    TestServer server = TestServer.start(unable);
    try (Receiver receiver = Receiver.answering(200)) {
      Client admin = server.admin();
      JsonObject webhook =
          WebhooksTest.subscribe(admin, receiver.url("/"), "import.ready_for_review");
      long job = Imports.upload(admin, "standard.csv", GOOD).bodyAsJsonObject().getLong("id");
      Imports.settle(admin, job);
      server = server.restart(Map.of("FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"));

      List<Receiver.Received> received = receiver.await(1);
      JsonObject event = received.get(0).json();
      assertThat(event.getString("type")).isEqualTo("import.ready_for_review");
      assertThat(event.getJsonObject("data").getLong("id")).isEqualTo(job);
      assertThat(received.get(0).signedWith(webhook.getString("secret"))).isTrue();
      JsonObject delivery =
          WebhooksTest.awaitDeliveries(
                  server.admin(),
                  webhook.getLong("id"),
                  list ->
                      list.size() == 1
                          && list.getJsonObject(0).getString("status").equals("succeeded"))
              .getJsonObject(0);
      assertThat(delivery.getJsonArray("attempts").getJsonObject(0).getString("error"))
          .as("none reached the receiver before the restart")
          .satisfiesAnyOf(
              error -> assertThat(error).isNull(), error -> assertThat(error).contains("private"));
    } finally {
      server.close();
    }
  }
}
