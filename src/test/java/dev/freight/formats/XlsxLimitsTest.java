package dev.freight.formats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.hostile.Workbooks;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workbook past a limit is refused while it is unzipped, before the spreadsheet library holds any
 * of it: a bomb costs the limit, not its size.
 */
class XlsxLimitsTest {
  @TempDir Path dir;

  private static final ReadLimits.Xlsx DEFAULTS = ReadLimits.DEFAULT.xlsx();

  private Path workbook(Map<String, Workbooks.Part> parts) throws Exception {
    return Files.write(Files.createTempFile(dir, "book", ".xlsx"), Workbooks.zip(parts));
  }

  private Path sheet(String rows) throws Exception {
    Map<String, Workbooks.Part> parts = Workbooks.parts(1, false);
    parts.put("xl/worksheets/sheet1.xml", Workbooks.text(Workbooks.sheetXml(rows)));
    return workbook(parts);
  }

  private static String problem(Path file, ReadLimits limits) {
    return CsvFormatTest.readError(file, limits).getMessage();
  }

  @Test
  void aCellThatInflatesToAGigabyteCostsAFewMegabytes() throws Exception {
    Map<String, Workbooks.Part> parts = Workbooks.parts(1, false);
    parts.put(
        "xl/worksheets/sheet1.xml",
        Workbooks.repeated(
            "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>id</t></is></c></row>"
                + "<row r=\"2\"><c t=\"inlineStr\"><is><t>",
            "a",
            1_150_000_000L,
            "</t></is></c></row></sheetData></worksheet>"));
    Path bomb = workbook(parts);
    assertThat(Files.size(bomb)).isLessThan(2_000_000);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    String message = problem(bomb, ReadLimits.DEFAULT);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(message).contains("longer than 1000000 characters").contains("sheet1.xml");
    assertThat(allocated).as("bytes allocated reading the bomb").isLessThan(64L << 20);
  }

  @Test
  void eachLimitIsCheckedWhileUnzipping() throws Exception {
    Path small = sheet(Workbooks.row(1, "id", "title") + Workbooks.row(2, "A", "B"));
    assertThat(
            problem(
                small,
                Limits.of(
                    new ReadLimits.Xlsx(
                        DEFAULTS.maxSheets(),
                        DEFAULTS.maxCells(),
                        DEFAULTS.maxSharedStrings(),
                        DEFAULTS.maxSharedStringBytes(),
                        500))))
        .contains("unzips to more than 500 bytes");
    assertThat(
            problem(
                small,
                Limits.of(
                    new ReadLimits.Xlsx(
                        DEFAULTS.maxSheets(),
                        3,
                        DEFAULTS.maxSharedStrings(),
                        DEFAULTS.maxSharedStringBytes(),
                        DEFAULTS.maxUnzippedBytes()))))
        .contains("more than 3 cells");
    Map<String, Workbooks.Part> two = Workbooks.parts(2, false);
    two.put("xl/worksheets/sheet1.xml", Workbooks.text(Workbooks.sheetXml(Workbooks.row(1, "id"))));
    assertThat(
            problem(
                workbook(two),
                Limits.of(
                    new ReadLimits.Xlsx(
                        1,
                        DEFAULTS.maxCells(),
                        DEFAULTS.maxSharedStrings(),
                        DEFAULTS.maxSharedStringBytes(),
                        DEFAULTS.maxUnzippedBytes()))))
        .contains("more than 1 sheets");
    Map<String, Workbooks.Part> strings = Workbooks.parts(1, true);
    strings.put(
        "xl/sharedStrings.xml", Workbooks.text("<sst><si><t>id</t></si><si><t>x</t></si></sst>"));
    strings.put("xl/worksheets/sheet1.xml", Workbooks.text(Workbooks.sheetXml("")));
    assertThat(
            problem(
                workbook(strings),
                Limits.of(
                    new ReadLimits.Xlsx(
                        DEFAULTS.maxSheets(),
                        DEFAULTS.maxCells(),
                        1,
                        DEFAULTS.maxSharedStringBytes(),
                        DEFAULTS.maxUnzippedBytes()))))
        .contains("more than 1 shared strings");
  }

  @Test
  void aMissingSheetPartOrADtdIsSaidPlainly() throws Exception {
    String missing = problem(workbook(Workbooks.parts(1, false)), ReadLimits.DEFAULT);
    assertThat(missing)
        .isEqualTo("not a valid XLSX file: /xl/worksheets/sheet1.xml not found")
        .doesNotContain("Exception");
    Map<String, Workbooks.Part> xxe = Workbooks.parts(1, true);
    xxe.put(
        "xl/sharedStrings.xml",
        Workbooks.text(
            "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<sst><si><t>&e;</t></si></sst>"));
    xxe.put("xl/worksheets/sheet1.xml", Workbooks.text(Workbooks.sheetXml("")));
    assertThat(problem(workbook(xxe), ReadLimits.DEFAULT))
        .contains("declares a DTD")
        .doesNotContain("aalto");
  }
}
