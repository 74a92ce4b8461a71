package dev.freight.formats;

import static dev.freight.formats.CsvFormatTest.readError;
import static dev.freight.formats.Samples.COLUMNS;
import static dev.freight.formats.Samples.ROWS;
import static dev.freight.formats.Samples.file;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFormatTest {

  @TempDir Path dir;

  @Test
  void roundTripsNastyValuesWithTypes() throws Exception {
    Path file = Samples.write(dir, Format.JSON, null, COLUMNS, ROWS);

    assertThat(Files.readAllLines(file)).hasSize(ROWS.size() + 2); // one object per line
    assertThat(Samples.readAll(Format.JSON, file, null))
        .isEqualTo(Samples.expected(COLUMNS, ROWS, Samples::asJson));
  }

  @Test
  void emptyExportReadsBackAsNoRows() throws Exception {
    Path file = Samples.write(dir, Format.JSON, null, COLUMNS, List.of());

    assertThat(Files.readString(file)).isEqualTo("[]");
    assertThat(Samples.readAll(Format.JSON, file, null)).isEmpty();
  }

  @Test
  void readsNumbersAndTracksBytes() throws Exception {
    Path file =
        file(dir, "n.json", "[{\"a\": 1.50, \"b\": 123456789012345678901234567890, \"c\": -7}]");

    try (RowReader reader = Format.JSON.openReader(file, null, ReadLimits.DEFAULT)) {
      assertThat(reader.next())
          .containsExactly(
              Map.entry("a", new BigDecimal("1.50")),
              Map.entry("b", new BigDecimal("123456789012345678901234567890")),
              Map.entry("c", -7L));
      assertThat(reader.next()).isNull();
      assertThat(reader.bytesRead()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void rejectsTopLevelThatIsNotAnArray() throws Exception {
    FileFormatException e = readError(file(dir, "obj.json", "\n{\"a\": 1}"), ReadLimits.DEFAULT);
    assertThat(e).hasMessage("the top level must be an array of row objects");
    assertThat(e.line()).isEqualTo(2);

    FileFormatException scalar =
        readError(file(dir, "scalars.json", "[{\"a\": 1},\n 2]"), ReadLimits.DEFAULT);
    assertThat(scalar).hasMessage("element 2 of the top-level array is not an object");
    assertThat(scalar.line()).isEqualTo(2);
  }

  @Test
  void rejectsNestedValues() throws Exception {
    FileFormatException e =
        readError(
            file(dir, "nested.json", "[\n{\"a\": 1},\n{\"a\": 2,\n \"b\": {\"c\": 3}}\n]"),
            ReadLimits.DEFAULT);
    assertThat(e).hasMessage("the value of 'b' in row 2 is not a string, number, boolean or null");
    assertThat(e.line()).isEqualTo(4);
  }

  @Test
  void rejectsTruncatedFileAndTrailingContent() throws Exception {
    FileFormatException e =
        readError(file(dir, "cut.json", "[{\"a\": 1},\n{\"a\": \"tex"), ReadLimits.DEFAULT);
    assertThat(e.getMessage()).contains("Unexpected end-of-input");
    assertThat(e.line()).isEqualTo(2);

    FileFormatException trailing = readError(file(dir, "two.json", "[]\n[]"), ReadLimits.DEFAULT);
    assertThat(trailing).hasMessage("unexpected content after the top-level array");
    assertThat(trailing.line()).isEqualTo(2);
  }

  @Test
  void enforcesLimitsAndUniqueKeys() throws Exception {
    FileFormatException tooLong =
        readError(file(dir, "long.json", "[{\"a\": \"12345678901\"}]"), Limits.of(10, 5));
    assertThat(tooLong.getMessage())
        .contains("String value length (11) exceeds the maximum allowed (10");

    // Nested values are refused anyway; the parser's own depth limit only shows below the row depth
    // of 2.
    FileFormatException deep =
        readError(file(dir, "deep.json", "[{\"a\": [1]}]"), Limits.of(100, 2));
    assertThat(deep.getMessage())
        .contains("Document nesting depth (3) exceeds the maximum allowed (2");

    FileFormatException dup =
        readError(file(dir, "dup.json", "[{\"a\": 1, \"a\": 2}]"), ReadLimits.DEFAULT);
    assertThat(dup.getMessage()).contains("Duplicate field 'a'");
    assertThat(dup.line()).isEqualTo(1);
  }
}
