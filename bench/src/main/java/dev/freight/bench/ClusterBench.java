package dev.freight.bench;

import dev.freight.bench.LibraryFiles.Version;
import dev.freight.db.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Issue 13's benchmark, {@code bench/run.sh --nodes N}: what running N nodes on one PostgreSQL costs
 * and buys, on the same cores. A single node and an N-node cluster run side by side, each on its own
 * database of one PostgreSQL, each with an import of its own, and N-1 unclustered nodes share the single
 * node's database; the polling load of the main benchmark goes to the single node, then spread over the N
 * unclustered processes, then over the cluster, in rotating windows, so that all see the same machine: while
 * both imports generate their diffs (in the cluster, nodes other than the job's read a running job from
 * PostgreSQL at every poll), then on the jobs at rest. Then a CSV import of the run's rows, accepted, on
 * the cluster undisturbed, against the same import whose node is killed halfway through its diff.
 */
final class ClusterBench {
  /** The nodes' Hazelcast ports (and the event bus's, each next to its member's): clear of the defaults. */
  private static final int FIRST_CLUSTER_PORT = 25701;
  /** The slowest format to import: its diff keeps the polled job running for most of the load. */
  private static final String POLLED_FORMAT = "yaml";
  /** Windows of load on each side while the imports run, and then at rest. */
  private static final int RUNNING_ROUNDS = 2;
  private static final int REST_ROUNDS = 3;

  private final int rows;
  private final int loadSeconds;
  private final int nodes;
  private final Path repo;
  private final Path work;
  private final LibraryFiles files;
  private final String token = UUID.randomUUID().toString();
  private final List<String> lines = new ArrayList<>();
  private String jdbcUrl;

  ClusterBench(int rows, int loadSeconds, int nodes, Path repo, LibraryFiles files) {
    this.rows = rows;
    this.loadSeconds = loadSeconds;
    this.nodes = nodes;
    this.repo = repo;
    this.work = repo.resolve("bench/work/nodes");
    this.files = files;
  }

  /** Runs it all; the section for BENCHMARKS.md. */
  String run() throws Exception {
    for (Version version : Version.values()) {
      files.file(version, "csv");
    }
    files.file(Version.V2, POLLED_FORMAT);
    // Under /tmp and world-traversable: PostgreSQL runs as nobody when we are root.
    Path pgDir = Files.createTempDirectory(Path.of("/tmp"), "freight-bench-pg-");
    pgDir.toFile().setExecutable(true, false);
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(pgDir.resolve("data"), "nobody")) {
      String where = postgres.user() + "@" + postgres.host() + ":" + postgres.port();
      jdbcUrl = "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/";
      sql("postgres", "CREATE DATABASE single");
      sql("postgres", "CREATE DATABASE cluster");
      List<FreightServer> all = new ArrayList<>();
      try {
        Map<String, String> singleDb = Map.of("FREIGHT_DB_URL", "postgresql://" + where + "/single");
        List<FreightServer> single = List.of(new FreightServer(jar(), work.resolve("single"), token, singleDb));
        all.addAll(single);
        // The single node's database shared by N-1 more nodes that form no cluster: N processes on the
        // same cores without Hazelcast, to tell what splitting the cores costs from what clustering does.
        List<FreightServer> processes = new ArrayList<>(single);
        for (int i = 2; i <= nodes; i++) {
          processes.add(new FreightServer(jar(), work.resolve("process-" + i), token, singleDb));
        }
        all.addAll(processes.subList(1, nodes));
        List<FreightServer> cluster = startCluster("postgresql://" + where + "/cluster");
        all.addAll(cluster);
        importAndAccept(single, Version.V1);
        importAndAccept(cluster, Version.V1);
        report(polls(single, processes, cluster));
        Timeline calm = importToSuccess(cluster, -1);
        importAndAccept(cluster, Version.RESET);
        report(calm, importToSuccess(cluster, calm.diffSeconds() / 2));
      } finally {
        for (FreightServer node : all) {
          node.close();
        }
      }
    } finally {
      try (Stream<Path> left = Files.walk(pgDir)) {
        for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    return "## Several nodes: N = " + String.format(Locale.ROOT, "%,d", rows) + " rows, " + nodes + " nodes\n\n"
        + preamble() + "\n\n" + String.join("\n", lines) + "\n";
  }

  private Path jar() {
    return repo.resolve("target/freight.jar");
  }

  /** N jars clustered over loopback, with the environment deploy/compose.yaml gives each node. */
  private List<FreightServer> startCluster(String dbUrl) throws Exception {
    String members = String.join(",", IntStream.range(0, nodes)
        .mapToObj(i -> "127.0.0.1:" + (FIRST_CLUSTER_PORT + 2 * i)).toList());
    List<FreightServer> cluster = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("FREIGHT_DB_URL", dbUrl);
      env.put("FREIGHT_CLUSTER_MEMBERS", members);
      env.put("FREIGHT_CLUSTER_HOST", "127.0.0.1");
      env.put("FREIGHT_CLUSTER_PORT", Integer.toString(FIRST_CLUSTER_PORT + 2 * i));
      cluster.add(new FreightServer(jar(), work.resolve("node-" + (i + 1)), token, env));
    }
    for (FreightServer node : cluster) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (api(node).health().path("members").asInt() < nodes) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the nodes did not see each other in 2 minutes: " + api(node).health());
        }
        Thread.sleep(200);
      }
    }
    return cluster;
  }

  private FreightApi api(FreightServer node) {
    return new FreightApi(node.httpPort, token);
  }

  private void sql(String database, String statement) throws SQLException {
    try (Connection conn = DriverManager.getConnection(jdbcUrl + database, "postgres", "")) {
      conn.createStatement().execute(statement);
    }
  }

  private void importAndAccept(List<FreightServer> on, Version version) throws Exception {
    FreightApi api = api(on.get(0));
    long id = api.upload(files.file(version, "csv"), "csv");
    String job = FreightApi.IMPORTS + id + "/";
    api.await(job, "ready_for_review");
    api.accept(id);
    api.await(job, "success");
  }

  /** One side's polling windows: while its import ran, then on the job at rest. */
  private record Polls(List<Load.Result> running, List<Load.Result> atRest) {}

  /** Which windows of the load ran while each side's import was still generating its diff. */
  private record Compared(Polls single, Polls processes, Polls cluster, List<String> runningNotes) {}

  /**
   * {@code processes}: the single node and the unclustered nodes sharing its database, polling the
   * single node's job.
   */
  private Compared polls(List<FreightServer> single, List<FreightServer> processes, List<FreightServer> cluster)
      throws Exception {
    String singleJob = upload(single);
    String clusterJob = upload(cluster);
    warmUp(processes, singleJob);
    warmUp(cluster, clusterJob);
    Polls one = new Polls(new ArrayList<>(), new ArrayList<>());
    Polls split = new Polls(new ArrayList<>(), new ArrayList<>());
    Polls many = new Polls(new ArrayList<>(), new ArrayList<>());
    List<String> notes = new ArrayList<>();
    for (int round = 0; round < RUNNING_ROUNDS; round++) {
      one.running().add(load(single, singleJob));
      split.running().add(load(processes, singleJob));
      many.running().add(load(cluster, clusterJob));
      notes.add(status(single, singleJob) + " / " + status(cluster, clusterJob));
    }
    settle(single, singleJob);
    settle(cluster, clusterJob);
    for (int round = 0; round < REST_ROUNDS; round++) {
      one.atRest().add(load(single, singleJob));
      split.atRest().add(load(processes, singleJob));
      many.atRest().add(load(cluster, clusterJob));
    }
    return new Compared(one, split, many, notes);
  }

  /** Starts an import of version 2 on a side's first node; the job's path. */
  private String upload(List<FreightServer> side) throws Exception {
    FreightApi api = api(side.get(0));
    String job = FreightApi.IMPORTS + api.upload(files.file(Version.V2, POLLED_FORMAT), POLLED_FORMAT) + "/";
    api.await(job, "generating_diff", "ready_for_review");
    return job;
  }

  /** A short untimed load, so that no node's first window pays for compiling the polling path. */
  private void warmUp(List<FreightServer> side, String job) throws Exception {
    Load.spread(side.stream().map(node -> api(node).url(job)).toList(), token, 2);
  }

  private Load.Result load(List<FreightServer> side, String job) throws Exception {
    return Load.spread(side.stream().map(node -> api(node).url(job)).toList(), token, loadSeconds);
  }

  private String status(List<FreightServer> side, String job) throws Exception {
    return api(side.get(0)).await(job, "generating_diff", "ready_for_review").get("status").asText();
  }

  /** Waits for a side's diff and cancels it: the job at rest. */
  private void settle(List<FreightServer> side, String job) throws Exception {
    FreightApi api = api(side.get(0));
    api.await(job, "ready_for_review");
    api.cancel(Long.parseLong(job.substring(FreightApi.IMPORTS.length(), job.length() - 1)));
    api.await(job, "cancel");
  }

  /** When each step of an import ended, in seconds from its upload's start. */
  private record Timeline(double posted, double killedAt, double takenOverAt, double ready, double success) {
    double diffSeconds() {
      return ready - posted;
    }
  }

  /**
   * Uploads the run's version 2 to the first node and accepts it; with {@code killAfter} ≥ 0, kills the
   * node running the diff that many seconds after the upload was kept, and goes on with another node.
   */
  private Timeline importToSuccess(List<FreightServer> on, double killAfter) throws Exception {
    long start = System.nanoTime();
    long id = api(on.get(0)).upload(files.file(Version.V2, "csv"), "csv");
    double posted = since(start);
    String job = FreightApi.IMPORTS + id + "/";
    FreightServer survivor = on.get(0);
    double killedAt = Double.NaN;
    double takenOverAt = Double.NaN;
    if (killAfter >= 0) {
      Thread.sleep((long) (killAfter * 1000));
      String owner = leaseOwner(id);
      FreightServer victim = null;
      for (FreightServer node : on) {
        if (api(node).health().path("node").asText().equals(owner)) {
          victim = node;
        }
      }
      if (victim == null) {
        throw new IllegalStateException("no node holds import " + id + " (lease owner " + owner + ")");
      }
      victim.kill();
      killedAt = since(start);
      FreightServer dead = victim;
      survivor = on.stream().filter(node -> node != dead).findFirst().orElseThrow();
      long deadline = System.currentTimeMillis() + 600_000;
      while (owner.equals(leaseOwner(id)) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      takenOverAt = since(start);
    }
    FreightApi api = api(survivor);
    api.await(job, "ready_for_review");
    double ready = since(start);
    api.accept(id);
    api.await(job, "success");
    return new Timeline(posted, killedAt, takenOverAt, ready, since(start));
  }

  private String leaseOwner(long importId) throws SQLException {
    try (Connection conn = DriverManager.getConnection(jdbcUrl + "cluster", "postgres", "");
        PreparedStatement select = conn.prepareStatement("SELECT lease_owner FROM import_jobs WHERE id = ?")) {
      select.setLong(1, importId);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return String.valueOf(rs.getString(1));
      }
    }
  }

  private static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private void report(Compared polls) {
    lines.add(String.format(Locale.ROOT, "Polling `GET %s{id}/` with %d connections (wrk), in windows of %d s"
            + " rotating over three sides: the single node; spread evenly over the single node and %d more nodes"
            + " on its database that form no cluster (%d processes, no Hazelcast); spread evenly over the %d"
            + " clustered nodes. Medians of the windows; errors count socket errors and non-2xx answers; with"
            + " several nodes, p50 is the nodes' medians weighted by their requests and p99 the worst node's.",
        FreightApi.IMPORTS, Load.CONNECTIONS, loadSeconds, nodes - 1, nodes, nodes));
    lines.add("");
    lines.add("| the polled import job (" + POLLED_FORMAT.toUpperCase(Locale.ROOT) + ", "
        + String.format(Locale.ROOT, "%,d", files.rowCount(Version.V2)) + " rows) | 1 node | " + nodes
        + " processes | " + nodes + " nodes clustered | clustered ÷ 1 node | clustered ÷ " + nodes
        + " processes |");
    lines.add("|---|---|---|---|---|---|");
    row(String.format(Locale.ROOT, "while both imports generate their diffs (%d windows each; status at the end"
            + " of each round, 1 node / %d nodes: %s)", RUNNING_ROUNDS, nodes,
        String.join(", ", polls.runningNotes())), polls.single().running(), polls.processes().running(),
        polls.cluster().running());
    row(String.format(Locale.ROOT, "at rest, cancelled (%d windows each)", REST_ROUNDS), polls.single().atRest(),
        polls.processes().atRest(), polls.cluster().atRest());
  }

  private void report(Timeline calm, Timeline killed) {
    lines.add("");
    lines.add(String.format(Locale.ROOT, "A CSV import of %,d rows, uploaded to node 1 and accepted, on the %d"
            + " nodes (jobs.lease_seconds 15, the default):", files.rowCount(Version.V2), nodes));
    lines.add("");
    lines.add("| | upload kept | node killed | taken over | ready_for_review | success |");
    lines.add("|---|---|---|---|---|---|");
    timeline("undisturbed", calm);
    timeline("the node running the diff killed (kill -9) halfway", killed);
    // After a kill: at most the lease, then all of the import's work again: its file read (from the stored
    // upload rather than the network), its diff, the accept. The undisturbed run's diff overlaps its upload,
    // so its own time is the import's, from the upload's start to success.
    double bound = 15 + calm.success();
    double afterKill = killed.success() - killed.killedAt();
    lines.add("");
    lines.add(String.format(Locale.ROOT, "The killed run reached success %.1f s later than the undisturbed one."
            + " After the kill it took %.1f s: the lease (at most 15 s) plus the import done again (its file read"
            + " from the stored upload, its diff, the accept) would be %.1f s in the undisturbed run's times. %s.",
        killed.success() - calm.success(), afterKill, bound,
        Report.verdict("Target: take-over within lease + the restarted work (10% allowed for noise)",
            afterKill <= 1.1 * bound)));
  }

  private void row(String what, List<Load.Result> one, List<Load.Result> split, List<Load.Result> many) {
    Load.Result a = median(one);
    Load.Result p = median(split);
    Load.Result b = median(many);
    double ratio = b.requestsPerSecond() / a.requestsPerSecond();
    lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f× req/s (target ≥ 0.9×: %s) | %.2f× req/s |",
        what, cell(a), cell(p), cell(b), ratio, ratio >= 0.9 ? "met" : "**missed**",
        b.requestsPerSecond() / p.requestsPerSecond()));
  }

  /** Each figure's median over the windows, and every error. */
  private static Load.Result median(List<Load.Result> windows) {
    return new Load.Result(median(windows, Load.Result::requestsPerSecond), median(windows, Load.Result::p50Ms),
        median(windows, Load.Result::p99Ms), windows.stream().mapToLong(Load.Result::requests).sum(),
        windows.stream().mapToLong(Load.Result::errors).sum());
  }

  private static double median(List<Load.Result> windows, ToDoubleFunction<Load.Result> figure) {
    double[] sorted = windows.stream().mapToDouble(figure).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String cell(Load.Result r) {
    return String.format(Locale.ROOT, "%,.0f req/s, p50 %.1f ms, p99 %.1f ms, %,d errors", r.requestsPerSecond(),
        r.p50Ms(), r.p99Ms(), r.errors());
  }

  private void timeline(String what, Timeline t) {
    lines.add(String.format(Locale.ROOT, "| %s | %.1f s | %s | %s | %.1f s | %.1f s |", what, t.posted(),
        seconds(t.killedAt()), seconds(t.takenOverAt()), t.ready(), t.success()));
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.1f s", s);
  }

  private String preamble() throws IOException, InterruptedException {
    return String.format(Locale.ROOT, "%s: `bench/run.sh --rows %d --load-seconds %d --nodes %d`. One PostgreSQL"
            + " (the embedded binaries, started by the benchmark) with two databases: on one a single node (no"
            + " cluster), on the other %d nodes clustered over loopback, each `java -Xmx256m -jar"
            + " target/freight.jar` with the environment of deploy/compose.yaml. All of them, PostgreSQL and wrk"
            + " share the machine's %d cores: spreading the load adds no cores, so the ratio shows what the"
            + " cluster costs, not what it would gain on more machines.", Report.machine(repo), rows, loadSeconds,
        nodes, nodes,
        Runtime.getRuntime().availableProcessors());
  }
}
