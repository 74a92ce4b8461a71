package dev.freight.config;

import dev.freight.formats.ReadLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The whole configuration, read and validated once at start-up; nothing else reads the environment.
 */
public record FreightConfig(
    Http http,
    Path dataDir,
    Db db,
    Admin admin,
    Imports imports,
    Exports exports,
    ExportsV1 exportsV1,
    Jobs jobs,
    Cluster cluster,
    ReadLimits files,
    Webhooks webhooks,
    Idempotency idempotency,
    Metrics metrics,
    Logging logging) {

  /**
   * The listener and what it takes: bodies (JSON, uploads), the files of one upload and their
   * names' length, and how long a body may stop arriving.
   */
  public record Http(
      String host,
      int port,
      long maxBodyBytes,
      long maxUploadBytes,
      int maxUploadFiles,
      int maxFileNameChars,
      long bodyIdleTimeoutSeconds) {}

  /**
   * {@code url} is empty when Freight runs its own embedded PostgreSQL. Requests and job work have
   * pools of their own ({@code poolSize}, {@code jobsPoolSize}); at most {@code maxWaitingRequests}
   * requests wait for a connection, each at most {@code requestWaitMs}.
   */
  public record Db(
      String url,
      int poolSize,
      int jobsPoolSize,
      int maxWaitingRequests,
      long requestWaitMs,
      String embeddedOsUser) {
    public boolean embedded() {
      return url.isEmpty();
    }
  }

  /** {@code token} is empty when none is configured. */
  public record Admin(String email, String token) {}

  /**
   * How long a finished import keeps its diff and stored upload, and how often those past it are
   * purged.
   */
  public record Imports(long retentionDays, long purgeIntervalSeconds) {}

  /**
   * How long export files stay downloadable after their job completes, how often expired ones are
   * purged, and how many exports of each kind run at once on a node.
   */
  public record Exports(long retentionHours, long purgeIntervalSeconds, int maxRunning) {}

  /**
   * v1 exports: rows per part (each part is a checkpoint), and a pause between parts to spare the
   * database.
   */
  public record ExportsV1(int pageSize, long partPauseMs) {}

  /** How long a node's claim on a running job lasts without renewal. */
  public record Jobs(long leaseSeconds) {}

  /** How long the answer to an {@code Idempotency-Key} is kept and replayed. */
  public record Idempotency(long retentionHours) {}

  /**
   * The nodes of a cluster: every Hazelcast member as host:port; empty for a single node. This
   * node's member listens on {@code host:port}, its event bus on {@code host:port + 1}.
   */
  public record Cluster(List<String> members, String kubernetesService, String host, int port) {
    public Cluster {
      members = List.copyOf(members);
    }

    /** Members are listed, or found through a Kubernetes headless Service. */
    public boolean clustered() {
      return !members.isEmpty() || !kubernetesService.isEmpty();
    }

    /** The event bus's own port, next to Hazelcast's. */
    public int eventBusPort() {
      return port + 1;
    }
  }

  /**
   * Webhook delivery: how many deliveries a node sends at once, whether private, loopback and
   * link-local targets may be reached, the first retry's delay (then doubling, capped at an hour),
   * how long a delivery is retried, how often due deliveries are looked for besides the nudge of
   * each new event, and how long an event whose deliveries all ended is kept before it is purged.
   */
  public record Webhooks(
      int maxInFlight,
      boolean allowPrivateTargets,
      long firstRetrySeconds,
      long retryHours,
      long pollSeconds,
      long retentionDays) {}

  /**
   * Where {@code GET /metrics} is also served without a token; {@code port} is empty when it is
   * served only on the API port, to superusers.
   */
  public record Metrics(String host, OptionalInt port) {}

  /** {@code json}: one JSON object per log line; otherwise human text. */
  public record Logging(boolean json) {}

  public FreightConfig withDbUrl(String url) {
    return new FreightConfig(
        http,
        dataDir,
        new Db(
            url,
            db.poolSize,
            db.jobsPoolSize,
            db.maxWaitingRequests,
            db.requestWaitMs,
            db.embeddedOsUser),
        admin,
        imports,
        exports,
        exportsV1,
        jobs,
        cluster,
        files,
        webhooks,
        idempotency,
        metrics,
        logging);
  }
}
