package dev.freight.imports;

import dev.freight.Client;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small library, a file of changes to it, and what the API shows of both. */
final class LibraryState {
  private LibraryState() {}

  /** S1 to S5. */
  static final List<Map<String, Object>> BEFORE =
      List.of("S1", "S2", "S3", "S4", "S5").stream()
          .map(id -> LibraryFiles.standard(id, "Title " + id, 5))
          .toList();

  /**
   * Entries 1 and 2 update S1 (title) and S2 (priority), 3 and 4 delete S3 and S4, 5 and 6 add N1
   * and N2, 7 gives S5 unchanged.
   */
  static List<Map<String, Object>> changes() {
    Map<String, Object> s1 = LibraryFiles.standard("S1", "Edited S1", 5);
    Map<String, Object> s2 = LibraryFiles.standard("S2", "Title S2", 9);
    Map<String, Object> s3 = LibraryFiles.standard("S3", "Title S3", 5);
    s3.put("mark_delete", true);
    Map<String, Object> s4 = LibraryFiles.standard("S4", "Title S4", 5);
    s4.put("mark_delete", true);
    return List.of(
        s1,
        s2,
        s3,
        s4,
        LibraryFiles.standard("N1", "New 1", 3),
        LibraryFiles.standard("N2", "New 2", 4),
        LibraryFiles.standard("S5", "Title S5", 5));
  }

  /** Every standard, by id. */
  static JsonArray all(Client client) {
    return client
        .get("/api/v2/library/standards/?page_size=1000&ordering=id")
        .bodyAsJsonObject()
        .getJsonArray("results");
  }

  static List<String> ids(Client client) {
    List<String> ids = new ArrayList<>();
    all(client).forEach(item -> ids.add(((JsonObject) item).getString("id")));
    return ids;
  }

  static JsonObject get(Client client, String id) {
    return client.get("/api/v2/library/standards/" + id + "/").bodyAsJsonObject();
  }

  /** The job's whole diff of standards: {add, update, delete}. */
  static JsonObject diff(Client client, long jobId) {
    return client.get(Imports.PATH + jobId + "/diff/standard/").bodyAsJsonObject();
  }

  /** The diff's entries, of every operation. */
  static List<JsonObject> entries(Client client, long jobId) {
    JsonObject diff = diff(client, jobId);
    List<JsonObject> entries = new ArrayList<>();
    for (String op : List.of("add", "update", "delete")) {
      diff.getJsonArray(op).forEach(item -> entries.add(((JsonObject) item).put("op", op)));
    }
    return entries;
  }

  /** The numbers of the entries marked excluded, in order. */
  static List<Long> excludedEntries(Client client, long jobId) {
    return entries(client, jobId).stream()
        .filter(entry -> entry.getBoolean("excluded", false))
        .map(entry -> entry.getLong("entry"))
        .sorted()
        .toList();
  }
}
