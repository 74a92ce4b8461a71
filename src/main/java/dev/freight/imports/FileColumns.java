package dev.freight.imports;

import dev.freight.formats.FileFormatException;
import dev.freight.library.ContentModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which field each column of one file gives. The errors file's own columns, {@code entry} and
 * {@code errors}, are always left out, so that the file can be sent again as it is. Without a
 * mapping or ignore_unknown_columns a column names its field exactly, as before (the model reports
 * an unknown one); with them, a column is looked up in the mapping, then by field name ignoring
 * case and surrounding spaces, and one that matches nothing is a problem of the file, or ignored.
 */
final class FileColumns {
  /** The columns of the errors file ({@link ErrorsFile}). */
  static final List<String> ADDED = List.of("entry", "errors");

  private static final String IGNORED = "\0ignored";
  private static final String UNMATCHED = "\0unmatched";

  private final ContentModel model;
  private final ImportOptions options;
  private final Map<String, String> fieldOf = new HashMap<>();
  private final Set<String> ignored = new LinkedHashSet<>();

  FileColumns(ContentModel model, ImportOptions options) {
    this.model = model;
    this.options = options;
  }

  /** Whether the errors file leaves this column out: it is one the errors file adds. */
  boolean added(String column) {
    String name = ImportOptions.normal(column);
    return ADDED.contains(name) && model.field(name).isEmpty();
  }

  /**
   * The row keyed by field names (the row itself when its columns are all field names).
   *
   * @param line where to say an unmatched column is (0: unknown)
   */
  Map<String, Object> fields(Map<String, Object> raw, long line) throws FileFormatException {
    boolean same = true;
    for (String column : raw.keySet()) {
      String field = fieldOf.computeIfAbsent(column, this::match);
      if (field == UNMATCHED) {
        throw new FileFormatException(
            "column '"
                + column
                + "' matches no field of "
                + model.name()
                + "; map it in column_mapping, or send ignore_unknown_columns=true to skip it",
            line);
      }
      same &= field.equals(column);
    }
    if (same) {
      return raw;
    }
    Map<String, Object> named = new LinkedHashMap<>();
    Map<String, String> columnOf = new HashMap<>();
    for (Map.Entry<String, Object> cell : raw.entrySet()) {
      String field = fieldOf.get(cell.getKey());
      if (field == IGNORED) {
        continue;
      }
      String other = columnOf.put(field, cell.getKey());
      if (other != null) {
        throw new FileFormatException(
            "columns '" + other + "' and '" + cell.getKey() + "' both give field '" + field + "'",
            line);
      }
      named.put(field, cell.getValue());
    }
    return named;
  }

  /** The columns that matched nothing and were skipped, as asked, in the order first seen. */
  Set<String> ignored() {
    return ignored;
  }

  private String match(String column) {
    if (added(column)) {
      return IGNORED;
    }
    if (!options.matchLoosely()) {
      return column;
    }
    String name = ImportOptions.normal(column);
    String mapped = options.columnMapping() == null ? null : options.columnMapping().get(name);
    if (mapped != null) {
      return mapped;
    }
    if (model.field(name).isPresent()) {
      return name;
    }
    if (options.ignoreUnknownColumns()) {
      ignored.add(column);
      return IGNORED;
    }
    return UNMATCHED;
  }
}
