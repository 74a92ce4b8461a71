package dev.freight.logging;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A logger whose lines carry {@link LogFields}. Freight logs through {@code java.util.logging}
 * (also behind {@link System.Logger}); human text by default, one JSON object per line with {@code
 * logging.format: json}.
 */
public final class Log {
  private final Logger logger;

  private Log(Logger logger) {
    this.logger = logger;
  }

  public static Log of(Class<?> type) {
    return named(type.getName());
  }

  public static Log named(String name) {
    return new Log(Logger.getLogger(name));
  }

  public void warning(String message, Throwable thrown) {
    log(Level.WARNING, null, message, thrown);
  }

  public void error(String message, Throwable thrown) {
    log(Level.SEVERE, null, message, thrown);
  }

  public void info(LogFields fields, String message) {
    log(Level.INFO, fields, message, null);
  }

  public void warning(LogFields fields, String message) {
    log(Level.WARNING, fields, message, null);
  }

  public void error(LogFields fields, String message, Throwable thrown) {
    log(Level.SEVERE, fields, message, thrown);
  }

  private void log(Level level, LogFields fields, String message, Throwable thrown) {
    if (!logger.isLoggable(level)) {
      return;
    }
    LogRecord record = new LogRecord(level, message);
    record.setLoggerName(logger.getName());
    if (fields != null) {
      // The fields travel as the record's parameter: text lines show the message as it is.
      record.setParameters(new Object[] {fields});
    }
    record.setThrown(thrown);
    logger.log(record);
  }

  /**
   * Makes every line one JSON object ({@code logging.format: json}); otherwise the JVM's own
   * logging configuration stays as it is. The console handler of the root logger is the one the JVM
   * installs by default.
   */
  public static void useJsonLines() {
    Logger root = Logger.getLogger("");
    if (root.getHandlers().length == 0) {
      root.addHandler(new ConsoleHandler());
    }
    for (Handler handler : root.getHandlers()) {
      handler.setFormatter(new JsonFormatter());
    }
  }
}
