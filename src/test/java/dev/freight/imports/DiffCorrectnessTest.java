package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import dev.freight.formats.Format;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The server's diff of a few thousand random rows equals one computed here, independently. */
class DiffCorrectnessTest extends ServerTest {
  private static final int LIBRARY = 3_000;

  @Test
  void theDiffMatchesAnIndependentComputation() {
    Random random = new Random(42);
    Map<String, Map<String, Object>> library = new LinkedHashMap<>();
    for (int i = 0; i < LIBRARY; i++) {
      library.put("R" + i, LibraryFiles.random(random, "R" + i));
    }
    Imports.load(
        admin, "standard.json", LibraryFiles.write(Format.JSON, new ArrayList<>(library.values())));

    // The second file: most rows unchanged, some edited, some marked for deletion, some new, some
    // deletions of ids that do not exist, and a part of the library left out altogether.
    List<Map<String, Object>> file = new ArrayList<>();
    for (Map<String, Object> row : library.values()) {
      int dice = random.nextInt(20);
      Map<String, Object> copy = new LinkedHashMap<>(row);
      if (dice == 0) {
        continue;
      } else if (dice <= 3) {
        // Any field may change: unchanged rows are found by a digest of all of them.
        edit(copy, random);
        if (random.nextBoolean()) {
          edit(copy, random);
        }
      } else if (dice == 4) {
        copy.put("mark_delete", true);
      }
      file.add(copy);
    }
    for (int i = 0; i < 300; i++) {
      Map<String, Object> added = LibraryFiles.random(random, "NEW" + i);
      added.put("mark_delete", i % 10 == 0);
      file.add(added);
    }
    Collections.shuffle(file, random);

    Map<String, TreeMap<Long, JsonObject>> expected = expectedDiff(library, file);
    JsonObject job =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.write(Format.CSV, file));
    long id = job.getLong("id");
    assertThat(Imports.summary(admin, id))
        .isEqualTo(
            new JsonObject()
                .put("content_model", "standard")
                .put("add", expected.get("add").size())
                .put("update", expected.get("update").size())
                .put("delete", expected.get("delete").size())
                .put("unchanged", expected.get("unchanged").size()));

    JsonObject diff = admin.get(Imports.PATH + id + "/diff/standard/").bodyAsJsonObject();
    for (String op : List.of("add", "update", "delete")) {
      assertThat(diff.getJsonArray(op))
          .as(op)
          .isEqualTo(new JsonArray(new ArrayList<>(expected.get(op).values())));
    }

    Imports.accept(admin, id);
    assertThat(Imports.libraryCount(admin))
        .isEqualTo(LIBRARY + expected.get("add").size() - expected.get("delete").size());
    // Every value as the file gave it, whatever its type: the new states of the diff, applied.
    Map<String, JsonObject> applied = new HashMap<>();
    library.forEach((key, row) -> applied.put(key, json(row, false)));
    expected
        .get("delete")
        .values()
        .forEach(item -> applied.remove(item.getJsonObject("original").getString("id")));
    for (String op : List.of("add", "update")) {
      expected
          .get(op)
          .values()
          .forEach(
              item ->
                  applied.put(
                      item.getJsonObject("new").getString("id"), item.getJsonObject("new")));
    }
    assertThat(libraryItems()).isEqualTo(applied);
  }

  /** The library as the API lists it, by id, each item with the fields a file gives. */
  private static Map<String, JsonObject> libraryItems() {
    Map<String, JsonObject> items = new HashMap<>();
    for (int page = 1; items.size() < Imports.libraryCount(admin); page++) {
      JsonArray results =
          admin
              .get("/api/v2/library/standards/?page_size=1000&page=" + page)
              .bodyAsJsonObject()
              .getJsonArray("results");
      assertThat(results).as("page %d", page).isNotEmpty();
      for (Object item : results) {
        JsonObject listed = (JsonObject) item;
        JsonObject fields = new JsonObject();
        LibraryFiles.COLUMNS.forEach(
            field ->
                fields.put(field, field.equals("mark_delete") ? false : listed.getValue(field)));
        items.put(listed.getString("id"), fields);
      }
    }
    return items;
  }

  /** Changes one field, picked at random, to a valid value it did not have. */
  private static void edit(Map<String, Object> row, Random random) {
    int n = 1000 + random.nextInt(1000);
    switch (random.nextInt(8)) {
      case 0 -> row.put("title", "Edited " + n);
      case 1 -> row.put("text", row.get("text") + " edited");
      case 2 -> row.put("problem", "Q" + n);
      case 3 -> row.put("priority", (Integer) row.get("priority") % 10 + 1);
      case 4 -> row.put("phase", "Y" + n);
      case 5 -> row.put("active", !(Boolean) row.get("active"));
      case 6 -> row.put("match_conditions", "B" + n);
      default -> row.put("tags", row.get("tags") + "e");
    }
  }

  /** The rules of the issue, applied row by row in memory. */
  private static Map<String, TreeMap<Long, JsonObject>> expectedDiff(
      Map<String, Map<String, Object>> library, List<Map<String, Object>> file) {
    Map<String, TreeMap<Long, JsonObject>> diff = new HashMap<>();
    List.of("add", "update", "delete", "unchanged").forEach(op -> diff.put(op, new TreeMap<>()));
    for (int i = 0; i < file.size(); i++) {
      long entry = i + 1;
      Map<String, Object> row = file.get(i);
      Map<String, Object> known = library.get((String) row.get("id"));
      boolean delete = (Boolean) row.get("mark_delete");
      JsonObject item =
          new JsonObject().put("original", known == null ? new JsonObject() : json(known, false));
      if (known == null) {
        if (!delete) {
          diff.get("add").put(entry, item.put("new", json(row, false)).put("entry", entry));
        }
      } else if (delete) {
        diff.get("delete").put(entry, item.put("new", new JsonObject()).put("entry", entry));
      } else {
        JsonArray changed = new JsonArray();
        for (String field : LibraryFiles.COLUMNS) {
          if (!field.equals("id")
              && !field.equals("mark_delete")
              && !row.get(field).equals(known.get(field))) {
            changed.add(field);
          }
        }
        String op = changed.isEmpty() ? "unchanged" : "update";
        diff.get(op)
            .put(
                entry,
                item.put("new", json(row, false))
                    .put("entry", entry)
                    .put("changed_fields", changed));
      }
    }
    return diff;
  }

  private static JsonObject json(Map<String, Object> row, boolean markDelete) {
    JsonObject json = new JsonObject();
    LibraryFiles.COLUMNS.forEach(
        field -> json.put(field, field.equals("mark_delete") ? markDelete : row.get(field)));
    return json;
  }
}
