package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerPerTest;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every state change an import job allows, and the ones it refuses. */
class ImportLifecycleTest extends ServerPerTest {
  private static final byte[] SMALL = LibraryFiles.csv("id,title\nS1,One\nS2,Two\n");

  /** A file big enough that generating its diff, or applying it, takes a moment. */
  private static byte[] big(String prefix, int rows) {
    List<Map<String, Object>> standards = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      standards.add(LibraryFiles.standard(prefix + i, "Standard " + i, 1 + i % 10));
    }
    return LibraryFiles.write(Format.CSV, standards);
  }

  private static String status(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("status");
  }

  private static void conflict(HttpResponse<Buffer> response, String detailPart) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detailPart);
  }

  @Test
  void aNewJobIsPendingStartsByItselfAndIsTheCurrentOne() {
    HttpResponse<Buffer> created = Imports.upload(admin, "standard.csv", SMALL);
    JsonObject job = created.bodyAsJsonObject();
    assertThat(job.getString("status")).isEqualTo("pending");
    assertThat(job.getString("triggered"))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d");
    assertThat(job.getJsonObject("triggered_by"))
        .isEqualTo(
            new JsonObject()
                .put("id", 1)
                .put("email", TestServer.ADMIN_EMAIL)
                .put("first_name", "")
                .put("last_name", ""));
    assertThat(job.getValue("errors")).isNull();
    assertThat(job.getValue("accepted")).isNull();
    assertThat(job.getJsonObject("progress").getLong("bytes_total")).isEqualTo(SMALL.length);
    assertThat(admin.get(Imports.PATH + "current/").bodyAsJsonObject().getLong("id"))
        .isEqualTo(job.getLong("id"));

    JsonObject ready = Imports.settle(admin, job.getLong("id"));
    assertThat(ready.getString("status")).isEqualTo("ready_for_review");
    assertThat(ready.getJsonObject("progress"))
        .isEqualTo(
            new JsonObject()
                .put("rows_read", 2)
                .put("bytes_read", SMALL.length)
                .put("bytes_total", SMALL.length));

    Imports.accept(admin, job.getLong("id"));
    assertThat(admin.get(Imports.PATH + "current/").statusCode()).isEqualTo(404);
  }

  @Test
  void transitionsNotAllowedInTheCurrentStateAre409WithTheReason() {
    long id =
        Imports.settle(
                admin,
                Imports.upload(admin, "standard.csv", SMALL).bodyAsJsonObject().getLong("id"))
            .getLong("id");
    conflict(Imports.patch(admin, id, "retry"), "only import jobs that are fail, cancel can be");
    Imports.accept(admin, id);
    conflict(Imports.patch(admin, id, "accept_changes"), "it is success");
    conflict(
        Imports.patch(admin, id, "cancel"), "Cannot cancel import job " + id + ": it is success");
    conflict(Imports.patch(admin, id, "retry"), "it is success");

    HttpResponse<Buffer> unknown = Imports.patch(admin, id, "applying_changes");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(admin.patch(Imports.PATH + id + "/", new JsonObject()).statusCode()).isEqualTo(400);
    Client user = admin.createUser("viewer@example.com", false);
    assertThat(
            user.patch(Imports.PATH + id + "/", new JsonObject().put("status", "cancel"))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void cancellingAPendingJobIsImmediate() {
    long id =
        Imports.upload(admin, "standard.csv", big("P", 20_000)).bodyAsJsonObject().getLong("id");
    JsonObject cancelled = Imports.patch(admin, id, "cancel").bodyAsJsonObject();
    assertThat(cancelled.getString("status")).isEqualTo("cancel");
    assertThat(cancelled.getString("completed")).isNotNull();
    assertThat(Imports.libraryCount(admin)).isZero();
    assertThat(admin.get(Imports.PATH + id + "/diff/").statusCode()).isEqualTo(409);
  }

  @Test
  void pollingARunningJobShowsItsProgressGrowing() {
    long id =
        Imports.upload(admin, "standard.csv", big("R", 150_000)).bodyAsJsonObject().getLong("id");
    admin.awaitStatus(Imports.PATH + id + "/", "generating_diff");
    Set<Long> seen = new TreeSet<>();
    long last = -1;
    JsonObject job;
    do {
      job = admin.get(Imports.PATH + id + "/").bodyAsJsonObject();
      long rows = job.getJsonObject("progress").getLong("rows_read");
      assertThat(rows).as("rows_read never goes back").isGreaterThanOrEqualTo(last);
      last = rows;
      seen.add(rows);
    } while (job.getString("status").equals("generating_diff"));
    assertThat(job.getString("status")).isEqualTo("ready_for_review");
    assertThat(last).isEqualTo(150_000);
    assertThat(seen.stream().filter(rows -> rows > 0 && rows < 150_000))
        .as("values seen while running: " + seen)
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void cancellingWhileTheDiffIsGeneratedStopsTheWork() {
    long id =
        Imports.upload(admin, "standard.csv", big("G", 150_000)).bodyAsJsonObject().getLong("id");
    admin.awaitStatus(Imports.PATH + id + "/", "generating_diff");
    JsonObject cancelled = Imports.patch(admin, id, "cancel").bodyAsJsonObject();
    assertThat(cancelled.getString("status"))
        .as("wait_for_task defaults to true")
        .isEqualTo("cancel");
    assertThat(cancelled.getJsonObject("progress").getLong("rows_read")).isLessThan(150_000);
    assertThat(admin.get(Imports.PATH + id + "/diff/").statusCode()).isEqualTo(409);
    assertThat(TestServerTables.stagingTables(server)).isZero();
  }

  @Test
  void cancellingWithoutWaitingAnswersAtOnceWithTheJobStillRunning() {
    long id =
        Imports.upload(admin, "standard.csv", big("W", 150_000)).bodyAsJsonObject().getLong("id");
    admin.awaitStatus(Imports.PATH + id + "/", "generating_diff");
    JsonObject answer =
        admin
            .patch(
                Imports.PATH + id + "/",
                new JsonObject().put("status", "cancel").put("wait_for_task", false))
            .bodyAsJsonObject();
    assertThat(answer.getString("status")).isEqualTo("generating_diff");
    assertThat(admin.awaitStatus(Imports.PATH + id + "/", "cancel").getString("completed"))
        .isNotNull();
  }

  @Test
  void cancellingAJobUnderReviewDropsIt() {
    long id = Imports.uploadAndSettle(admin, "standard.csv", SMALL).getLong("id");
    assertThat(status(Imports.patch(admin, id, "cancel"))).isEqualTo("cancel");
    conflict(Imports.patch(admin, id, "accept_changes"), "it is cancel");
    assertThat(Imports.libraryCount(admin)).isZero();
  }

  @Test
  void cancellingMidApplyLeavesTheLibraryExactlyAsItWas() {
    Imports.load(admin, "standard.csv", LibraryFiles.csv("id,title\nA0,Kept as is\n"));
    long id = Imports.uploadAndSettle(admin, "standard.csv", big("A", 200_000)).getLong("id");
    assertThat(status(Imports.patch(admin, id, "accept_changes"))).isEqualTo("applying_changes");
    JsonObject cancelled = Imports.patch(admin, id, "cancel").bodyAsJsonObject();
    assertThat(cancelled.getString("status")).isEqualTo("cancel");
    assertThat(Imports.libraryCount(admin)).isEqualTo(1);
    assertThat(admin.get("/api/v2/library/standards/A0/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Kept as is");
  }

  @Test
  void aFailedOrCancelledJobCanBeRetriedByAnotherSuperuser() {
    long failed =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.csv("id,title\nR1,\n"))
            .getLong("id");
    Client other = admin.createUser("other-admin@example.com", true);
    JsonObject retried =
        other
            .patch(Imports.PATH + failed + "/", new JsonObject().put("status", "retry"))
            .bodyAsJsonObject();
    assertThat(retried.getString("status")).isIn("pending", "generating_diff", "fail");
    assertThat(retried.getJsonObject("triggered_by").getString("email"))
        .isEqualTo("other-admin@example.com");
    JsonObject again = Imports.settle(admin, failed);
    assertThat(again.getString("status")).as("same stored file, same problem").isEqualTo("fail");
    assertThat(again.getJsonObject("errors").getJsonArray("standard")).hasSize(1);

    long cancelled = Imports.upload(admin, "standard.csv", SMALL).bodyAsJsonObject().getLong("id");
    Imports.patch(admin, cancelled, "cancel");
    assertThat(status(Imports.patch(admin, cancelled, "retry")))
        .isIn("pending", "generating_diff", "ready_for_review");
    JsonObject ready = Imports.settle(admin, cancelled);
    assertThat(ready.getString("status")).isEqualTo("ready_for_review");
    assertThat(ready.getValue("completed")).isNull();
    assertThat(ready.getValue("errors")).isNull();
    assertThat(Imports.accept(admin, cancelled).getString("status")).isEqualTo("success");
    assertThat(Imports.libraryCount(admin)).isEqualTo(2);
  }

  @Test
  void onlyOneImportIsActiveEvenUnderConcurrentUploads() {
    List<Future<HttpResponse<Buffer>>> uploads = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      MultipartForm form =
          MultipartForm.create()
              .binaryFileUpload("files", "standard.csv", Buffer.buffer(SMALL), "text/csv");
      uploads.add(admin.request(HttpMethod.POST, Imports.PATH).sendMultipartForm(form));
    }
    List<HttpResponse<Buffer>> answers = Future.all(uploads).await().list();
    List<HttpResponse<Buffer>> created =
        answers.stream().filter(r -> r.statusCode() == 200).toList();
    assertThat(created).hasSize(1);
    long active = created.get(0).bodyAsJsonObject().getLong("id");
    assertThat(answers.stream().filter(r -> r.statusCode() == 409))
        .hasSize(5)
        .allSatisfy(
            r ->
                assertThat(r.bodyAsJsonObject().getString("detail"))
                    .contains("import job " + active));
    assertThat(admin.get(Imports.PATH).bodyAsJsonObject().getLong("count")).isEqualTo(1);

    Imports.settle(admin, active);
    long failed = active;
    Imports.patch(admin, failed, "cancel");
    long next = Imports.upload(admin, "standard.csv", SMALL).bodyAsJsonObject().getLong("id");
    conflict(Imports.patch(admin, failed, "retry"), "import job " + next);
  }

  @Test
  void jobsAreListedFilteredAndOrdered() {
    long first = Imports.uploadAndSettle(admin, "standard.csv", SMALL).getLong("id");
    Imports.patch(admin, first, "cancel");
    long second =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.csv("id,title\nX,\n"))
            .getLong("id");
    long third = Imports.uploadAndSettle(admin, "standard.csv", SMALL).getLong("id");

    assertThat(ids("")).containsExactly(third, second, first);
    assertThat(ids("?ordering=id")).containsExactly(first, second, third);
    assertThat(ids("?ordering=-status")).containsExactly(third, second, first);
    assertThat(ids("?status=fail")).containsExactly(second);
    assertThat(ids("?status__in=cancel,ready_for_review&ordering=triggered"))
        .containsExactly(first, third);
    assertThat(
            admin
                .get(Imports.PATH + "?status__in=cancel,done")
                .bodyAsJsonObject()
                .getString("detail"))
        .contains("Unknown status 'done'");
    assertThat(admin.get(Imports.PATH + "?status=done").statusCode()).isEqualTo(400);
    assertThat(admin.get(Imports.PATH + "?ordering=colour").statusCode()).isEqualTo(400);
    JsonObject page = admin.get(Imports.PATH + "?page_size=2").bodyAsJsonObject();
    assertThat(page.getLong("count")).isEqualTo(3);
    assertThat(page.getString("next")).endsWith("page_size=2&page=2");
    JsonObject failedJob =
        admin
            .get(Imports.PATH + "?status=fail")
            .bodyAsJsonObject()
            .getJsonArray("results")
            .getJsonObject(0);
    assertThat(failedJob.getJsonObject("errors").getJsonArray("standard")).hasSize(1);
  }

  private List<Long> ids(String query) {
    return admin.get(Imports.PATH + query).bodyAsJsonObject().getJsonArray("results").stream()
        .map(job -> ((JsonObject) job).getLong("id"))
        .toList();
  }

  @Test
  void theDiffIsPagedInFileOrderAndFilteredByOperation() {
    Imports.load(admin, "standard.csv", LibraryFiles.csv("id,title\nU1,Old\nD1,Doomed\n"));
    String csv =
        "id,title,mark_delete\nN1,New one,false\nU1,New title,false\nD1,Doomed,true\nN2,New two,false\n";
    long id = Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.csv(csv)).getLong("id");
    String path = Imports.PATH + id + "/diff/standard/";

    JsonObject first = admin.get(path + "?page_size=3").bodyAsJsonObject();
    assertThat(first.getLong("count")).isEqualTo(4);
    assertThat(first.getString("next")).endsWith("page_size=3&page=2");
    assertThat(first.getJsonArray("add")).hasSize(1);
    assertThat(first.getJsonArray("update")).hasSize(1);
    assertThat(first.getJsonArray("delete")).hasSize(1);
    JsonObject second = admin.get(path + "?page_size=3&page=2").bodyAsJsonObject();
    assertThat(second.getJsonArray("add").getJsonObject(0).getLong("entry")).isEqualTo(4);

    JsonObject adds = admin.get(path + "?op=add").bodyAsJsonObject();
    assertThat(adds.getLong("count")).isEqualTo(2);
    assertThat(adds.getJsonArray("update")).isEmpty();
    assertThat(admin.get(path + "?op=rename").statusCode()).isEqualTo(400);

    // One item's entry, whatever its operation (a delete has no new state, an add no original).
    for (String item : List.of("N2", "U1", "D1")) {
      JsonObject one = admin.get(path + "?id=" + item).bodyAsJsonObject();
      assertThat(one.getLong("count")).as(item).isEqualTo(1);
      assertThat(
              one.getJsonArray("add").size()
                  + one.getJsonArray("update").size()
                  + one.getJsonArray("delete").size())
          .as(item)
          .isEqualTo(1);
    }
    assertThat(admin.get(path + "?id=D1").bodyAsJsonObject().getJsonArray("delete")).hasSize(1);
    assertThat(admin.get(path + "?id=N2&op=update").bodyAsJsonObject().getLong("count")).isZero();
    assertThat(admin.get(path + "?id=nobody").bodyAsJsonObject().getLong("count")).isZero();

    HttpResponse<Buffer> whole = admin.get(path);
    assertThat(whole.getHeader("Content-Length")).as("streamed, so no length up front").isNull();
    JsonObject all = whole.bodyAsJsonObject();
    assertThat(List.copyOf(all.fieldNames()))
        .containsExactly("content_model", "add", "update", "delete");
    assertThat(all.getJsonArray("add")).hasSize(2);
  }
}
