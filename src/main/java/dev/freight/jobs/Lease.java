package dev.freight.jobs;

import java.util.UUID;

/**
 * How this node holds the jobs it runs: its id, written into each running job's row, and how long a
 * claim lasts without renewal. A node renews its leases a few times per term; a job whose lease has
 * expired (its node died, or lost the database) is taken by the next node that looks.
 */
public record Lease(String node, long seconds) {
  public static Lease forNewNode(long seconds) {
    return new Lease(UUID.randomUUID().toString(), seconds);
  }

  /** How often leases are renewed and expired ones looked for. */
  public long renewEveryMs() {
    return Math.max(500, seconds * 1000 / 3);
  }
}
