package dev.freight.imports;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Once an ended import is past {@code imports.retention_days}, its diff entries and upload are
 * deleted: the job stays with its counts, its diff answers 410 and it cannot be retried. A
 * cancelled job keeps no diff at all, and its upload (for a retry) until then. A failed job's rows
 * with problems (its errors file) are purged with its upload.
 */
class ImportRetentionTest {
  private static final byte[] FILE =
      LibraryFiles.write(
          Format.CSV,
          List.of(
              LibraryFiles.standard("R1", "One", 1),
              LibraryFiles.standard("R2", "Two", 2),
              LibraryFiles.standard("R3", "Three", 3)));

  @Test
  void endedJobsKeepTheirDiffAndUploadForTheRetentionWindowOnly() {
    try (TestServer kept = TestServer.start()) {
      Client admin = kept.admin();
      long cancelled = Imports.uploadAndSettle(admin, "standard.csv", FILE).getLong("id");
      assertThat(Imports.patch(admin, cancelled, "cancel").statusCode()).isEqualTo(200);
      assertThat(diffEntries(kept, cancelled)).as("a cancelled job's diff goes at once").isZero();
      assertThat(uploads(kept, cancelled)).as("its upload stays, for a retry").isEqualTo(1);
      assertThat(Imports.patch(admin, cancelled, "retry").statusCode()).isEqualTo(200);
      assertThat(Imports.settle(admin, cancelled).getString("status"))
          .isEqualTo("ready_for_review");
    }

    try (TestServer server =
        TestServer.start(
            Map.of(
                "FREIGHT_IMPORTS_RETENTION_DAYS", "0",
                "FREIGHT_IMPORTS_PURGE_INTERVAL_SECONDS", "1"))) {
      Client admin = server.admin();
      long applied = Imports.uploadAndSettle(admin, "standard.csv", FILE).getLong("id");
      assertThat(Imports.accept(admin, applied).getString("status")).isEqualTo("success");
      long cancelled = Imports.uploadAndSettle(admin, "standard.csv", FILE).getLong("id");
      assertThat(Imports.patch(admin, cancelled, "cancel").statusCode()).isEqualTo(200);

      String diff = Imports.PATH + applied + "/diff/standard/";
      admin.await(diff, "a 410", gone -> gone.containsKey("detail"));
      HttpResponse<Buffer> page = admin.get(diff + "?page=1");
      assertThat(page.statusCode()).isEqualTo(410);
      assertThat(page.bodyAsJsonObject().getString("detail")).contains("deleted 0 days after");
      assertThat(admin.get(diff).statusCode()).isEqualTo(410);
      assertThat(diffEntries(server, applied)).isZero();
      assertThat(uploads(server, applied)).isZero();
      // The job stays, with what it counted.
      assertThat(admin.get(Imports.PATH + applied + "/").bodyAsJsonObject().getString("status"))
          .isEqualTo("success");
      assertThat(Imports.summary(admin, applied).getLong("add")).isEqualTo(3);
      assertThat(Imports.libraryCount(admin)).isEqualTo(3);

      admin.await(
          Imports.PATH + cancelled + "/",
          "its upload purged",
          job -> uploads(server, cancelled) == 0);
      HttpResponse<Buffer> retry = Imports.patch(admin, cancelled, "retry");
      assertThat(retry.statusCode()).isEqualTo(410);
      assertThat(retry.bodyAsJsonObject().getString("detail")).contains("upload the files again");
      assertThat(server.count("SELECT count(*) FROM stored_files")).isZero();

      // A failed job's rows with problems go too: its errors file answers 410.
      long failed =
          Imports.uploadAndSettle(
                  admin, "standard.csv", "id,title,priority\nR9,Nine,x\n".getBytes(UTF_8))
              .getLong("id");
      admin.await(
          Imports.PATH + failed + "/",
          "its rows with problems purged",
          job ->
              server.count("SELECT count(*) FROM import_bad_rows WHERE job_id = " + failed) == 0);
      HttpResponse<Buffer> file = admin.get(Imports.PATH + failed + "/errors/download/");
      assertThat(file.statusCode()).isEqualTo(410);
      assertThat(file.bodyAsJsonObject().getString("detail")).contains("deleted 0 days after");
    }
  }

  private static long diffEntries(TestServer server, long job) {
    return server.count("SELECT count(*) FROM import_diffs WHERE job_id = " + job);
  }

  private static long uploads(TestServer server, long job) {
    return server.count("SELECT count(*) FROM import_files WHERE job_id = " + job);
  }
}
