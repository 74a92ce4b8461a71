package dev.freight.formats;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** CSV (RFC 4180, UTF-8, optional BOM) with a header record naming the columns. */
final class CsvRowReader extends TextRowReader {

  private static final char BOM = '\uFEFF';

  private final FieldHandler handler;
  private final CsvReader<List<String>> csv;
  private final Iterator<List<String>> records;
  private final List<String> header;

  /** Each column's position, in header order. */
  private final Map<String, Integer> columns = new LinkedHashMap<>();

  CsvRowReader(Path file, ReadLimits limits) throws IOException {
    super(file);
    handler = new FieldHandler(limits.maxFieldChars(), limits.maxColumns());
    try {
      // A strict decoder, so a file in another encoding is rejected instead of silently garbled.
      PushbackReader reader = new PushbackReader(new Utf8Reader(in));
      skipBom(reader);
      csv =
          CsvReader.builder()
              .allowExtraFields(
                  true) // field counts are checked here, against the header, with a better message
              .allowMissingFields(true)
              // the parser buffers a whole field, so it must hold one longer than the limit for us
              // to reject it
              .maxBufferSize(
                  (int) Math.min(Integer.MAX_VALUE - 16, limits.maxFieldChars() + 65_536L))
              .build(handler, reader);
      records = csv.iterator();
      header = nextRecord();
      if (header == null) {
        throw new FileFormatException(
            "the file is empty: a header row naming the columns is required", 0);
      }
      String problem = Rows.headerProblem(header);
      if (problem != null) {
        throw new FileFormatException(problem, handler.line());
      }
      for (int i = 0; i < header.size(); i++) {
        columns.put(header.get(i), i);
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static void skipBom(PushbackReader reader) throws IOException {
    int first = reader.read();
    if (first >= 0 && first != BOM) {
      reader.unread(first);
    }
  }

  @Override
  public Map<String, Object> next() throws IOException {
    List<String> fields = nextRecord();
    if (fields == null) {
      return null;
    }
    if (fields.size() != header.size()) {
      throw new FileFormatException(
          "row has " + fields.size() + " fields but the header has " + header.size(),
          handler.line());
    }
    rowNumber++;
    return new Record(columns, fields);
  }

  /**
   * A record as column name → value, read through the header's positions instead of copied into a
   * map of its own (one per row of a file of millions). Read-only.
   */
  private static final class Record extends AbstractMap<String, Object> {
    private final Map<String, Integer> columns;
    private final List<String> fields;

    Record(Map<String, Integer> columns, List<String> fields) {
      this.columns = columns;
      this.fields = fields;
    }

    @Override
    public Object get(Object column) {
      Integer position = columns.get(column);
      return position == null ? null : fields.get(position);
    }

    @Override
    public boolean containsKey(Object column) {
      return columns.containsKey(column);
    }

    @Override
    public int size() {
      return fields.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          Iterator<Entry<String, Integer>> positions = columns.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return positions.hasNext();
            }

            @Override
            public Entry<String, Object> next() {
              Entry<String, Integer> column = positions.next();
              return new SimpleImmutableEntry<>(column.getKey(), fields.get(column.getValue()));
            }
          };
        }

        @Override
        public int size() {
          return fields.size();
        }
      };
    }
  }

  /** Next non-blank record, translating FastCSV's unchecked exceptions. */
  private List<String> nextRecord() throws IOException {
    try {
      return records.hasNext() ? records.next() : null;
    } catch (CsvParseException e) {
      throw new FileFormatException(rootMessage(e), handler.line());
    } catch (UncheckedIOException e) {
      throw e.getCause(); // an invalid byte, named with its own line
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }

  /**
   * Collects the fields of one record, enforcing the field length limit and remembering where the
   * record starts.
   */
  private static final class FieldHandler extends AbstractBaseCsvCallbackHandler<List<String>> {

    private final int maxFieldChars;
    private final int maxColumns;
    private List<String> fields = new ArrayList<>();

    FieldHandler(int maxFieldChars, int maxColumns) {
      this.maxFieldChars = maxFieldChars;
      this.maxColumns = maxColumns;
    }

    long line() {
      return getStartingLineNumber();
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
      fields = new ArrayList<>();
    }

    @Override
    protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
      if (fieldIdx >= maxColumns) {
        throw new CsvParseException("a row has more than " + maxColumns + " fields");
      }
      if (len > maxFieldChars) {
        throw new CsvParseException(
            "field " + (fieldIdx + 1) + " is longer than " + maxFieldChars + " characters");
      }
      fields.add(new String(buf, offset, len));
    }

    @Override
    protected List<String> buildRecord() {
      return fields;
    }
  }
}
