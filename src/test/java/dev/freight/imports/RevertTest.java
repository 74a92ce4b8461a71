package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerPerTest;
import dev.freight.formats.Format;
import dev.freight.library.ContentHash;
import dev.freight.library.ContentModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Undoing an applied import: a new job whose diff puts back what it changed. */
class RevertTest extends ServerPerTest {
  private long load(List<Map<String, Object>> rows) {
    JsonObject job =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.write(Format.CSV, rows));
    assertThat(Imports.accept(admin, job.getLong("id")).getString("status")).isEqualTo("success");
    return job.getLong("id");
  }

  private HttpResponse<Buffer> revert(long id, JsonObject body) {
    return admin.post(Imports.PATH + id + "/revert/", body);
  }

  /** Reverts the job and waits until the revert is ready for review. */
  private JsonObject reverted(long id, boolean includeConflicts) {
    HttpResponse<Buffer> created =
        revert(id, new JsonObject().put("include_conflicts", includeConflicts));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject job = created.bodyAsJsonObject();
    assertThat(job.getLong("reverts")).isEqualTo(id);
    JsonObject ready = Imports.settle(admin, job.getLong("id"));
    assertThat(ready.getString("status")).as(ready.encode()).isEqualTo("ready_for_review");
    return ready;
  }

  private static JsonObject counts(long add, long update, long delete, long unchanged) {
    return new JsonObject()
        .put("content_model", "standard")
        .put("add", add)
        .put("update", update)
        .put("delete", delete)
        .put("unchanged", unchanged);
  }

  @Test
  void aRevertPutsBackEveryChangeAndItsRevertRedoesThem() {
    load(LibraryState.BEFORE);
    JsonArray before = LibraryState.all(admin);
    long changes = load(LibraryState.changes());
    JsonArray after = LibraryState.all(admin);

    JsonObject revert = reverted(changes, false);
    long revertId = revert.getLong("id");
    assertThat(revert.getValue("applied")).isNull();
    assertThat(Imports.summary(admin, revertId)).isEqualTo(counts(2, 2, 2, 0));
    JsonObject diff = LibraryState.diff(admin, revertId);
    JsonObject restoredS1 = diff.getJsonArray("update").getJsonObject(0);
    assertThat(restoredS1.getLong("entry")).isEqualTo(1);
    assertThat(restoredS1.getJsonObject("original").getString("title")).isEqualTo("Edited S1");
    assertThat(restoredS1.getJsonObject("new").getString("title")).isEqualTo("Title S1");
    assertThat(restoredS1.getJsonArray("changed_fields")).containsExactly("title");
    assertThat(LibraryState.entries(admin, revertId))
        .noneMatch(entry -> entry.containsKey("conflict") || entry.containsKey("excluded"));

    JsonObject applied = Imports.accept(admin, revertId);
    assertThat(applied.getJsonObject("applied"))
        .isEqualTo(
            new JsonObject()
                .put("standard", new JsonObject().put("add", 2).put("update", 2).put("delete", 2)));
    assertThat(LibraryState.all(admin)).isEqualTo(before);
    assertDigestsAreTheOnesImportsWrite();

    long again = reverted(revertId, false).getLong("id");
    assertThat(Imports.summary(admin, again)).isEqualTo(counts(2, 2, 2, 0));
    Imports.accept(admin, again);
    assertThat(LibraryState.all(admin)).isEqualTo(after);
    assertDigestsAreTheOnesImportsWrite();
  }

  @Test
  void anItemChangedSinceIsAConflictLeftOutUnlessIncluded() {
    load(LibraryState.BEFORE);
    long changes = load(LibraryState.changes());
    Map<String, Object> later = LibraryFiles.standard("S1", "Later S1", 5);
    Map<String, Object> readded = LibraryFiles.standard("S3", "Back S3", 2);
    load(List.of(later, readded));

    JsonObject revert = reverted(changes, false);
    long revertId = revert.getLong("id");
    // S1 is updated back, S3 (re-added since) is updated, not added; both are conflicts.
    assertThat(Imports.summary(admin, revertId)).isEqualTo(counts(1, 3, 2, 0));
    List<JsonObject> conflicts =
        LibraryState.entries(admin, revertId).stream()
            .filter(entry -> entry.getBoolean("conflict", false))
            .toList();
    assertThat(conflicts).extracting(entry -> entry.getLong("entry")).containsExactly(1L, 3L);
    assertThat(conflicts).allMatch(entry -> entry.getBoolean("excluded", false));
    JsonObject s1 = conflicts.get(0);
    assertThat(s1.getJsonObject("original").getString("title")).isEqualTo("Later S1");
    assertThat(s1.getJsonObject("new").getString("title")).isEqualTo("Title S1");

    Imports.accept(admin, revertId);
    assertThat(LibraryState.ids(admin)).containsExactly("S1", "S2", "S3", "S4", "S5");
    assertThat(LibraryState.get(admin, "S1").getString("title")).isEqualTo("Later S1");
    assertThat(LibraryState.get(admin, "S3").getString("title")).isEqualTo("Back S3");
    assertThat(LibraryState.get(admin, "S2").getInteger("priority")).isEqualTo(5);

    // Reverted again, now with its conflicts: the rest is already as before, so only they remain.
    long withConflicts = reverted(changes, true).getLong("id");
    assertThat(Imports.summary(admin, withConflicts)).isEqualTo(counts(0, 2, 0, 4));
    assertThat(LibraryState.entries(admin, withConflicts))
        .allMatch(entry -> entry.getBoolean("conflict") && !entry.containsKey("excluded"));
    Imports.accept(admin, withConflicts);
    assertThat(LibraryState.all(admin)).isEqualTo(allOf(LibraryState.BEFORE));
  }

  @Test
  void aPartlyAcceptedJobIsRevertedWhereItWasApplied() {
    load(LibraryState.BEFORE);
    JsonArray before = LibraryState.all(admin);
    long changes =
        Imports.uploadAndSettle(
                admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.changes()))
            .getLong("id");
    admin.patch(
        Imports.PATH + changes + "/",
        new JsonObject().put("status", "accept_changes").put("exclude_entries", List.of(1, 3)));
    assertThat(admin.awaitStatus(Imports.PATH + changes + "/", "success").getJsonObject("applied"))
        .isEqualTo(
            new JsonObject()
                .put("standard", new JsonObject().put("add", 2).put("update", 1).put("delete", 1)));

    // S1's update and S3's delete were left out: there is nothing of theirs to put back.
    long revertId = reverted(changes, false).getLong("id");
    assertThat(Imports.summary(admin, revertId)).isEqualTo(counts(1, 1, 2, 0));
    Imports.accept(admin, revertId);
    assertThat(LibraryState.all(admin)).isEqualTo(before);
  }

  @Test
  void onlyASuccessJobCanBeRevertedAndOnlyWhileNoImportIsActive() {
    JsonObject failed =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.csv("id,title\nS1,\n"));
    assertThat(failed.getString("status")).isEqualTo("fail");
    conflict(revert(failed.getLong("id"), new JsonObject()), "it is fail");

    long applied = load(LibraryState.BEFORE);
    long review =
        Imports.uploadAndSettle(
                admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.changes()))
            .getLong("id");
    conflict(revert(review, new JsonObject()), "it is ready_for_review");
    conflict(
        revert(applied, new JsonObject()),
        "Only one import may be active at a time and import job " + review);
    assertThat(admin.get(Imports.PATH + "current/").bodyAsJsonObject().getLong("id"))
        .isEqualTo(review);

    Imports.patch(admin, review, "cancel");
    // No body at all is the same as {}.
    HttpResponse<Buffer> created =
        admin.request(HttpMethod.POST, Imports.PATH + applied + "/revert/").send().await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    long revertId = created.bodyAsJsonObject().getLong("id");
    conflict(
        revert(applied, new JsonObject()),
        "Only one import may be active at a time and import job " + revertId);
    assertThat(Imports.settle(admin, revertId).getString("status")).isEqualTo("ready_for_review");
  }

  @Test
  void aCancelledRevertIsComputedAgainOnRetry() {
    load(LibraryState.BEFORE);
    long changes = load(LibraryState.changes());
    long revertId = reverted(changes, false).getLong("id");
    assertThat(Imports.patch(admin, revertId, "cancel").bodyAsJsonObject().getString("status"))
        .isEqualTo("cancel");
    assertThat(Imports.patch(admin, revertId, "retry").statusCode()).isEqualTo(200);
    assertThat(Imports.settle(admin, revertId).getString("status")).isEqualTo("ready_for_review");
    assertThat(Imports.summary(admin, revertId)).isEqualTo(counts(2, 2, 2, 0));
  }

  @Test
  void badRequestsAreRefused() {
    long applied = load(LibraryState.BEFORE);
    assertThat(revert(applied, new JsonObject().put("include_conflicts", "yes")).statusCode())
        .isEqualTo(400);
    assertThat(revert(applied, new JsonObject().put("force", true)).statusCode()).isEqualTo(400);
    assertThat(revert(999, new JsonObject()).statusCode()).isEqualTo(404);
    assertThat(
            admin
                .createUser("viewer@example.com", false)
                .post(Imports.PATH + applied + "/revert/", new JsonObject())
                .statusCode())
        .isEqualTo(403);

    // A finished job's diff may be purged (retention), with or without its counts: it can no
    // longer be reverted.
    server.query("DELETE FROM import_diffs WHERE job_id = " + applied);
    assertGone(applied);
    server.query("DELETE FROM import_diff_counts WHERE job_id = " + applied);
    assertGone(applied);
  }

  private void assertGone(long id) {
    HttpResponse<Buffer> gone = revert(id, new JsonObject());
    assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(410);
    assertThat(gone.bodyAsJsonObject().getString("detail")).contains("purged");
  }

  private static void conflict(HttpResponse<Buffer> response, String detailPart) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detailPart);
  }

  /** The rows as the library lists them. */
  private static JsonArray allOf(List<Map<String, Object>> rows) {
    JsonArray all = new JsonArray();
    rows.forEach(
        row -> {
          JsonObject standard = new JsonObject(new HashMap<>(row));
          standard.remove("mark_delete");
          all.add(standard);
        });
    return all;
  }

  /** A revert writes the content digest an import would for the same content. */
  private void assertDigestsAreTheOnesImportsWrite() {
    ContentHash java = new ContentHash(ContentModels.STANDARD);
    server
        .query("SELECT id, content_hash FROM standard")
        .forEach(
            row -> {
              Map<String, Object> standard =
                  new HashMap<>(LibraryState.get(admin, row.getString(0)).getMap());
              standard.put("mark_delete", false);
              assertThat(java.of(ContentModels.STANDARD.coerce(standard).values()))
                  .as(row.getString(0))
                  .isEqualTo(row.getUUID(1));
            });
  }
}
