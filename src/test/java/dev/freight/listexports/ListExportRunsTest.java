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
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

  /** A stored part of an export as PostgreSQL holds it: its row, its file and the file's text. */
  private record StoredPart(
      int page, long fileId, int rows, String name, Long size, String created, String content) {}

  /** The export's parts in page order, read from export_parts and stored_files. */
  private static List<StoredPart> storedParts(JsonObject export) {
    UUID id = UUID.fromString(export.getString("id"));
    List<StoredPart> parts = new ArrayList<>();
    for (Row row :
        server.query(
            "SELECT p.page, p.file_id, p.row_count, f.name, f.size, f.created::text,"
                + " (SELECT convert_from(string_agg(c.data, ''::bytea ORDER BY c.seq), 'UTF8')"
                + "  FROM stored_file_chunks c WHERE c.file_id = f.id)"
                + " FROM export_parts p JOIN stored_files f ON f.id = p.file_id"
                + " WHERE p.export_id = '"
                + id
                + "' ORDER BY p.page")) {
      parts.add(
          new StoredPart(
              row.getInteger(0),
              row.getLong(1),
              row.getInteger(2),
              row.getString(3),
              row.getLong(4),
              row.getString(5),
              row.getString(6)));
    }
    return parts;
  }

  private static List<String> expectedIds(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> String.format("R%04d", i)).toList();
  }

  /**
   * Resuming means carrying on after the last checkpoint: the parts stored before the stop are kept
   * as they are (same rows, same files, same content) and only the pages after them are collected
   * again. An implementation that started over would replace or drop those parts, which the
   * comparison of the stored rows before and after the restart sees, even though its result would
   * hold every row once too.
   */
  @Test
  void aStoppedServerResumesFromTheCheckpointKeepingThePartsItStored() {
    JsonObject export = startIds();
    awaitParts(export, 2);
    server.close(); // lets the running part finish: what is stored now stays as it is
    List<StoredPart> atStop = storedParts(export);
    int stopped = atStop.size();
    assertThat(stopped).isBetween(2, PARTS - 2);
    Row checkpoint =
        server
            .query(
                "SELECT status, page, collected_count FROM exports WHERE id = '"
                    + UUID.fromString(export.getString("id"))
                    + "'")
            .get(0);
    assertThat(checkpoint.getString(0)).isEqualTo("processing");
    assertThat(checkpoint.getInteger(1)).as("the next page to collect").isEqualTo(stopped + 1);
    assertThat(checkpoint.getLong(2)).isEqualTo((long) stopped * PAGE_SIZE);
    for (int i = 0; i < stopped; i++) {
      StoredPart part = atStop.get(i);
      assertThat(part.page()).isEqualTo(i + 1);
      assertThat(part.rows()).isEqualTo(PAGE_SIZE);
      assertThat(part.size()).isEqualTo(part.content().getBytes(StandardCharsets.UTF_8).length);
      assertThat(part.content().lines().skip(1).toList())
          .as("part %d holds its page of ids", part.page())
          .isEqualTo(expectedIds(i * PAGE_SIZE + 1, (i + 1) * PAGE_SIZE));
    }

    server = server.restart();
    admin = server.admin();
    JsonObject resumed =
        admin.await(
            path(export),
            "a part after the " + stopped + " stored before the stop",
            now ->
                now.getJsonArray("uploaded_parts").size() > stopped
                    || !now.getString("status").equals("processing"));
    assertThat(resumed.getString("status"))
        .as("still processing, so that its parts can be compared")
        .isEqualTo("processing");
    List<StoredPart> afterRestart = storedParts(export);
    assertThat(afterRestart.subList(0, stopped))
        .as("the parts stored before the stop, unchanged")
        .isEqualTo(atStop);
    assertThat(afterRestart.subList(stopped, afterRestart.size()))
        .as("the parts stored since the restart: the pages after the checkpoint, in new files")
        .isNotEmpty()
        .allSatisfy(
            part -> {
              assertThat(part.page()).isGreaterThan(stopped);
              assertThat(atStop).noneMatch(before -> before.fileId() == part.fileId());
            });

    JsonObject done = awaitCompleted(admin, export);
    assertThat(done.getLong("collected_count")).isEqualTo(ROWS);
    assertThat(done.getJsonArray("uploaded_parts").getList())
        .isEqualTo(IntStream.rangeClosed(1, PARTS).mapToObj(n -> "part_" + n + ".csv").toList());
    List<String> ids =
        rows(download(admin, done), Format.CSV).stream().map(row -> row.get("ID")).toList();
    assertThat(ids).as("every row once, in key order").isEqualTo(expectedIds(1, ROWS));
    assertThat(storedParts(export)).as("joined parts are dropped").isEmpty();
  }
}
