package dev.freight.bench;

import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import dev.freight.bench.LibraryFiles.Version;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Issue 16's measures of partial imports, one run: a clean N-row CSV import against the same file with
 * every tenth row invalid under {@code skip_invalid=true} (POST to ready_for_review, into an empty
 * library both times), the streaming of the second one's errors file against a CSV export of the
 * library, and the server's heap (-Xmx256m) meanwhile. Usage: {@code bench/rows.sh [--rows N]}.
 */
public final class RowsBench {
  private static final int INVALID_EVERY = 10;
  private static final int RUNS = 2;
  private static final int STREAMS = 3;

  public static void main(String[] args) throws Exception {
    int rows = args.length == 2 && args[0].equals("--rows") ? Integer.parseInt(args[1].replace("_", "")) : 1_000_000;
    Path repo = Path.of("").toAbsolutePath();
    Path work = repo.resolve("bench/work");
    LibraryFiles files = new LibraryFiles(rows, work);
    Path clean = files.file(Version.V1, "csv");
    Path invalid = withInvalidRows(clean);
    try (FreightServer server = new FreightServer(repo.resolve("target/freight.jar"), work.resolve("run-rows"))) {
      FreightApi api = new FreightApi(server.httpPort, server.token);
      // Alternated, the best of each: a shared machine's load comes and goes. The first run also
      // warms the JIT up.
      long start = System.currentTimeMillis();
      double cleanSeconds = Double.MAX_VALUE;
      double skipSeconds = Double.MAX_VALUE;
      for (int run = 1; run <= RUNS; run++) {
        cleanSeconds = Math.min(cleanSeconds, timedImport(api, clean, Map.of(), true));
        skipSeconds = Math.min(skipSeconds, timedImport(api, invalid, Map.of("skip_invalid", "true"), run < RUNS));
      }
      long imported = System.currentTimeMillis();
      long jobId = lastJob;
      JsonNode summary = api.diffCounts(jobId);

      // Both streams are timed at their best of STREAMS: the first also warms the JIT up for them.
      Path errors = work.resolve("errors-" + rows + ".csv");
      double errorsSeconds = Double.MAX_VALUE;
      long bytes = 0;
      for (int run = 1; run <= STREAMS; run++) {
        long t0 = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(errors), 1 << 16)) {
          bytes = api.download(FreightApi.IMPORTS + jobId + "/errors/download/", out);
        }
        errorsSeconds = Math.min(errorsSeconds, (System.nanoTime() - t0) / 1e9);
      }
      long errorRows = dataLines(errors);
      long streamed = System.currentTimeMillis();

      api.accept(jobId);
      api.await(FreightApi.IMPORTS + jobId + "/", "success");
      long libraryRows = rows - rows / INVALID_EVERY;
      double exportSeconds = -1;
      for (int run = 1; run <= STREAMS; run++) {
        long t0 = System.nanoTime();
        OptionalLong export = api.export("csv");
        if (export.isEmpty()) {
          break;
        }
        api.await(FreightApi.EXPORTS + export.getAsLong() + "/", "success");
        api.download(export.getAsLong());
        double seconds = (System.nanoTime() - t0) / 1e9;
        exportSeconds = exportSeconds < 0 ? seconds : Math.min(exportSeconds, seconds);
      }
      FreightServer.Heap importHeap = server.heap(start, imported);
      FreightServer.Heap streamHeap = server.heap(imported, streamed);

      System.out.printf("%n## Issue 16: skip_invalid and the errors file (%,d rows, CSV)%n%n", rows);
      System.out.printf("Best of %d alternated runs of each import; best of %d of each stream (the first warms it up).%n%n", RUNS, STREAMS);
      System.out.printf("| measure | value |%n|---|---|%n");
      System.out.printf("| clean import, POST to ready_for_review | %.1f s |%n", cleanSeconds);
      System.out.printf("| %d%% invalid, skip_invalid=true, POST to ready_for_review | %.1f s (%.2f× the clean one) |%n",
          100 / INVALID_EVERY, skipSeconds, skipSeconds / cleanSeconds);
      System.out.printf("| its diff | add %s, skipped %s |%n", summary.get("add"), summary.get("skipped"));
      System.out.printf("| errors file, GET to last byte | %,d rows, %,d bytes in %.2f s = %,.0f rows/s |%n",
          errorRows, bytes, errorsSeconds, errorRows / errorsSeconds);
      if (exportSeconds > 0) {
        System.out.printf("| CSV export of the library, POST to last byte downloaded | %,d rows in %.2f s = %,.0f rows/s |%n",
            libraryRows, exportSeconds, libraryRows / exportSeconds);
      }
      System.out.printf("| heap during the imports (peak before GC / most left after GC) | %d / %d MiB |%n",
          importHeap.peakBytes() >> 20, importHeap.afterGcBytes() >> 20);
      System.out.printf("| heap while streaming the errors file | %d / %d MiB |%n",
          streamHeap.peakBytes() >> 20, streamHeap.afterGcBytes() >> 20);
    }
  }

  private static long lastJob;

  /** Imports {@code file} into the empty library: seconds from POST to ready_for_review; cancelled if asked. */
  private static double timedImport(FreightApi api, Path file, Map<String, String> fields, boolean cancel)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    lastJob = api.upload(file, "csv", fields);
    api.await(FreightApi.IMPORTS + lastJob + "/", "ready_for_review");
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (cancel) {
      api.cancel(lastJob);
      api.await(FreightApi.IMPORTS + lastJob + "/", "cancel");
    }
    return seconds;
  }

  /** The file with every tenth row's priority out of range. */
  private static Path withInvalidRows(Path clean) throws IOException {
    Path file = clean.resolveSibling("standard-invalid.csv");
    if (Files.exists(file)) {
      return file;
    }
    int priority = LibraryFiles.COLUMNS.indexOf("priority");
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(clean);
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      CsvWriter csv = CsvWriter.builder().build(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      long row = -1; // the header
      for (CsvRecord record : reader) {
        List<String> fields = new ArrayList<>(record.getFields());
        if (row >= 0 && row % INVALID_EVERY == INVALID_EVERY - 1) {
          fields.set(priority, "99");
        }
        csv.writeRecord(fields);
        row++;
      }
      csv.flush();
    }
    return file;
  }

  /** Rows of a CSV file, by its records (a text may span lines). */
  private static long dataLines(Path csv) throws IOException {
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
      long count = -1;
      for (CsvRecord ignored : reader) {
        count++;
      }
      return count;
    }
  }
}
