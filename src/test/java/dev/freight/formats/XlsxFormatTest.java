package dev.freight.formats;

import static dev.freight.formats.CsvFormatTest.readError;
import static dev.freight.formats.Samples.COLUMNS;
import static dev.freight.formats.Samples.ROWS;
import static dev.freight.formats.Samples.decimal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XlsxFormatTest {

  @TempDir Path dir;

  @Test
  void roundTripsNastyValuesWithTypes() throws Exception {
    Path file = Samples.write(dir, Format.XLSX, "content", COLUMNS, ROWS);

    // Numbers come back as BigDecimal; strings stay text even when they start with '='.
    assertThat(Samples.readAll(Format.XLSX, file, "content"))
        .isEqualTo(
            Samples.expected(
                COLUMNS,
                ROWS,
                v ->
                    v instanceof Integer || v instanceof Long
                        ? decimal(((Number) v).longValue())
                        : v));
  }

  @Test
  void continuesOnNewSheetsWhenOneIsFull() throws Exception {
    Path file = dir.resolve("multi.xlsx");
    try (OutputStream out = Files.newOutputStream(file);
        RowWriter writer = new XlsxRowWriter(out, "data", List.of("id", "name"), 3)) {
      for (long i = 1; i <= 5; i++) {
        writer.write(List.of(i, "row " + i));
      }
    }

    // Read by name, the sheet continues on data_2 and data_3, with row numbers running on.
    assertThat(ids(file, "data"))
        .containsExactly(decimal(1), decimal(2), decimal(3), decimal(4), decimal(5));
    try (RowReader reader = Format.XLSX.openReader(file, "data", ReadLimits.DEFAULT)) {
      List<Long> numbers = new java.util.ArrayList<>();
      while (reader.next() != null) {
        numbers.add(reader.rowNumber());
      }
      assertThat(numbers).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
    assertThat(ids(file, "data_2")).containsExactly(decimal(3), decimal(4));
    assertThat(Samples.readAll(Format.XLSX, file, "data_3"))
        .containsExactly(Map.of("id", decimal(5), "name", "row 5"));
  }

  @Test
  void selectsSheetByNameElseFirst() throws Exception {
    Path file = dir.resolve("sheets.xlsx");
    try (OutputStream out = Files.newOutputStream(file)) {
      Workbook workbook = new Workbook(out, "test", null);
      Worksheet first = workbook.newWorksheet("first");
      first.value(0, 0, "sheet");
      first.value(1, 0, "one");
      Worksheet second = workbook.newWorksheet("second");
      second.value(0, 0, "sheet");
      second.value(1, 0, "two");
      workbook.finish();
    }

    assertThat(Samples.readAll(Format.XLSX, file, "second"))
        .containsExactly(Map.of("sheet", "two"));
    assertThat(Samples.readAll(Format.XLSX, file, "missing"))
        .containsExactly(Map.of("sheet", "one"));
    assertThat(Samples.readAll(Format.XLSX, file, null)).containsExactly(Map.of("sheet", "one"));
  }

  @Test
  void skipsEmptyRowsAndCountsSheetRows() throws Exception {
    Path file =
        sheet(
            ws -> {
              ws.value(1, 0, "id"); // header on sheet row 2
              ws.value(1, 1, "ok");
              ws.value(2, 0, 1);
              ws.value(2, 1, true);
              ws.value(2, 3, ""); // blank beyond the header is ignored
              ws.value(4, 0, 2.5); // sheet row 5, after an empty row
              ws.formula(4, 1, "A5*2"); // no cached value: reads as null
            });

    try (RowReader reader = Format.XLSX.openReader(file, null, ReadLimits.DEFAULT)) {
      assertThat(reader.next()).containsExactly(Map.entry("id", decimal(1)), Map.entry("ok", true));
      assertThat(reader.rowNumber()).isEqualTo(1);
      Map<String, Object> second = reader.next();
      assertThat(second).containsEntry("id", new BigDecimal("2.5")).containsEntry("ok", null);
      assertThat(reader.rowNumber()).isEqualTo(3);
      assertThat(reader.bytesRead()).isZero();
      assertThat(reader.next()).isNull();
      assertThat(reader.bytesRead()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void rejectsValuesBeyondTheHeaderAndBadHeaders() throws Exception {
    Path extra =
        sheet(
            ws -> {
              ws.value(0, 0, "id");
              ws.value(1, 0, 1);
              ws.value(2, 0, 2);
              ws.value(2, 2, "stray");
            });
    FileFormatException e = readError(extra, ReadLimits.DEFAULT);
    assertThat(e).hasMessage("a value in column 3 has no header");
    assertThat(e.line()).isEqualTo(3);

    Path dup =
        sheet(
            ws -> {
              ws.value(0, 0, "id");
              ws.value(0, 1, "id");
            });
    assertThat(readError(dup, ReadLimits.DEFAULT)).hasMessage("duplicate column name 'id'");

    Path gap =
        sheet(
            ws -> {
              ws.value(0, 0, "id");
              ws.value(0, 2, "name");
            });
    assertThat(readError(gap, ReadLimits.DEFAULT)).hasMessage("empty column name in column 2");
  }

  @Test
  void rejectsFilesThatAreNotWorkbooks() throws Exception {
    Path file = Samples.file(dir, "fake.xlsx", "id,name\n1,x\n");
    FileFormatException e =
        catchThrowableOfType(
            FileFormatException.class,
            () -> Format.XLSX.openReader(file, null, ReadLimits.DEFAULT));
    assertThat(e.getMessage()).startsWith("not a valid XLSX file");
  }

  private List<Object> ids(Path file, String sheet) throws Exception {
    List<Object> ids = new ArrayList<>();
    for (Map<String, Object> row : Samples.readAll(Format.XLSX, file, sheet)) {
      ids.add(row.get("id"));
    }
    return ids;
  }

  private interface SheetContent {
    void fill(Worksheet ws);
  }

  private Path sheet(SheetContent content) throws Exception {
    Path file = Files.createTempFile(dir, "sheet", ".xlsx");
    try (OutputStream out = Files.newOutputStream(file)) {
      Workbook workbook = new Workbook(out, "test", null);
      content.fill(workbook.newWorksheet("s"));
      workbook.finish();
    }
    return file;
  }
}
