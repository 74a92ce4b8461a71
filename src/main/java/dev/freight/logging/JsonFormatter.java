package dev.freight.logging;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code time}, {@code level}, {@code logger}, {@code message}, the
 * line's {@link LogFields} ({@code request_id}, {@code job_kind}, {@code job_id}, ...) and, for a
 * failure, {@code error} with its stack trace.
 */
public final class JsonFormatter extends Formatter {
  @Override
  public String format(LogRecord record) {
    JsonObject line =
        new JsonObject()
            .put("time", Instant.ofEpochMilli(record.getMillis()).toString())
            .put("level", level(record.getLevel()))
            .put("logger", record.getLoggerName())
            .put("message", message(record));
    Object[] parameters = record.getParameters();
    if (parameters != null) {
      for (Object parameter : parameters) {
        if (parameter instanceof LogFields fields) {
          fields.asMap().forEach(line::put);
        }
      }
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }

  /** A message with fields is meant as it is; others may be patterns ({0}) of System.Logger. */
  private String message(LogRecord record) {
    Object[] parameters = record.getParameters();
    return parameters != null && parameters.length == 1 && parameters[0] instanceof LogFields
        ? record.getMessage()
        : formatMessage(record);
  }

  /** The names of System.Logger, which the code logs with. */
  private static String level(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (value >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (value >= Level.INFO.intValue()) {
      return "INFO";
    }
    return value >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
  }
}
