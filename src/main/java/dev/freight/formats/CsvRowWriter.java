package dev.freight.formats;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** CSV in UTF-8 without BOM: a header record, then one record per row. */
final class CsvRowWriter implements RowWriter {

  private final CsvWriter csv;
  private final int columnCount;

  CsvRowWriter(OutputStream out, List<String> columns) throws IOException {
    columnCount = columns.size();
    csv =
        CsvWriter.builder()
            // With a single column an empty value would be a blank line, which readers skip;
            // quoting keeps the row.
            .quoteStrategy(columnCount == 1 ? QuoteStrategies.EMPTY : QuoteStrategies.REQUIRED)
            .build(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    record(columns);
  }

  @Override
  public void write(List<?> values) throws IOException {
    Rows.checkRow(values, columnCount);
    List<String> fields = new ArrayList<>(columnCount);
    for (Object value : values) {
      fields.add(Rows.text(value));
    }
    record(fields);
  }

  private void record(List<String> fields) throws IOException {
    try {
      csv.writeRecord(fields);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Flushes only: closing the CsvWriter would close the caller's stream. */
  @Override
  public void close() throws IOException {
    csv.flush();
  }
}
