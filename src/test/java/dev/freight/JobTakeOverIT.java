package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
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
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "FREIGHT_DATA_DIR",
                TestServer.tempDir().toString(),
                "FREIGHT_HTTP_PORT",
                "0",
                "FREIGHT_HTTP_HOST",
                "127.0.0.1",
                "FREIGHT_DB_URL",
                TestServer.url(database),
                "FREIGHT_ADMIN_TOKEN",
                TOKEN,
                "FREIGHT_JOBS_LEASE_SECONDS",
                String.valueOf(LEASE_SECONDS)));
    env.putAll(settings);
    JarServer node = new JarServer(List.of("-Xmx256m"), env);
    nodes.add(node);
    return node.client(TOKEN);
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
    Client first = node(slowParts);
    Client second = node(slowParts);
    StringBuilder csv = new StringBuilder("id,title\n");
    for (int i = 0; i < 60; i++) {
      csv.append(String.format("S%03d,Standard %d%n", i, i));
    }
    long importId = upload(first, csv);
    first.awaitStatus("/api/v2/library/import/" + importId + "/", "ready_for_review");
    first.patch(
        "/api/v2/library/import/" + importId + "/",
        new JsonObject().put("status", "accept_changes"));
    first.awaitStatus("/api/v2/library/import/" + importId + "/", "success");

    JsonObject export =
        first.post("/api/v2/library/standards/export/", new JsonObject()).bodyAsJsonObject();
    String path = "/api/v1/exports/" + export.getString("id") + "/";
    JsonObject running = first.await(path, "parts stored", json -> json.getInteger("page") > 3);
    assertThat(running.getString("status")).isEqualTo("processing");
    String firstOwner = leaseOwner("exports", export.getString("id"));

    nodes.get(0).process.destroy(); // SIGTERM
    assertThat(nodes.get(0).process.waitFor(30, TimeUnit.SECONDS)).as("stops in 30 s").isTrue();
    // Handed back, not left to expire: the lease is no longer the stopped node's.
    assertThat(leaseOwner("exports", export.getString("id"))).isNotEqualTo(firstOwner);

    JsonObject done = second.awaitStatus(path, "completed", "failed");
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getLong("collected_count")).isEqualTo(60);
    String file = second.get(path + "download/").bodyAsString();
    List<String> lines = file.lines().skip(1).toList();
    assertThat(lines).hasSize(60);
    assertThat(lines.stream().map(line -> line.split(",")[0]).distinct()).hasSize(60);
  }

  @Test
  void aDiffWhoseNodeDiesIsFinishedByAnotherOnceTheLeaseExpiresAndAppliedOnce() throws Exception {
    Client doomed = node(Map.of());
    Client survivor = node(Map.of());
    StringBuilder csv = new StringBuilder("id,title,text\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append("S").append(i).append(",Standard ").append(i).append(",Text of ").append(i);
      csv.append('\n');
    }
    long id = upload(doomed, csv);
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
    assertThat(
            survivor
                .get("/api/v2/library/standards/?page_size=1")
                .bodyAsJsonObject()
                .getLong("count"))
        .isEqualTo(ROWS);
  }
}
