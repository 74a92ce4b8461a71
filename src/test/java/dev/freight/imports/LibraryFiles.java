package dev.freight.imports;

import dev.freight.StandardColumns;
import dev.freight.formats.Format;
import dev.freight.formats.RowWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Library content for tests: standards as maps, written to upload files in any format. */
final class LibraryFiles {
  static final List<String> COLUMNS = StandardColumns.OF_FILES;

  private LibraryFiles() {}

  static Map<String, Object> standard(String id, String title, int priority) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("title", title);
    row.put("text", "Text of " + id);
    row.put("problem", "P1");
    row.put("priority", priority);
    row.put("phase", "X1");
    row.put("active", true);
    row.put("mark_delete", false);
    row.put("match_conditions", "A1 AND !A2;A3");
    row.put("tags", "web,api");
    return row;
  }

  static Map<String, Object> random(Random random, String id) {
    Map<String, Object> row = standard(id, "Title " + random.nextInt(1000), 1 + random.nextInt(10));
    row.put("text", random.nextBoolean() ? "" : "Text " + random.nextInt(1_000_000));
    row.put("problem", random.nextBoolean() ? "" : "P" + random.nextInt(40));
    row.put("phase", "X" + random.nextInt(5));
    row.put("active", random.nextBoolean());
    row.put(
        "match_conditions",
        random.nextBoolean() ? "" : "A" + random.nextInt(9) + " AND !A" + random.nextInt(9));
    row.put("tags", random.nextBoolean() ? "" : "t" + random.nextInt(5));
    return row;
  }

  /**
   * The rows written in {@code format} with the given columns (a row's missing keys are written
   * empty).
   */
  static byte[] write(Format format, List<String> columns, List<Map<String, Object>> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RowWriter writer = format.openWriter(out, "standard", columns)) {
      for (Map<String, Object> row : rows) {
        List<Object> values = new ArrayList<>();
        columns.forEach(column -> values.add(row.get(column)));
        writer.write(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] write(Format format, List<Map<String, Object>> rows) {
    return write(format, COLUMNS, rows);
  }

  static byte[] csv(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
