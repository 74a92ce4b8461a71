package dev.freight.formats;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Writes rows of a fixed list of columns. */
public interface RowWriter extends Closeable {

  /**
   * Writes one row; values in the order of the columns. Supported values: String, Boolean, Integer,
   * Long, BigDecimal and null.
   */
  void write(List<?> values) throws IOException;

  /**
   * Finishes the document (closing array, workbook, ...) but does not close the underlying stream.
   */
  @Override
  void close() throws IOException;
}
