package dev.freight.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.bench.LibraryFiles.Version;
import java.nio.file.Path;

/**
 * Issue 16's revert measure: imports version 1 of the library, then times version 2's import (its
 * diff of 20% of the rows, from upload to ready_for_review, and its apply) against the revert of
 * that import (from POST to ready_for_review, and its apply), on the packaged server at -Xmx256m.
 * Run from the repository root by {@code bench/revert.sh [--rows N]}; prints the figures.
 */
public final class RevertBench {
  private final Path repo = Path.of("").toAbsolutePath();
  private final LibraryFiles files;
  private FreightApi api;

  private RevertBench(String[] args) {
    files = LibraryFiles.fromArgs(args, repo.resolve("bench/work"), "bench/revert.sh [--rows N]");
  }

  public static void main(String[] args) throws Exception {
    new RevertBench(args).run();
  }

  private void run() throws Exception {
    Path v1 = files.file(Version.V1, "csv");
    Path v2 = files.file(Version.V2, "csv");
    try (FreightServer server =
        new FreightServer(repo.resolve("target/freight.jar"), repo.resolve("bench/work/revert-run"))) {
      api = new FreightApi(server.httpPort, server.token);
      try {
        long loaded = api.upload(v1, "csv");
        await(loaded, "ready_for_review");
        accepted(loaded);

        long start = System.currentTimeMillis();
        long t0 = System.nanoTime();
        long forward = api.upload(v2, "csv");
        await(forward, "ready_for_review");
        double forwardDiff = since(t0);
        double forwardApply = accepted(forward);

        long revertStart = System.currentTimeMillis();
        t0 = System.nanoTime();
        long revert = api.revert(forward);
        await(revert, "ready_for_review");
        double revertDiff = since(t0);
        double revertApply = accepted(revert);
        FreightServer.Heap heap = server.heap(start, System.currentTimeMillis());

        JsonNode forwardCounts = api.diffCounts(forward);
        JsonNode revertCounts = api.diffCounts(revert);
        System.out.printf(
            "%nrows %,d; forward diff %s, revert diff %s%n", files.rowCount(Version.V1), forwardCounts,
            revertCounts);
        System.out.printf("forward: upload -> ready_for_review %.2f s, accept -> success %.2f s%n",
            forwardDiff, forwardApply);
        System.out.printf("revert:  POST -> ready_for_review %.2f s (%.2fx the forward diff), accept -> success"
            + " %.2f s%n", revertDiff, revertDiff / forwardDiff, revertApply);
        System.out.printf("POST revert -> success: %.2f s; server heap peak %d MB, most left after a GC %d MB%n",
            (System.currentTimeMillis() - revertStart) / 1e3, heap.peakBytes() >> 20, heap.afterGcBytes() >> 20);
      } catch (Exception e) {
        System.err.println("run failed. " + server.postMortem());
        throw e;
      }
    }
  }

  private void await(long id, String status) throws Exception {
    api.await(FreightApi.IMPORTS + id + "/", status);
  }

  /** Accepts the job and waits for its apply: the seconds it took. */
  private double accepted(long id) throws Exception {
    long t0 = System.nanoTime();
    api.accept(id);
    await(id, "success");
    return since(t0);
  }

  private static double since(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }
}
