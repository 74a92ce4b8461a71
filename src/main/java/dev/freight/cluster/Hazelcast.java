package dev.freight.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.freight.config.FreightConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Hazelcast configuration of a cluster node, built from {@link FreightConfig.Cluster} alone:
 * members found over TCP-IP at the listed addresses, or through the DNS records of a Kubernetes
 * headless Service (no multicast, no auto-detection), this member on a fixed port, quiet logging.
 * The maps Vert.x needs come from vertx-hazelcast's own defaults.
 */
public final class Hazelcast {
  /** Kept, so that the level set on it is not lost when the logger is collected. */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  /**
   * Warns at every start that CP data structures are unsafe: Freight uses none (PostgreSQL holds
   * every decision), so the warning would only alarm.
   */
  private static final Logger CP_LOG = Logger.getLogger("com.hazelcast.cp.CPSubsystem");

  private Hazelcast() {}

  public static Config config(FreightConfig.Cluster cluster) {
    HAZELCAST_LOG.setLevel(Level.WARNING);
    CP_LOG.setLevel(Level.SEVERE);
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("freight");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Freight leaves the cluster itself when it stops, after its jobs have been handed back.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A short wait for the others at start; nodes that started apart still merge soon after.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "15");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "15");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.setPublicAddress(cluster.host() + ":" + cluster.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.members().isEmpty()) {
      // Every ready pod behind the headless Service is a member, reached on the same port.
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesService())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      join.getTcpIpConfig()
          .setEnabled(true)
          .setConnectionTimeoutSeconds(2)
          .setMembers(cluster.members());
    }
    return config;
  }
}
