package dev.freight.libraryexports;

import static dev.freight.libraryexports.Library.EXPORTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerTest;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Export jobs as users see them: their shape, downloads, validation, who sees what, lists,
 * failures.
 */
class LibraryExportJobsTest extends ServerTest {
  private static final int ROWS = 5;

  @BeforeAll
  static void seed() {
    StringBuilder csv = new StringBuilder("id,title,priority\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append("S").append(i).append(",Standard ").append(i).append(",3\n");
    }
    Imports.load(admin, "standard.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void assertError(
      HttpResponse<Buffer> response, int status, String... detailParts) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detailParts);
  }

  private static HttpResponse<Buffer> patch(Client client, long id, String status) {
    return client.patch(EXPORTS + id + "/", new JsonObject().put("status", status));
  }

  @Test
  void anExportWithoutOptionsIsAFullJsonExportOfEveryModelAndLooksAsTheContractShows() {
    JsonObject created = Library.start(admin, new JsonObject());
    assertThat(created.getString("status")).isIn("pending", "in_progress", "success");

    JsonObject job = admin.awaitStatus(EXPORTS + created.getLong("id") + "/", "success");
    assertThat(job.fieldNames())
        .containsExactlyInAnyOrder(
            "id",
            "status",
            "triggered",
            "triggered_by",
            "completed",
            "type",
            "file_format",
            "content_models",
            "errors",
            "can_retry",
            "progress");
    assertThat(job.getString("type")).isEqualTo("full");
    assertThat(job.getString("file_format")).isEqualTo("json");
    assertThat(job.getJsonArray("content_models")).containsExactly("standard");
    assertThat(job.getJsonObject("errors")).isEqualTo(new JsonObject());
    assertThat(job.getBoolean("can_retry")).isFalse();
    assertThat(job.getJsonObject("triggered_by").fieldNames())
        .containsExactlyInAnyOrder("id", "email", "first_name", "last_name");
    assertThat(job.getJsonObject("triggered_by").getString("email"))
        .isEqualTo(TestServer.ADMIN_EMAIL);
    assertThat(job.getString("triggered"))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d");
    assertThat(job.getString("completed")).isGreaterThanOrEqualTo(job.getString("triggered"));
    assertThat(job.getJsonObject("progress"))
        .isEqualTo(new JsonObject().put("rows_written", ROWS).put("rows_total", ROWS));
    assertThat(admin.get(EXPORTS + job.getLong("id") + "/").bodyAsJsonObject()).isEqualTo(job);
  }

  @Test
  void downloadsNameTheFileAndGiveItsTypeAndLength() {
    Map<String, String> types =
        Map.of(
            "csv",
            "text/csv",
            "json",
            "application/json",
            "yaml",
            "application/yaml",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    types.forEach(
        (format, type) -> {
          JsonObject job = Library.export(admin, new JsonObject().put("file_format", format));
          HttpResponse<Buffer> file = Library.download(admin, job.getLong("id"));
          assertThat(file.statusCode()).isEqualTo(200);
          assertThat(file.getHeader("Content-Type")).isEqualTo(type);
          assertThat(file.getHeader("Content-Disposition"))
              .isEqualTo("attachment; filename=\"standard." + format + "\"");
          assertThat(file.getHeader("Content-Length"))
              .isEqualTo(String.valueOf(file.body().length()));
          assertThat(file.body().length()).isPositive();
        });
    JsonObject csv = Library.export(admin, new JsonObject().put("file_format", "csv"));
    assertThat(Library.download(admin, csv.getLong("id")).bodyAsString().lines())
        .hasSize(ROWS + 1)
        .startsWith(
            "id,title,text,problem,priority,phase,active,mark_delete,match_conditions,tags",
            "S0,Standard 0,,,3,,true,false,,");
  }

  @Test
  void invalidRequestsAreRefusedWithWhatIsAllowed() {
    assertError(
        admin.post(EXPORTS, new JsonObject().put("type", "partial")), 400, "full", "template");
    assertError(
        admin.post(EXPORTS, new JsonObject().put("file_format", "xls")),
        400,
        "csv",
        "json",
        "yaml",
        "xlsx");
    assertError(
        admin.post(EXPORTS, new JsonObject().put("content_models", new JsonArray().add("widgets"))),
        400,
        "widgets",
        "standard");
    assertError(
        admin.post(EXPORTS, new JsonObject().put("content_models", new JsonArray())),
        400,
        "standard");
    assertError(admin.post(EXPORTS, new JsonObject().put("colour", "blue")), 400, "colour");

    long id = Library.export(admin, new JsonObject()).getLong("id");
    assertError(patch(admin, id, "accept_changes"), 400, "cancel", "retry");
    assertError(patch(admin, id, "cancel"), 409, "success", "pending, in_progress");
    assertError(patch(admin, id, "retry"), 409, "success", "fail, cancel");
    assertError(patch(admin, 999_999, "cancel"), 404, "999999");
    assertError(Library.download(admin, 999_999), 404, "999999");
    assertError(
        admin.get(EXPORTS + "?status__in=success,finished"),
        400,
        "finished",
        "pending, in_progress, success, fail, cancel");
    assertError(admin.get(EXPORTS + "?status=finished"), 400, "status");
    assertError(admin.get(EXPORTS + "?ordering=email"), 400, "ordering");
    assertError(server.client(null).post(EXPORTS, new JsonObject()), 401, "not provided");
  }

  @Test
  void usersExportAndReachOnlyTheirOwnJobsWhileSuperusersReachAll() {
    Client bob = admin.createUser("bob@example.com", false);
    Client alice = admin.createUser("alice@example.com", false);
    JsonObject bobs = Library.export(bob, new JsonObject().put("file_format", "yaml"));
    long id = bobs.getLong("id");
    assertThat(bobs.getJsonObject("triggered_by").getString("email")).isEqualTo("bob@example.com");
    assertThat(Library.download(bob, id).statusCode()).isEqualTo(200);

    assertError(alice.get(EXPORTS + id + "/"), 404, String.valueOf(id));
    assertError(Library.download(alice, id), 404, String.valueOf(id));
    assertError(patch(alice, id, "retry"), 404, String.valueOf(id));
    assertThat(alice.get(EXPORTS).bodyAsJsonObject().getLong("count")).isZero();
    assertThat(ids(bob.get(EXPORTS).bodyAsJsonObject())).containsExactly(id);

    assertThat(admin.get(EXPORTS + id + "/").statusCode()).isEqualTo(200);
    assertThat(Library.download(admin, id).body()).isEqualTo(Library.download(bob, id).body());
    assertThat(ids(admin.get(EXPORTS + "?page_size=1000").bodyAsJsonObject())).contains(id);
  }

  private static List<Long> ids(JsonObject page) {
    return page.getJsonArray("results").stream()
        .map(job -> ((JsonObject) job).getLong("id"))
        .toList();
  }

  @Test
  void listsFilterByStatusSortAndPage() throws IOException {
    Client carol = admin.createUser("carol@example.com", false);
    long first = Library.export(carol, new JsonObject()).getLong("id");
    long second = Library.export(carol, new JsonObject().put("file_format", "csv")).getLong("id");
    long failed = failedExport(carol).getLong("id");

    assertThat(ids(carol.get(EXPORTS).bodyAsJsonObject()))
        .as("newest first")
        .containsExactly(failed, second, first);
    assertThat(ids(carol.get(EXPORTS + "?ordering=id").bodyAsJsonObject()))
        .containsExactly(first, second, failed);
    // Ties (both success) in the order's direction too.
    assertThat(ids(carol.get(EXPORTS + "?ordering=-status").bodyAsJsonObject()))
        .containsExactly(second, first, failed);
    assertThat(ids(carol.get(EXPORTS + "?ordering=status").bodyAsJsonObject()))
        .containsExactly(failed, first, second);
    assertThat(ids(carol.get(EXPORTS + "?ordering=-triggered").bodyAsJsonObject()))
        .containsExactly(failed, second, first);
    assertThat(ids(carol.get(EXPORTS + "?status=fail").bodyAsJsonObject())).containsExactly(failed);
    assertThat(ids(carol.get(EXPORTS + "?status__in=success,cancel").bodyAsJsonObject()))
        .containsExactly(second, first);
    assertThat(ids(carol.get(EXPORTS + "?status__in=pending").bodyAsJsonObject())).isEmpty();

    JsonObject page1 = carol.get(EXPORTS + "?ordering=id&page_size=2").bodyAsJsonObject();
    assertThat(page1.getLong("count")).isEqualTo(3);
    assertThat(ids(page1)).containsExactly(first, second);
    assertThat(page1.getString("previous")).isNull();
    assertThat(page1.getString("next")).endsWith(EXPORTS + "?ordering=id&page_size=2&page=2");
    JsonObject page2 = carol.get(EXPORTS + "?ordering=id&page_size=2&page=2").bodyAsJsonObject();
    assertThat(ids(page2)).containsExactly(failed);
    assertThat(page2.getString("next")).isNull();
  }

  @Test
  void aFailedExportSaysWhyAndCanBeRetried() throws IOException {
    JsonObject failed = failedExport(admin);
    long id = failed.getLong("id");
    assertThat(failed.getBoolean("can_retry")).isTrue();
    assertThat(failed.getString("completed")).isNotNull();
    assertThat(
            failed
                .getJsonObject("errors")
                .getJsonArray("job")
                .getJsonObject(0)
                .getString("message"))
        .startsWith("The export stopped unexpectedly");
    assertError(Library.download(admin, id), 409, "fail");

    HttpResponse<Buffer> retried = patch(admin, id, "retry");
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    assertThat(retried.bodyAsJsonObject().getString("status"))
        .isIn("pending", "in_progress", "success");
    JsonObject job = admin.awaitStatus(EXPORTS + id + "/", "success", "fail");
    assertThat(job.getString("status")).isEqualTo("success");
    assertThat(job.getJsonObject("errors")).isEqualTo(new JsonObject());
    assertThat(job.getString("completed")).isGreaterThan(failed.getString("completed"));
    assertThat(Library.download(admin, id).statusCode()).isEqualTo(200);
  }

  /** An export that fails because its spool directory cannot be made (a file stands in the way). */
  private static JsonObject failedExport(Client client) throws IOException {
    Path spool = server.dataDir().resolve("spool");
    try (var files = Files.walk(spool)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (java.nio.file.NoSuchFileException absent) {
      // nothing spooled yet
    }
    Files.writeString(spool, "in the way");
    try {
      long id = Library.start(client, new JsonObject()).getLong("id");
      return client.awaitStatus(EXPORTS + id + "/", "fail", "success");
    } finally {
      Files.delete(spool);
      Files.createDirectories(spool);
    }
  }

  @Test
  void aFileThePurgeDeletesAsItsDownloadStartsIsGoneNotAnError() {
    long id = Library.export(admin, new JsonObject().put("type", "template")).getLong("id");
    // What the download finds when the purge commits between its look at the job and at the file:
    // the job still names its file, which is no longer there.
    server.query(
        "SET session_replication_role = replica; DELETE FROM stored_files"
            + " WHERE id = (SELECT file_id FROM export_jobs WHERE id = "
            + id
            + ")");
    HttpResponse<Buffer> download = Library.download(admin, id);
    assertThat(download.statusCode()).as(download.bodyAsString()).isEqualTo(410);
    assertThat(download.bodyAsJsonObject().getString("detail"))
        .contains("export job " + id, "was deleted");
  }
}
