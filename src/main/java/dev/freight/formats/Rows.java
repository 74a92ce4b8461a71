package dev.freight.formats;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks shared by the readers and writers of all formats. */
final class Rows {

  private Rows() {}

  /** What is wrong with a header row, or null when every name is present and unique. */
  static String headerProblem(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null || name.isEmpty()) {
        return "empty column name in column " + (i + 1);
      }
      if (!seen.add(name)) {
        return "duplicate column name '" + name + "'";
      }
    }
    return null;
  }

  /** Rejects rows that do not match the columns or carry values no format can round-trip. */
  static void checkRow(List<?> values, int columnCount) {
    if (values.size() != columnCount) {
      throw new IllegalArgumentException(
          "row has " + values.size() + " values but there are " + columnCount + " columns");
    }
    for (Object value : values) {
      if (!(value == null
          || value instanceof String
          || value instanceof Boolean
          || value instanceof Integer
          || value instanceof Long
          || value instanceof BigDecimal)) {
        throw new IllegalArgumentException("unsupported value type " + value.getClass().getName());
      }
    }
  }

  /**
   * Text form of a value for text-only formats; BigDecimal in plain notation so nothing reads it as
   * a float.
   */
  static String text(Object value) {
    if (value == null) {
      return "";
    }
    return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
  }
}
