package dev.freight.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs real PostgreSQL servers. The zonky binaries ship only postgres, initdb and pg_ctl (no psql),
 * so the checks talk to the server with vertx-pg-client, which Freight uses anyway.
 */
class EmbeddedPostgresTest {

  private static final String RUN_AS = "nobody";
  private static Vertx vertx;

  private Path root;
  private Path data;
  private final List<EmbeddedPostgres> started = new ArrayList<>();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void dirs() throws IOException {
    // Not @TempDir: its 0700 directory would not be traversable by "nobody" when we are root.
    root = Files.createTempDirectory(Path.of("/tmp"), "freight-pg-test-");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    data = root.resolve("data/postgres");
  }

  @AfterEach
  void cleanUp() throws IOException {
    started.forEach(EmbeddedPostgres::close);
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private EmbeddedPostgres start() {
    EmbeddedPostgres pg = EmbeddedPostgres.start(data, RUN_AS);
    started.add(pg);
    return pg;
  }

  @Test
  void startsRestartsAndKeepsData() throws Exception {
    EmbeddedPostgres pg = start();
    assertThat(pg.host()).isEqualTo("127.0.0.1");
    assertThat(pg.user()).isEqualTo("postgres");
    assertThat(query(pg, "select version()").get(0)).contains("PostgreSQL 18");
    query(pg, "create table t(x int)");
    query(pg, "insert into t values (42)");
    assertThat(postmasters()).isEqualTo(1);

    pg.close();
    pg.close(); // idempotent
    assertThat(postmasters()).isZero();

    EmbeddedPostgres again = start();
    assertThat(query(again, "select x from t")).containsExactly("42");
    again.close();
    assertThat(postmasters()).isZero();
  }

  @Test
  void recoversFromKilledJvmWhoseServerKeepsRunning() throws Exception {
    EmbeddedPostgres first = EmbeddedPostgres.start(data, RUN_AS); // never closed: "kill -9"
    query(first, "create table t(x int)");
    query(first, "insert into t values (7)");

    EmbeddedPostgres second = start();
    assertThat(query(second, "select x from t")).containsExactly("7");
    assertThat(postmasters()).isEqualTo(1);
    second.close();
    assertThat(postmasters()).isZero();
  }

  @Test
  void ignoresStalePidFiles() throws Exception {
    start().close();
    Path pidFile = data.resolve("postmaster.pid");

    Files.writeString(pidFile, "999999\n" + data + "\n"); // a pid that is not running
    EmbeddedPostgres pg = start();
    assertThat(query(pg, "select 1")).containsExactly("1");
    pg.close();

    // A pid reused by an unrelated program: it must be left alone, the file removed.
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(pidFile, sleeper.pid() + "\n" + data + "\n");
      pg = start();
      assertThat(query(pg, "select 2")).containsExactly("2");
      assertThat(sleeper.isAlive()).isTrue();
      pg.close();
    } finally {
      sleeper.destroy();
    }
  }

  /**
   * A crash that took PostgreSQL down too leaves its postmaster a zombie for a moment; a zombie
   * still answers kill(pid, 0), so PostgreSQL refused to start ("lock file postmaster.pid already
   * exists").
   */
  @Test
  void startsWhileTheOldPostmasterIsAZombie() throws Exception {
    start().close();
    // The shell's child exits at once and its parent (then "sleep 3") never reaps it: a zombie
    // until the parent exits too and init takes it over. It must belong to PostgreSQL's account,
    // as the old postmaster did: PostgreSQL ignores pids it may not signal.
    List<String> zombieMaker = new ArrayList<>(List.of("sh", "-c", "sleep 0 & exec sleep 3"));
    if ("0".equals(uid())) {
      zombieMaker.addAll(
          0, List.of("setpriv", "--reuid=" + RUN_AS, "--regid=nogroup", "--clear-groups"));
    }
    Process parent = new ProcessBuilder(zombieMaker).start();
    try {
      long zombie = -1;
      while (zombie < 0 || stateOf(zombie) != 'Z') {
        Thread.sleep(10);
        zombie = parent.children().findFirst().map(ProcessHandle::pid).orElse(-1L);
      }
      Files.writeString(data.resolve("postmaster.pid"), zombie + "\n" + data + "\n");

      EmbeddedPostgres pg = start();
      assertThat(query(pg, "select 3")).containsExactly("3");
    } finally {
      parent.destroy();
    }
  }

  private static char stateOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      return '?';
    }
  }

  @Test
  void explainsUnreachableDataDir() throws IOException {
    Assumptions.assumeTrue("0".equals(uid()), "only root switches to an unprivileged user");
    Path locked = root.resolve("x");
    Files.createDirectory(locked);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> EmbeddedPostgres.start(locked.resolve("y/pg"), RUN_AS))
        .isInstanceOf(EmbeddedPostgresException.class)
        .hasMessage(
            "data dir "
                + locked.resolve("y/pg")
                + " is not reachable by user nobody: "
                + locked
                + " is not traversable (chmod o+x it or choose FREIGHT_DATA_DIR elsewhere)");
    assertThat(locked.resolve("y")).doesNotExist();
  }

  @Test
  void namesUnsupportedPlatforms() {
    assertThat(EmbeddedPostgres.platformArch("Linux", "amd64")).isEqualTo("x86_64");
    assertThat(EmbeddedPostgres.platformArch("Linux", "aarch64")).isEqualTo("arm_64");
    assertThatThrownBy(() -> EmbeddedPostgres.platformArch("Mac OS X", "aarch64"))
        .isInstanceOf(EmbeddedPostgresException.class)
        .hasMessage(
            "no embedded PostgreSQL for Mac OS X/aarch64; "
                + "set FREIGHT_DB_URL to use an external PostgreSQL");
  }

  @Test
  void picksTheErrorLineFromToolOutput() {
    String initdb =
        "The files belonging to this database system will be owned by user \"x\".\n"
            + "initdb: error: directory \"/d\" exists but is not empty\n"
            + "initdb: hint: If you want to create a new database system, either remove or empty\n";
    assertThat(EmbeddedPostgres.lastMeaningfulLine(initdb))
        .isEqualTo("directory \"/d\" exists but is not empty");
    String log =
        "2026-01-01 00:00:00 UTC [9] LOG:  could not bind IPv4 address \"127.0.0.1\"\n"
            + "2026-01-01 00:00:00 UTC [9] FATAL:  could not create any TCP/IP sockets\n"
            + "pg_ctl: could not start server\nExamine the log output.\n";
    assertThat(EmbeddedPostgres.lastMeaningfulLine(log))
        .isEqualTo("FATAL: could not create any TCP/IP sockets");
    assertThat(EmbeddedPostgres.lastMeaningfulLine("a\nlast line\n\n")).isEqualTo("last line");
  }

  // ------------------------------------------------------------------ helpers

  /** Runs one statement on database "postgres" and returns the first column of each row. */
  private static List<String> query(EmbeddedPostgres pg, String sql) throws Exception {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(pg.host())
            .setPort(pg.port())
            .setUser(pg.user())
            .setDatabase("postgres");
    PgConnection conn = await(PgConnection.connect(vertx, options));
    try {
      List<String> values = new ArrayList<>();
      for (Row row : await(conn.query(sql).execute())) {
        values.add(String.valueOf(row.getValue(0)));
      }
      return values;
    } finally {
      await(conn.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Postmasters (started as "postgres -D <dir>") serving this test's data dir. */
  private long postmasters() throws IOException {
    String dir = data.toRealPath().toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(
              p -> {
                try {
                  List<String> args = List.of(Files.readString(p.resolve("cmdline")).split("\0"));
                  return args.size() > 1 && args.get(0).endsWith("postgres") && args.contains(dir);
                } catch (IOException e) {
                  return false; // process ended meanwhile
                }
              })
          .count();
    }
  }

  private static String uid() throws IOException {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      return new String(p.getInputStream().readAllBytes()).trim();
    } catch (IOException e) {
      return "";
    }
  }
}
