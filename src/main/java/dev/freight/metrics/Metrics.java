package dev.freight.metrics;

import dev.freight.jobs.JobCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.DoubleStream;

/**
 * This server's meters, in Prometheus text at {@code /metrics}: Vert.x's own (HTTP requests by
 * route and status with latency histograms, bytes read, the database pool's and the worker pools'
 * usage and waits, the event bus), the event loops' lag, the rows the jobs move, webhook delivery
 * attempts, and the jobs by kind and status, counted in PostgreSQL at each scrape so that they hold
 * across restarts and nodes.
 */
public final class Metrics {
  private static final System.Logger LOG = System.getLogger(Metrics.class.getName());
  private static final MetricsNaming NAMES = MicrometerMetricsOptions.DEFAULT_METRICS_NAMING;

  /** Each server its own registry: tests run several in one JVM. */
  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  /** A scrape does not wait longer than this for the job counts; it shows the last ones then. */
  private static final long COUNT_TIMEOUT_MS = 2_000;

  /** Latency buckets, from a cached read to a long upload; in nanoseconds, as timers count. */
  private static final double[] LATENCY_BUCKETS =
      DoubleStream.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
          .map(seconds -> seconds * 1e9)
          .toArray();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String registryName = "freight-" + REGISTRIES.incrementAndGet();
  private final RowCounters rows;
  private final WebhookDeliveries webhookDeliveries;
  private final Map<JobKey, AtomicLong> jobs = new ConcurrentHashMap<>();
  private volatile Pool pool;
  private volatile List<String> jobTables = List.of();

  private record JobKey(String kind, String status) {}

  public Metrics() {
    registry.config().meterFilter(histograms());
    rows = new RowCounters(registry);
    webhookDeliveries = new WebhookDeliveries(registry);
  }

  /**
   * Request latencies, pool waits and webhook deliveries as histograms, so that percentiles can be
   * computed.
   */
  private static MeterFilter histograms() {
    Set<String> timed =
        Set.of(
            MetricsDomain.HTTP_SERVER.getPrefix() + NAMES.getHttpResponseTime(),
            MetricsDomain.NAMED_POOLS.getPrefix() + NAMES.getPoolQueueTime(),
            WebhookDeliveries.DURATION);
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!timed.contains(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .build()
            .merge(config);
      }
    };
  }

  /**
   * Vert.x's metrics options: HTTP requests labelled by method, route template and status (never by
   * path, whose ids would make a series per job), pools by type and name.
   */
  public VertxOptions instrument(VertxOptions options) {
    return options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName(registryName)
            .setJvmMetricsEnabled(true)
            .setLabels(
                Set.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_ROUTE,
                    Label.HTTP_CODE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.EB_SIDE)));
  }

  /** Makes Vert.x record into this server's registry. */
  public VertxMetricsFactory factory() {
    return new MicrometerMetricsFactory(registry);
  }

  public RowCounters rows() {
    return rows;
  }

  public WebhookDeliveries webhookDeliveries() {
    return webhookDeliveries;
  }

  /** A probe of the lag of the event loop it is deployed on. */
  public EventLoopLag eventLoopLag() {
    return new EventLoopLag(registry);
  }

  /**
   * Counts the jobs of these tables (a kind is its table's name) by status at each scrape, as the
   * gauge {@code freight_jobs}.
   */
  public void countJobs(Pool pool, List<String> tables) {
    this.pool = pool;
    this.jobTables = List.copyOf(tables);
  }

  /** The Prometheus text of every meter, the job counts read just before. */
  public Future<String> scrape() {
    Future<Void> counted =
        pool == null
            ? Future.succeededFuture()
            : JobCounts.read(pool, jobTables)
                .timeout(COUNT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .map(
                    counts -> {
                      // A status no job is in any more shows 0, not its last count.
                      jobs.values().forEach(gauge -> gauge.set(0));
                      counts.forEach(
                          count -> jobGauge(count.kind(), count.status()).set(count.jobs()));
                      return (Void) null;
                    })
                .recover(
                    failure -> {
                      LOG.log(
                          System.Logger.Level.WARNING,
                          "cannot count jobs for /metrics: " + failure.getMessage());
                      return Future.succeededFuture();
                    });
    return counted.map(done -> registry.scrape());
  }

  private AtomicLong jobGauge(String kind, String status) {
    return jobs.computeIfAbsent(
        new JobKey(kind, status),
        key -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("freight.jobs", value, AtomicLong::get)
              .description("Jobs in each status, by kind (the job table)")
              .tag("kind", kind)
              .tag("status", status)
              .register(registry);
          return value;
        });
  }
}
