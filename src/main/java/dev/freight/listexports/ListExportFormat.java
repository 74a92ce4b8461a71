package dev.freight.listexports;

import dev.freight.db.Timestamps;
import dev.freight.formats.Format;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The formats an export is written in; {@code xls} means an Excel .xlsx file. */
enum ListExportFormat {
  CSV(Format.CSV),
  XLS(Format.XLSX),
  JSON(Format.JSON);

  /** Excel refuses longer cells. */
  private static final int XLSX_MAX_CELL_CHARS = 32_767;

  final Format format;

  ListExportFormat(Format format) {
    this.format = format;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The extension of the files written: csv, xlsx or json. */
  String extension() {
    return format.extension();
  }

  static Optional<ListExportFormat> of(String wire) {
    return Arrays.stream(values()).filter(f -> f.wire().equals(wire)).findFirst();
  }

  static String choices() {
    return Arrays.stream(values()).map(ListExportFormat::wire).collect(Collectors.joining(", "));
  }

  /**
   * A database value as a row writer takes it.
   *
   * @throws IllegalArgumentException when this format cannot hold the value: the row counts as
   *     failed
   */
  Object cell(Object value) {
    if (value instanceof String text) {
      if (this == XLS && text.length() > XLSX_MAX_CELL_CHARS) {
        throw new IllegalArgumentException(
            "a text of " + text.length() + " characters does not fit an Excel cell");
      }
      return text;
    }
    if (value == null
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof OffsetDateTime time) {
      return Timestamps.format(time);
    }
    throw new IllegalArgumentException(
        "cannot export a value of type " + value.getClass().getSimpleName());
  }
}
