package dev.freight.bench;

import com.sun.net.httpserver.HttpServer;
import dev.freight.bench.LibraryFiles.Version;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issue 15's outbox cost in a big import: the same import of N rows (upload to ready_for_review,
 * accept to success) with a subscription to every event type, against the same import with none,
 * alternated, best of two each. Each import runs on a fresh packaged server at -Xmx256m with its own
 * embedded PostgreSQL, so each starts from the same empty library; the receiver answers 200 at
 * once. Run by {@code bench/webhooks.sh [--rows N]}; prints the figures.
 */
public final class WebhooksImportBench {
  private static final List<String> EVERY_EVENT = List.of("import.ready_for_review", "import.success",
      "import.fail", "import.cancel", "library_export.success", "library_export.fail", "export.completed",
      "export.failed");
  /** An import's status changes: pending, generating_diff, ready_for_review, applying_changes, success. */
  private static final int STATE_CHANGES = 4;

  private final Path repo = Path.of("").toAbsolutePath();
  private final LibraryFiles files;
  private HttpServer receiver;

  private WebhooksImportBench(String[] args) {
    files = LibraryFiles.fromArgs(args, repo.resolve("bench/work"), "WebhooksImportBench [--rows N]");
  }

  public static void main(String[] args) throws Exception {
    new WebhooksImportBench(args).run();
  }

  private void run() throws Exception {
    Path file = files.file(Version.V1, "csv");
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", exchange -> {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    try {
      double without = Double.MAX_VALUE;
      double with = Double.MAX_VALUE;
      for (int round = 1; round <= 2; round++) {
        double none = timedImport(file, false);
        double subscribed = timedImport(file, true);
        System.out.printf("round %d: import of %,d rows %.2f s without a subscription, %.2f s with one%n", round,
            files.rowCount(Version.V1), none, subscribed);
        without = Math.min(without, none);
        with = Math.min(with, subscribed);
      }
      System.out.printf("best of two: %.2f s without, %.2f s with a subscription to every event type:"
          + " ratio %.3f (%+.0f ms per import of %d status changes, 2 of them events)%n", without, with,
          with / without, (with - without) * 1e3, STATE_CHANGES);
    } finally {
      receiver.stop(0);
    }
  }

  /** Imports the file into a new server's empty library and accepts it: the seconds from upload to success. */
  private double timedImport(Path file, boolean subscribed) throws Exception {
    try (FreightServer server = new FreightServer(repo.resolve("target/freight.jar"),
        repo.resolve("bench/work/webhooks-import-run"), UUID.randomUUID().toString(),
        Map.of("FREIGHT_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"))) {
      FreightApi api = new FreightApi(server.httpPort, server.token);
      try {
        long webhook = api.subscribe("http://127.0.0.1:" + receiver.getAddress().getPort() + "/", EVERY_EVENT);
        if (!subscribed) {
          api.activate(webhook, false); // an inactive subscription writes nothing to the outbox
        }
        long t0 = System.nanoTime();
        long id = api.upload(file, "csv");
        api.await(FreightApi.IMPORTS + id + "/", "ready_for_review");
        api.accept(id);
        api.await(FreightApi.IMPORTS + id + "/", "success");
        double seconds = (System.nanoTime() - t0) / 1e9;
        long events = api.deliveries(webhook);
        if (events != (subscribed ? 2 : 0)) {
          throw new IllegalStateException(events + " events written by the import, subscribed " + subscribed);
        }
        return seconds;
      } catch (Exception e) {
        System.err.println("run failed. " + server.postMortem());
        throw e;
      }
    }
  }
}
