package dev.freight.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.ImplicitTuple;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.events.StreamStartEvent;

/**
 * Deterministic library files of N standards, written streaming and cached in a directory per N.
 * Version 2 changes 10% of the rows, marks 5% for deletion and adds 5% new ones; the reset file
 * brings a library holding version 2 back to version 1 (it deletes the new ids, since an import
 * keeps what its file leaves out).
 */
final class LibraryFiles {
  enum Version { V1, V2, RESET }

  static final List<String> COLUMNS = List.of("id", "title", "text", "problem", "priority", "phase", "active",
      "mark_delete", "match_conditions", "tags");
  /** Data rows an XLSX sheet holds below its header; Freight reads one sheet. */

  private static final long SEED = 6;
  private static final String[] WORDS = ("access account admin audit authenticate authorize backup browser cache"
      + " certificate client cookie credential data database default encrypt endpoint error event file firewall"
      + " header identity input integrity key log message network origin output parameter password patch"
      + " permission policy privilege protect query record redirect request resource response role secret"
      + " secure server service session signature storage token traffic trust upload user validate verify").split(" ");
  private static final String[] TAGS = {"web", "api", "mobile", "cloud", "auth", "crypto", "session", "input",
      "privacy", "owasp"};

  record Standard(String id, String title, String text, String problem, int priority, String phase,
      boolean active, boolean markDelete, String matchConditions, String tags) {

    Standard markedForDeletion() {
      return new Standard(id, title, text, problem, priority, phase, active, true, matchConditions, tags);
    }

    /** In the order of {@link #COLUMNS}. */
    List<Object> values() {
      return List.of(id, title, text, problem, priority, phase, active, markDelete, matchConditions, tags);
    }
  }

  /** Rows a diff adds, updates and deletes. */
  record Diff(long add, long update, long delete) {}

  private final int rows;
  private final Path dir;

  /**
   * The files of a bench whose only argument is {@code [--rows N]} (default 1,000,000; N may be
   * written 1_000_000 or 1,000,000); exits with {@code usage} on anything else.
   */
  static LibraryFiles fromArgs(String[] args, Path workDir, String usage) {
    int rows = 1_000_000;
    if (args.length == 2 && args[0].equals("--rows")) {
      rows = Integer.parseInt(args[1].replace("_", "").replace(",", ""));
    } else if (args.length != 0) {
      System.err.println("usage: " + usage);
      System.exit(2);
    }
    return new LibraryFiles(rows, workDir);
  }

  LibraryFiles(int rows, Path workDir) {
    this.rows = rows;
    this.dir = workDir.resolve("rows-" + rows);
  }

  /** The ids past N that version 2 adds. */
  int newRows() {
    return rows / 20;
  }

  /** What importing version 2 over version 1 must change. */
  Diff expectedDiff() {
    long update = IntStream.range(0, rows).filter(i -> i % 20 < 2).count();
    long delete = IntStream.range(0, rows).filter(i -> i % 20 == 2).count();
    return new Diff(newRows(), update, delete);
  }

  int rowCount(Version version) {
    return version == Version.V1 ? rows : rows + newRows();
  }

  /** The file of a version in a format, generated on first use. */
  Path file(Version version, String format) throws IOException {
    Path file = dir.resolve("standard-" + version.name().toLowerCase() + "." + format);
    if (Files.exists(file)) {
      return file;
    }
    Files.createDirectories(dir);
    long start = System.nanoTime();
    Path partial = dir.resolve(file.getFileName() + ".partial"); // a killed run leaves no truncated file behind
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
      switch (format) {
        case "csv" -> csv(version, out);
        case "json" -> json(version, out);
        case "yaml" -> yaml(version, out);
        case "xlsx" -> xlsx(version, out);
        default -> throw new IllegalArgumentException(format);
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("generated %s (%,d bytes) in %.1f s%n", file, Files.size(file),
        (System.nanoTime() - start) / 1e9);
    return file;
  }

  /** A CSV of version-1-like rows 0, 1, 2, ... up to {@code maxBytes}, and how many rows it holds. */
  record Sized(Path file, long rows) {}

  /** The big-upload file: as many rows as fit in {@code maxBytes}; generated on every call, in a few seconds. */
  Sized csvOfSize(long maxBytes) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("standard-" + maxBytes + "-bytes.csv");
    long written = 0;
    long count = 0;
    try (CountingStream counting = new CountingStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      CsvWriter csv = CsvWriter.builder().build(new OutputStreamWriter(counting, StandardCharsets.UTF_8));
      csv.writeRecord(COLUMNS);
      // Rows are ~380 bytes: stopping 4 KiB short never passes the size.
      for (int i = 0; counting.count + 4096 < maxBytes; i++) {
        csv.writeRecord(standard(i, SEED).values().stream().map(String::valueOf).toList());
        csv.flush();
        count++;
      }
    }
    return new Sized(file, count);
  }

  /** Counts the bytes written through it; a flush stops here, the buffer below writes in large blocks. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() {}
  }

  /** Row {@code i} of a version, or null where that version has no row. */
  private Standard row(Version version, int i) {
    if (i >= rows) {
      return switch (version) {
        case V1 -> null;
        case V2 -> standard(i, SEED);
        case RESET -> standard(i, SEED).markedForDeletion();
      };
    }
    if (version != Version.V2 || i % 20 > 2) {
      return standard(i, SEED);
    }
    return i % 20 == 2 ? standard(i, SEED).markedForDeletion() : standard(i, SEED + 1);
  }

  /** A standard of about 380 bytes in CSV; another seed gives the same id other content. */
  private static Standard standard(int i, long seed) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_000_007L + i);
    StringBuilder title = new StringBuilder();
    while (title.length() < 55) {
      title.append(title.length() == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    title.setCharAt(0, Character.toUpperCase(title.charAt(0)));
    StringBuilder text = new StringBuilder("The system must");
    for (int w = 1; text.length() < 240; w++) {
      text.append(w % 9 == 0 ? ", " : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    text.append('.');
    StringBuilder conditions = new StringBuilder();
    for (int c = 1 + random.nextInt(3); c > 0; c--) {
      conditions.append(conditions.length() == 0 ? "" : ";").append('A').append(random.nextInt(40));
      if (random.nextBoolean()) {
        conditions.append(" AND !A").append(random.nextInt(40));
      }
    }
    int firstTag = random.nextInt(TAGS.length);
    StringBuilder tags = new StringBuilder(TAGS[firstTag]);
    for (int t = 1 + random.nextInt(3); t > 0; t--) {
      tags.append(',').append(TAGS[(firstTag + t) % TAGS.length]);
    }
    return new Standard(String.format("STD-%07d", i), title.toString(), text.toString(),
        "P" + random.nextInt(40), 1 + random.nextInt(10), "X" + random.nextInt(6),
        random.nextInt(10) != 0, false, conditions.toString(), tags.toString());
  }

  private interface RowWriter {
    void write(Standard standard) throws IOException;
  }

  private void each(Version version, RowWriter writer) throws IOException {
    for (int i = 0; i < rows + newRows(); i++) {
      Standard standard = row(version, i);
      if (standard != null) {
        writer.write(standard);
      }
    }
  }

  private void csv(Version version, OutputStream out) throws IOException {
    CsvWriter csv = CsvWriter.builder().build(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    csv.writeRecord(COLUMNS);
    each(version, s -> csv.writeRecord(s.values().stream().map(String::valueOf).toList()));
    csv.flush();
  }

  private void json(Version version, OutputStream out) throws IOException {
    try (JsonGenerator gen = new JsonFactory().createGenerator(out)) {
      gen.setPrettyPrinter(new MinimalPrettyPrinter() {
        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
          g.writeRaw(",\n"); // one object a line, as exports by hand or by tools usually are
        }
      });
      gen.writeStartArray();
      each(version, s -> {
        gen.writeStartObject();
        List<Object> values = s.values();
        for (int c = 0; c < COLUMNS.size(); c++) {
          gen.writeFieldName(COLUMNS.get(c));
          gen.writeObject(values.get(c));
        }
        gen.writeEndObject();
      });
      gen.writeEndArray();
    }
  }

  private void yaml(Version version, OutputStream out) throws IOException {
    DumperOptions options = new DumperOptions();
    options.setSplitLines(false);
    Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    // Events, not Yaml.dump: the emitter writes as it goes, nothing is held.
    Emitter emitter = new Emitter(text, options);
    emitter.emit(new StreamStartEvent(null, null));
    emitter.emit(new DocumentStartEvent(null, null, false, null, null));
    emitter.emit(new SequenceStartEvent(null, null, true, null, null, DumperOptions.FlowStyle.BLOCK));
    each(version, s -> {
      emitter.emit(new MappingStartEvent(null, null, true, null, null, DumperOptions.FlowStyle.BLOCK));
      List<Object> values = s.values();
      for (int c = 0; c < COLUMNS.size(); c++) {
        emitter.emit(scalar(COLUMNS.get(c)));
        emitter.emit(scalar(values.get(c)));
      }
      emitter.emit(new MappingEndEvent(null, null));
    });
    emitter.emit(new SequenceEndEvent(null, null));
    emitter.emit(new DocumentEndEvent(null, null, false));
    emitter.emit(new StreamEndEvent(null, null));
    text.flush();
  }

  /** Strings plain where YAML allows it (else quoted); numbers and booleans plain, so they keep their type. */
  private static ScalarEvent scalar(Object value) {
    ImplicitTuple implicit = new ImplicitTuple(true, value instanceof String);
    return new ScalarEvent(null, null, implicit, String.valueOf(value), null, null, DumperOptions.ScalarStyle.PLAIN);
  }

  /** Like Freight's own exports: a full sheet continues on "standard_2", "standard_3", ..., each with the header. */
  private void xlsx(Version version, OutputStream out) throws IOException {
    Workbook workbook = new Workbook(out, "freight-bench", null);
    Worksheet[] sheet = {null};
    int[] next = {Worksheet.MAX_ROWS};
    int[] sheets = {0};
    each(version, s -> {
      if (next[0] == Worksheet.MAX_ROWS) {
        if (sheet[0] != null) {
          sheet[0].finish();
        }
        sheets[0]++;
        sheet[0] = workbook.newWorksheet(sheets[0] == 1 ? "standard" : "standard_" + sheets[0]);
        for (int c = 0; c < COLUMNS.size(); c++) {
          sheet[0].inlineString(0, c, COLUMNS.get(c));
        }
        next[0] = 1;
      }
      int r = next[0]++;
      List<Object> values = s.values();
      for (int c = 0; c < values.size(); c++) {
        Object value = values.get(c);
        if (value instanceof String text) {
          sheet[0].inlineString(r, c, text); // the shared-string table would hold every text until the end
        } else if (value instanceof Boolean b) {
          sheet[0].value(r, c, b);
        } else {
          sheet[0].value(r, c, (Number) value);
        }
      }
      if (r % 1000 == 0) {
        sheet[0].flush(); // fastexcel keeps unflushed rows in memory
      }
    });
    workbook.finish();
  }

}
