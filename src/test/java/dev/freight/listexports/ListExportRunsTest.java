package dev.freight.listexports;

import static dev.freight.listexports.ListExports.STANDARDS;
import static dev.freight.listexports.ListExports.awaitCompleted;
import static dev.freight.listexports.ListExports.download;
import static dev.freight.listexports.ListExports.path;
import static dev.freight.listexports.ListExports.rows;
import static dev.freight.listexports.ListExports.standard;
import static dev.freight.listexports.ListExports.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long exports: many small parts with a pause between them (both documented settings), so that a
 * test can act while an export is processing.
 */
class ListExportRunsTest {
  private static final int ROWS = 400;
  private static final int PAGE_SIZE = 10;
  private static final int PARTS = ROWS / PAGE_SIZE;

  private static TestServer server;
  private static Client admin;

  @BeforeAll
  static void startServer() {
    server =
        TestServer.start(
            Map.of(
                "FREIGHT_EXPORTS_V1_PAGE_SIZE",
                String.valueOf(PAGE_SIZE),
                "FREIGHT_EXPORTS_V1_PART_PAUSE_MS",
                "100"));
    admin = server.admin();
    List<Map<String, Object>> standards = new ArrayList<>();
    for (int i = 1; i <= ROWS; i++) {
      standards.add(standard(String.format("R%04d", i), "Standard " + i, "", "", 5, "", true, ""));
    }
    ListExports.importStandards(admin, standards);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static JsonObject startIds() {
    return start(admin, STANDARDS, new JsonObject().put("fields", new JsonArray().add("id")));
  }

  /** The export once it has stored at least {@code parts} parts. */
  private static JsonObject awaitParts(JsonObject export, int parts) {
    return admin.await(
        path(export), parts + " parts", now -> now.getJsonArray("uploaded_parts").size() >= parts);
  }

  @Test
  void cancelStopsProcessingAndWaitingExportsButNotFinishedOnes() throws InterruptedException {
    JsonObject first = startIds();
    JsonObject second = startIds();
    JsonObject third = startIds(); // two run at a time: this one waits

    JsonObject processing = awaitParts(first, 1);
    assertThat(processing.getString("status")).isEqualTo("processing");
    assertThat(admin.get(path(first) + "download/").statusCode()).isEqualTo(409);
    assertThat(admin.get(path(third)).bodyAsJsonObject().getString("status")).isEqualTo("waiting");

    JsonObject waitingCancelled =
        admin.post(path(third) + "set_cancel/", new JsonObject()).bodyAsJsonObject();
    assertThat(waitingCancelled.getString("status")).isEqualTo("cancelled");
    assertThat(waitingCancelled.getJsonArray("uploaded_parts")).isEmpty();

    JsonObject cancelled =
        admin.post(path(first) + "set_cancel/", new JsonObject()).bodyAsJsonObject();
    assertThat(cancelled.getString("status")).isEqualTo("cancelled");
    int parts = cancelled.getJsonArray("uploaded_parts").size();
    assertThat(parts).isBetween(1, PARTS - 1);
    assertThat(
            admin
                .post(path(second) + "set_cancel/", new JsonObject())
                .bodyAsJsonObject()
                .getString("status"))
        .isEqualTo("cancelled");

    Thread.sleep(500);
    JsonObject later = admin.get(path(first)).bodyAsJsonObject();
    assertThat(later.getString("status")).isEqualTo("cancelled");
    assertThat(later.getJsonArray("uploaded_parts")).hasSize(parts);
    assertThat(admin.post(path(first) + "set_cancel/", new JsonObject()).statusCode())
        .isEqualTo(409);
    assertThat(admin.get(path(first) + "download/").statusCode()).isEqualTo(409);
  }

  @Test
  void aFinishedExportCannotBeCancelled() {
    JsonObject done =
        awaitCompleted(admin, start(admin, STANDARDS + "?search=R000", new JsonObject()));
    var refused = admin.post(path(done) + "set_cancel/", new JsonObject());
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("completed");
  }

  @Test
  void aStoppedServerResumesFromTheCheckpointWithEveryRowOnce() {
    JsonObject export = startIds();
    JsonObject atStop = awaitParts(export, 2);
    server = server.restart();
    admin = server.admin();
    assertThat(atStop.getLong("collected_count")).isLessThan(ROWS);

    JsonObject done = awaitCompleted(admin, export);
    assertThat(done.getLong("collected_count")).isEqualTo(ROWS);
    assertThat(done.getJsonArray("uploaded_parts").getList())
        .isEqualTo(IntStream.rangeClosed(1, PARTS).mapToObj(n -> "part_" + n + ".csv").toList());
    List<String> ids =
        rows(download(admin, done), Format.CSV).stream().map(row -> row.get("ID")).toList();
    assertThat(ids)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, ROWS).mapToObj(i -> String.format("R%04d", i)).toList());
  }
}
