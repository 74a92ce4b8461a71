package dev.freight.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes and reads back a few hundred thousand rows, checking counts, order and progress reporting.
 */
class StreamingTest {

  private static final int ROWS = 200_000;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Format.class,
      names = {"CSV", "JSON", "YAML"})
  void streamsManyRows(Format format) throws Exception {
    Path file = dir.resolve("big." + format.extension());
    try (OutputStream out = Files.newOutputStream(file);
        RowWriter writer = format.openWriter(out, null, List.of("id", "title", "active"))) {
      for (long i = 1; i <= ROWS; i++) {
        writer.write(List.of(i, "title, number " + i, i % 2 == 0));
      }
    }

    long size = Files.size(file);
    long count = 0;
    long lastBytes = 0;
    Map<String, Object> last = null;
    try (RowReader reader = format.openReader(file, null, ReadLimits.DEFAULT)) {
      for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
        count++;
        assertThat(reader.rowNumber()).isEqualTo(count);
        assertThat(reader.bytesRead()).isGreaterThanOrEqualTo(lastBytes);
        lastBytes = reader.bytesRead();
        if (count == ROWS / 2) {
          assertThat(lastBytes).as("progress halfway").isBetween(size / 4, size * 3 / 4);
        }
        last = row;
      }
      assertThat(reader.bytesRead()).isEqualTo(size);
    }
    assertThat(count).isEqualTo(ROWS);
    assertThat(last.get("title")).isEqualTo("title, number " + ROWS);
    assertThat(last.get("id").toString()).isEqualTo(Integer.toString(ROWS));
  }
}
