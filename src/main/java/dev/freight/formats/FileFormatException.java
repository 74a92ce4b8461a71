package dev.freight.formats;

import java.io.IOException;

/**
 * Malformed file: the message says what is wrong; {@link #line()} is the 1-based line where known,
 * else 0.
 */
public class FileFormatException extends IOException {

  private final long line;

  public FileFormatException(String message, long line) {
    super(message);
    this.line = line;
  }

  public long line() {
    return line;
  }
}
