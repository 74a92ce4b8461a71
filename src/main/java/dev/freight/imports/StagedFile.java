package dev.freight.imports;

import dev.freight.formats.FileFormatException;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.formats.RowReader;
import dev.freight.library.ContentHash;
import dev.freight.library.ContentModel;
import dev.freight.library.FieldError;
import dev.freight.library.RowResult;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one uploaded file in batches on a worker thread: names each row's fields ({@link
 * FileColumns}), coerces and validates them, records problems, and hands back the valid rows to
 * compare with the library and the invalid ones as the file gave them, for the errors file.
 */
final class StagedFile implements AutoCloseable {
  static final int BATCH_ROWS = 5_000;

  private final ContentModel model;
  private final String fileName;
  private final Format format;
  private final ErrorReport problems;
  private final long maxRows;
  private final RowReader reader;
  private final Set<String> unknownReported = new HashSet<>();
  private final ContentHash digests;
  private final SeenIds ids = new SeenIds();
  private final FileColumns columns;
  private final Set<String> badColumns = new LinkedHashSet<>();
  private boolean started;
  private boolean finished;
  private long rows;
  private long badRows;

  StagedFile(
      ContentModel model,
      String fileName,
      Format format,
      Path file,
      ReadLimits limits,
      ErrorReport problems,
      ImportOptions options)
      throws IOException {
    this.model = model;
    this.maxRows = limits.maxRows();
    this.fileName = fileName;
    this.format = format;
    this.problems = problems;
    this.columns = new FileColumns(model, options);
    this.digests = new ContentHash(model);
    RowReader opened;
    try {
      opened = format.openReader(file, model.name(), limits);
    } catch (FileFormatException e) {
      problems.file(model.name(), fileName, e.line(), e.getMessage());
      opened = null;
      finished = true;
    }
    this.reader = opened;
  }

  boolean finished() {
    return finished;
  }

  long rows() {
    return rows;
  }

  /**
   * Whether an id of the file's valid rows may have been given twice; false means certainly not.
   */
  boolean idsMayRepeat() {
    return ids.mayRepeat();
  }

  /** How many rows had problems. */
  long badRows() {
    return badRows;
  }

  /**
   * The columns of the rows with problems, in the file's order (JSON and YAML: as first seen),
   * without those the errors file adds.
   */
  Set<String> badColumns() {
    return badColumns;
  }

  /** The columns that matched no field and were skipped, as asked. */
  Set<String> ignoredColumns() {
    return columns.ignored();
  }

  long bytesRead() {
    return reader == null ? 0 : reader.bytesRead();
  }

  /**
   * The next batch of valid rows (possibly empty); {@link #finished()} tells whether the file is
   * done.
   */
  BatchDiff.Batch read() throws IOException {
    BatchDiff.Batch batch = new BatchDiff.Batch(model, digests);
    while (!finished && batch.size() < BATCH_ROWS) {
      Map<String, Object> raw;
      Map<String, Object> named;
      try {
        raw = reader.next();
        named = raw == null ? null : columns.fields(raw, tabular() ? 1 : 0);
      } catch (FileFormatException e) {
        problems.file(model.name(), fileName, e.line(), e.getMessage());
        finished = true;
        break;
      }
      if (raw == null) {
        finished = true;
        break;
      }
      if (!started && !headerHasKey(named)) {
        finished = true;
        break;
      }
      started = true;
      if (rows == maxRows) {
        problems.file(
            model.name(), fileName, 0, "the file has more than " + maxRows + " data rows");
        finished = true;
        break;
      }
      rows++;
      check(raw, named, batch);
    }
    return batch;
  }

  /**
   * Spreadsheet-like files name their columns once: without the key column no row can be matched.
   */
  private boolean headerHasKey(Map<String, Object> firstRow) {
    if (tabular() && !model.hasKey(firstRow.keySet())) {
      problems.file(model.name(), fileName, 1, "there is no '" + model.key().name() + "' column");
      return false;
    }
    return true;
  }

  private boolean tabular() {
    return format == Format.CSV || format == Format.XLSX;
  }

  private void check(Map<String, Object> raw, Map<String, Object> named, BatchDiff.Batch batch) {
    long entry = reader.rowNumber();
    RowResult result = model.coerce(named);
    for (FieldError error : result.errors()) {
      boolean unknownColumn = model.field(error.field()).isEmpty();
      // An unknown column is one mistake, not one per row.
      if (!unknownColumn || unknownReported.add(error.field())) {
        problems.row(model.name(), fileName, entry, error);
      }
    }
    if (result.ok()) {
      ids.add(result.values().get(0).toString()); // the key is the model's first field
      batch.add(entry, result.values());
    } else {
      badRows++;
      Map<String, Object> cells = new LinkedHashMap<>();
      raw.forEach(
          (column, value) -> {
            if (!columns.added(column)) {
              cells.put(column, value);
            }
          });
      badColumns.addAll(cells.keySet());
      batch.addBad(
          entry,
          new JsonObject(cells).encode(),
          result.errors().stream()
              .map(error -> error.field() + ": " + error.message())
              .collect(Collectors.joining("; ")));
    }
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}
