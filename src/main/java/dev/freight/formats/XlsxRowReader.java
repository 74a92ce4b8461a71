package dev.freight.formats;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ExcelReaderException;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

/**
 * XLSX: one sheet whose first non-empty row names the columns. Opened from the file (random access
 * into the zip) rather than a stream, which fastexcel would buffer whole; rows are parsed one at a
 * time. Error "lines" are sheet row numbers as shown by spreadsheet applications. A sheet found by
 * name continues on sheets {@code NAME_2}, {@code NAME_3}, ... (as {@link XlsxRowWriter} writes
 * more rows than one sheet holds), each with the same header; row numbers run on across them.
 */
final class XlsxRowReader implements RowReader {

  private final long fileSize;
  private final int maxFieldChars;
  private final int maxColumns;
  private final ReadableWorkbook workbook;

  /** The name continuation sheets are named after; null when the sheet was not found by name. */
  private final String continuedAs;

  private Stream<Row> stream;
  private Iterator<Row> rows;
  private final List<String> header = new ArrayList<>();
  private int headerRowNum;
  private int part = 1;
  private long rowsBefore;
  private long rowNumber;
  private boolean done;

  XlsxRowReader(Path file, String sheetName, ReadLimits limits) throws IOException {
    this.fileSize = Files.size(file);
    this.maxFieldChars = limits.maxFieldChars();
    this.maxColumns = limits.maxColumns();
    XlsxScan.check(file, limits);
    try {
      workbook = new ReadableWorkbook(file.toFile());
    } catch (ExcelReaderException e) {
      throw invalid(e, 0);
    } catch (IOException e) {
      // commons-compress wraps "not a zip" in a plain IOException naming the server path; report
      // the cause
      Throwable zip = e instanceof ZipException ? e : e.getCause();
      if (zip instanceof ZipException) {
        throw new FileFormatException("not a valid XLSX file: " + zip.getMessage(), 0);
      }
      throw e;
    }
    try {
      Optional<Sheet> named = sheetName == null ? Optional.empty() : workbook.findSheet(sheetName);
      continuedAs = named.isPresent() ? sheetName : null;
      Sheet sheet =
          named
              .or(() -> workbook.getSheets().findFirst())
              .orElseThrow(() -> new FileFormatException("the workbook has no sheets", 0));
      open(sheet);
      readHeader();
    } catch (ExcelReaderException e) {
      workbook.close();
      throw invalid(e, 0);
    } catch (IOException | RuntimeException e) {
      workbook.close();
      throw e;
    }
  }

  /**
   * The library's complaint, without the names of the classes it wraps (a missing part, a sheet
   * that is not well-formed XML).
   */
  private static FileFormatException invalid(RuntimeException e, long line) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage();
    return new FileFormatException(
        "not a valid XLSX file: " + INTERNALS.matcher(message).replaceAll("").trim(), line);
  }

  /** Qualified class names ("com.fasterxml.aalto.WFCException: ") in a library's message. */
  private static final Pattern INTERNALS =
      Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*:?\\s*");

  private void open(Sheet sheet) throws IOException {
    stream = sheet.openStream();
    rows = stream.iterator();
  }

  /** Moves on to the next continuation sheet, if there is one; its header must be the same. */
  private boolean continueOnNextSheet() throws IOException {
    Optional<Sheet> next =
        continuedAs == null ? Optional.empty() : workbook.findSheet(continuedAs + "_" + (part + 1));
    if (next.isEmpty()) {
      return false;
    }
    part++;
    rowsBefore = rowNumber;
    stream.close();
    open(next.get());
    List<String> previous = List.copyOf(header);
    header.clear();
    readHeader();
    if (!header.equals(previous)) {
      throw new FileFormatException(
          "sheet " + next.get().getName() + " has other columns than " + continuedAs, headerRowNum);
    }
    return true;
  }

  private void readHeader() throws IOException {
    Row row = nextNonEmptyRow();
    if (row == null) {
      throw new FileFormatException(
          "the sheet is empty: a header row naming the columns is required", 0);
    }
    headerRowNum = row.getRowNum();
    int width = 0;
    for (int i = 0; i < row.getCellCount(); i++) {
      if (!isBlank(value(row, i))) {
        width = i + 1;
      }
    }
    if (width > maxColumns) {
      throw new FileFormatException(
          "the header has " + width + " columns, more than " + maxColumns, headerRowNum);
    }
    for (int i = 0; i < width; i++) {
      Object name = value(row, i);
      header.add(
          name instanceof BigDecimal d ? d.toPlainString() : name == null ? "" : name.toString());
    }
    String problem = Rows.headerProblem(header);
    if (problem != null) {
      throw new FileFormatException(problem, headerRowNum);
    }
  }

  @Override
  public Map<String, Object> next() throws IOException {
    try {
      return nextRow();
    } catch (ExcelReaderException e) {
      throw invalid(e, rowNumber);
    }
  }

  private Map<String, Object> nextRow() throws IOException {
    Row row = done ? null : nextNonEmptyRow();
    while (row == null && !done && continueOnNextSheet()) {
      row = nextNonEmptyRow();
    }
    if (row == null) {
      done = true;
      return null;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      values.put(header.get(i), value(row, i));
    }
    for (int i = header.size(); i < row.getCellCount(); i++) {
      if (!isBlank(value(row, i))) {
        throw new FileFormatException(
            "a value in column " + (i + 1) + " has no header", row.getRowNum());
      }
    }
    rowNumber = rowsBefore + row.getRowNum() - headerRowNum;
    return values;
  }

  private Row nextNonEmptyRow() throws IOException {
    try {
      while (rows.hasNext()) {
        Row row = rows.next();
        for (int i = 0; i < row.getCellCount(); i++) {
          if (!isBlank(value(row, i))) {
            return row;
          }
        }
      }
      return null;
    } catch (ExcelReaderException e) {
      throw invalid(e, 0);
    }
  }

  /**
   * String, Boolean, BigDecimal, or null for a missing or empty cell; formulas give their cached
   * value.
   */
  private Object value(Row row, int index) throws FileFormatException {
    Cell cell = row.getOptionalCell(index).orElse(null);
    if (cell == null || cell.getType() == CellType.EMPTY) {
      return null;
    }
    if (cell.getType() == CellType.ERROR) {
      throw new FileFormatException(
          "cell " + cell.getAddress() + " holds the error " + cell.getRawValue(), row.getRowNum());
    }
    Object value =
        cell.getType() == CellType.STRING && cell.getValue() == null ? "" : cell.getValue();
    if (value instanceof String s && s.length() > maxFieldChars) {
      throw new FileFormatException(
          "cell " + cell.getAddress() + " is longer than " + maxFieldChars + " characters",
          row.getRowNum());
    }
    return value;
  }

  /**
   * Empty strings count as blank only for skipping rows and trailing columns; as values they are
   * kept.
   */
  private static boolean isBlank(Object value) {
    return value == null || "".equals(value);
  }

  @Override
  public long rowNumber() {
    return rowNumber;
  }

  @Override
  public long bytesRead() {
    return done
        ? fileSize
        : 0; // the zip is read by random access, so there is no meaningful position
  }

  @Override
  public void close() throws IOException {
    try {
      stream.close();
    } finally {
      workbook.close();
    }
  }
}
