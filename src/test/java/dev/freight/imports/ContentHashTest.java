package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import dev.freight.formats.Format;
import dev.freight.library.ContentHash;
import dev.freight.library.ContentModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An import finds unchanged rows by their content digest: the one Java computes for a file's row
 * must equal the one the library keeps for the same item, written by imports (and, for items from
 * before digests, by migration V9: see MigrationsTest). Otherwise every row would be compared in
 * full, and a digest that left out a field would miss its changes.
 */
class ContentHashTest extends ServerTest {
  private static final List<Map<String, Object>> ROWS =
      List.of(
          LibraryFiles.standard("PLAIN1", "Plain title", 5),
          with(
              LibraryFiles.standard("WIDE1", "Grüße, 東京, 🔒 and \"quotes\"", 10),
              "text",
              "line one\nline two\r\n\ttabbed 🔒🔒",
              "tags",
              "ß,é",
              "active",
              false),
          with(
              LibraryFiles.standard("EMPTY1", "E", 1),
              "text",
              "",
              "problem",
              "",
              "phase",
              "",
              "tags",
              ""),
          with(
              LibraryFiles.standard("LONG1", "L", 7),
              "text",
              "x".repeat(10_000),
              "match_conditions",
              "A1 AND !A2;A3",
              "problem",
              "P12",
              "phase",
              "D1"));

  @Test
  void importsWriteTheDigestsJavaComputesForWhatTheyAddAndChange() {
    Imports.load(admin, "standard.csv", LibraryFiles.write(Format.CSV, ROWS));
    assertDigests(ROWS);

    List<Map<String, Object>> edited = new ArrayList<>(ROWS);
    edited.set(1, with(ROWS.get(1), "title", "Edited 🔒"));
    edited.set(3, with(ROWS.get(3), "priority", 8));
    Imports.load(admin, "standard.csv", LibraryFiles.write(Format.CSV, edited));
    assertDigests(edited);
  }

  private static void assertDigests(List<Map<String, Object>> rows) {
    Map<String, UUID> stored = new HashMap<>();
    server
        .query("SELECT id, content_hash FROM standard")
        .forEach(row -> stored.put(row.getString(0), row.getUUID(1)));
    assertThat(stored).hasSize(rows.size());
    ContentHash java = new ContentHash(ContentModels.STANDARD);
    for (Map<String, Object> row : rows) {
      assertThat(java.of(values(row)))
          .as((String) row.get("id"))
          .isEqualTo(stored.get((String) row.get("id")));
    }
  }

  @Test
  void valuesThatReadTheSameRunTogetherStillDiffer() {
    ContentHash digests = new ContentHash(ContentModels.STANDARD);
    Map<String, Object> row = LibraryFiles.standard("A1", "T", 5);
    UUID ab = digests.of(values(with(row, "text", "ab", "tags", "")));
    UUID aThenB = digests.of(values(with(row, "text", "a", "tags", "b")));
    assertThat(ab).isNotEqualTo(aThenB);
  }

  private static List<Object> values(Map<String, Object> row) {
    return ContentModels.STANDARD.coerce(row).values();
  }

  private static Map<String, Object> with(Map<String, Object> row, Object... fieldsAndValues) {
    Map<String, Object> copy = new HashMap<>(row);
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      copy.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return copy;
  }
}
