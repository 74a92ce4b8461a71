package dev.freight.db;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Times as the API shows them: ISO-8601 with microseconds and an explicit offset. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

  private Timestamps() {}

  /** The formatted time, or null for null. */
  public static String format(OffsetDateTime time) {
    return time == null ? null : FORMAT.format(time);
  }
}
