package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerPerTest;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Accepting part of a diff: by operation, by entry, or both; the rest is applied, and said so. */
class PartialAcceptTest extends ServerPerTest {
  /** S1 and S2 updated (entries 1, 2), S3 and S4 deleted (3, 4), N1 and N2 added (5, 6). */
  private long reviewChanges() {
    Imports.load(admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.BEFORE));
    JsonObject job =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.write(Format.CSV, CHANGES));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    return job.getLong("id");
  }

  private static final List<Map<String, Object>> CHANGES = LibraryState.changes();

  private JsonObject acceptPart(long id, JsonObject choice) {
    HttpResponse<Buffer> accepted =
        admin.patch(Imports.PATH + id + "/", choice.copy().put("status", "accept_changes"));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    JsonObject done = admin.awaitStatus(Imports.PATH + id + "/", "success", "fail");
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("success");
    return done;
  }

  private static JsonObject applied(long add, long update, long delete) {
    return new JsonObject()
        .put(
            "standard",
            new JsonObject().put("add", add).put("update", update).put("delete", delete));
  }

  @Test
  void onlyTheChosenOperationsAreAppliedAndTheOthersAreMarkedExcluded() {
    long id = reviewChanges();
    JsonObject done = acceptPart(id, new JsonObject().put("operations", List.of("add", "update")));

    assertThat(done.getJsonObject("applied")).isEqualTo(applied(2, 2, 0));
    assertThat(LibraryState.ids(admin)).containsExactly("N1", "N2", "S1", "S2", "S3", "S4", "S5");
    assertThat(LibraryState.get(admin, "S1").getString("title")).isEqualTo("Edited S1");
    assertThat(LibraryState.excludedEntries(admin, id)).containsExactly(3L, 4L);
  }

  @Test
  void excludedEntriesAreLeftOutAndFlagged() {
    long id = reviewChanges();
    JsonObject done = acceptPart(id, new JsonObject().put("exclude_entries", List.of(5, 1, 3)));

    assertThat(done.getJsonObject("applied")).isEqualTo(applied(1, 1, 1));
    assertThat(LibraryState.ids(admin)).containsExactly("N2", "S1", "S2", "S3", "S5");
    assertThat(LibraryState.get(admin, "S1").getString("title")).isEqualTo("Title S1");
    assertThat(LibraryState.get(admin, "S2").getInteger("priority")).isEqualTo(9);
    assertThat(LibraryState.excludedEntries(admin, id)).containsExactly(1L, 3L, 5L);
  }

  @Test
  void operationsAndEntriesTogether() {
    long id = reviewChanges();
    JsonObject done =
        acceptPart(
            id,
            new JsonObject()
                .put("operations", List.of("update", "delete"))
                .put("exclude_entries", List.of(2, 4)));

    assertThat(done.getJsonObject("applied")).isEqualTo(applied(0, 1, 1));
    assertThat(LibraryState.ids(admin)).containsExactly("S1", "S2", "S4", "S5");
    assertThat(LibraryState.get(admin, "S1").getString("title")).isEqualTo("Edited S1");
    assertThat(LibraryState.get(admin, "S2").getInteger("priority")).isEqualTo(5);
    assertThat(LibraryState.excludedEntries(admin, id)).containsExactly(2L, 4L, 5L, 6L);
  }

  @Test
  void badChoicesAre400AndLeaveTheDiffAsItWas() {
    long id = reviewChanges();
    badRequest(id, new JsonObject().put("operations", List.of("add", "rename")), "operations");
    badRequest(id, new JsonObject().put("exclude_entries", List.of("x")), "exclude_entries");
    badRequest(id, new JsonObject().put("exclude_entries", List.of(0)), "exclude_entries");
    badRequest(
        id,
        new JsonObject()
            .put(
                "exclude_entries",
                new JsonArray(LongStream.rangeClosed(1, 10_001).boxed().toList())),
        "exclude_entries");
    badRequest(
        id,
        new JsonObject().put("exclude_entries", List.of(2, 999, 7, 1000)),
        "not in the diff of import job " + id + ": 7, 999, 1000.");
    HttpResponse<Buffer> cancelWithChoice =
        admin.patch(
            Imports.PATH + id + "/",
            new JsonObject().put("status", "cancel").put("operations", List.of("add")));
    assertThat(cancelWithChoice.statusCode()).isEqualTo(400);
    assertThat(cancelWithChoice.bodyAsJsonObject().getString("detail"))
        .contains("accept_changes only");

    assertThat(admin.get(Imports.PATH + id + "/").bodyAsJsonObject().getString("status"))
        .isEqualTo("ready_for_review");
    assertThat(LibraryState.excludedEntries(admin, id)).isEmpty();
    JsonObject done = Imports.accept(admin, id);
    assertThat(done.getJsonObject("applied")).isEqualTo(applied(2, 2, 2));
    assertThat(LibraryState.ids(admin)).containsExactly("N1", "N2", "S1", "S2", "S5");
  }

  private void badRequest(long id, JsonObject choice, String detailPart) {
    HttpResponse<Buffer> refused =
        admin.patch(Imports.PATH + id + "/", choice.copy().put("status", "accept_changes"));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains(detailPart);
  }
}
