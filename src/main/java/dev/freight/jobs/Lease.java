package dev.freight.jobs;

/**
 * How this node holds the jobs it runs: its id ({@link dev.freight.cluster.Node#id()}: the cluster
 * manager's id for it in a cluster, else a random UUID per start), written into each running job's
 * row, and how long a claim lasts without renewal. A node renews its leases a few times per term; a
 * job whose lease has expired (its node died, or lost the database) is taken by the next node that
 * looks.
 */
public record Lease(String node, long seconds) {
  /** How often leases are renewed and expired ones looked for. */
  public long renewEveryMs() {
    return Math.max(500, seconds * 1000 / 3);
  }
}
