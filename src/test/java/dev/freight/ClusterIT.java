package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

/**
 * Three packaged jars clustered on 127.0.0.1 over one PostgreSQL database: each sees the others, a
 * request may go to any node whatever node runs the job, a cancel reaches the run wherever it is, a
 * rotated token is refused everywhere at once, PostgreSQL keeps one import active, and a cancel of
 * a job whose node died ends it without waiting for that node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final String TOKEN = "cluster-token-0123456789abcdefghijklmnopqrs";
  private static final int NODES = 3;
  private static final int BIG_ROWS = 300_000;
  private static final String IMPORTS = "/api/v2/library/import/";

  private final Vertx vertx = Vertx.vertx();
  private final List<JarServer> servers = new ArrayList<>();
  private final List<Client> nodes = new ArrayList<>();
  private Pool pool;

  @BeforeAll
  void cluster() throws Exception {
    String database = "freight_cluster_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    TestServer.sql("CREATE DATABASE " + database);
    pool = Database.pool(vertx, TestServer.url(database), 1);
    List<Integer> ports = clusterPorts(NODES);
    String members =
        ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    // One after the other: each joins the members already up.
    for (int port : ports) {
      // The variables deploy/compose.yaml gives its nodes, with this machine's addresses and ports.
      Map<String, String> env = new HashMap<>(composeEnvironment());
      assertThat(env)
          .containsOnlyKeys(
              "FREIGHT_DB_URL",
              "FREIGHT_ADMIN_TOKEN",
              "FREIGHT_CLUSTER_MEMBERS",
              "FREIGHT_CLUSTER_PORT",
              "FREIGHT_JOBS_LEASE_SECONDS");
      env.put("FREIGHT_DB_URL", TestServer.url(database));
      env.put("FREIGHT_ADMIN_TOKEN", TOKEN);
      env.put("FREIGHT_CLUSTER_MEMBERS", members);
      env.put("FREIGHT_CLUSTER_HOST", "127.0.0.1");
      env.put("FREIGHT_CLUSTER_PORT", String.valueOf(port));
      // What the image's Dockerfile sets, made local.
      env.put("FREIGHT_DATA_DIR", TestServer.tempDir().toString());
      env.put("FREIGHT_HTTP_PORT", "0");
      env.put("FREIGHT_HTTP_HOST", "127.0.0.1");
      JarServer server = new JarServer(List.of("-Xmx256m"), env);
      servers.add(server);
      nodes.add(server.client(TOKEN));
    }
  }

  /** The environment every node of deploy/compose.yaml gets (its x-freight anchor). */
  @SuppressWarnings("unchecked")
  private static Map<String, String> composeEnvironment() throws IOException {
    try (Reader compose = Files.newBufferedReader(Path.of("deploy/compose.yaml"))) {
      Map<String, Object> file = new Yaml().load(compose);
      Map<String, Object> node = (Map<String, Object>) file.get("x-freight");
      return (Map<String, String>) node.get("environment");
    }
  }

  @AfterAll
  void stop() throws InterruptedException {
    for (JarServer server : servers) {
      server.process.destroy();
    }
    for (JarServer server : servers) {
      if (!server.process.waitFor(30, TimeUnit.SECONDS)) {
        server.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    pool.close().await();
    vertx.close().await();
  }

  /**
   * {@code count} Hazelcast ports, each with the next port (the event bus's) free too, no two pairs
   * overlapping.
   */
  private static List<Integer> clusterPorts(int count) throws IOException {
    List<Integer> ports = new ArrayList<>();
    Set<Integer> taken = new HashSet<>();
    while (ports.size() < count) {
      try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = first.getLocalPort();
        if (port >= 65_535 || taken.contains(port) || taken.contains(port + 1)) {
          continue;
        }
        try (ServerSocket second =
            new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
          ports.add(port);
          taken.add(port);
          taken.add(port + 1);
        } catch (IOException busy) {
          // the next port is in use: try another pair
        }
      }
    }
    return ports;
  }

  private String nodeId(Client node) {
    return node.get("/health").bodyAsJsonObject().getString("node");
  }

  private Row importRow(long id) {
    return pool.preparedQuery("SELECT status, lease_owner FROM import_jobs WHERE id = $1")
        .execute(Tuple.of(id))
        .await()
        .iterator()
        .next();
  }

  private static byte[] csv(int rows, String prefix) {
    StringBuilder csv = new StringBuilder("id,title,text\n");
    for (int i = 0; i < rows; i++) {
      csv.append(prefix).append(i).append(",Standard ").append(i).append(",Text of ").append(i);
      csv.append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static HttpResponse<Buffer> upload(Client node, byte[] file) {
    return node.upload(IMPORTS, "files", Map.of("standard.csv", file));
  }

  @Test
  @Order(1)
  void everyNodeSeesThreeMembers() {
    Set<String> ids = new HashSet<>();
    for (Client node : nodes) {
      JsonObject health =
          node.await("/health", "3 members", json -> json.getInteger("members") == NODES);
      assertThat(health.getBoolean("clustered")).isTrue();
      assertThat(health.getString("status")).isEqualTo("UP");
      ids.add(health.getString("node"));
    }
    assertThat(ids).hasSize(NODES);
  }

  @Test
  @Order(2)
  void anImportCreatedOnOneNodeIsPolledOnAnotherAndAcceptedOnTheThird() {
    long id = upload(nodes.get(0), csv(500, "A")).bodyAsJsonObject().getLong("id");
    String job = IMPORTS + id + "/";
    JsonObject ready = nodes.get(1).awaitStatus(job, "ready_for_review", "fail");
    assertThat(ready.getString("status")).isEqualTo("ready_for_review");
    assertThat(ready.getJsonObject("progress").getLong("rows_read")).isEqualTo(500);

    // Each node keeps the library's pages it read; a change applied by one is seen by all at once.
    for (Client node : nodes) {
      assertThat(libraryCount(node)).isZero();
    }
    HttpResponse<Buffer> accepted =
        nodes.get(2).patch(job, new JsonObject().put("status", "accept_changes"));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    assertThat(nodes.get(1).awaitStatus(job, "success", "fail").getString("status"))
        .isEqualTo("success");
    for (Client node : nodes) {
      assertThat(node.get(job).bodyAsJsonObject().getString("status")).isEqualTo("success");
      assertThat(libraryCount(node)).isEqualTo(500);
    }
  }

  private static long libraryCount(Client node) {
    return node.get("/api/v2/library/standards/?page_size=1").bodyAsJsonObject().getLong("count");
  }

  @Test
  @Order(3)
  void aCancelSentToAnotherNodeStopsTheDiffWhereItRunsAndAnswersOnceItHasStopped()
      throws InterruptedException {
    Client runner = nodes.get(0);
    long id = upload(runner, csv(BIG_ROWS, "B")).bodyAsJsonObject().getLong("id");
    String job = IMPORTS + id + "/";
    JsonObject running = nodes.get(1).awaitStatus(job, "generating_diff", "ready_for_review");
    assertThat(running.getString("status"))
        .as("the diff is still running")
        .isEqualTo("generating_diff");
    assertThat(importRow(id).getString("lease_owner"))
        .as("node 1 runs the diff")
        .isEqualTo(nodeId(runner));

    HttpResponse<Buffer> cancelled =
        nodes
            .get(1)
            .patch(job, new JsonObject().put("status", "cancel").put("wait_for_task", true));
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("cancel");
    // Stopped, not merely marked: its run has ended and handed its lease back.
    Row row = importRow(id);
    assertThat(row.getString("status")).isEqualTo("cancel");
    assertThat(row.getString("lease_owner")).isNull();
    Thread.sleep(1_000);
    assertThat(importRow(id).getString("status")).isEqualTo("cancel");
    assertThat(runner.get(job).bodyAsJsonObject().getString("status")).isEqualTo("cancel");
  }

  @Test
  @Order(4)
  void aTokenRotatedOnOneNodeIsRefusedByAnotherRightAfterTheRotationAnswered() {
    Client ann = nodes.get(0).createUser("ann@example.com", false);
    Client annOnThird = nodes.get(2).withToken(ann.token());
    HttpResponse<Buffer> accepted = annOnThird.get("/api/v2/users/me/");
    assertThat(accepted.statusCode()).isEqualTo(200);
    int annId = accepted.bodyAsJsonObject().getInteger("id");

    HttpResponse<Buffer> rotated =
        nodes.get(0).post("/api/v2/users/" + annId + "/token/", new JsonObject());
    assertThat(rotated.statusCode()).as(rotated.bodyAsString()).isEqualTo(200);
    assertThat(annOnThird.get("/api/v2/users/me/").statusCode()).isEqualTo(401);
    String fresh = rotated.bodyAsJsonObject().getString("token");
    assertThat(nodes.get(2).withToken(fresh).get("/api/v2/users/me/").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void ofThreeImportsPostedAtOnceToThreeNodesOneIsTakenAndTwoAreRefused() {
    byte[] file = csv(100, "C");
    List<CompletableFuture<HttpResponse<Buffer>>> posts =
        nodes.stream()
            .map(node -> CompletableFuture.supplyAsync(() -> upload(node, file)))
            .toList();
    List<Integer> statuses =
        posts.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();
    assertThat(statuses).containsExactly(200, 409, 409);
    long taken =
        posts.stream()
            .map(CompletableFuture::join)
            .filter(response -> response.statusCode() == 200)
            .findFirst()
            .orElseThrow()
            .bodyAsJsonObject()
            .getLong("id");
    HttpResponse<Buffer> cancelled =
        nodes
            .get(2)
            .patch(
                IMPORTS + taken + "/",
                new JsonObject().put("status", "cancel").put("wait_for_task", true));
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("cancel");
  }

  @Test
  @Order(6)
  void anIdempotencyKeyUsedOnOneNodeIsReplayedByAnother() {
    String exports = "/api/v2/library/export/";
    long before = nodes.get(0).get(exports + "?page_size=1").bodyAsJsonObject().getLong("count");
    JsonObject body = new JsonObject().put("type", "template").put("file_format", "csv");
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    for (Client node : List.of(nodes.get(0), nodes.get(2))) {
      answers.add(
          node.request(HttpMethod.POST, exports)
              .putHeader("Idempotency-Key", "cluster-key-1")
              .sendJsonObject(body)
              .await());
    }
    assertThat(answers.get(0).statusCode()).as(answers.get(0).bodyAsString()).isEqualTo(201);
    assertThat(answers.get(1).statusCode()).isEqualTo(201);
    assertThat(answers.get(1).getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(answers.get(1).bodyAsJsonObject()).isEqualTo(answers.get(0).bodyAsJsonObject());
    assertThat(nodes.get(1).get(exports + "?page_size=1").bodyAsJsonObject().getLong("count"))
        .isEqualTo(before + 1);
  }

  @Test
  @Order(7)
  void aCancelOfAJobWhoseNodeDiedEndsItInPostgres() {
    Client doomed = nodes.get(0);
    long id = upload(doomed, csv(BIG_ROWS, "D")).bodyAsJsonObject().getLong("id");
    String job = IMPORTS + id + "/";
    String doomedId = nodeId(doomed);
    nodes.get(1).awaitStatus(job, "generating_diff");
    servers.get(0).process.destroyForcibly(); // kill -9: its lease is still alive
    assertThat(importRow(id).getString("lease_owner")).isEqualTo(doomedId);

    long started = System.nanoTime();
    HttpResponse<Buffer> cancelled =
        nodes
            .get(1)
            .patch(job, new JsonObject().put("status", "cancel").put("wait_for_task", true));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("cancel");
    assertThat(tookMs).as("answered without waiting for the dead node").isLessThan(10_000);
    assertThat(nodes.get(2).get(job).bodyAsJsonObject().getString("status")).isEqualTo("cancel");
    nodes.get(2).await("/health", "2 members", json -> json.getInteger("members") == 2);
  }
}
