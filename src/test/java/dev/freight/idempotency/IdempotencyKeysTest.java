package dev.freight.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerTest;
import dev.freight.imports.Imports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key on the three creates, as a client that retries meets it: a retry after a lost
 * answer gets the first answer again and makes no second job; the key with another request is a
 * 422; racing requests make one job.
 */
class IdempotencyKeysTest extends ServerTest {
  private static final String LIBRARY_EXPORTS = "/api/v2/library/export/";
  private static final String STANDARDS_EXPORT = "/api/v2/library/standards/export/";
  private static final String V1_EXPORTS = "/api/v1/exports/";

  private static byte[] csv(String title) {
    return ("id,title\nT1," + title + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Future<HttpResponse<Buffer>> upload(Client client, String key, byte[] file) {
    MultipartForm form = MultipartForm.create();
    form.binaryFileUpload("files", "standard.csv", Buffer.buffer(file), "text/csv");
    return client
        .request(HttpMethod.POST, Imports.PATH)
        .putHeader("Idempotency-Key", key)
        .sendMultipartForm(form);
  }

  private static Future<HttpResponse<Buffer>> post(
      Client client, String path, String key, JsonObject body) {
    return client
        .request(HttpMethod.POST, path)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(body);
  }

  private static long count(Client client, String list) {
    return client.get(list + "?page_size=1").bodyAsJsonObject().getLong("count");
  }

  /** Ends an import, so that the next test may start one. */
  private static void cancelImport(HttpResponse<Buffer> created) {
    long id = created.bodyAsJsonObject().getLong("id");
    Imports.patch(admin, id, "cancel");
    admin.awaitStatus(Imports.PATH + id + "/", "cancel", "fail", "ready_for_review");
    if (admin
        .get(Imports.PATH + id + "/")
        .bodyAsJsonObject()
        .getString("status")
        .equals("ready_for_review")) {
      Imports.patch(admin, id, "cancel");
    }
  }

  private static void assertReplayOf(HttpResponse<Buffer> replay, HttpResponse<Buffer> first) {
    assertThat(first.getHeader("Idempotent-Replayed")).isNull();
    assertThat(replay.statusCode()).as(replay.bodyAsString()).isEqualTo(first.statusCode());
    assertThat(replay.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.bodyAsString()).isEqualTo(first.bodyAsString());
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  void anImportSentAgainAfterALostAnswerGetsTheFirstAnswerAndMakesNoSecondJob() {
    long before = count(admin, Imports.PATH);
    String key = key();
    HttpResponse<Buffer> first = upload(admin, key, csv("One")).await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    // The client never saw that answer and sends the same request again: while the job is active,
    // a request without the key would be refused (409, one active import), this one is answered.
    HttpResponse<Buffer> again = upload(admin, key, csv("One")).await();
    assertReplayOf(again, first);
    assertThat(count(admin, Imports.PATH)).isEqualTo(before + 1);

    cancelImport(first);
    // The answer as it was when the job was created, whatever the job became since.
    assertReplayOf(upload(admin, key, csv("One")).await(), first);
    assertThat(count(admin, Imports.PATH)).isEqualTo(before + 1);
  }

  @Test
  void theKeyWithAnotherFileIs422NamingIt() {
    String key = key();
    HttpResponse<Buffer> first = upload(admin, key, csv("One")).await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    long after = count(admin, Imports.PATH);

    HttpResponse<Buffer> other = upload(admin, key, csv("Other")).await();
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getString("detail")).contains(key);
    assertThat(count(admin, Imports.PATH)).isEqualTo(after);
    cancelImport(first);
  }

  @Test
  void twoIdenticalImportsAtOnceMakeOneJob() {
    long before = count(admin, Imports.PATH);
    String key = key();
    // Large enough that the first is still being received when the second arrives.
    byte[] file = csv("x".repeat(200) + "\nT2," + "y".repeat(4_000_000));
    List<HttpResponse<Buffer>> answers = race(() -> upload(admin, key, file));
    assertOneCreatedOneRefusedOrReplayed(answers, 200);
    assertThat(count(admin, Imports.PATH)).isEqualTo(before + 1);
    cancelImport(answers.stream().filter(a -> a.statusCode() == 200).findFirst().orElseThrow());
  }

  @Test
  void aRefusedCreateKeepsNothingSoTheKeyMayBeRetried() {
    HttpResponse<Buffer> active = Imports.upload(admin, "standard.csv", csv("Active"));
    assertThat(active.statusCode()).isEqualTo(200);
    String key = key();
    HttpResponse<Buffer> refused = upload(admin, key, csv("Later")).await();
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.getHeader("Idempotent-Replayed")).isNull();

    cancelImport(active);
    HttpResponse<Buffer> retried = upload(admin, key, csv("Later")).await();
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    assertThat(retried.getHeader("Idempotent-Replayed")).isNull();
    cancelImport(retried);
  }

  @Test
  void aLibraryExportSentAgainIsOneJob() {
    long before = count(admin, LIBRARY_EXPORTS);
    String key = key();
    JsonObject body = new JsonObject().put("type", "template").put("file_format", "csv");
    HttpResponse<Buffer> first = post(admin, LIBRARY_EXPORTS, key, body).await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    // The same body with its keys in another order is the same request.
    JsonObject reordered = new JsonObject().put("file_format", "csv").put("type", "template");
    assertReplayOf(post(admin, LIBRARY_EXPORTS, key, reordered).await(), first);
    assertThat(count(admin, LIBRARY_EXPORTS)).isEqualTo(before + 1);

    HttpResponse<Buffer> other =
        post(admin, LIBRARY_EXPORTS, key, body.copy().put("file_format", "json")).await();
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getString("detail")).contains(key);

    String raced = key();
    assertOneCreatedOneRefusedOrReplayed(
        race(() -> post(admin, LIBRARY_EXPORTS, raced, body)), 201);
    assertThat(count(admin, LIBRARY_EXPORTS)).isEqualTo(before + 2);
  }

  @Test
  void aV1ExportActionSentAgainIsOneExport() {
    long before = count(admin, V1_EXPORTS);
    String key = key();
    JsonObject body = new JsonObject().put("format_type", "json");
    String path = STANDARDS_EXPORT + "?phase=P1";
    HttpResponse<Buffer> first = post(admin, path, key, body).await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(202);
    assertReplayOf(post(admin, path, key, body).await(), first);
    assertThat(count(admin, V1_EXPORTS)).isEqualTo(before + 1);
    // Another filter is another request.
    assertThat(post(admin, STANDARDS_EXPORT + "?phase=P2", key, body).await().statusCode())
        .isEqualTo(422);

    // With a filter file: the same file again is replayed, another file refused.
    String filtered = key();
    HttpResponse<Buffer> withFile = exportFiltered(filtered, "id\nT1\n").await();
    assertThat(withFile.statusCode()).as(withFile.bodyAsString()).isEqualTo(202);
    assertReplayOf(exportFiltered(filtered, "id\nT1\n").await(), withFile);
    assertThat(exportFiltered(filtered, "id\nT2\n").await().statusCode()).isEqualTo(422);

    String raced = key();
    assertOneCreatedOneRefusedOrReplayed(race(() -> post(admin, path, raced, body)), 202);
    assertThat(count(admin, V1_EXPORTS)).isEqualTo(before + 3);
  }

  private static Future<HttpResponse<Buffer>> exportFiltered(String key, String ids) {
    MultipartForm form = MultipartForm.create().attribute("fields", "id,title");
    form.binaryFileUpload("filter_file", "ids.csv", Buffer.buffer(ids), "text/csv");
    return admin
        .request(HttpMethod.POST, STANDARDS_EXPORT)
        .putHeader("Idempotency-Key", key)
        .sendMultipartForm(form);
  }

  @Test
  void aKeyHeldByARequestInProgressIs409UntilItIsTakenForAbandoned() {
    String key = key();
    long adminId = admin.get("/api/v2/users/me/").bodyAsJsonObject().getLong("id");
    server.query(
        "INSERT INTO idempotency_keys (user_id, key) VALUES ("
            + adminId
            + ", '"
            + key
            + "') RETURNING 1");
    JsonObject body = new JsonObject().put("type", "template");
    HttpResponse<Buffer> held = post(admin, LIBRARY_EXPORTS, key, body).await();
    assertThat(held.statusCode()).isEqualTo(409);
    assertThat(held.bodyAsJsonObject().getString("detail")).contains(key).contains("in progress");

    // Its node died an hour ago without answering: the key is claimed anew.
    server.query(
        "UPDATE idempotency_keys SET created = now() - interval '61 minutes' WHERE key = '"
            + key
            + "' RETURNING 1");
    HttpResponse<Buffer> taken = post(admin, LIBRARY_EXPORTS, key, body).await();
    assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(201);
    assertThat(taken.getHeader("Idempotent-Replayed")).isNull();
  }

  @Test
  void anAnswerIsReplayedFor24HoursOnly() {
    String key = key();
    JsonObject body = new JsonObject().put("type", "template");
    HttpResponse<Buffer> first = post(admin, LIBRARY_EXPORTS, key, body).await();
    assertReplayOf(post(admin, LIBRARY_EXPORTS, key, body).await(), first);

    server.query(
        "UPDATE idempotency_keys SET created = now() - interval '24 hours' WHERE key = '"
            + key
            + "' RETURNING 1");
    HttpResponse<Buffer> later = post(admin, LIBRARY_EXPORTS, key, body).await();
    assertThat(later.statusCode()).isEqualTo(201);
    assertThat(later.getHeader("Idempotent-Replayed")).isNull();
    assertThat(later.bodyAsJsonObject().getLong("id"))
        .isNotEqualTo(first.bodyAsJsonObject().getLong("id"));
  }

  @Test
  void aKeyIsEachUsersOwn() {
    Client ann = admin.createUser("ann-" + key() + "@example.com", false);
    String key = key();
    JsonObject body = new JsonObject().put("type", "template");
    HttpResponse<Buffer> admins = post(admin, LIBRARY_EXPORTS, key, body).await();
    HttpResponse<Buffer> anns = post(ann, LIBRARY_EXPORTS, key, body).await();
    assertThat(admins.statusCode()).isEqualTo(201);
    assertThat(anns.statusCode()).isEqualTo(201);
    assertThat(anns.getHeader("Idempotent-Replayed")).isNull();
    assertThat(anns.bodyAsJsonObject().getLong("id"))
        .isNotEqualTo(admins.bodyAsJsonObject().getLong("id"));
  }

  @Test
  void aKeyMustBeOneTo255PrintableCharacters() {
    for (String bad : List.of("", "k".repeat(256), "tab\there", "caf\u00e9")) {
      List<HttpResponse<Buffer>> answers =
          List.of(
              upload(admin, bad, csv("Bad")).await(),
              post(admin, LIBRARY_EXPORTS, bad, new JsonObject()).await(),
              post(admin, STANDARDS_EXPORT, bad, new JsonObject()).await());
      for (HttpResponse<Buffer> answer : answers) {
        assertThat(answer.statusCode())
            .as("key '%s': %s", bad, answer.bodyAsString())
            .isEqualTo(400);
        assertThat(answer.bodyAsJsonObject().getString("detail")).isNotBlank();
      }
    }
    HttpResponse<Buffer> longest =
        post(admin, LIBRARY_EXPORTS, "k".repeat(255), new JsonObject()).await();
    assertThat(longest.statusCode()).as(longest.bodyAsString()).isEqualTo(201);
  }

  @Test
  void withoutAKeyEveryRequestCreates() {
    long before = count(admin, LIBRARY_EXPORTS);
    JsonObject body = new JsonObject().put("type", "template");
    assertThat(admin.post(LIBRARY_EXPORTS, body).statusCode()).isEqualTo(201);
    HttpResponse<Buffer> second = admin.post(LIBRARY_EXPORTS, body);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.getHeader("Idempotent-Replayed")).isNull();
    assertThat(count(admin, LIBRARY_EXPORTS)).isEqualTo(before + 2);
  }

  /** Sends two requests at once and waits for both answers. */
  private static List<HttpResponse<Buffer>> race(Supplier<Future<HttpResponse<Buffer>>> request) {
    Future<HttpResponse<Buffer>> one = request.get();
    Future<HttpResponse<Buffer>> two = request.get();
    return List.of(one.await(), two.await());
  }

  /** One created it; the other was refused as in progress (409), or got the same answer again. */
  private static void assertOneCreatedOneRefusedOrReplayed(
      List<HttpResponse<Buffer>> answers, int created) {
    List<HttpResponse<Buffer>> firsts =
        answers.stream()
            .filter(a -> a.statusCode() == created && a.getHeader("Idempotent-Replayed") == null)
            .toList();
    assertThat(firsts).as(describe(answers)).hasSize(1);
    HttpResponse<Buffer> other = answers.get(answers.get(0) == firsts.get(0) ? 1 : 0);
    if (other.statusCode() == 409) {
      assertThat(other.bodyAsJsonObject().getString("detail")).contains("in progress");
    } else {
      assertReplayOf(other, firsts.get(0));
    }
  }

  private static String describe(List<HttpResponse<Buffer>> answers) {
    return answers.stream()
        .map(
            a -> a.statusCode() + " " + a.getHeader("Idempotent-Replayed") + " " + a.bodyAsString())
        .toList()
        .toString();
  }
}
