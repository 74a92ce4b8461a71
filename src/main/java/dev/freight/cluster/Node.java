package dev.freight.cluster;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * This node: its id (written as the owner of the job leases it holds, and naming its event-bus
 * addresses), whether it runs in a cluster, and the ids of the cluster's members as they are now.
 */
public final class Node {
  private final String id;
  private final boolean clustered;
  private final Supplier<List<String>> members;

  private Node(String id, boolean clustered, Supplier<List<String>> members) {
    this.id = id;
    this.clustered = clustered;
    this.members = members;
  }

  /** A server on its own: a random id, and itself as the only member. */
  public static Node single() {
    String id = UUID.randomUUID().toString();
    return new Node(id, false, () -> List.of(id));
  }

  /** A member of a cluster, under the cluster manager's id for it. */
  public static Node clustered(String id, Supplier<List<String>> members) {
    return new Node(id, true, members);
  }

  public String id() {
    return id;
  }

  public boolean clustered() {
    return clustered;
  }

  /** The ids of the cluster's members now, this node's included. */
  public List<String> members() {
    return members.get();
  }
}
