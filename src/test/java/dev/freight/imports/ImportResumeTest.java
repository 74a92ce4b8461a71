package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server stopped in the middle of an import picks the job up again when it starts. */
class ImportResumeTest {
  @Test
  void aDiffInterruptedByAStopIsGeneratedAgainAfterTheRestart() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 150_000; i++) {
      rows.add(LibraryFiles.standard("M" + i, "Standard " + i, 1 + i % 10));
    }
    TestServer server = TestServer.start();
    long id =
        Imports.upload(server.admin(), "standard.csv", LibraryFiles.write(Format.CSV, rows))
            .bodyAsJsonObject()
            .getLong("id");
    server.admin().awaitStatus(Imports.PATH + id + "/", "generating_diff");

    TestServer restarted = server.restart();
    try {
      JsonObject job = Imports.settle(restarted.admin(), id);
      assertThat(job.getString("status")).isEqualTo("ready_for_review");
      assertThat(job.getJsonObject("progress").getLong("rows_read")).isEqualTo(150_000);
      assertThat(Imports.summary(restarted.admin(), id).getLong("add")).isEqualTo(150_000);
      assertThat(Imports.accept(restarted.admin(), id).getString("status")).isEqualTo("success");
      assertThat(Imports.libraryCount(restarted.admin())).isEqualTo(150_000);
    } finally {
      restarted.close();
    }
  }

  @Test
  void theAnswerToAnUploadComesOnceItsFilesAreKept() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 150_000; i++) {
      rows.add(LibraryFiles.standard("K" + i, "Standard " + i, 1 + i % 10));
    }
    byte[] file = LibraryFiles.write(Format.CSV, rows);
    try (TestServer server = TestServer.start()) {
      long id =
          Imports.upload(server.admin(), "standard.csv", file).bodyAsJsonObject().getLong("id");
      // The diff may still be running; the file is already stored whole.
      assertThat(
              server.count(
                  "SELECT s.size FROM import_files f JOIN stored_files s ON s.id = f.file_id"
                      + " WHERE f.job_id = "
                      + id))
          .isEqualTo(file.length);
      assertThat(server.count("SELECT sum(octet_length(data)) FROM stored_file_chunks"))
          .isEqualTo(file.length);
      assertThat(Imports.settle(server.admin(), id).getString("status"))
          .isEqualTo("ready_for_review");
    }
  }

  @Test
  void aJobWhoseFilesWereNotCompletelyStoredFailsAtTheNextStartAndOnRetry() {
    TestServer server = TestServer.start();
    long id =
        Imports.upload(
                server.admin(),
                "standard.csv",
                LibraryFiles.write(Format.CSV, List.of(LibraryFiles.standard("S1", "One", 1))))
            .bodyAsJsonObject()
            .getLong("id");
    Imports.settle(server.admin(), id);
    // What a server stopped while storing the upload leaves: the job not yet diffed, its file
    // without a size.
    server.query("UPDATE stored_files SET size = NULL");
    server.query("UPDATE import_jobs SET status = 'pending' WHERE id = " + id);

    TestServer restarted = server.restart();
    try {
      String message =
          "The files of this job were not completely stored (the server stopped or the database"
              + " failed meanwhile); upload them again in a new job.";
      JsonObject job = Imports.settle(restarted.admin(), id);
      assertThat(job.getString("status")).isEqualTo("fail");
      assertThat(
              job.getJsonObject("errors").getJsonArray("job").getJsonObject(0).getString("message"))
          .isEqualTo(message);

      assertThat(Imports.patch(restarted.admin(), id, "retry").statusCode()).isEqualTo(200);
      job = Imports.settle(restarted.admin(), id);
      assertThat(job.getString("status")).isEqualTo("fail");
      assertThat(
              job.getJsonObject("errors").getJsonArray("job").getJsonObject(0).getString("message"))
          .isEqualTo(message);
    } finally {
      restarted.close();
    }
  }

  @Test
  void aRetryWhileTheFilesAreStillBeingKeptRunsOnceTheyAre() throws Exception {
    // Without an id column the diff fails at once, while the file's 150 MB are still being kept.
    String row = "Title," + "x".repeat(1_000) + "\n";
    byte[] file = ("title,text\n" + row.repeat(150_000)).getBytes(StandardCharsets.UTF_8);
    try (TestServer server = TestServer.start()) {
      CompletableFuture<HttpResponse<Buffer>> upload =
          CompletableFuture.supplyAsync(() -> Imports.upload(server.admin(), "standard.csv", file));
      long id = firstFailedJob(server);
      assertThat(Imports.patch(server.admin(), id, "retry").statusCode()).isEqualTo(200);

      assertThat(upload.get(60, TimeUnit.SECONDS).bodyAsJsonObject().getLong("id")).isEqualTo(id);
      JsonObject job = Imports.settle(server.admin(), id);
      assertThat(job.getString("status")).isEqualTo("fail");
      // The retry read the whole kept file, as the first run did: the file's own problem, not a
      // missing copy.
      assertThat(job.getJsonObject("errors").encode()).contains("there is no 'id' column");
      assertThat(server.count("SELECT count(*) FROM stored_files WHERE size IS NULL")).isZero();
    }
  }

  private static long firstFailedJob(TestServer server) throws InterruptedException {
    for (int i = 0; i < 6_000; i++) {
      JsonObject page = server.admin().get(Imports.PATH + "?status=fail").bodyAsJsonObject();
      if (!page.getJsonArray("results").isEmpty()) {
        return page.getJsonArray("results").getJsonObject(0).getLong("id");
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no job failed within 30 s");
  }
}
