package dev.freight.listexports;

import dev.freight.formats.Format;
import dev.freight.formats.FormulaEscaping;
import dev.freight.formats.RowWriter;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;

/**
 * Renders a page of rows as a part file of the export's format, and joins part files into the
 * result. Blocking file work: call it on the worker pool.
 */
final class PartFiles {
  private static final System.Logger LOG = System.getLogger(PartFiles.class.getName());

  private PartFiles() {}

  /** One rendered page: rows written, rows that could not be, and the key of its last row. */
  record Rendered(int rows, int failed, long lastKey) {}

  /**
   * Writes the page (key first, then the columns) to {@code file}; a row that cannot be rendered is
   * skipped and counted.
   */
  static Rendered render(RowSet<Row> page, ListExportStore.Job job, Path file) throws IOException {
    int rows = 0;
    int failed = 0;
    long lastKey = job.lastKey();
    try (OutputStream out = output(file);
        RowWriter writer =
            FormulaEscaping.of(
                job.format().format.openWriter(out, null, job.labels()),
                job.format().format,
                job.escapeFormulas())) {
      for (Row row : page) {
        lastKey = row.getLong(0);
        List<Object> values = new ArrayList<>(job.columns().size());
        try {
          for (int i = 1; i <= job.columns().size(); i++) {
            values.add(job.format().cell(row.getValue(i)));
          }
        } catch (IllegalArgumentException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "export " + job.id() + ": row " + lastKey + " skipped: " + e.getMessage());
          failed++;
          continue;
        }
        writer.write(values);
        rows++;
      }
    }
    return new Rendered(rows, failed, lastKey);
  }

  private static OutputStream output(Path file) throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  /** Appends parts, in order, to one result file: one header, one JSON array, one workbook. */
  abstract static class Joiner implements Closeable {
    final OutputStream out;

    Joiner(Path result) throws IOException {
      out = output(result);
    }

    static Joiner open(ListExportFormat format, List<String> labels, Path result)
        throws IOException {
      return switch (format) {
        case CSV -> new CsvJoiner(labels, result);
        case JSON -> new JsonJoiner(result);
        case XLS -> new XlsxJoiner(labels, result);
      };
    }

    /** Appends a part that holds {@code rows} data rows. */
    abstract void append(Path part, int rows) throws IOException;

    /** Copies bytes {@code [from, to)} of the part. */
    void copy(Path part, long from, long to) throws IOException {
      WritableByteChannel target = Channels.newChannel(out);
      try (FileChannel in = FileChannel.open(part)) {
        for (long at = from; at < to; ) {
          at += in.transferTo(at, to - at, target);
        }
      }
    }
  }

  /** Every part starts with the same header: the result keeps the first one. */
  private static final class CsvJoiner extends Joiner {
    private final int headerBytes;

    CsvJoiner(List<String> labels, Path result) throws IOException {
      super(result);
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      Format.CSV.openWriter(header, null, labels).close();
      header.writeTo(out);
      headerBytes = header.size();
    }

    @Override
    void append(Path part, int rows) throws IOException {
      copy(part, headerBytes, Files.size(part));
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * A part is {@code [\n{...},\n{...}\n]}: the result is what one writer would have written for all
   * rows.
   */
  private static final class JsonJoiner extends Joiner {
    private boolean any;

    JsonJoiner(Path result) throws IOException {
      super(result);
      out.write('[');
    }

    @Override
    void append(Path part, int rows) throws IOException {
      if (rows == 0) {
        return;
      }
      if (any) {
        out.write(',');
      }
      copy(part, 1, Files.size(part) - 2);
      any = true;
    }

    @Override
    public void close() throws IOException {
      out.write(any ? new byte[] {'\n', ']'} : new byte[] {']'});
      out.close();
    }
  }

  /**
   * Workbooks cannot be concatenated: the rows are read back and written to one. A row without any
   * value has no cells in the file, so gaps in the row numbers and a short part are filled with
   * empty rows.
   */
  private static final class XlsxJoiner extends Joiner {
    private final RowWriter writer;
    private final List<Object> blank;

    XlsxJoiner(List<String> labels, Path result) throws IOException {
      super(result);
      writer = Format.XLSX.openWriter(out, null, labels);
      blank = Arrays.asList(new Object[labels.size()]);
    }

    @Override
    void append(Path part, int rows) throws IOException {
      int written = 0;
      try (ReadableWorkbook book = new ReadableWorkbook(part.toFile());
          Stream<org.dhatim.fastexcel.reader.Row> sheet = book.getFirstSheet().openStream()) {
        for (org.dhatim.fastexcel.reader.Row row :
            (Iterable<org.dhatim.fastexcel.reader.Row>) sheet::iterator) {
          int index = row.getRowNum() - 2; // row 1 is the header
          if (index < 0) {
            continue;
          }
          for (; written < index; written++) {
            writer.write(blank);
          }
          writer.write(values(row));
          written++;
        }
      }
      for (; written < rows; written++) {
        writer.write(blank);
      }
    }

    private List<Object> values(org.dhatim.fastexcel.reader.Row row) {
      List<Object> values = new ArrayList<>(blank.size());
      for (int c = 0; c < blank.size(); c++) {
        Cell cell = row.getOptionalCell(c).orElse(null);
        Object value = cell == null ? null : cell.getValue();
        values.add(value == null && cell != null && cell.getType() == CellType.STRING ? "" : value);
      }
      return values;
    }

    @Override
    public void close() throws IOException {
      writer.close();
      out.close();
    }
  }
}
