package dev.freight.formats;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** Streams the data rows of a file, one at a time. */
public interface RowReader extends Closeable {

  /**
   * Next data row as column name -> raw value, in file order; null at end of file. Values: String
   * for CSV; String, Boolean, Long/BigDecimal or null for JSON/YAML; String, Boolean, BigDecimal or
   * null (empty cell) for XLSX.
   *
   * @throws FileFormatException on malformed input
   */
  Map<String, Object> next() throws IOException;

  /**
   * 1-based number of the data row last returned by {@link #next()}: header rows are not counted;
   * for JSON/YAML it is the position in the top-level array; for XLSX the sheet row minus the
   * header row.
   */
  long rowNumber();

  /**
   * Bytes of the file consumed so far; approximate and monotonic (XLSX: 0 until the end, then the
   * file size).
   */
  long bytesRead();
}
