package dev.freight;

import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.db.Database;
import dev.freight.db.EmbeddedPostgres;
import dev.freight.jobs.StateChange;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The real server for tests: one embedded PostgreSQL per test JVM, a fresh database per server,
 * Freight listening on a free port with a known admin token.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_EMAIL = "admin@example.com";
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdefghijklmnop";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static Vertx adminVertx;
  private static final List<Path> TEMP_DIRS = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestServer::cleanUp));
  }

  private static synchronized void cleanUp() {
    if (postgres != null) {
      postgres.close();
    }
    for (Path dir : TEMP_DIRS) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      } catch (IOException | UncheckedIOException gone) {
        // best effort: what cannot be deleted stays
      }
    }
  }

  private final Freight freight;
  private final Map<String, String> env;
  private final FreightConfig config;
  private final String database;

  private TestServer(Map<String, String> env, String database) {
    this.env = env;
    this.config = ConfigLoader.load(Optional.empty(), env);
    this.freight = Freight.start(config);
    this.database = database;
  }

  /** A server on its own new database. */
  public static TestServer start() {
    return start(Map.of());
  }

  /** A server on its own new database, with some settings ({@code FREIGHT_*} names) changed. */
  public static TestServer start(Map<String, String> settings) {
    String database =
        "freight_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    sql("CREATE DATABASE " + database);
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "FREIGHT_HTTP_HOST",
                "127.0.0.1",
                "FREIGHT_HTTP_PORT",
                "0",
                "FREIGHT_DATA_DIR",
                tempDir().toString(),
                "FREIGHT_DB_URL",
                url(database),
                "FREIGHT_ADMIN_EMAIL",
                ADMIN_EMAIL,
                "FREIGHT_ADMIN_TOKEN",
                ADMIN_TOKEN));
    env.putAll(settings);
    return new TestServer(env, database);
  }

  /** Stops this server and starts another on the same database and data dir, as after a restart. */
  public TestServer restart() {
    return restart(Map.of());
  }

  /** Restarts with some settings ({@code FREIGHT_*} names) changed. */
  public TestServer restart(Map<String, String> settings) {
    close();
    Map<String, String> changed = new HashMap<>(env);
    changed.putAll(settings);
    return new TestServer(changed, database);
  }

  public int port() {
    return freight.port();
  }

  /** Where {@code GET /metrics} answers without a token, with {@code FREIGHT_METRICS_PORT} set. */
  public int metricsPort() {
    return freight.metricsPort();
  }

  public String database() {
    return database;
  }

  /** Where this server keeps its spool files. */
  public Path dataDir() {
    return config.dataDir();
  }

  /** Every job state change this server publishes from now on, as it arrives. */
  public List<StateChange> stateChanges() {
    List<StateChange> changes = new CopyOnWriteArrayList<>();
    freight
        .eventBus()
        .<JsonObject>consumer(
            StateChange.ADDRESS, event -> changes.add(StateChange.fromJson(event.body())))
        .completion()
        .await();
    return changes;
  }

  public Client client(String token) {
    return new Client(port(), token);
  }

  public Client admin() {
    return client(ADMIN_TOKEN);
  }

  @Override
  public void close() {
    freight.stop();
  }

  /** Runs a statement on the shared cluster's maintenance database. */
  public static void sql(String statement) {
    Pool pool = Database.pool(adminVertx(), url("postgres"), 1);
    try {
      pool.query(statement).execute().await();
    } finally {
      pool.close().await();
    }
  }

  /**
   * A count from this server's database, for what the API cannot show (work tables, stored files).
   */
  public long count(String sql) {
    return query(sql).get(0).getLong(0);
  }

  /** Rows from this server's database, for what the API cannot show. */
  public List<Row> query(String sql) {
    Pool pool = Database.pool(adminVertx(), url(database()), 1);
    try {
      List<Row> rows = new ArrayList<>();
      pool.query(sql).execute().await().forEach(rows::add);
      return rows;
    } finally {
      pool.close().await();
    }
  }

  /**
   * Stops the shared PostgreSQL, as an outage would, until {@link #startPostgres()}: every test
   * server's database is down meanwhile.
   */
  public static synchronized void stopPostgres() {
    postgres.stopForNow();
  }

  /** Starts the shared PostgreSQL again, on its port. */
  public static synchronized void startPostgres() {
    postgres.startAgain();
  }

  public static synchronized String url(String database) {
    if (postgres == null) {
      postgres = EmbeddedPostgres.start(tempDir().resolve("postgres"), "nobody");
    }
    return "postgresql://"
        + postgres.user()
        + "@"
        + postgres.host()
        + ":"
        + postgres.port()
        + "/"
        + database;
  }

  private static synchronized Vertx adminVertx() {
    if (adminVertx == null) {
      adminVertx = Vertx.vertx();
    }
    return adminVertx;
  }

  /**
   * Under /tmp: the embedded PostgreSQL's account must be able to reach it. Deleted when the JVM
   * exits (after the shared PostgreSQL stops), or a machine that runs the tests often fills its
   * disk.
   */
  public static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "freight-test-");
      dir.toFile().setReadable(true, false);
      dir.toFile().setExecutable(true, false);
      TEMP_DIRS.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
