package dev.freight.jobs;

/** Unwinds a job that was told to stop; its runner turns it into the cancelled state. */
public final class Cancelled extends RuntimeException {
  public Cancelled() {
    super("cancelled", null, false, false);
  }
}
