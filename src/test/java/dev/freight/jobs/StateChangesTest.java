package dev.freight.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerPerTest;
import dev.freight.imports.Imports;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every job kind, run by the one runner, publishes each move of its jobs once, in order, on {@link
 * StateChange#ADDRESS}: what webhooks and live views will hang on.
 */
class StateChangesTest extends ServerPerTest {
  private static final byte[] SMALL = "id,title\nS1,One\nS2,Two\n".getBytes(StandardCharsets.UTF_8);

  private static List<String> moves(List<StateChange> changes, String kind, String id) {
    return changes.stream()
        .filter(c -> c.kind().equals(kind) && c.id().equals(id))
        .map(c -> c.from() + ">" + c.to())
        .toList();
  }

  private static void awaitMoves(
      List<StateChange> changes, String kind, String id, String... expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (moves(changes, kind, id).size() < expected.length && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    assertThat(moves(changes, kind, id)).containsExactly(expected);
  }

  @Test
  void anImportPublishesEachMoveOnceFromUploadToSuccess() {
    List<StateChange> changes = server.stateChanges();
    long id = Imports.upload(admin, "standard.csv", SMALL).bodyAsJsonObject().getLong("id");
    Imports.settle(admin, id);
    Imports.accept(admin, id);
    awaitMoves(
        changes,
        "import_jobs",
        String.valueOf(id),
        "pending>generating_diff",
        "generating_diff>ready_for_review",
        "ready_for_review>applying_changes",
        "applying_changes>success");
    assertThat(changes).allSatisfy(change -> assertThat(change.at()).isNotNull());
  }

  @Test
  void aCancelAndARetryArePublishedAndARefusedMoveIsNot() {
    List<StateChange> changes = server.stateChanges();
    long id = Imports.upload(admin, "standard.csv", SMALL).bodyAsJsonObject().getLong("id");
    Imports.settle(admin, id);
    assertThat(Imports.patch(admin, id, "cancel").statusCode()).isEqualTo(200);
    // Refused (409): a cancelled job cannot be accepted, and nothing is published for it.
    assertThat(Imports.patch(admin, id, "accept_changes").statusCode()).isEqualTo(409);
    assertThat(Imports.patch(admin, id, "retry").statusCode()).isEqualTo(200);
    Imports.settle(admin, id);
    awaitMoves(
        changes,
        "import_jobs",
        String.valueOf(id),
        "pending>generating_diff",
        "generating_diff>ready_for_review",
        "ready_for_review>cancel",
        "cancel>pending",
        "pending>generating_diff",
        "generating_diff>ready_for_review");
  }

  @Test
  void bothExportKindsPublishTheirRunsFromWaitingToDone() {
    List<StateChange> changes = server.stateChanges();
    JsonObject libraryExport =
        admin
            .post(
                "/api/v2/library/export/",
                new JsonObject().put("file_format", "csv").put("type", "template"))
            .bodyAsJsonObject();
    String libraryId = String.valueOf(libraryExport.getLong("id"));
    awaitMoves(changes, "export_jobs", libraryId, "pending>in_progress", "in_progress>success");

    JsonObject listExport =
        admin.post("/api/v2/library/standards/export/", new JsonObject()).bodyAsJsonObject();
    awaitMoves(
        changes,
        "exports",
        listExport.getString("id"),
        "waiting>processing",
        "processing>completed");
  }
}
