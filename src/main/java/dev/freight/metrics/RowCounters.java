package dev.freight.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Rows moving through the jobs, counted as each batch is done: parsed from uploads, compared with
 * the library, applied to it, and written to exports (by kind: {@code export_jobs} or {@code
 * exports}). Their rates are the jobs' throughput.
 */
public final class RowCounters {
  private final Counter read;
  private final Counter diffed;
  private final Counter applied;
  private final Counter exportedLibrary;
  private final Counter exportedLists;

  RowCounters(MeterRegistry registry) {
    read = counter(registry, "freight.rows.read", "Rows parsed from uploaded files");
    diffed = counter(registry, "freight.rows.diffed", "Uploaded rows compared with the library");
    applied = counter(registry, "freight.rows.applied", "Library rows added, updated or deleted");
    exportedLibrary = exported(registry, "export_jobs");
    exportedLists = exported(registry, "exports");
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private static Counter exported(MeterRegistry registry, String kind) {
    return Counter.builder("freight.rows.exported")
        .description("Rows written to export files")
        .tag("kind", kind)
        .register(registry);
  }

  public void read(long rows) {
    read.increment(rows);
  }

  public void diffed(long rows) {
    diffed.increment(rows);
  }

  public void applied(long rows) {
    applied.increment(rows);
  }

  /** Rows written by a library export (v2). */
  public void exportedLibrary(long rows) {
    exportedLibrary.increment(rows);
  }

  /** Rows written by a list export (v1). */
  public void exportedList(long rows) {
    exportedLists.increment(rows);
  }
}
