package dev.freight.bench;

import dev.freight.Freight;
import dev.freight.config.ConfigLoader;
import dev.freight.db.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhooks: (1) what the outbox write adds to one job state change (a single-row status UPDATE in
 * its own transaction, with one matching subscription against none), and (2) how fast one node
 * delivers 10,000 events to a local receiver that answers 200 at once. The events are made by the
 * job tables' trigger while no server runs, so the deliverer also fills each event's data with the
 * job's GET (the path after a crash): the slower case. Run with bench/webhooks.sh.
 */
public final class WebhooksBench {
  private static final String TOKEN = "bench-admin-token-0123456789abcdefghijklmnop";

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int changes = 2_000;
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "freight-webhooks-bench-");
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    Vertx vertx = Vertx.vertx();
    AtomicInteger received = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(events);
    HttpServer receiver =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              received.incrementAndGet();
                              all.countDown();
                              request.response().setStatusCode(200).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), "nobody")) {
      String db = "postgresql://" + postgres.user() + "@" + postgres.host() + ":" + postgres.port();
      Map<String, String> env =
          Map.of(
              "FREIGHT_DB_URL", db + "/postgres",
              "FREIGHT_DATA_DIR", dir.toString(),
              "FREIGHT_HTTP_HOST", "127.0.0.1",
              "FREIGHT_HTTP_PORT", "0",
              "FREIGHT_ADMIN_TOKEN", TOKEN,
              "FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true",
              "FREIGHT_WEBHOOKS_POLL_SECONDS", "1");
      // A first start migrates and makes the subscription; the jobs are then changed with no server.
      Freight freight = Freight.start(ConfigLoader.load(Optional.empty(), env));
      subscribe(freight.port(), "http://127.0.0.1:" + receiver.actualPort() + "/");
      freight.stop();

      try (Connection sql =
          DriverManager.getConnection(
              "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/postgres",
              postgres.user(),
              "")) {
        sql.createStatement()
            .execute(
                "INSERT INTO export_jobs (triggered_by, type, file_format, content_models)"
                    + " SELECT 1, 'full', 'csv', '{}' FROM generate_series(1, "
                    + Math.max(events, changes)
                    + ")");
        double without = perChangeMicros(sql, changes, false);
        double with = perChangeMicros(sql, changes, true);
        System.out.printf(
            "one status change: %.0f µs without a subscription, %.0f µs with one (+%.0f µs for the"
                + " outbox write), mean of %d%n",
            without, with, with - without, changes);
        Statement statement = sql.createStatement();
        statement.execute("DELETE FROM webhook_events");
        statement.execute("UPDATE export_jobs SET status = 'pending'");
        long madeStart = System.nanoTime();
        statement.execute(
            "UPDATE export_jobs SET status = 'fail' WHERE id <= " + events); // one event each
        System.out.printf(
            "%d events written by one UPDATE in %.2f s%n",
            events, (System.nanoTime() - madeStart) / 1e9);
      }

      long start = System.nanoTime();
      freight = Freight.start(ConfigLoader.load(Optional.empty(), env));
      long served = System.nanoTime();
      boolean done = all.await(30, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - served) / 1e9;
      System.out.printf(
          "%s %d of %d events in %.1f s after the server started (start-up %.1f s): %.0f events/s%n",
          done ? "delivered" : "ONLY delivered",
          received.get(),
          events,
          seconds,
          (served - start) / 1e9,
          received.get() / seconds);
      freight.stop();
    } finally {
      receiver.close().await();
      vertx.close().await();
    }
  }

  private static void subscribe(int port, String url) throws Exception {
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/webhooks/"))
                    .header("Authorization", "Token " + TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"url\": \"" + url + "\", \"events\": [\"library_export.fail\"]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("subscribing: " + created.statusCode() + " " + created.body());
    }
  }

  /**
   * The mean time of a single-row status change to an event's status, each in its own transaction,
   * with the one subscription active or not; each job is moved back first (no event there).
   */
  private static double perChangeMicros(Connection sql, int changes, boolean subscribed)
      throws Exception {
    sql.createStatement().execute("UPDATE webhooks SET active = " + subscribed);
    sql.createStatement().execute("UPDATE export_jobs SET status = 'pending'");
    try (PreparedStatement change =
        sql.prepareStatement("UPDATE export_jobs SET status = 'fail' WHERE id = ?")) {
      long total = 0;
      for (int id = 1; id <= changes; id++) {
        change.setInt(1, id);
        long started = System.nanoTime();
        change.executeUpdate();
        total += System.nanoTime() - started;
      }
      return total / 1e3 / changes;
    }
  }
}
