package dev.freight.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against real receivers on loopback ports (so private targets are allowed here, and the
 * first retry comes after a second).
 */
class WebhooksTest {
  static final String WEBHOOKS = "/api/v2/webhooks/";
  static final Map<String, String> SETTINGS =
      Map.of(
          "FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true",
          "FREIGHT_WEBHOOKS_FIRST_RETRY_SECONDS", "1",
          "FREIGHT_WEBHOOKS_POLL_SECONDS", "1");
  private static final byte[] GOOD = "id,title\nS1,One\nS2,Two\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BAD = "id,title\nbad id!,Bad\n".getBytes(StandardCharsets.UTF_8);
  private static final String LIBRARY_EXPORTS = "/api/v2/library/export/";

  private static TestServer server;
  private static Client admin;

  @BeforeAll
  static void start() {
    server = TestServer.start(SETTINGS);
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject subscribe(Client client, String url, String... events) {
    HttpResponse<Buffer> created =
        client.post(
            WEBHOOKS,
            new JsonObject().put("url", url).put("events", new JsonArray(List.of(events))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject();
  }

  /** Polls the subscription's deliveries until {@code reached}; fails after a minute. */
  static JsonArray awaitDeliveries(Client client, long webhook, Predicate<JsonArray> reached) {
    return client
        .await(
            WEBHOOKS + webhook + "/deliveries/",
            "deliveries as expected",
            page -> reached.test(page.getJsonArray("results")))
        .getJsonArray("results");
  }

  private static long upload(byte[] content) {
    return Imports.upload(admin, "standard.csv", content).bodyAsJsonObject().getLong("id");
  }

  private static String importPath(long id) {
    return Imports.PATH + id + "/";
  }

  @Test
  void everyEventTypeArrivesSignedWithTheJobAsItsGetAnswers() throws IOException {
    try (Receiver receiver = Receiver.answering(204)) {
      JsonObject webhook =
          subscribe(
              admin,
              receiver.url("/events"),
              "import.ready_for_review",
              "import.success",
              "import.fail",
              "import.cancel",
              "library_export.success",
              "library_export.fail",
              "export.completed",
              "export.failed");
      long succeeded = upload(GOOD);
      Imports.settle(admin, succeeded);
      Imports.accept(admin, succeeded);
      long failed = upload(BAD);
      assertThat(Imports.settle(admin, failed).getString("status")).isEqualTo("fail");
      long cancelled = upload(GOOD);
      Imports.settle(admin, cancelled);
      assertThat(Imports.patch(admin, cancelled, "cancel").statusCode()).isEqualTo(200);
      String libraryExport = libraryExport();
      String v1Export = v1Export();
      String[] broken = withoutSpool(() -> new String[] {libraryExport(), v1Export()});

      List<String> expected =
          List.of(
              "import.ready_for_review " + importPath(succeeded),
              "import.success " + importPath(succeeded),
              "import.fail " + importPath(failed),
              "import.ready_for_review " + importPath(cancelled),
              "import.cancel " + importPath(cancelled),
              "library_export.success " + libraryExport,
              "library_export.fail " + broken[0],
              "export.completed " + v1Export,
              "export.failed " + broken[1]);
      List<Receiver.Received> received = receiver.await(expected.size());
      assertThat(received.stream().map(r -> r.json().getString("type") + " " + jobPath(r.json())))
          .containsExactlyInAnyOrderElementsOf(expected);
      for (Receiver.Received request : received) {
        JsonObject event = request.json();
        String type = event.getString("type");
        assertThat(request.path()).isEqualTo("/events");
        assertThat(request.signedWith(webhook.getString("secret"))).as(type + " signed").isTrue();
        assertThat(request.signedWith("another secret")).isFalse();
        assertThat(event.fieldNames()).containsExactlyInAnyOrder("id", "type", "created", "data");
        JsonObject data = event.getJsonObject("data");
        assertThat(data.getString("status")).as(type).isEqualTo(type.replaceFirst(".*\\.", ""));
        if (!type.equals("import.ready_for_review")) {
          assertThat(data)
              .as(type + ": the job as its GET answers")
              .isEqualTo(admin.get(jobPath(event)).bodyAsJsonObject());
        }
      }
      long webhookId = webhook.getLong("id");
      JsonArray deliveries =
          awaitDeliveries(
              admin,
              webhookId,
              list ->
                  list.size() == expected.size()
                      && list.stream()
                          .allMatch(d -> ((JsonObject) d).getString("status").equals("succeeded")));
      assertThat(
              deliveries
                  .getJsonObject(0)
                  .getJsonArray("attempts")
                  .getJsonObject(0)
                  .getInteger("status_code"))
          .isEqualTo(204);
      admin
          .request(io.vertx.core.http.HttpMethod.DELETE, WEBHOOKS + webhookId + "/")
          .send()
          .await();
    }
  }

  /** The path of the GET that answers the event's job. */
  private static String jobPath(JsonObject event) {
    Object id = event.getJsonObject("data").getValue("id");
    String type = event.getString("type");
    return type.startsWith("import.")
        ? Imports.PATH + id + "/"
        : type.startsWith("library_export.")
            ? LIBRARY_EXPORTS + id + "/"
            : "/api/v1/exports/" + id + "/";
  }

  private static String libraryExport() {
    HttpResponse<Buffer> created = admin.post(LIBRARY_EXPORTS, new JsonObject());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String path = LIBRARY_EXPORTS + created.bodyAsJsonObject().getLong("id") + "/";
    admin.awaitStatus(path, "success", "fail");
    return path;
  }

  private static String v1Export() {
    HttpResponse<Buffer> created =
        admin.post("/api/v2/library/standards/export/", new JsonObject());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String path = "/api/v1/exports/" + created.bodyAsJsonObject().getString("id") + "/";
    admin.awaitStatus(path, "completed", "failed");
    return path;
  }

  /** Runs exports while a file stands where their spool directory should be, so they fail. */
  private static <T> T withoutSpool(Supplier<T> exports) throws IOException {
    Path spool = server.dataDir().resolve("spool");
    try (Stream<Path> files = Files.walk(spool)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    Files.writeString(spool, "in the way");
    try {
      return exports.get();
    } finally {
      Files.delete(spool);
      Files.createDirectories(spool);
    }
  }

  @Test
  void aReceiverAnswering500TwiceThen200GetsThreeAttemptsAllListed() {
    try (Receiver receiver =
        Receiver.start(
            (request, n) -> request.response().setStatusCode(n <= 2 ? 500 : 200).end())) {
      JsonObject webhook = subscribe(admin, receiver.url("/"), "import.cancel");
      long job = upload(GOOD);
      Imports.settle(admin, job);
      Imports.patch(admin, job, "cancel");

      List<Receiver.Received> received = receiver.await(3);
      assertThat(received.stream().map(r -> r.json().getString("id")).distinct())
          .as("one event, sent three times")
          .hasSize(1);
      JsonArray deliveries =
          awaitDeliveries(
              admin,
              webhook.getLong("id"),
              list ->
                  list.size() == 1
                      && list.getJsonObject(0).getString("status").equals("succeeded"));
      JsonObject delivery = deliveries.getJsonObject(0);
      assertThat(delivery.getValue("next_attempt")).isNull();
      assertThat(delivery.getJsonObject("event").getString("type")).isEqualTo("import.cancel");
      JsonArray attempts = delivery.getJsonArray("attempts");
      assertThat(attempts.stream().map(a -> ((JsonObject) a).getInteger("status_code")))
          .containsExactly(500, 500, 200);
      assertThat(attempts.getJsonObject(0).getString("error")).isEqualTo("answered 500");
      assertThat(attempts.getJsonObject(2).getValue("error")).isNull();
      assertThat(receiver.received).hasSize(3);

      // A redelivery sends the same event once more.
      HttpResponse<Buffer> again =
          admin.post(
              WEBHOOKS
                  + webhook.getLong("id")
                  + "/deliveries/"
                  + delivery.getLong("id")
                  + "/redeliver/",
              new JsonObject());
      assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(202);
      assertThat(receiver.await(4).get(3).json().getString("id"))
          .isEqualTo(received.get(0).json().getString("id"));
      deactivate(webhook);
    }
  }

  @Test
  void redirectsAreNotFollowed() {
    try (Receiver receiver =
        Receiver.start(
            (request, n) ->
                request.response().setStatusCode(302).putHeader("Location", "/elsewhere").end())) {
      JsonObject webhook = subscribe(admin, receiver.url("/hook"), "import.cancel");
      long job = upload(GOOD);
      Imports.settle(admin, job);
      Imports.patch(admin, job, "cancel");
      JsonArray deliveries =
          awaitDeliveries(
              admin,
              webhook.getLong("id"),
              list ->
                  list.size() == 1 && list.getJsonObject(0).getJsonArray("attempts").size() >= 1);
      JsonObject attempt = deliveries.getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
      assertThat(attempt.getInteger("status_code")).isEqualTo(302);
      assertThat(deliveries.getJsonObject(0).getString("status")).isEqualTo("pending");
      deactivate(webhook);
      assertThat(receiver.received).allSatisfy(r -> assertThat(r.path()).isEqualTo("/hook"));
    }
  }

  @Test
  void aReceiverThatNeverAnswersCostsTheRequestNothing() {
    // Answers nothing, ever: each attempt ends with the 10 s total timeout.
    try (Receiver receiver = Receiver.start((request, n) -> {})) {
      JsonObject webhook = subscribe(admin, receiver.url("/"), "import.cancel");
      long job = upload(GOOD);
      Imports.settle(admin, job);
      long started = System.nanoTime();
      assertThat(Imports.patch(admin, job, "cancel").statusCode()).isEqualTo(200);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      receiver.await(1);
      assertThat(tookMs).as("the cancel's answer waits for no delivery").isLessThan(3_000);
      JsonArray deliveries =
          awaitDeliveries(
              admin,
              webhook.getLong("id"),
              list ->
                  list.size() == 1 && list.getJsonObject(0).getJsonArray("attempts").size() >= 1);
      JsonObject attempt = deliveries.getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
      assertThat(attempt.getValue("status_code")).isNull();
      assertThat(attempt.getString("error")).contains("10 s");
      assertThat(attempt.getInteger("duration_ms")).isBetween(9_000, 20_000);
      deactivate(webhook);
    }
  }

  @Test
  void aPrivateTargetIsRefusedUnlessAllowed() {
    try (TestServer strict = TestServer.start();
        Receiver receiver = Receiver.answering(200)) {
      Client strictAdmin = strict.admin();
      JsonObject webhook = subscribe(strictAdmin, receiver.url("/"), "import.ready_for_review");
      long job = Imports.upload(strictAdmin, "standard.csv", GOOD).bodyAsJsonObject().getLong("id");
      Imports.settle(strictAdmin, job);
      JsonArray deliveries =
          awaitDeliveries(
              strictAdmin,
              webhook.getLong("id"),
              list ->
                  list.size() == 1 && list.getJsonObject(0).getJsonArray("attempts").size() >= 1);
      JsonObject attempt = deliveries.getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
      assertThat(attempt.getString("error")).contains("private address 127.0.0.1");
      assertThat(attempt.getValue("status_code")).isNull();
      assertThat(receiver.received).isEmpty();
    }
  }

  @Test
  void onlySuperusersManageWebhooksAndTheSecretShowsOnlyOnCreateAndRotation() {
    Client user = admin.createUser("webhooks-user@example.com", false);
    assertThat(user.get(WEBHOOKS).statusCode()).isEqualTo(403);
    assertThat(
            user.post(
                    WEBHOOKS,
                    new JsonObject()
                        .put("url", "https://example.com/")
                        .put("events", new JsonArray().add("import.success")))
                .statusCode())
        .isEqualTo(403);

    JsonObject created =
        subscribe(admin, "https://example.com/hook?x=1", "import.success", "export.failed");
    long id = created.getLong("id");
    String secret = created.getString("secret");
    assertThat(secret).startsWith("whsec_");
    assertThat(user.get(WEBHOOKS + id + "/").statusCode()).isEqualTo(403);
    assertThat(user.post(WEBHOOKS + id + "/secret/", new JsonObject()).statusCode()).isEqualTo(403);
    JsonObject shown = admin.get(WEBHOOKS + id + "/").bodyAsJsonObject();
    assertThat(shown.containsKey("secret")).isFalse();
    assertThat(shown.getString("url")).isEqualTo("https://example.com/hook?x=1");
    assertThat(shown.getBoolean("active")).isTrue();

    HttpResponse<Buffer> rotated = admin.post(WEBHOOKS + id + "/secret/", new JsonObject());
    assertThat(rotated.statusCode()).isEqualTo(200);
    assertThat(rotated.bodyAsJsonObject().getString("secret"))
        .startsWith("whsec_")
        .isNotEqualTo(secret);

    HttpResponse<Buffer> patched =
        admin.patch(
            WEBHOOKS + id + "/",
            new JsonObject()
                .put("active", false)
                .put("events", new JsonArray().add("import.fail")));
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().getBoolean("active")).isFalse();
    assertThat(patched.bodyAsJsonObject().getJsonArray("events")).containsExactly("import.fail");
    assertThat(patched.bodyAsJsonObject().getString("url"))
        .isEqualTo("https://example.com/hook?x=1");

    assertThat(
            admin
                .request(io.vertx.core.http.HttpMethod.DELETE, WEBHOOKS + id + "/")
                .send()
                .await()
                .statusCode())
        .isEqualTo(204);
    assertThat(admin.get(WEBHOOKS + id + "/").statusCode()).isEqualTo(404);
    assertThat(admin.get(WEBHOOKS + id + "/deliveries/").statusCode()).isEqualTo(404);
  }

  @Test
  void badSubscriptionsAre400s() {
    JsonArray events = new JsonArray().add("import.success");
    for (JsonObject bad :
        List.of(
            new JsonObject().put("url", "ftp://example.com/").put("events", events),
            new JsonObject().put("url", "not a url").put("events", events),
            new JsonObject().put("url", "http://exa mple.com/").put("events", events),
            new JsonObject().put("url", "https://" + "a".repeat(2050)).put("events", events),
            new JsonObject().put("url", "https://example.com/").put("events", new JsonArray()),
            new JsonObject()
                .put("url", "https://example.com/")
                .put("events", new JsonArray().add("import.started")),
            new JsonObject()
                .put("url", "https://example.com/")
                .put("events", events)
                .put("description", "x".repeat(501)),
            new JsonObject().put("events", events),
            new JsonObject().put("url", "https://example.com/"))) {
      HttpResponse<Buffer> refused = admin.post(WEBHOOKS, bad);
      assertThat(refused.statusCode())
          .as(bad.encode() + ": " + refused.bodyAsString())
          .isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("detail")).isNotBlank();
    }
    JsonObject webhook = subscribe(admin, "https://example.com/", "import.success");
    assertThat(
            admin
                .patch(
                    WEBHOOKS + webhook.getLong("id") + "/",
                    new JsonObject().put("url", "gopher://x"))
                .statusCode())
        .isEqualTo(400);
    assertThat(admin.patch(WEBHOOKS + webhook.getLong("id") + "/", new JsonObject()).statusCode())
        .isEqualTo(400);
    assertThat(admin.get(WEBHOOKS + "abc/").statusCode()).isEqualTo(400);
    assertThat(admin.get(WEBHOOKS + "999999/").statusCode()).isEqualTo(404);
    assertThat(
            admin
                .post(
                    WEBHOOKS + webhook.getLong("id") + "/deliveries/999/redeliver/",
                    new JsonObject())
                .statusCode())
        .isEqualTo(404);
    deactivate(webhook);
  }

  private static void deactivate(JsonObject webhook) {
    admin.patch(WEBHOOKS + webhook.getLong("id") + "/", new JsonObject().put("active", false));
  }
}
