package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops for a while in the middle of a diff and an export, then of an apply: meanwhile
 * requests answer 503 JSON with Retry-After (never a hang, never a 500) and /health says DOWN; once
 * it is back, the pool reconnects by itself, /health says UP, and each job resumes and finishes,
 * the apply all or nothing.
 */
class DatabaseOutageTest {
  private static final long OUTAGE_MS = 30_000;
  private static final String EXPORTS = "/api/v2/library/export/";

  @Test
  void jobsResumeAndRequestsAnswer503WhileTheDatabaseIsDown() throws Exception {
    // A short lease: a run the outage broke is taken again soon after the database is back.
    // A v1 export of small, slow parts: it is under way when the database goes.
    try (TestServer server =
        TestServer.start(
            Map.of(
                "FREIGHT_JOBS_LEASE_SECONDS", "3",
                "FREIGHT_EXPORTS_V1_PAGE_SIZE", "1000",
                "FREIGHT_EXPORTS_V1_PART_PAUSE_MS", "500"))) {
      Client admin = server.admin();
      Imports.load(admin, "standard.csv", standards("A", 30_000));
      long importId =
          Imports.upload(admin, "standard.csv", standards("B", 150_000))
              .bodyAsJsonObject()
              .getLong("id");
      HttpResponse<Buffer> export = admin.post(EXPORTS, new JsonObject().put("file_format", "csv"));
      assertThat(export.statusCode()).as(export.bodyAsString()).isEqualTo(201);
      long exportId = export.bodyAsJsonObject().getLong("id");
      HttpResponse<Buffer> v1 =
          admin.post(
              "/api/v2/library/standards/export/", new JsonObject().put("format_type", "csv"));
      assertThat(v1.statusCode()).as(v1.bodyAsString()).isEqualTo(202);
      String v1Path = "/api/v1/exports/" + v1.bodyAsJsonObject().getString("id") + "/";
      admin.awaitStatus(Imports.PATH + importId + "/", "generating_diff");

      outage(server, admin);

      JsonObject diffed = Imports.settle(admin, importId);
      assertThat(diffed.getString("status")).as(diffed.encode()).isEqualTo("ready_for_review");
      assertThat(Imports.summary(admin, importId).getLong("add")).isEqualTo(150_000);
      JsonObject exported = admin.awaitStatus(EXPORTS + exportId + "/", "success", "fail");
      assertThat(exported.getString("status")).as(exported.encode()).isEqualTo("success");
      assertThat(exported.getJsonObject("progress").getLong("rows_written")).isEqualTo(30_000);
      JsonObject v1Done = admin.awaitStatus(v1Path, "completed", "failed", "cancelled");
      assertThat(v1Done.getString("status")).as(v1Done.encode()).isEqualTo("completed");
      assertThat(v1Done.getLong("collected_count")).isEqualTo(30_000);

      // The apply is one transaction: cut short, it is done again whole.
      assertThat(Imports.patch(admin, importId, "accept_changes").statusCode()).isEqualTo(200);
      outage(server, admin);
      JsonObject applied = admin.awaitStatus(Imports.PATH + importId + "/", "success", "fail");
      assertThat(applied.getString("status")).as(applied.encode()).isEqualTo("success");
      assertThat(Imports.libraryCount(admin)).isEqualTo(180_000);
    }
  }

  private static void outage(TestServer server, Client admin) throws InterruptedException {
    TestServer.stopPostgres();
    try {
      long until = System.nanoTime() + OUTAGE_MS * 1_000_000;
      int answered = 0;
      while (System.nanoTime() < until) {
        HttpResponse<Buffer> list = admin.get("/api/v2/library/standards/?search=1");
        assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(503);
        assertThat(list.getHeader("Retry-After")).isNotNull();
        assertThat(list.bodyAsJsonObject().getString("detail")).contains("database");
        HttpResponse<Buffer> health = server.client(null).get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
        answered++;
        Thread.sleep(500);
      }
      assertThat(answered).isPositive();
    } finally {
      TestServer.startPostgres();
    }
    server.client(null).await("/health", "UP", health -> "UP".equals(health.getString("status")));
  }

  private static byte[] standards(String prefix, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(LibraryFiles.standard(prefix + i, "Standard " + i, 1 + i % 10));
    }
    return LibraryFiles.write(Format.CSV, rows);
  }
}
