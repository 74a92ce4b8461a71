package dev.freight.db;

import dev.freight.bus.Failure;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ordering} parameter of a list: a field's name, {@code -} first for descending, turned
 * into the ORDER BY of the list's statement. A field the list cannot order by is a 400 naming the
 * ones it can.
 *
 * @param columns each field a client may name, and the column (or expression) it orders by
 * @param tieBreak the column that makes the order total, in the order's direction
 */
public record Ordering(Map<String, String> columns, String tieBreak, String byDefault) {

  /**
   * A list of jobs {@code j}: by id, status, when and by whom ({@code triggeredByEmail}) it was
   * triggered; newest first unless asked otherwise.
   */
  public static Ordering ofJobs(String triggeredByEmail) {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("id", "j.id");
    columns.put("status", "j.status");
    columns.put("triggered", "j.triggered");
    columns.put("triggered_by", triggeredByEmail);
    return new Ordering(columns, "j.id", "j.id DESC");
  }

  /** Every field ordering by the column of its own name. */
  public static Ordering ofColumns(Iterable<String> fields, String key) {
    Map<String, String> columns = new LinkedHashMap<>();
    fields.forEach(field -> columns.put(field, field));
    return new Ordering(columns, key, key);
  }

  /** " ORDER BY ..." for the client's {@code ordering}; the default order when there is none. */
  public String orderBy(String ordering) {
    if (ordering == null || ordering.isEmpty()) {
      return " ORDER BY " + byDefault;
    }
    boolean descending = ordering.startsWith("-");
    String field = descending ? ordering.substring(1) : ordering;
    String column = columns.get(field);
    if (column == null) {
      throw Failure.badRequest(
          "Cannot order by '"
              + field
              + "'; choose one of "
              + String.join(", ", columns.keySet())
              + ", each optionally prefixed with '-'.");
    }
    // The tie-break follows the direction, so that one index on (column, tie-break) serves the
    // order both ways (a descending order is that index read backwards).
    String direction = descending ? " DESC" : "";
    return column.equals(tieBreak)
        ? " ORDER BY " + column + direction
        : " ORDER BY " + column + direction + ", " + tieBreak + direction;
  }
}
