package dev.freight.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code target/freight.jar} as a child process at -Xmx256m, in a fresh data dir: on its embedded
 * PostgreSQL, or a node on a shared one. Its RSS is sampled from /proc; its heap is read from its GC
 * log, since the heap in use peaks just before each collection.
 */
final class FreightServer implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("Freight serving http://[^:]+:(\\d+) - PostgreSQL (?:embedded|external) at ([^:]+):(\\d+)/");
  /** "[1712345678901ms] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 100M->20M(256M) 3.456ms". */
  private static final Pattern GC =
      Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) .* (\\d+)([KMG])->(\\d+)([KMG])\\(");
  private static final long SAMPLE_MS = 100;

  /** A moment's resident set size. */
  private record Sample(long atMs, long rssBytes) {}

  final String token;
  final int httpPort;
  final String pgHost;
  final int pgPort;
  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final Path gcLog;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread sampler;

  /** A server on its own embedded PostgreSQL. */
  FreightServer(Path jar, Path runDir) throws IOException, InterruptedException {
    this(jar, runDir, UUID.randomUUID().toString(), Map.of());
  }

  /** A server with {@code env} added to its environment: a node on a shared PostgreSQL, say. */
  FreightServer(Path jar, Path runDir, String token, Map<String, String> env)
      throws IOException, InterruptedException {
    this.token = token;
    Files.createDirectories(runDir);
    log = runDir.resolve("server.log");
    gcLog = runDir.resolve("gc.log");
    // Under /tmp and world-traversable: the embedded PostgreSQL runs as nobody when we are root.
    dataDir = Files.createTempDirectory(Path.of("/tmp"), "freight-bench-");
    dataDir.toFile().setExecutable(true, false);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-Xlog:gc:file=" + gcLog + ":timemillis",
        "-jar", jar.toString());
    builder.environment().keySet().removeIf(key -> key.startsWith("FREIGHT_"));
    builder.environment().put("FREIGHT_DATA_DIR", dataDir.toString());
    builder.environment().put("FREIGHT_HTTP_HOST", "127.0.0.1");
    builder.environment().put("FREIGHT_HTTP_PORT", "0");
    builder.environment().put("FREIGHT_ADMIN_TOKEN", token);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    process = builder.start();
    Matcher serving = awaitLine(SERVING);
    httpPort = Integer.parseInt(serving.group(1));
    pgHost = serving.group(2);
    pgPort = Integer.parseInt(serving.group(3));
    sampler = new Thread(this::sample, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private Matcher awaitLine(Pattern pattern) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      for (String line : Files.readAllLines(log)) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("Freight exited with " + process.exitValue() + ", see " + log);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Freight did not start in 2 minutes, see " + log);
  }

  private void sample() {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    while (process.isAlive()) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            long kb = Long.parseLong(line.replaceAll("\\D", ""));
            synchronized (samples) {
              samples.add(new Sample(System.currentTimeMillis(), kb * 1024));
            }
          }
        }
        Thread.sleep(SAMPLE_MS);
      } catch (IOException | InterruptedException e) {
        return; // the process is gone, or we are closing
      }
    }
  }

  /** The highest RSS sampled between two moments (epoch ms), or -1. */
  long peakRss(long fromMs, long toMs) {
    synchronized (samples) {
      return samples.stream().filter(s -> s.atMs >= fromMs && s.atMs <= toMs + SAMPLE_MS)
          .mapToLong(Sample::rssBytes).max().orElse(-1);
    }
  }

  /** Forces a full collection (jcmd GC.run): what the heap holds after it is live. */
  void fullGc() throws IOException, InterruptedException {
    new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
  }

  /** The most the forced full collections between two moments (epoch ms) left in use (-1: none), and their number. */
  record LiveHeap(long bytes, long collections) {}

  LiveHeap liveHeap(long fromMs, long toMs) throws IOException {
    List<Matcher> full = collections(fromMs, toMs).stream().filter(m -> m.group().contains("Pause Full")).toList();
    return new LiveHeap(full.stream().mapToLong(m -> bytes(m.group(4), m.group(5))).max().orElse(-1), full.size());
  }

  /** Heap in use between two moments (epoch ms): the most before a collection, and the most left after one. */
  record Heap(long peakBytes, long afterGcBytes) {}

  /** The heap over the collections between two moments (epoch ms); -1s when there was none. */
  Heap heap(long fromMs, long toMs) throws IOException {
    List<Matcher> all = collections(fromMs, toMs);
    return new Heap(all.stream().mapToLong(m -> bytes(m.group(2), m.group(3))).max().orElse(-1),
        all.stream().mapToLong(m -> bytes(m.group(4), m.group(5))).max().orElse(-1));
  }

  /** The GC log's collections between two moments (epoch ms). */
  private List<Matcher> collections(long fromMs, long toMs) throws IOException {
    List<Matcher> found = new ArrayList<>();
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC.matcher(line);
      if (m.find() && Long.parseLong(m.group(1)) >= fromMs && Long.parseLong(m.group(1)) <= toMs) {
        found.add(m);
      }
    }
    return found;
  }

  private static long bytes(String number, String unit) {
    return Long.parseLong(number) << switch (unit) {
      case "K" -> 10;
      case "M" -> 20;
      default -> 30;
    };
  }

  /** Vert.x's "Thread ... has been blocked for N ms" warnings logged so far. */
  long blockedWarnings() throws IOException {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(line -> line.contains("has been blocked for")).count();
    }
  }

  /**
   * Why the run may have failed: the server's exit; or, while it runs, what its PostgreSQL sessions are
   * doing and a dump of its threads next to its log (its jobs wait on PostgreSQL, not on a Java stack).
   */
  String postMortem() throws IOException, InterruptedException {
    if (!process.isAlive()) {
      return "Freight exited with " + process.exitValue() + " (137: killed, 143: terminated), see " + log;
    }
    Path dump = log.resolveSibling("threads.txt");
    new ProcessBuilder("jcmd", Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
        .redirectOutput(dump.toFile()).start().waitFor(60, TimeUnit.SECONDS);
    StringBuilder sessions = new StringBuilder();
    try (Connection conn = DriverManager.getConnection(
            "jdbc:postgresql://" + pgHost + ":" + pgPort + "/postgres", "postgres", "");
        ResultSet rs = conn.createStatement().executeQuery("SELECT state, wait_event_type, wait_event,"
            + " round(extract(epoch FROM now() - query_start)), left(query, 300) FROM pg_stat_activity"
            + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'")) {
      while (rs.next()) {
        sessions.append(String.format("%n  %s, waiting on %s/%s, for %s s: %s", rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getString(5)));
      }
    } catch (SQLException e) {
      sessions.append(" (unreadable: ").append(e.getMessage()).append(')');
    }
    return "Freight is running; its log " + log + ", its threads " + dump + "; PostgreSQL sessions at work:"
        + sessions;
  }

  /** kill -9: the node dies at once, holding whatever it held. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy(); // SIGTERM: Freight stops its PostgreSQL on the way out
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    sampler.interrupt();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
