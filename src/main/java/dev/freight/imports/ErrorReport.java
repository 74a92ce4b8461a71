package dev.freight.imports;

import dev.freight.library.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is wrong with a job's files, per content model: the first {@value #CAP} problems in full and
 * the total, as the job's {@code errors}. Filled from the worker reading a file, read from the
 * event loop, hence synchronized.
 */
final class ErrorReport {
  static final int CAP = 1000;
  private static final int MAX_VALUE_CHARS = 200;

  private final Map<String, JsonArray> listed = new LinkedHashMap<>();
  private final Map<String, Long> totals = new LinkedHashMap<>();
  private final boolean skipInvalid;
  private boolean fatal;

  /** {@code skipInvalid}: a bad value only leaves its row out; other problems fail the job. */
  ErrorReport(boolean skipInvalid) {
    this.skipInvalid = skipInvalid;
  }

  synchronized boolean any() {
    return !totals.isEmpty();
  }

  /** Whether the job fails. */
  synchronized boolean failing() {
    return fatal || (!skipInvalid && any());
  }

  /** An id given again, when the later rows are not skipped: the job fails whatever it asked. */
  synchronized void duplicate(String model, String file, long entry, FieldError error) {
    row(model, file, entry, error);
    fatal = true;
  }

  /** A bad value in one row. */
  synchronized void row(String model, String file, long entry, FieldError error) {
    Object value =
        error.value() instanceof String text && text.length() > MAX_VALUE_CHARS
            ? text.substring(0, MAX_VALUE_CHARS) + "…"
            : error.value();
    add(
        model,
        new JsonObject()
            .put("file", storable(file))
            .put("entry", entry)
            .put("field", storable(error.field()))
            .put("value", storable(value))
            .put("message", storable(error.message())));
  }

  /** A problem with the file as a whole; {@code line} is 0 when unknown. */
  synchronized void file(String model, String file, long line, String message) {
    fatal = true;
    JsonObject problem = new JsonObject().put("file", storable(file));
    if (line > 0) {
      problem.put("line", line);
    }
    add(model, problem.put("message", storable(message)));
  }

  /**
   * Text as the errors column (jsonb) can keep it: a NUL character, which is what a report about
   * one would quote, is shown as U+FFFD.
   */
  private static String storable(String text) {
    return text == null ? null : text.replace('\0', '\uFFFD');
  }

  /** A number past what jsonb holds (1e999999999) is kept as its text. */
  private static Object storable(Object value) {
    if (value instanceof String text) {
      return storable(text);
    }
    if (value instanceof BigDecimal number
        && (Math.abs(number.scale()) > 1000 || number.precision() > 1000)) {
      return number.toString();
    }
    return value;
  }

  private void add(String model, JsonObject problem) {
    long total = totals.merge(model, 1L, Long::sum);
    if (total <= CAP) {
      listed.computeIfAbsent(model, m -> new JsonArray()).add(problem);
    }
  }

  synchronized JsonObject toJson() {
    JsonObject json = new JsonObject();
    listed.forEach(json::put);
    json.put("totals", new JsonObject(new LinkedHashMap<>(totals)));
    return json;
  }
}
