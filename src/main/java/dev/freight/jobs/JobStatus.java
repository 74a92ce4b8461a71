package dev.freight.jobs;

import java.util.Locale;

/** A state of some kind of job; implemented by each kind's status enum. */
public interface JobStatus {
  String name();

  /** The status as the API and the database spell it. */
  default String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
