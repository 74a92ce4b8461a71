package dev.freight.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Hostile sample rows and helpers shared by the format tests. */
final class Samples {

  static final List<String> COLUMNS = List.of("id", "title", "text", "priority", "active", "note");

  static final List<List<Object>> ROWS =
      List.of(
          row(1L, "comma, \"quotes\" and 'single'", "line1\nline2\r\nline3\rend", 5, true, null),
          row(2, "Zürich – 東京 😀", "=SUM(A1:A2)", -3L, false, ""),
          row(3L, "+1", "-1", 0, true, "@user"),
          row(4L, "x".repeat(10_000), "  leading and trailing  ", Long.MAX_VALUE, false, "true"),
          row(5L, "123", "~", Long.MIN_VALUE, null, "null"),
          row(6L, "# not a comment", "key: value", 7, true, "- item"),
          row(7L, "", "tab\there", 8, false, "1.5"),
          row(8L, "TRUE", "\"", 9, true, "- \n  x"));

  private Samples() {}

  static List<Object> row(Object... values) {
    return Arrays.asList(values); // allows nulls
  }

  static Path write(
      Path dir, Format format, String sheet, List<String> columns, List<List<Object>> rows)
      throws IOException {
    Path file = dir.resolve("data." + format.extension());
    try (OutputStream out = Files.newOutputStream(file);
        RowWriter writer = format.openWriter(out, sheet, columns)) {
      for (List<Object> row : rows) {
        writer.write(row);
      }
    }
    return file;
  }

  /** The default limits but for columns: some samples name every YAML trap as a column. */
  private static final ReadLimits WIDE =
      new ReadLimits(
          ReadLimits.DEFAULT.maxRows(),
          1_000,
          ReadLimits.DEFAULT.maxFieldChars(),
          ReadLimits.DEFAULT.maxNestingDepth(),
          ReadLimits.DEFAULT.xlsx());

  static List<Map<String, Object>> readAll(Format format, Path file, String sheet)
      throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (RowReader reader = format.openReader(file, sheet, WIDE)) {
      for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
        rows.add(row);
        if (reader.rowNumber() != rows.size()) {
          throw new AssertionError("rowNumber " + reader.rowNumber() + " for row " + rows.size());
        }
      }
      if (reader.next() != null) {
        throw new AssertionError("next() after the end returned a row");
      }
    }
    return rows;
  }

  /** The rows as a reader of a format should return them, given how that format types values. */
  static List<Map<String, Object>> expected(
      List<String> columns, List<List<Object>> rows, Function<Object, Object> typing) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (List<Object> row : rows) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        map.put(columns.get(i), typing.apply(row.get(i)));
      }
      result.add(map);
    }
    return result;
  }

  /** JSON and YAML keep types but read every integer as a Long. */
  static Object asJson(Object value) {
    return value instanceof Integer i ? (Object) i.longValue() : value;
  }

  static Path file(Path dir, String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  static BigDecimal decimal(long value) {
    return BigDecimal.valueOf(value);
  }
}
