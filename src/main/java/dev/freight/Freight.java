package dev.freight;

import dev.freight.bus.ChunkStreams;
import dev.freight.cluster.Hazelcast;
import dev.freight.cluster.Node;
import dev.freight.config.ConfigException;
import dev.freight.config.FreightConfig;
import dev.freight.db.Database;
import dev.freight.db.EmbeddedPostgres;
import dev.freight.db.Migrations;
import dev.freight.db.Pools;
import dev.freight.http.ApiVerticle;
import dev.freight.idempotency.IdempotencyVerticle;
import dev.freight.imports.ImportVerticle;
import dev.freight.jobs.Lease;
import dev.freight.jobs.Worker;
import dev.freight.library.LibraryVerticle;
import dev.freight.libraryexports.LibraryExportVerticle;
import dev.freight.listexports.ListExportVerticle;
import dev.freight.logging.Log;
import dev.freight.metrics.Metrics;
import dev.freight.metrics.MetricsServer;
import dev.freight.users.KnownTokens;
import dev.freight.users.UsersVerticle;
import dev.freight.webhooks.WebhooksVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A running server: its database, its pool and its verticles, started in order and stopped in
 * reverse.
 */
public final class Freight {
  private static final System.Logger LOG = System.getLogger(Freight.class.getName());
  private static final long STARTUP_TIMEOUT_S = 120;

  /** Parsing and file writing; more threads than cores, since they also wait on disk. */
  private static final int WORKER_THREADS = 4;

  private final FreightConfig config;
  private final Metrics metrics = new Metrics();
  private final Deque<String> deployments = new ArrayDeque<>();
  private EmbeddedPostgres embedded;
  private Vertx vertx;
  private Node node;
  private Pools pools;
  private Worker worker;
  private ApiVerticle api;
  private MetricsServer metricsServer;

  private Freight(FreightConfig config) {
    this.config = config;
  }

  /** Starts everything or, failing that, stops what did start and rethrows. Blocking. */
  public static Freight start(FreightConfig config) {
    Freight freight = new Freight(config);
    try {
      freight.boot();
      return freight;
    } catch (RuntimeException e) {
      freight.stop();
      throw e;
    }
  }

  private void boot() {
    if (config.logging().json()) {
      Log.useJsonLines();
    }
    FreightConfig effective = config;
    if (config.db().embedded()) {
      embedded =
          EmbeddedPostgres.start(
              config.dataDir().resolve("postgres"), config.db().embeddedOsUser());
      effective =
          config.withDbUrl(
              "postgresql://"
                  + embedded.user()
                  + "@"
                  + embedded.host()
                  + ":"
                  + embedded.port()
                  + "/postgres");
    }
    startVertx(config.cluster());
    FreightConfig.Db db = effective.db();
    pools =
        new Pools(
            Database.requests(
                vertx, db.url(), db.poolSize(), db.maxWaitingRequests(), db.requestWaitMs()),
            Database.jobs(vertx, db.url(), db.jobsPoolSize()),
            Database.libraryVersion(vertx, db.url(), db.requestWaitMs()));
    Pool pool = pools.requests();
    String where = describe(effective.db().url());
    await(
        // On the jobs' pool, which waits for a connection as long as start-up may take.
        Database.ping(pools.jobs(), 10_000)
            .recover(
                failure ->
                    Future.failedFuture(
                        new ConfigException(
                            "cannot reach PostgreSQL at " + where + ": " + failure.getMessage()))));
    int applied = await(Migrations.run(pools.jobs(), Migrations.load()));
    if (applied > 0) {
      LOG.log(System.Logger.Level.INFO, "applied " + applied + " database migration(s)");
    }
    worker = new Worker(vertx, WORKER_THREADS);
    ChunkStreams streams = new ChunkStreams();
    await(streams.bind(vertx));
    KnownTokens knownTokens = new KnownTokens();
    deploy(new UsersVerticle(pool, effective.admin(), node, knownTokens));
    deploy(new LibraryVerticle(pool, pools.libraryVersion()));
    deploy(new IdempotencyVerticle(pool, effective.idempotency().retentionHours()));
    Path spool = config.dataDir().resolve("spool");
    Lease lease = new Lease(node.id(), effective.jobs().leaseSeconds());
    deploy(
        new ImportVerticle(
            pools,
            worker,
            streams,
            spool,
            lease,
            config.imports(),
            config.files(),
            metrics.rows()));
    deploy(
        new LibraryExportVerticle(
            pools, worker, streams, spool, lease, config.exports(), metrics.rows()));
    deploy(
        new ListExportVerticle(
            pools,
            worker,
            streams,
            effective.exportsV1(),
            spool,
            lease,
            effective.exports().maxRunning(),
            metrics.rows()));
    // Deliveries are background work: they wait for a connection rather than fail.
    deploy(new WebhooksVerticle(pools.jobs(), effective.webhooks(), metrics.webhookDeliveries()));
    // One HTTP verticle per core, so that request handling is not held to one event loop.
    List<ApiVerticle> apis = new CopyOnWriteArrayList<>();
    FreightConfig.Http http = effective.http();
    deployments.push(
        await(
            vertx
                .deployVerticle(
                    () -> {
                      ApiVerticle api =
                          new ApiVerticle(
                              http,
                              config.dataDir().resolve("uploads"),
                              pool,
                              node,
                              knownTokens,
                              metrics);
                      apis.add(api);
                      return api;
                    },
                    new DeploymentOptions()
                        .setInstances(Runtime.getRuntime().availableProcessors()))
                .recover(
                    failure ->
                        Future.failedFuture(
                            new ConfigException(
                                "cannot listen on "
                                    + http.host()
                                    + ":"
                                    + http.port()
                                    + ": "
                                    + failure.getMessage())))));
    api = apis.get(0);
    startMetrics();
    LOG.log(
        System.Logger.Level.INFO,
        "Freight serving http://"
            + effective.http().host()
            + ":"
            + port()
            + " - PostgreSQL "
            + (embedded != null ? "embedded" : "external")
            + " at "
            + where
            + " - data dir "
            + effective.dataDir());
  }

  /**
   * Jobs counted at each scrape, a lag probe on every event loop, and {@code GET /metrics} on a
   * port of its own when {@code metrics.port} is set.
   */
  private void startMetrics() {
    metrics.countJobs(
        pools.requests(),
        List.of(
            ImportVerticle.JOB_TABLE,
            LibraryExportVerticle.JOB_TABLE,
            ListExportVerticle.JOB_TABLE));
    deployments.push(
        await(
            vertx.deployVerticle(
                metrics::eventLoopLag,
                new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE))));
    if (config.metrics().port().isEmpty()) {
      return;
    }
    metricsServer =
        new MetricsServer(metrics, config.metrics().host(), config.metrics().port().getAsInt());
    deployments.push(
        await(
            vertx
                .deployVerticle(metricsServer)
                .recover(
                    failure ->
                        Future.failedFuture(
                            new ConfigException(
                                "cannot serve metrics on "
                                    + config.metrics().host()
                                    + ":"
                                    + config.metrics().port().getAsInt()
                                    + ": "
                                    + failure.getMessage())))));
    LOG.log(
        System.Logger.Level.INFO,
        "metrics at http://" + config.metrics().host() + ":" + metricsPort() + "/metrics");
  }

  /**
   * A plain Vert.x for a single node; for a cluster, one joined to the other members (Hazelcast on
   * cluster.port, the event bus on the next port), this node known by its cluster id.
   */
  private void startVertx(FreightConfig.Cluster cluster) {
    VertxOptions options = metrics.instrument(new VertxOptions().setWorkerPoolSize(16));
    if (!cluster.clustered()) {
      vertx = Vertx.builder().with(options).withMetrics(metrics.factory()).build();
      node = Node.single();
      return;
    }
    options
        .getEventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host())
        .setClusterPublicPort(cluster.eventBusPort());
    HazelcastClusterManager manager = new HazelcastClusterManager(Hazelcast.config(cluster));
    vertx =
        await(
            Vertx.builder()
                .with(options)
                .withMetrics(metrics.factory())
                .withClusterManager(manager)
                .buildClustered()
                .recover(
                    failure ->
                        Future.failedFuture(
                            new ConfigException(
                                "cannot join the cluster at "
                                    + cluster.host()
                                    + ":"
                                    + cluster.port()
                                    + " (event bus on port "
                                    + cluster.eventBusPort()
                                    + "): "
                                    + failure.getMessage()))));
    node = Node.clustered(manager.getNodeId(), manager::getNodes);
    LOG.log(
        System.Logger.Level.INFO,
        "joined the cluster as node " + node.id() + " (" + node.members().size() + " member(s))");
  }

  private void deploy(io.vertx.core.Deployable verticle) {
    deployments.push(await(vertx.deployVerticle(verticle)));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(STARTUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("start-up step timed out after " + STARTUP_TIMEOUT_S + " s");
    }
  }

  /** host:port/database, without credentials, for logs and errors. */
  private static String describe(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()) + uri.getPath();
  }

  /** This node: its id, whether it is clustered, the cluster's members. */
  public Node node() {
    return node;
  }

  public int port() {
    return api.port();
  }

  /** The port of {@code GET /metrics} without a token, when {@code metrics.port} is set. */
  public int metricsPort() {
    return metricsServer.port();
  }

  /**
   * The event bus this server's verticles talk on, where {@code jobs.state-changed} is published.
   */
  public io.vertx.core.eventbus.EventBus eventBus() {
    return vertx.eventBus();
  }

  /**
   * Stops verticles in reverse order, then the pool, then the embedded PostgreSQL. Blocking,
   * idempotent.
   */
  public synchronized void stop() {
    if (vertx != null) {
      try {
        while (!deployments.isEmpty()) {
          await(vertx.undeploy(deployments.pop()));
        }
        // What start-up got to: a failed start stops here too.
        if (worker != null) {
          await(worker.close());
        }
        if (pools != null) {
          await(
              Future.join(
                  pools.requests().close(), pools.jobs().close(), pools.libraryVersion().close()));
        }
        await(vertx.close());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "stopping Freight: " + e.getMessage());
      }
      vertx = null;
    }
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
  }
}
