package dev.freight.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * What the YAML writer writes is read back unchanged by a reader Freight did not write: SnakeYAML's
 * {@code Yaml.load} with its default YAML 1.1 resolver (which takes yes/no/on/off, octal,
 * sexagesimal and timestamps for booleans, numbers and dates), and no plain scalar it writes is one
 * that any YAML 1.1 or 1.2 reader would take for something else than a string ({@link YamlTraps}).
 */
class YamlInteropTest {

  @TempDir Path dir;

  private static List<Map<String, Object>> loadWithSnakeYaml(Path file) throws Exception {
    Object loaded = new Yaml().load(Files.readString(file));
    assertThat(loaded).isInstanceOf(List.class);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) loaded;
    return rows;
  }

  @Test
  void theIssuesExampleReadsBackAsStrings() throws Exception {
    Path file =
        Samples.write(
            dir,
            Format.YAML,
            null,
            List.of("title", "text", "tags", "priority", "active"),
            List.of(Samples.row("Yes", "on", "off", 5, true)));

    Map<String, Object> row = loadWithSnakeYaml(file).get(0);
    assertThat(row)
        .containsExactly(
            Map.entry("title", "Yes"),
            Map.entry("text", "on"),
            Map.entry("tags", "off"),
            Map.entry("priority", 5),
            Map.entry("active", true));
    assertThat(Files.readString(file))
        .isEqualTo(
            "- title: \"Yes\"\n  text: \"on\"\n  tags: \"off\"\n  priority: 5\n  active: true\n");
  }

  @Test
  void everyTrapReadsBackAsWrittenWithTypedValuesNextToIt() throws Exception {
    List<String> traps = YamlTraps.stringsIncludingUnstorable();
    List<String> columns = List.of("value", "number", "flag", "none", "decimal");
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < traps.size(); i++) {
      rows.add(
          Samples.row(
              traps.get(i),
              i % 3 == 0 ? (Object) (long) -i : (Object) i,
              i % 2 == 0,
              null,
              new BigDecimal(i + ".25")));
    }
    Path file = Samples.write(dir, Format.YAML, null, columns, rows);

    List<Map<String, Object>> loaded = loadWithSnakeYaml(file);
    assertThat(loaded).hasSize(traps.size());
    for (int i = 0; i < traps.size(); i++) {
      Map<String, Object> row = loaded.get(i);
      assertThat(row.keySet()).as("row %d", i).containsExactlyElementsOf(columns);
      assertThat(row.get("value")).as("trap %d", i).isEqualTo(traps.get(i));
      assertThat(row.get("number")).isInstanceOf(Integer.class);
      assertThat(((Number) row.get("number")).longValue())
          .isEqualTo(((Number) rows.get(i).get(1)).longValue());
      assertThat(row.get("flag")).isEqualTo(i % 2 == 0);
      assertThat(row.get("none")).isNull();
      assertThat(row.get("decimal")).isEqualTo(i + 0.25);
    }
    assertThat(YamlTraps.plainNonStrings(Files.readString(file)))
        .as("only the typed columns are plain non-strings")
        .allMatch(
            entry ->
                entry.startsWith("number: ")
                    || entry.startsWith("flag: ")
                    || entry.startsWith("none: ")
                    || entry.startsWith("decimal: "));

    // Freight's own reader reads the same file back unchanged as well.
    assertThat(Samples.readAll(Format.YAML, file, null))
        .isEqualTo(Samples.expected(columns, rows, Samples::asJson));
  }

  @Test
  void everyTrapAsAColumnNameReadsBackAsWritten() throws Exception {
    List<String> traps = new ArrayList<>(YamlTraps.stringsIncludingUnstorable());
    traps.remove(""); // writers refuse an empty column name
    List<Object> values = new ArrayList<>(traps);
    Collections.reverse(values);
    Path file = Samples.write(dir, Format.YAML, null, traps, List.of(values));

    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < traps.size(); i++) {
      expected.put(traps.get(i), values.get(i));
    }
    List<Map<String, Object>> loaded = loadWithSnakeYaml(file);
    assertThat(loaded).hasSize(1);
    assertThat(new ArrayList<>(loaded.get(0).entrySet()))
        .containsExactlyElementsOf(expected.entrySet());
    assertThat(YamlTraps.plainNonStrings(Files.readString(file))).isEmpty();
    assertThat(Samples.readAll(Format.YAML, file, null)).containsExactly(expected);
    assertThat(Files.readString(file)).as("a key too long to be implicit").contains("\n  ? \"long");
  }

  @Test
  void columnNamesTooLongForAnImplicitKeyAreWrittenAsExplicitKeys() throws Exception {
    String first = "k".repeat(1001);
    String last = "é \"q\" ".repeat(300);
    List<String> columns = List.of(first, "b", last);
    List<List<Object>> rows = List.of(Samples.row("x", 1, "on"), Samples.row(null, 2, "y"));
    Path file = Samples.write(dir, Format.YAML, null, columns, rows);

    List<Map<String, Object>> expected = Samples.expected(columns, rows, Samples::asJson);
    assertThat(Samples.readAll(Format.YAML, file, null)).isEqualTo(expected);
    List<Map<String, Object>> loaded = loadWithSnakeYaml(file);
    assertThat(loaded).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(loaded.get(i).keySet()).containsExactlyElementsOf(columns);
      assertThat(loaded.get(i).get(first)).isEqualTo(rows.get(i).get(0));
      assertThat(loaded.get(i).get("b")).isEqualTo(rows.get(i).get(1));
      assertThat(loaded.get(i).get(last)).isEqualTo(rows.get(i).get(2));
    }
    assertThat(Files.readString(file)).startsWith("- ? " + first + "\n  : x\n  b: 1\n  ? \"");
  }

  @Test
  void onlyIdentifierLikeStringsThatNoReaderTakesForAnotherTypeArePlain() throws Exception {
    List<String> traps = YamlTraps.stringsIncludingUnstorable();
    List<List<Object>> rows = new ArrayList<>();
    for (String trap : traps) {
      rows.add(Samples.row(trap));
    }
    String yaml = Files.readString(Samples.write(dir, Format.YAML, null, List.of("v"), rows));

    List<String> plain = new ArrayList<>();
    for (String line : yaml.lines().toList()) {
      assertThat(line).startsWith("- v: ");
      String value = line.substring("- v: ".length());
      if (!value.startsWith("\"")) {
        plain.add(value);
      }
    }
    assertThat(plain)
        .containsExactly(
            "Null1", "x", "plain", "STD-1", "v1.2_beta-3", "e5", "Yes.", "yes-no", "on_off", "ON1");
    assertThat(plain).noneMatch(YamlTraps::resolvesToANonString);
  }

  @Test
  void theOracleKnowsTheTraps() {
    // The oracle itself must flag what the issue names, or the tests above prove nothing.
    for (String word : List.of("y", "n", "yes", "no", "on", "off", "true", "false", "null")) {
      assertThat(YamlTraps.caseForms(word)).allMatch(YamlTraps::resolvesToANonString);
    }
    assertThat(
            List.of(
                "",
                "~",
                "012",
                "0o12",
                "0x1F",
                "0b101",
                "1:20",
                "1_000",
                "1.5",
                "1e3",
                ".5",
                "+1",
                "2001-12-14",
                "2001-12-14t21:59:43.10-05:00",
                ".inf",
                "-.Inf",
                ".NaN",
                "=",
                "<<"))
        .allMatch(YamlTraps::resolvesToANonString);
    assertThat(List.of("STD-1", "e5", "plain", "yes-no"))
        .noneMatch(YamlTraps::resolvesToANonString);
  }
}
