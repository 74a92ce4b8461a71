package dev.freight.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The figures of one run, as one Markdown section: the table, the load line and what was not measured. */
final class Report {
  enum Op {
    UPLOAD("upload → ready_for_review"),
    ACCEPT("accept_changes → success"),
    EXPORT("export full → success"),
    DOWNLOAD("download");

    final String label;

    Op(String label) {
      this.label = label;
    }
  }

  /** The times of an operation run more than once: the median, which ratios use, and the range. */
  record Times(double median, double min, double max) {
    static Times of(List<Double> seconds) {
      List<Double> sorted = seconds.stream().sorted().toList();
      return new Times(sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    /** "6.98 s", or "6.98 s (6.52–7.41)" for several runs. */
    @Override
    public String toString() {
      return min == max ? String.format("%.2f s", median) : String.format("%.2f s (%.2f–%.2f)", median, min, max);
    }
  }

  /** A Freight operation: its time and the server's memory while it ran (-1: none seen). */
  record Measure(Times times, FreightServer.Heap heap, long rssBytes) {
    double seconds() {
      return times.median();
    }

    /** The runs of one operation as one: their times, and the highest memory any of them used. */
    static Measure of(List<Measure> runs) {
      return new Measure(Times.of(runs.stream().map(Measure::seconds).toList()),
          new FreightServer.Heap(runs.stream().mapToLong(m -> m.heap().peakBytes()).max().orElse(-1),
              runs.stream().mapToLong(m -> m.heap().afterGcBytes()).max().orElse(-1)),
          runs.stream().mapToLong(Measure::rssBytes).max().orElse(-1));
    }
  }

  /** PostgreSQL's time for what an operation does (of its median run), and the target ratio to it. */
  record LimitTime(String what, Times times, double target) {
    double seconds() {
      return times.median();
    }
  }

  /** The targets as ratios to the CSV time, for reading and writing files. */
  private static final Map<String, Double> VS_CSV = Map.of("json", 1.3, "yaml", 3.0, "xlsx", 3.0);

  private final List<String> formats;
  private final Map<String, Measure> measures = new HashMap<>();
  private final Map<String, String> missing = new HashMap<>();
  private final Map<String, Long> downloaded = new HashMap<>();
  private final Map<Op, LimitTime> limits = new HashMap<>();
  private final List<String> lines = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  Report(List<String> formats) {
    this.formats = formats;
  }

  void measured(String format, Op op, Measure measure) {
    measures.put(format + op, measure);
    System.out.printf("%s %s: %s%n", format, op.label, measure.times());
  }

  /** Seconds measured for an operation, or -1. */
  double seconds(String format, Op op) {
    Measure m = measures.get(format + op);
    return m == null ? -1 : m.seconds();
  }

  void downloaded(String format, long bytes) {
    downloaded.put(format, bytes);
  }

  /** An operation that could not be measured, and why. */
  void missing(String format, Op op, String why) {
    missing.put(format + op, why);
  }

  void limit(Op op, LimitTime limit) {
    limits.put(op, limit);
    System.out.printf("limit %s: %s%n", limit.what(), limit.times());
  }

  /** A paragraph under the table. */
  void line(String line) {
    lines.add(line);
    System.out.println(line);
  }

  /** Something this run did not measure, and why. */
  void notMeasured(String note) {
    notes.add(note);
  }

  String section(String heading, String preamble) {
    StringBuilder md = new StringBuilder("## ").append(heading).append("\n\n").append(preamble).append("\n\n");
    md.append(cells("operation", "Freight", "limit (PostgreSQL)", "× limit", "× CSV", "target",
        "peak heap / after GC", "peak RSS")).append("\n|---|---|---|---|---|---|---|---|\n");
    for (String format : formats) {
      for (Op op : Op.values()) {
        md.append(row(format, op)).append('\n');
      }
    }
    lines.forEach(line -> md.append('\n').append(line).append('\n'));
    if (!notes.isEmpty()) {
      md.append("\nNot measured in this run:\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    return md.toString();
  }

  private String row(String format, Op op) {
    String name = format.toUpperCase(Locale.ROOT) + " " + op.label
        + (op == Op.DOWNLOAD && downloaded.containsKey(format) ? " (" + mb(downloaded.get(format)) + ")" : "");
    Measure m = measures.get(format + op);
    if (m == null) {
      return cells(name, missing.getOrDefault(format + op, "n/a"), "", "", "", "", "", "");
    }
    LimitTime limit = format.equals("csv") ? limits.get(op) : null;
    String limitCell = limit == null ? "" : limit.times() + ", " + limit.what();
    String ratio = limit == null ? "" : String.format("%.1f", m.seconds() / limit.seconds());
    Measure csv = measures.get("csv" + op);
    String vsCsv = format.equals("csv") || csv == null ? "" : String.format("%.2f", m.seconds() / csv.seconds());
    String target = "";
    if (limit != null) {
      target = verdict("≤ " + limit.target() + " × limit", m.seconds() / limit.seconds() <= limit.target());
    } else if (csv != null && (op == Op.UPLOAD || op == Op.EXPORT)) {
      double max = VS_CSV.get(format);
      target = verdict("≤ " + max + " × CSV", m.seconds() / csv.seconds() <= max);
    }
    return cells(name, m.times().toString(), limitCell, ratio, vsCsv, target,
        heap(m.heap()), m.rssBytes() < 0 ? "" : mb(m.rssBytes()));
  }

  /** Peak heap in use / after a collection, or "no GC". */
  static String heap(FreightServer.Heap heap) {
    return heap.peakBytes() < 0 ? "no GC" : mb(heap.peakBytes()) + " / " + mb(heap.afterGcBytes());
  }

  static String verdict(String target, boolean met) {
    return target + (met ? ": met" : ": **missed**");
  }

  private static String cells(String... cells) {
    return "| " + String.join(" | ", cells) + " |";
  }

  static String mb(long bytes) {
    return String.format("%.0f MB", bytes / 1e6);
  }

  /** Puts {@code section} into BENCHMARKS.md in place of the one with the same heading, sections ordered by N. */
  static void write(Path file, String heading, String section) throws IOException {
    String header = "# Benchmarks\n\nFigures written by `bench/run.sh` (see the README), one section per row count;"
        + " each replaces the previous run for that count. Ratios are computed within one run: other work on the"
        + " same machine moves absolute times, much less their ratios. \"Limit\" is PostgreSQL itself doing the"
        + " same work on the same server (COPY, one set-based SQL diff and apply, COPY TO); targets are those of"
        + " issue 6.\n";
    Map<String, String> sections = new LinkedHashMap<>();
    if (Files.exists(file)) {
      String text = Files.readString(file);
      int first = text.indexOf("\n## ");
      if (first >= 0) {
        header = text.substring(0, first).stripTrailing() + "\n";
        for (String s : text.substring(first + 1).split("\n(?=## )")) {
          sections.put(s.substring(3, s.indexOf('\n')), s.strip() + "\n");
        }
      }
    }
    sections.put(heading, section);
    StringBuilder out = new StringBuilder(header);
    sections.entrySet().stream().sorted(Comparator.comparingLong(e -> rowsOf(e.getKey())))
        .forEach(e -> out.append('\n').append(e.getValue()));
    Files.writeString(file, out.toString());
  }

  /** A benchmark's sections go first, by row count; the others ("## Webhooks") after, as they were. */
  private static long rowsOf(String heading) {
    Matcher m = Pattern.compile("N = (\\d[\\d,]*) rows").matcher(heading);
    return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : Long.MAX_VALUE;
  }

  /** When, at which commit and on what machine a run was made, for its section's first line. */
  static String machine(Path repo) throws IOException, InterruptedException {
    String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    String commit = git(repo, "rev-parse", "--short", "HEAD")
        + (git(repo, "status", "--porcelain", "--", ".", ":!BENCHMARKS.md").isEmpty() ? ""
            : " (with uncommitted changes)");
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
    long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
    return String.format(Locale.ROOT, "%s, commit %s, %d cores (%s), %.1f GiB memory", when, commit,
        Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0);
  }

  private static String git(Path repo, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process git = new ProcessBuilder(command).directory(repo.toFile()).start();
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    git.waitFor();
    return out;
  }
}
