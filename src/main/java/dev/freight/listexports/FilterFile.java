package dev.freight.listexports;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.freight.bus.Failure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of a filter file: CSV or plain text, one id a line, optionally under a header {@code id}.
 * Blocking.
 */
final class FilterFile {
  private static final int MAX_ID_CHARS = 255;
  private static final String BOM = "\uFEFF";

  private FilterFile() {}

  /** The distinct ids in file order; a 400 for anything else. */
  static List<String> ids(Path file) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    boolean first = true;
    // FastCSV's own BOM detection garbles files of under four bytes, so the BOM is dropped here.
    try (CsvReader<CsvRecord> csv = CsvReader.builder().ofCsvRecord(file)) {
      for (CsvRecord record : csv) {
        if (record.getFieldCount() > 1) {
          throw Failure.badRequest(
              "filter_file line "
                  + record.getStartingLineNumber()
                  + " has more than one value; give one id a line.");
        }
        String field = record.getField(0);
        String id = (first && field.startsWith(BOM) ? field.substring(1) : field).trim();
        boolean header = first && id.equalsIgnoreCase("id");
        first = false;
        if (id.length() > MAX_ID_CHARS) {
          throw Failure.badRequest(
              "filter_file line "
                  + record.getStartingLineNumber()
                  + " is longer than "
                  + MAX_ID_CHARS
                  + " characters; give one id a line.");
        }
        if (!header && !id.isEmpty()) {
          ids.add(id);
        }
      }
    } catch (CsvParseException e) {
      throw Failure.badRequest("filter_file is not a valid CSV file: " + e.getMessage());
    }
    if (ids.isEmpty()) {
      throw Failure.badRequest("filter_file lists no ids.");
    }
    return new ArrayList<>(ids);
  }
}
