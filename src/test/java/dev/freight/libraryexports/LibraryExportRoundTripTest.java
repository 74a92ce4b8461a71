package dev.freight.libraryexports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerTest;
import dev.freight.StandardColumns;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.formats.RowReader;
import dev.freight.formats.RowWriter;
import dev.freight.formats.YamlTraps;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The promise users test first: what one exports imports back unchanged, and edits show as exactly
 * those edits.
 */
class LibraryExportRoundTripTest extends ServerTest {
  private static final List<String> COLUMNS = StandardColumns.OF_FILES;
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
          .add(item("YAML-3", "Yes", "on", "", 5, "", false, "y", "off"))
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
   * A YAML export read by a reader Freight did not write, SnakeYAML's {@code Yaml.load} with the
   * YAML 1.1 resolver most YAML tools use, gives back every value as the library holds it: texts as
   * the same strings, priority as an integer, active and mark_delete as booleans.
   */
  @Test
  void aYamlExportReadsBackUnchangedWithSnakeYaml() {
    byte[] file = exported(new JsonObject().put("file_format", "yaml"));

    assertEveryValueAsInTheLibrary(file, SEED);
  }

  /**
   * Standards whose every text field holds a string that YAML readers take for something else when
   * it is written plain (yes/no/on/off in every case, numbers in every notation, dates, .inf,
   * indicators, breaks, controls, ...), imported and exported through the API: SnakeYAML's {@code
   * Yaml.load} reads every value of the YAML export back as it was imported, and Freight imports
   * the export back unchanged. On a server of its own, so that the other tests keep their library.
   */
  @Test
  void yamlTrapsInEveryFieldReadBackUnchangedWithSnakeYamlAndOnImport() {
    List<String> traps = YamlTraps.strings();
    List<String> ids = YamlTraps.ids();
    List<String> rules = YamlTraps.matchConditions();
    List<String> codes = List.of("Y1", "N0", "ON1", "off2", "e5", "NaN1", "inf2", "NULL3");
    JsonArray standards = new JsonArray();
    for (int i = 0; i < traps.size(); i++) {
      String trap = traps.get(i);
      standards.add(
          item(
              i < ids.size() ? ids.get(i) : "TRAP-" + i,
              trap.isEmpty() || trap.length() > 255 ? "title " + i : trap,
              trap,
              i < codes.size() ? codes.get(i) : "",
              1 + i % 10,
              i < codes.size() ? codes.get(codes.size() - 1 - i) : "",
              i % 2 == 0,
              i < rules.size() ? rules.get(i) : "",
              traps.get(traps.size() - 1 - i)));
    }
    try (TestServer own = TestServer.start()) {
      Client client = own.admin();
      Imports.load(client, "standard.json", standards.toBuffer().getBytes());

      JsonObject job = Library.export(client, new JsonObject().put("file_format", "yaml"));
      HttpResponse<Buffer> download = Library.download(client, job.getLong("id"));
      assertThat(download.statusCode()).isEqualTo(200);
      byte[] file = download.body().getBytes();

      assertEveryValueAsInTheLibrary(file, standards);
      JsonObject diff = Library.diff(client, "standard.yaml", file);
      assertThat(diff.getLong("unchanged")).isEqualTo(standards.size());
      assertThat(diff.getLong("add") + diff.getLong("update") + diff.getLong("delete")).isZero();
    }
  }

  /**
   * Loads a YAML export with SnakeYAML and compares every value of every row with the standards
   * that were imported; and no plain scalar of the file, other than the typed fields, is one that
   * any YAML 1.1 or 1.2 reader would take for something else than a string.
   */
  private static void assertEveryValueAsInTheLibrary(byte[] file, JsonArray standards) {
    String yaml = new String(file, StandardCharsets.UTF_8);
    Object loaded = new Yaml().load(yaml);
    assertThat(loaded).isInstanceOf(List.class);
    List<?> rows = (List<?>) loaded;
    assertThat(rows).hasSize(standards.size());
    Map<String, JsonObject> byId = new HashMap<>();
    standards.forEach(s -> byId.put(((JsonObject) s).getString("id"), (JsonObject) s));
    for (Object element : rows) {
      assertThat(element).isInstanceOf(Map.class);
      Map<?, ?> row = (Map<?, ?>) element;
      assertThat(new ArrayList<Object>(row.keySet())).containsExactlyElementsOf(COLUMNS);
      assertThat(row.get("id")).isInstanceOf(String.class);
      JsonObject standard = byId.remove((String) row.get("id"));
      assertThat(standard).as("a standard with id %s", row.get("id")).isNotNull();
      for (String column : COLUMNS) {
        Object expected = column.equals("mark_delete") ? Boolean.FALSE : standard.getValue(column);
        assertThat(row.get(column))
            .as("%s of %s", column, standard.getString("id"))
            .isEqualTo(expected);
      }
    }
    assertThat(byId).as("standards missing from the export").isEmpty();
    assertThat(YamlTraps.plainNonStrings(yaml))
        .allMatch(
            plain ->
                plain.startsWith("priority: ")
                    || plain.startsWith("active: ")
                    || plain.startsWith("mark_delete: "));
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
        assertThat(new ArrayList<Object>(row.keySet())).containsExactlyElementsOf(COLUMNS);
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
