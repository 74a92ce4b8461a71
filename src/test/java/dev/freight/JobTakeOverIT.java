package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.db.Database;
import dev.freight.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Packaged jars on one PostgreSQL database: a job is held by the node running it through a lease in
 * its row. A node that stops hands its jobs back and another node takes them at once; a node that
 * dies (kill -9) leaves its lease to expire, and then another node takes its job and finishes it.
 */
class JobTakeOverIT {
  private static final String TOKEN = "take-over-token-0123456789abcdefghijklmnop";
  private static final int LEASE_SECONDS = 15;
  private static final int ROWS = 300_000;

  private final Vertx vertx = Vertx.vertx();
  private final List<JarServer> nodes = new ArrayList<>();
  private String database;
  private Pool pool;

  @BeforeEach
  void database() {
    database = "freight_takeover_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    TestServer.sql("CREATE DATABASE " + database);
    pool = Database.pool(vertx, TestServer.url(database), 1);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (JarServer node : nodes) {
      node.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    pool.close().await();
    vertx.close().await();
  }

  /** A node of its own data dir, on the shared database, ready to answer. */
  private Client node(Map<String, String> settings) throws Exception {
    return start(settings).client(TOKEN);
  }

  /** A node of its own data dir, on the shared database, starting. */
  private JarServer start(Map<String, String> settings) throws Exception {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of("FREIGHT_JOBS_LEASE_SECONDS", String.valueOf(LEASE_SECONDS)));
    env.putAll(settings);
    JarServer node = JarServer.node(database, TOKEN, env);
    nodes.add(node);
    return node;
  }

  /** Uploads {@code csv} as standard.csv; the new import job's id. */
  private static long upload(Client node, CharSequence csv) {
    return node.upload(
            "/api/v2/library/import/",
            "files",
            Map.of("standard.csv", csv.toString().getBytes(StandardCharsets.UTF_8)))
        .bodyAsJsonObject()
        .getLong("id");
  }

  private String leaseOwner(String table, Object id) {
    return pool.preparedQuery("SELECT lease_owner FROM " + table + " WHERE id::text = $1")
        .execute(Tuple.of(String.valueOf(id)))
        .await()
        .iterator()
        .next()
        .getString(0);
  }

  @Test
  void aStoppingNodeHandsItsExportBackAndAnotherFinishesItEveryRowOnce() throws Exception {
    Map<String, String> slowParts =
        Map.of("FREIGHT_EXPORTS_V1_PAGE_SIZE", "2", "FREIGHT_EXPORTS_V1_PART_PAUSE_MS", "200");
    Client first = node(SLOW_PARTS);
    Client second = node(SLOW_PARTS);
    String path = exportUnderWay(first);
    String firstOwner = leaseOwner("exports", path.split("/")[4]);

    nodes.get(0).process.destroy(); // SIGTERM
    assertThat(nodes.get(0).process.waitFor(30, TimeUnit.SECONDS)).as("stops in 30 s").isTrue();
    // Handed back, not left to expire: the lease is no longer the stopped node's.
    assertThat(leaseOwner("exports", path.split("/")[4])).isNotEqualTo(firstOwner);
    assertEveryRowOnce(second, path);
  }

  @Test
  void anExportWhoseNodeDiesIsFinishedByAnotherEveryRowOnce() throws Exception {
    Client doomed = node(SLOW_PARTS);
    Client survivor = node(SLOW_PARTS);
    String path = exportUnderWay(doomed);
    nodes.get(0).process.destroyForcibly().waitFor(); // kill -9, between parts
    assertEveryRowOnce(survivor, path);
  }

  /** Parts of two rows with a pause between them: an export of 60 standards takes seconds. */
  private static final Map<String, String> SLOW_PARTS =
      Map.of("FREIGHT_EXPORTS_V1_PAGE_SIZE", "2", "FREIGHT_EXPORTS_V1_PART_PAUSE_MS", "200");

  /** Imports 60 standards and starts a v1 export of them; its path, once some parts are stored. */
  private static String exportUnderWay(Client node) {
    StringBuilder csv = new StringBuilder("id,title\n");
    for (int i = 0; i < 60; i++) {
      csv.append(String.format("S%03d,Standard %d%n", i, i));
    }
    String job = "/api/v2/library/import/" + upload(node, csv) + "/";
    node.awaitStatus(job, "ready_for_review");
    node.patch(job, new JsonObject().put("status", "accept_changes"));
    node.awaitStatus(job, "success");
    JsonObject export =
        node.post("/api/v2/library/standards/export/", new JsonObject()).bodyAsJsonObject();
    String path = "/api/v1/exports/" + export.getString("id") + "/";
    JsonObject running = node.await(path, "parts stored", json -> json.getInteger("page") > 3);
    assertThat(running.getString("status")).isEqualTo("processing");
    return path;
  }

  /** The export completes, and its file holds each of the 60 standards once. */
  private static void assertEveryRowOnce(Client node, String path) {
    JsonObject done = node.awaitStatus(path, "completed", "failed");
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getLong("collected_count")).isEqualTo(60);
    String file = node.get(path + "download/").bodyAsString();
    List<String> lines = file.lines().skip(1).toList();
    assertThat(lines).hasSize(60);
    assertThat(lines.stream().map(line -> line.split(",")[0]).distinct()).hasSize(60);
  }

  @Test
  void aDiffWhoseNodeDiesIsFinishedByAnotherOnceTheLeaseExpiresAndAppliedOnce() throws Exception {
    Client doomed = node(Map.of());
    Client survivor = node(Map.of());
    long id = upload(doomed, bigFile());
    nodes.get(0).process.destroyForcibly().waitFor(); // kill -9, mid-diff
    String job = "/api/v2/library/import/" + id + "/";
    assertThat(survivor.get(job).bodyAsJsonObject().getString("status"))
        .as("the dead node had not finished the diff")
        .isIn("pending", "generating_diff");

    JsonObject ready = survivor.awaitStatus(job, "ready_for_review", "fail");
    assertThat(ready.getString("status")).isEqualTo("ready_for_review");
    assertThat(ready.getJsonObject("progress").getLong("rows_read")).isEqualTo(ROWS);
    survivor.patch(job, new JsonObject().put("status", "accept_changes"));
    assertThat(survivor.awaitStatus(job, "success", "fail").getString("status"))
        .isEqualTo("success");
    assertThat(libraryCount(survivor)).isEqualTo(ROWS);
  }

  @Test
  void anApplyWhoseNodeDiesIsAllOrNothingAndDoneOnce() throws Exception {
    Client doomed = node(Map.of());
    Client survivor = node(Map.of());
    String job = "/api/v2/library/import/" + upload(doomed, bigFile()) + "/";
    doomed.awaitStatus(job, "ready_for_review");
    doomed.patch(job, new JsonObject().put("status", "accept_changes"));
    nodes.get(0).process.destroyForcibly().waitFor(); // kill -9, mid-apply
    // Until the other node has applied it again, the library holds none of the file or all of it.
    JsonObject now;
    do {
      now = survivor.get(job).bodyAsJsonObject();
      assertThat(libraryCount(survivor)).isIn(0L, (long) ROWS);
      Thread.sleep(200);
    } while (now.getString("status").equals("applying_changes"));
    assertThat(now.getString("status")).isEqualTo("success");
    assertThat(libraryCount(survivor)).isEqualTo(ROWS);
  }

  @Test
  void threeNodesStartedAtOnceApplyTheMigrationsOnceAndServe() throws Exception {
    List<JarServer> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starting.add(start(Map.of()));
    }
    for (JarServer node : starting) {
      assertThat(node.client(TOKEN).get("/health").bodyAsJsonObject().getString("status"))
          .isEqualTo("UP");
    }
    Row applied =
        pool.query("SELECT count(*), count(DISTINCT version) FROM freight_schema_version")
            .execute()
            .await()
            .iterator()
            .next();
    assertThat(applied.getLong(0)).as("each migration recorded once").isEqualTo(applied.getLong(1));
    // Every migration the jar has, whatever gaps their numbers leave.
    assertThat(applied.getLong(0)).isEqualTo(Migrations.load().size());
  }

  private static long libraryCount(Client node) {
    return node.get("/api/v2/library/standards/?page_size=1").bodyAsJsonObject().getLong("count");
  }

  /** {@value #ROWS} standards: their diff, or their apply, takes a few seconds. */
  private static CharSequence bigFile() {
    StringBuilder csv = new StringBuilder("id,title,text\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append("S").append(i).append(",Standard ").append(i).append(",Text of ").append(i);
      csv.append('\n');
    }
    return csv;
  }
}
