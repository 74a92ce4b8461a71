package dev.freight.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.JarServer;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox survives a kill -9: a packaged server that dies after a job's change was committed,
 * but before its event was delivered, leaves the event in PostgreSQL, and the next server on that
 * database delivers it. Nothing of the dead process is kept but the database.
 */
class WebhooksCrashIT {
  private static final String TOKEN = "webhooks-crash-token-0123456789abcdefghijk";
  private static final byte[] GOOD = "id,title\nS1,One\n".getBytes(StandardCharsets.UTF_8);

  private final List<JarServer> servers = new ArrayList<>();
  private String database;

  @BeforeEach
  void database() {
    database = "freight_webhooks_crash_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    TestServer.sql("CREATE DATABASE " + database);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (JarServer server : servers) {
      server.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A packaged server with a data dir of its own on the test's database, ready to answer. */
  private Client start(Map<String, String> settings) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("FREIGHT_WEBHOOKS_FIRST_RETRY_SECONDS", "1"));
    env.putAll(settings);
    JarServer server = JarServer.node(database, TOKEN, env);
    servers.add(server);
    return server.client(TOKEN);
  }

  @Test
  void aServerKilledBeforeDeliveringAnEventLeavesItToTheNextServer() throws Exception {
    // The first server may not reach the loopback receiver, and after its one attempt (on the
    // change) it looks for retries only once an hour: the event stays undelivered in the outbox.
    Client doomed =
        start(
            Map.of(
                "FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false",
                "FREIGHT_WEBHOOKS_POLL_SECONDS", "3600"));
    try (Receiver receiver = Receiver.answering(200)) {
      JsonObject webhook =
          WebhooksTest.subscribe(doomed, receiver.url("/crash"), "import.ready_for_review");
      long webhookId = webhook.getLong("id");
      long job = Imports.upload(doomed, "standard.csv", GOOD).bodyAsJsonObject().getLong("id");
      doomed.awaitStatus(Imports.PATH + job + "/", "ready_for_review");
      JsonArray beforeKill =
          WebhooksTest.awaitDeliveries(
              doomed,
              webhookId,
              list ->
                  list.size() == 1 && list.getJsonObject(0).getJsonArray("attempts").size() == 1);
      assertThat(beforeKill.getJsonObject(0).getString("status")).isEqualTo("pending");

      servers.get(0).process.destroyForcibly().waitFor(); // kill -9
      assertThat(receiver.received).as("nothing reached the receiver before the kill").isEmpty();

      Client next = start(Map.of("FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"));
      List<Receiver.Received> received = receiver.await(1);
      for (Receiver.Received request : received) {
        JsonObject event = request.json();
        assertThat(request.path()).isEqualTo("/crash");
        assertThat(request.signedWith(webhook.getString("secret"))).isTrue();
        assertThat(event.getString("type")).isEqualTo("import.ready_for_review");
        assertThat(event.getJsonObject("data").getLong("id")).isEqualTo(job);
        assertThat(event.getJsonObject("data").getString("status")).isEqualTo("ready_for_review");
      }
      assertThat(received.stream().map(r -> r.json().getString("id")).distinct())
          .as("one event, however many times it is sent")
          .hasSize(1);
      JsonObject delivery =
          WebhooksTest.awaitDeliveries(
                  next,
                  webhookId,
                  list ->
                      list.size() == 1
                          && list.getJsonObject(0).getString("status").equals("succeeded"))
              .getJsonObject(0);
      JsonArray attempts = delivery.getJsonArray("attempts");
      assertThat(attempts.getJsonObject(0).getString("error")).contains("private address");
      assertThat(attempts.getJsonObject(attempts.size() - 1).getInteger("status_code"))
          .isEqualTo(200);
    }
  }
}
