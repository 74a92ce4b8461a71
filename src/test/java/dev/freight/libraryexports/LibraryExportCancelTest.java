package dev.freight.libraryexports;

import static dev.freight.libraryexports.Library.EXPORTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stopping and starting exports of a library large enough to catch them running. */
class LibraryExportCancelTest extends ServerTest {
  /** About two seconds of XLSX writing here: time enough to act while an export runs. */
  private static final int ROWS = 100_000;

  @BeforeAll
  static void seed() {
    StringBuilder csv = new StringBuilder("id,title,text,priority\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append(
          String.format(
              "BULK-%06d,Standard number %d,\"Some text, with a comma, for row %d\",%d%n",
              i, i, i, 1 + i % 10));
    }
    Imports.load(admin, "standard.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<Buffer> patch(long id, JsonObject body) {
    return admin.patch(EXPORTS + id + "/", body);
  }

  /** Starts a (slow) XLSX export and returns once it has written some rows. */
  private static long running() {
    long id = Library.start(admin, new JsonObject().put("file_format", "xlsx")).getLong("id");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonObject job = admin.get(EXPORTS + id + "/").bodyAsJsonObject();
      assertThat(job.getString("status")).isIn("pending", "in_progress");
      if (job.getJsonObject("progress").getLong("rows_written") > 0) {
        return id;
      }
    }
    throw new AssertionError("export job " + id + " never started writing");
  }

  private static long storedFiles() {
    return server.count("SELECT count(*) FROM stored_files");
  }

  @Test
  void cancellingARunningExportWaitsForItToStopAndKeepsNothing() {
    long filesBefore = storedFiles();
    long id = running();
    assertThat(storedFiles())
        .as("the file is stored while it is written")
        .isEqualTo(filesBefore + 1);
    HttpResponse<Buffer> download = Library.download(admin, id);
    assertThat(download.statusCode()).isEqualTo(409);
    assertThat(download.bodyAsJsonObject().getString("detail")).contains("in_progress");

    HttpResponse<Buffer> cancelled = patch(id, new JsonObject().put("status", "cancel"));
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    JsonObject job = cancelled.bodyAsJsonObject();
    assertThat(job.getString("status")).isEqualTo("cancel");
    assertThat(job.getBoolean("can_retry")).isTrue();
    assertThat(job.getJsonObject("progress").getLong("rows_total")).isEqualTo(ROWS);
    assertThat(job.getJsonObject("progress").getLong("rows_written")).isLessThan(ROWS);
    assertThat(Library.download(admin, id).statusCode()).isEqualTo(409);
    assertThat(Files.exists(server.dataDir().resolve("spool").resolve("export-" + id)))
        .as("partial output is discarded")
        .isFalse();
    assertThat(storedFiles()).as("and so is what was stored of it").isEqualTo(filesBefore);
  }

  @Test
  void cancellingWithoutWaitingAnswersAtOnceAndTheJobStopsSoonAfterThenRetryExportsEverything() {
    long id = running();
    HttpResponse<Buffer> cancelled =
        patch(id, new JsonObject().put("status", "cancel").put("wait_for_task", false));
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isIn("in_progress", "cancel");
    admin.awaitStatus(EXPORTS + id + "/", "cancel");

    HttpResponse<Buffer> retried = patch(id, new JsonObject().put("status", "retry"));
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    assertThat(retried.bodyAsJsonObject().getJsonObject("progress").getLong("rows_written"))
        .isZero();
    JsonObject job = admin.awaitStatus(EXPORTS + id + "/", "success", "fail");
    assertThat(job.getString("status")).isEqualTo("success");
    assertThat(job.getJsonObject("progress"))
        .isEqualTo(new JsonObject().put("rows_written", ROWS).put("rows_total", ROWS));
    assertThat(Library.download(admin, id).statusCode()).isEqualTo(200);
  }

  @Test
  void exportsBeyondTwoWaitTheirTurnAndCanBeCancelledWhileWaiting() {
    long first = Library.start(admin, new JsonObject().put("file_format", "xlsx")).getLong("id");
    long second = Library.start(admin, new JsonObject().put("file_format", "xlsx")).getLong("id");
    long third = Library.start(admin, new JsonObject().put("file_format", "csv")).getLong("id");
    assertThat(admin.get(EXPORTS + third + "/").bodyAsJsonObject().getString("status"))
        .isEqualTo("pending");

    JsonObject cancelled =
        patch(third, new JsonObject().put("status", "cancel")).bodyAsJsonObject();
    assertThat(cancelled.getString("status")).isEqualTo("cancel");
    assertThat(cancelled.getString("completed")).isNotNull();
    for (long id : new long[] {first, second}) {
      assertThat(admin.awaitStatus(EXPORTS + id + "/", "success", "fail").getString("status"))
          .isEqualTo("success");
    }
    assertThat(admin.get(EXPORTS + third + "/").bodyAsJsonObject().getString("status"))
        .isEqualTo("cancel");
  }

  @Test
  void anExportInterruptedByARestartStartsAgainAndFinishes() {
    long id = running();
    OffsetDateTime restarted = OffsetDateTime.now();
    server = server.restart();
    admin = server.admin();

    JsonObject job = admin.awaitStatus(EXPORTS + id + "/", "success", "fail", "cancel");
    assertThat(job.getString("status")).isEqualTo("success");
    assertThat(OffsetDateTime.parse(job.getString("completed")))
        .as("finished by the new server")
        .isAfter(restarted);
    assertThat(job.getJsonObject("progress").getLong("rows_written")).isEqualTo(ROWS);
    HttpResponse<Buffer> file = Library.download(admin, id);
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.getHeader("Content-Disposition")).contains("standard.xlsx");
  }
}
