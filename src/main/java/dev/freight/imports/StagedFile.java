package dev.freight.imports;

import dev.freight.formats.FileFormatException;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.formats.RowReader;
import dev.freight.library.ContentHash;
import dev.freight.library.ContentModel;
import dev.freight.library.FieldError;
import dev.freight.library.RowResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads one uploaded file in batches on a worker thread: coerces and validates each row, records
 * problems, and hands back the valid rows to compare with the library.
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
  private boolean started;
  private boolean finished;
  private long rows;

  StagedFile(
      ContentModel model,
      String fileName,
      Format format,
      Path file,
      ReadLimits limits,
      ErrorReport problems)
      throws IOException {
    this.model = model;
    this.maxRows = limits.maxRows();
    this.fileName = fileName;
    this.format = format;
    this.problems = problems;
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
      try {
        raw = reader.next();
      } catch (FileFormatException e) {
        problems.file(model.name(), fileName, e.line(), e.getMessage());
        finished = true;
        break;
      }
      if (raw == null) {
        finished = true;
        break;
      }
      if (!started && !headerHasKey(raw)) {
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
      check(raw, batch);
    }
    return batch;
  }

  /**
   * Spreadsheet-like files name their columns once: without the key column no row can be matched.
   */
  private boolean headerHasKey(Map<String, Object> firstRow) {
    boolean tabular = format == Format.CSV || format == Format.XLSX;
    if (tabular && !model.hasKey(firstRow.keySet())) {
      problems.file(model.name(), fileName, 1, "there is no '" + model.key().name() + "' column");
      return false;
    }
    return true;
  }

  private void check(Map<String, Object> raw, BatchDiff.Batch batch) {
    long entry = reader.rowNumber();
    RowResult result = model.coerce(raw);
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
    }
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}
