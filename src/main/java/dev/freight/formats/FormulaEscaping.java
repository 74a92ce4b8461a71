package dev.freight.formats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a spreadsheet from running a CSV cell as a formula (OWASP "CSV injection"): a text cell
 * starting with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return gets a
 * leading {@code '}. The file then no longer imports back unchanged, so it is an option. Numbers
 * and booleans are left alone: they are values, not formulas.
 */
public final class FormulaEscaping implements RowWriter {
  private static final String TRIGGERS = "=+-@\t\r";

  private final RowWriter writer;

  private FormulaEscaping(RowWriter writer) {
    this.writer = writer;
  }

  /** {@code writer}, escaping formulas when {@code escape} is set and the file is CSV. */
  public static RowWriter of(RowWriter writer, Format format, boolean escape) {
    return escape && format == Format.CSV ? new FormulaEscaping(writer) : writer;
  }

  static String escape(String text) {
    return !text.isEmpty() && TRIGGERS.indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
  }

  @Override
  public void write(List<?> values) throws IOException {
    List<Object> escaped = new ArrayList<>(values.size());
    for (Object value : values) {
      escaped.add(value instanceof String text ? escape(text) : value);
    }
    writer.write(escaped);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
