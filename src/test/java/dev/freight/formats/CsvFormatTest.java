package dev.freight.formats;

import static dev.freight.formats.Samples.COLUMNS;
import static dev.freight.formats.Samples.ROWS;
import static dev.freight.formats.Samples.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFormatTest {

  @TempDir Path dir;

  @Test
  void roundTripsNastyValuesAsStrings() throws Exception {
    Path file = Samples.write(dir, Format.CSV, null, COLUMNS, ROWS);

    assertThat(Files.readAllBytes(file)).startsWith("id,title".getBytes()); // no BOM
    assertThat(Samples.readAll(Format.CSV, file, null))
        .isEqualTo(Samples.expected(COLUMNS, ROWS, Rows::text));
  }

  @Test
  void singleColumnKeepsEmptyValues() throws Exception {
    List<List<Object>> rows =
        List.of(Samples.row(""), Samples.row((Object) null), Samples.row("a"));
    Path file = Samples.write(dir, Format.CSV, null, List.of("only"), rows);

    assertThat(Samples.readAll(Format.CSV, file, null))
        .containsExactly(Map.of("only", ""), Map.of("only", ""), Map.of("only", "a"));
  }

  @Test
  void readsHeaderInAnyOrderWithBomAndBlankLines() throws Exception {
    Path file = file(dir, "bom.csv", "\uFEFF\"title\",id\r\nHello,1\r\n\r\nWorld,2\r\n");

    try (RowReader reader = Format.CSV.openReader(file, null, ReadLimits.DEFAULT)) {
      assertThat(reader.next()).containsExactly(Map.entry("title", "Hello"), Map.entry("id", "1"));
      assertThat(reader.next()).containsExactly(Map.entry("title", "World"), Map.entry("id", "2"));
      assertThat(reader.rowNumber()).isEqualTo(2);
      assertThat(reader.next()).isNull();
      assertThat(reader.bytesRead()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void multiLineFieldKeepsRowNumbersAndErrorLines() throws Exception {
    Path file = file(dir, "multi.csv", "id,text\n1,\"a\nb\nc\"\n2,plain\n3,x,extra\n");

    try (RowReader reader = Format.CSV.openReader(file, null, ReadLimits.DEFAULT)) {
      assertThat(reader.next()).containsEntry("text", "a\nb\nc");
      assertThat(reader.next()).containsEntry("id", "2");
      assertThat(reader.rowNumber()).isEqualTo(2);
      FileFormatException e = catchThrowableOfType(FileFormatException.class, reader::next);
      assertThat(e).hasMessage("row has 3 fields but the header has 2");
      assertThat(e.line()).isEqualTo(6);
    }
  }

  @Test
  void rejectsRaggedRow() throws Exception {
    FileFormatException e =
        readError(file(dir, "ragged.csv", "a,b,c\n1,2,3\n4,5\n"), ReadLimits.DEFAULT);
    assertThat(e).hasMessage("row has 2 fields but the header has 3");
    assertThat(e.line()).isEqualTo(3);
  }

  @Test
  void rejectsDuplicateAndEmptyHeaders() throws Exception {
    FileFormatException dup =
        readError(file(dir, "dup.csv", "id,title,id\n1,2,3\n"), ReadLimits.DEFAULT);
    assertThat(dup).hasMessage("duplicate column name 'id'");
    assertThat(dup.line()).isEqualTo(1);

    FileFormatException empty =
        readError(file(dir, "empty.csv", "\nid,,x\n1,2,3\n"), ReadLimits.DEFAULT);
    assertThat(empty).hasMessage("empty column name in column 2");
    assertThat(empty.line()).isEqualTo(2);
  }

  @Test
  void rejectsTooLongFieldAndBadEncoding() throws Exception {
    FileFormatException tooLong =
        readError(file(dir, "long.csv", "a,b\n1,2\n3,12345678901\n"), Limits.of(10, 5));
    assertThat(tooLong).hasMessage("field 2 is longer than 10 characters");
    assertThat(tooLong.line()).isEqualTo(3);

    Path latin1 =
        Files.write(dir.resolve("latin1.csv"), new byte[] {'a', '\n', 'Z', (byte) 0xFC, 'r', '\n'});
    FileFormatException badByte = readError(latin1, ReadLimits.DEFAULT);
    assertThat(badByte)
        .hasMessage("the file is not valid UTF-8 (byte 0xFC on line 2); save it as UTF-8");
    assertThat(badByte.line()).isEqualTo(2);
  }

  @Test
  void anInvalidByteIsReportedOnItsOwnLine() throws Exception {
    // At the very first byte (a Latin-1 "é", a gzip file named .csv), not "Input length = 1".
    Path first = Files.write(dir.resolve("first.csv"), new byte[] {(byte) 0xE9, 't', 'a', '\n'});
    FileFormatException atStart = readError(first, ReadLimits.DEFAULT);
    assertThat(atStart.getMessage()).contains("byte 0xE9 on line 1");
    assertThat(atStart.line()).isEqualTo(1);

    // Far past where the parser's read-ahead stands.
    StringBuilder csv = new StringBuilder("id,title\n");
    for (int i = 2; i < 5000; i++) {
      csv.append("R").append(i).append(",a title long enough to fill buffers\n");
    }
    byte[] good = csv.toString().getBytes(StandardCharsets.UTF_8);
    byte[] bad = java.util.Arrays.copyOf(good, good.length + 4);
    System.arraycopy(new byte[] {'X', ',', (byte) 0xE9, '\n'}, 0, bad, good.length, 4);
    FileFormatException deep =
        readError(Files.write(dir.resolve("deep.csv"), bad), ReadLimits.DEFAULT);
    assertThat(deep.line()).isEqualTo(5000);
  }

  @Test
  void rowsWiderThanTheColumnLimitAreRefused() throws Exception {
    ReadLimits d = ReadLimits.DEFAULT;
    ReadLimits three =
        new ReadLimits(d.maxRows(), 3, d.maxFieldChars(), d.maxNestingDepth(), d.xlsx());
    assertThat(readError(file(dir, "wide.csv", "a,b,c,d\n1,2,3,4\n"), three))
        .hasMessage("a row has more than 3 fields");
  }

  /** The first FileFormatException thrown while opening and reading the whole file. */
  static FileFormatException readError(Path file, ReadLimits limits) {
    Format format =
        Format.fromExtension(file.getFileName().toString().replaceAll(".*\\.", "")).orElseThrow();
    FileFormatException e =
        catchThrowableOfType(
            FileFormatException.class,
            () -> {
              try (RowReader reader = format.openReader(file, null, limits)) {
                while (reader.next() != null) {
                  // read on until the error
                }
              }
            });
    assertThat(e).as("reading %s should fail", file.getFileName()).isNotNull();
    return e;
  }
}
