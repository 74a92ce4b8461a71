package dev.freight.formats;

import static dev.freight.formats.CsvFormatTest.readError;
import static dev.freight.formats.Samples.COLUMNS;
import static dev.freight.formats.Samples.ROWS;
import static dev.freight.formats.Samples.file;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlFormatTest {

  @TempDir Path dir;

  @Test
  void roundTripsNastyValuesWithTypes() throws Exception {
    Path file = Samples.write(dir, Format.YAML, null, COLUMNS, ROWS);

    assertThat(Samples.readAll(Format.YAML, file, null))
        .isEqualTo(Samples.expected(COLUMNS, ROWS, Samples::asJson));
  }

  @Test
  void roundTripsStringsThatLookLikeOtherTypesOrNeedEscapes() throws Exception {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    List<Object> values =
        Samples.row(
            "true",
            "False",
            "123",
            "-4",
            "1.5",
            "1e3",
            "",
            "null",
            "~",
            "NULL",
            "yes",
            "0x1F",
            ".inf",
            "3:25",
            "2024-01-01",
            " x",
            "x ",
            "  both  ",
            "a #b",
            "#c",
            "[1]",
            "{a: 1}",
            "- x",
            "a: b",
            "*ref",
            "&anchor",
            "!tag",
            "%x",
            "%",
            "@",
            "`",
            "'",
            "say \"hi\"",
            "back\\slash \\n \\/",
            "\\",
            controls.toString(),
            "\u0000bell\u0007",
            "\u007F \u0085 \u009F \u00A0",
            "\u2028sep\u2029",
            "\uFEFFbom \uFFFE \uFFFF",
            "lone \uD800 and \uDFFF, reversed \uDE00\uD83D",
            "emoji 😀 Zürich 東京",
            "STD-1",
            "e5",
            "v1.2_beta-3",
            "z".repeat(10_000),
            42L,
            -7,
            new BigDecimal("-1.250"),
            true,
            false,
            null);
    List<String> columns = new java.util.ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      columns.add("c" + i);
    }
    Path file =
        Samples.write(
            dir,
            Format.YAML,
            null,
            columns,
            List.of(values, Samples.row(new Object[values.size()])));

    List<Map<String, Object>> rows = Samples.readAll(Format.YAML, file, null);
    assertThat(rows.get(0).values())
        .containsExactlyElementsOf(values.stream().map(Samples::asJson).toList());
    assertThat(rows.get(1).values()).containsOnlyNulls().hasSize(values.size());
    assertThat(Files.readString(file))
        .contains("c0: \"true\"", "c7: \"null\"", "c1: null", ": STD-1\n");
    assertThat(Files.readAllLines(file)).as("one line per value").hasSize(2 * values.size());
  }

  @Test
  void quotesColumnNamesThatAreNotPlainIdentifiers() throws Exception {
    List<String> columns =
        List.of("id", "snake_case", "true", "123", "a b", "x: y", "#k", "-", "ü", "q\"uote");
    Path file =
        Samples.write(
            dir, Format.YAML, null, columns, List.of(Samples.row(new Object[columns.size()])));

    assertThat(Samples.readAll(Format.YAML, file, null).get(0).keySet())
        .containsExactlyElementsOf(columns);
    assertThat(Files.readString(file))
        .startsWith("- id: null\n  snake_case: null\n  \"true\": null\n");
  }

  @Test
  void writesEmptySequencesAndMappings() throws Exception {
    Path noRows = Samples.write(dir, Format.YAML, null, List.of("a"), List.of());
    assertThat(Files.readString(noRows)).isEqualTo("[]\n");
    assertThat(Samples.readAll(Format.YAML, noRows, null)).isEmpty();

    Path noColumns =
        Samples.write(dir, Format.YAML, null, List.of(), List.of(List.of(), List.of()));
    assertThat(Files.readString(noColumns)).isEqualTo("- {}\n- {}\n");
    assertThat(Samples.readAll(Format.YAML, noColumns, null)).containsExactly(Map.of(), Map.of());
  }

  @Test
  void resolvesPlainScalarsAndStandardTags() throws Exception {
    Path file =
        file(
            dir,
            "t.yml",
            """
        # a comment
        ---
        - {b: TRUE, i: 42, big: 123456789012345678901234567890, d: -1.25, n: ~, e: , s: 'true', t: !!str 5}
        - b: false
          i: !!int "7"
          words: plain text here
          123: key stays text
        ...
        """);
    Map<String, Object> first = new HashMap<>();
    first.put("b", true);
    first.put("i", 42L);
    first.put("big", new BigDecimal("123456789012345678901234567890"));
    first.put("d", new BigDecimal("-1.25"));
    first.put("n", null);
    first.put("e", null);
    first.put("s", "true");
    first.put("t", "5");

    try (RowReader reader = Format.YAML.openReader(file, null, ReadLimits.DEFAULT)) {
      assertThat(reader.next()).isEqualTo(first);
      assertThat(reader.next())
          .containsExactly(
              Map.entry("b", false),
              Map.entry("i", 7L),
              Map.entry("words", "plain text here"),
              Map.entry("123", "key stays text"));
      assertThat(reader.rowNumber()).isEqualTo(2);
      assertThat(reader.next()).isNull();
      assertThat(reader.bytesRead()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void rejectsAliasesAndAnchors() throws Exception {
    FileFormatException e =
        readError(file(dir, "alias.yaml", "- &x {a: 1}\n- *x\n"), ReadLimits.DEFAULT);
    assertThat(e).hasMessage("aliases are not allowed (anchor &x)");
    assertThat(e.line()).isEqualTo(1);

    FileFormatException alias =
        readError(file(dir, "alias2.yaml", "- a: 1\n- b: *x\n"), ReadLimits.DEFAULT);
    assertThat(alias).hasMessage("aliases are not allowed (*x)");
    assertThat(alias.line()).isEqualTo(2);
  }

  @Test
  void rejectsCustomTags() throws Exception {
    FileFormatException python =
        readError(
            file(dir, "py.yaml", "- a: 1\n- a: !!python/object:os.system [ls]\n"),
            ReadLimits.DEFAULT);
    assertThat(python)
        .hasMessage("the tag tag:yaml.org,2002:python/object:os.system is not allowed");
    assertThat(python.line()).isEqualTo(2);

    FileFormatException foo =
        readError(file(dir, "foo.yaml", "- a: !foo bar\n"), ReadLimits.DEFAULT);
    assertThat(foo).hasMessage("the tag !foo is not allowed");
    assertThat(foo.line()).isEqualTo(1);

    FileFormatException badInt =
        readError(file(dir, "int.yaml", "- a: !!int abc\n"), ReadLimits.DEFAULT);
    assertThat(badInt).hasMessage("'abc' is not a valid tag:yaml.org,2002:int");
  }

  @Test
  void rejectsTopLevelMappingAndSecondDocument() throws Exception {
    FileFormatException e = readError(file(dir, "map.yaml", "a: 1\nb: 2\n"), ReadLimits.DEFAULT);
    assertThat(e).hasMessage("the top level must be a sequence of mappings (one per row)");
    assertThat(e.line()).isEqualTo(1);

    FileFormatException two =
        readError(file(dir, "two.yaml", "- a: 1\n---\n- a: 2\n"), ReadLimits.DEFAULT);
    assertThat(two).hasMessage("only one YAML document is allowed");
    assertThat(two.line()).isEqualTo(2);
  }

  @Test
  void rejectsNestedValuesAndTooDeepNesting() throws Exception {
    FileFormatException nested =
        readError(file(dir, "nested.yaml", "- a: 1\n- a: 2\n  b:\n    c: 3\n"), ReadLimits.DEFAULT);
    assertThat(nested).hasMessage("the value of 'b' in row 2 is not a scalar");
    assertThat(nested.line()).isEqualTo(4);

    FileFormatException row =
        readError(file(dir, "row.yaml", "- a: 1\n- [1, 2]\n"), ReadLimits.DEFAULT);
    assertThat(row).hasMessage("element 2 of the top-level sequence is not a mapping");

    // Rows nest 2 deep, so below that the depth limit is what trips first.
    FileFormatException deep =
        readError(file(dir, "deep.yaml", "- a: [[[[[[1]]]]]]\n"), Limits.of(100, 2));
    assertThat(deep).hasMessage("nesting is deeper than 2 levels");
    assertThat(deep.line()).isEqualTo(1);
  }

  @Test
  void enforcesFieldLengthAndSyntax() throws Exception {
    FileFormatException tooLong =
        readError(file(dir, "long.yaml", "- a: 12345678901x\n"), Limits.of(10, 5));
    assertThat(tooLong).hasMessage("a value is longer than 10 characters");

    FileFormatException syntax =
        readError(file(dir, "bad.yaml", "- a: 1\n- b: \"open\n"), ReadLimits.DEFAULT);
    assertThat(syntax.getMessage()).contains("found unexpected end of stream");
    assertThat(syntax.line()).isEqualTo(3);

    FileFormatException dup =
        readError(file(dir, "dup.yaml", "- a: 1\n  a: 2\n"), ReadLimits.DEFAULT);
    assertThat(dup).hasMessage("duplicate key 'a' in row 1");
    assertThat(dup.line()).isEqualTo(2);
  }

  @Test
  void largeFilesAreNotCappedAtThreeMegabytes() throws Exception {
    List<List<Object>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) {
      rows.add(Samples.row((long) i, "y".repeat(10_000)));
    }
    Path file = Samples.write(dir, Format.YAML, null, List.of("id", "text"), rows);

    assertThat(Files.size(file)).isGreaterThan(4_000_000);
    assertThat(Samples.readAll(Format.YAML, file, null)).hasSize(400);
  }
}
