package dev.freight.libraryexports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.formats.RowReader;
import dev.freight.formats.RowWriter;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The promise users test first: what one exports imports back unchanged, and edits show as exactly
 * those edits.
 */
class LibraryExportRoundTripTest extends ServerTest {
  private static final List<String> COLUMNS =
      List.of(
          "id",
          "title",
          "text",
          "problem",
          "priority",
          "phase",
          "active",
          "mark_delete",
          "match_conditions",
          "tags");
  private static final String LONG_TEXT =
      "Ünïcödé, \"quoted\", 'single'\r\nand =formula-like; 東京 ".repeat(300).substring(0, 10_000);
  private static final JsonArray SEED =
      new JsonArray()
          .add(
              item(
                  "007",
                  "Commas, \"quotes\" and 'apostrophes'",
                  "line1\nline2\r\nline3\rend",
                  "P1",
                  1,
                  "D1",
                  true,
                  "A1 AND !A2;A3",
                  "a,b"))
          .add(
              item(
                  "1e3",
                  "=SUM(A1:A2)",
                  "=HYPERLINK(\"http://example.com\")",
                  "",
                  10,
                  "",
                  false,
                  "",
                  ""))
          .add(item("-5", "+cmd|' /C calc'!A0", "-minus", "P2", 5, "", true, "", "@tag"))
          .add(item("TRUE", "@user", "", "", 5, "", true, "", ""))
          .add(
              item(
                  "null",
                  "Zürich – 東京 😀 ñ",
                  "Grüße\u00a0non-breaking",
                  "",
                  3,
                  "",
                  false,
                  "",
                  "true"))
          .add(item("LONG-1", "Long text", LONG_TEXT, "", 5, "", true, "", ""))
          .add(item("SPACES", "  padded  ", " leading space", "", 5, "", true, "", " "))
          .add(
              item(
                  "YAML-1",
                  "# not a comment",
                  "key: value\n- item\n  indented",
                  "",
                  5,
                  "",
                  true,
                  "",
                  "- x"))
          .add(item("YAML-2", "null", "~", "", 5, "", true, "", "false"))
          .add(item("NUM-1", "123", "1.50", "", 7, "", true, "", "0"))
          .add(item("TAB", "tab\there", "\"", "", 5, "", true, "", ""))
          .add(item("EDIT-1", "Title to edit", "", "", 5, "", true, "", ""))
          .add(item("EDIT-2", "Second", "Text to edit", "", 5, "", true, "", ""))
          .add(item("DEL-1", "Row to delete", "", "", 5, "", true, "", ""));

  private static int seeded;

  @BeforeAll
  static void seed() {
    for (int i = 0; i < 20; i++) {
      SEED.add(
          item(
              String.format("STD-%03d", i),
              "Standard " + i,
              "Text " + i,
              "",
              1 + i % 10,
              "",
              i % 2 == 0,
              "",
              ""));
    }
    seeded = SEED.size();
    Imports.load(admin, "standard.json", SEED.toBuffer().getBytes());
  }

  private static JsonObject item(
      String id,
      String title,
      String text,
      String problem,
      int priority,
      String phase,
      boolean active,
      String matchConditions,
      String tags) {
    return new JsonObject()
        .put("id", id)
        .put("title", title)
        .put("text", text)
        .put("problem", problem)
        .put("priority", priority)
        .put("phase", phase)
        .put("active", active)
        .put("match_conditions", matchConditions)
        .put("tags", tags);
  }

  private static byte[] exported(JsonObject request) {
    JsonObject job = Library.export(admin, request);
    HttpResponse<Buffer> file = Library.download(admin, job.getLong("id"));
    assertThat(file.statusCode()).isEqualTo(200);
    return file.body().getBytes();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aFullExportImportsBackWithoutChanges(Format format) {
    byte[] file = exported(new JsonObject().put("file_format", format.extension()));

    JsonObject diff = Library.diff(admin, "standard." + format.extension(), file);
    assertThat(diff.getLong("add")).isZero();
    assertThat(diff.getLong("update")).isZero();
    assertThat(diff.getLong("delete")).isZero();
    assertThat(diff.getLong("unchanged")).isEqualTo(seeded);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void editsToAnExportShowAsExactlyThoseEdits(Format format) throws IOException {
    byte[] file = exported(new JsonObject().put("file_format", format.extension()));

    JsonObject diff = Library.diff(admin, "standard." + format.extension(), edit(format, file));
    assertThat(diff.getLong("add")).isZero();
    assertThat(diff.getLong("update")).isEqualTo(2);
    assertThat(diff.getLong("delete")).isEqualTo(1);
    JsonObject entries = diff.getJsonObject("entries");
    JsonArray updates = entries.getJsonArray("update");
    assertThat(updates.getJsonObject(0).getJsonObject("new").getString("id")).isEqualTo("EDIT-1");
    assertThat(updates.getJsonObject(0).getJsonObject("new").getString("title"))
        .isEqualTo("Title edited");
    assertThat(updates.getJsonObject(0).getJsonArray("changed_fields")).containsExactly("title");
    assertThat(updates.getJsonObject(1).getJsonObject("new").getString("id")).isEqualTo("EDIT-2");
    assertThat(updates.getJsonObject(1).getJsonObject("new").getString("text"))
        .isEqualTo("Text edited");
    assertThat(updates.getJsonObject(1).getJsonArray("changed_fields")).containsExactly("text");
    assertThat(
            entries
                .getJsonArray("delete")
                .getJsonObject(0)
                .getJsonObject("original")
                .getString("id"))
        .isEqualTo("DEL-1");
  }

  /**
   * What a user would do in an editor: change a title and a text, and mark one row for deletion.
   */
  private static byte[] edit(Format format, byte[] file) throws IOException {
    if (format == Format.XLSX) {
      return editSheet(file);
    }
    String text =
        new String(file, StandardCharsets.UTF_8)
            .replace("Title to edit", "Title edited")
            .replace("Text to edit", "Text edited");
    int row =
        text.indexOf(
            switch (format) {
              case CSV -> "\nDEL-1,";
              case JSON -> "\"id\":\"DEL-1\"";
              default -> "id: DEL-1";
            });
    String[] markDelete =
        switch (format) {
          case CSV -> new String[] {"true,false", "true,true"};
          case JSON -> new String[] {"\"mark_delete\":false", "\"mark_delete\":true"};
          default -> new String[] {"mark_delete: false", "mark_delete: true"};
        };
    int at = text.indexOf(markDelete[0], row);
    assertThat(row).isPositive();
    assertThat(at).isPositive();
    text = text.substring(0, at) + markDelete[1] + text.substring(at + markDelete[0].length());
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A spreadsheet is edited cell by cell: read it, change the cells, write it again. */
  private static byte[] editSheet(byte[] file) throws IOException {
    Path dir = Files.createTempDirectory("export-edit");
    Path original = Files.write(dir.resolve("in.xlsx"), file);
    Path edited = dir.resolve("out.xlsx");
    try (RowReader reader = Format.XLSX.openReader(original, "standard", ReadLimits.DEFAULT);
        OutputStream out = Files.newOutputStream(edited);
        RowWriter writer = Format.XLSX.openWriter(out, "standard", COLUMNS)) {
      for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
        assertThat(row.keySet()).containsExactlyElementsOf(COLUMNS);
        List<Object> values = new ArrayList<>();
        for (Object value : row.values()) {
          values.add(
              value instanceof String s
                  ? s.replace("Title to edit", "Title edited")
                      .replace("Text to edit", "Text edited")
                  : value);
        }
        if ("DEL-1".equals(row.get("id"))) {
          values.set(COLUMNS.indexOf("mark_delete"), true);
        }
        writer.write(values);
      }
    }
    return Files.readAllBytes(edited);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aTemplateImportsAsAValidFile(Format format) {
    byte[] template =
        exported(new JsonObject().put("type", "template").put("file_format", format.extension()));

    JsonObject diff = Library.diff(admin, "standard." + format.extension(), template);
    assertThat(diff.getLong("update")).isZero();
    assertThat(diff.getLong("delete")).isZero();
    if (format == Format.CSV || format == Format.XLSX) {
      assertThat(diff.getLong("add")).as("a header row and nothing else").isZero();
    } else {
      assertThat(diff.getLong("add")).as("one example record").isEqualTo(1);
      JsonObject example =
          diff.getJsonObject("entries").getJsonArray("add").getJsonObject(0).getJsonObject("new");
      assertThat(example.fieldNames()).containsExactlyInAnyOrderElementsOf(COLUMNS);
      assertThat(example.getString("id")).isEqualTo("EXAMPLE-1");
      assertThat(example.getString("match_conditions")).isNotEmpty();
    }
    if (format == Format.CSV) {
      assertThat(new String(template, StandardCharsets.UTF_8).lines().toList())
          .containsExactly(String.join(",", COLUMNS));
    }
  }
}
