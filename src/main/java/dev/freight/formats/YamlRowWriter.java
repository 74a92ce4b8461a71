package dev.freight.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
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

/** YAML: a block sequence of mappings, emitted event by event. */
final class YamlRowWriter implements RowWriter {

  /** Plain without a tag, as null, booleans and numbers resolve back to their type from plain text. */
  private static final ImplicitTuple PLAIN = new ImplicitTuple(true, false);

  private final Writer writer;
  private final Emitter emitter;
  private final List<String> columns;
  private boolean closed;

  YamlRowWriter(OutputStream out, List<String> columns) throws IOException {
    this.columns = List.copyOf(columns);
    DumperOptions options = new DumperOptions();
    options.setAllowUnicode(true);
    options.setSplitLines(false); // folded long lines are easy to get subtly wrong; one line per value is exact
    writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    emitter = new Emitter(writer, options);
    emitter.emit(new StreamStartEvent(null, null));
    emitter.emit(new DocumentStartEvent(null, null, false, null, null));
    emitter.emit(new SequenceStartEvent(null, null, true, null, null, FlowStyle.BLOCK));
  }

  @Override
  public void write(List<?> values) throws IOException {
    Rows.checkRow(values, columns.size());
    emitter.emit(new MappingStartEvent(null, null, true, null, null, FlowStyle.BLOCK));
    for (int i = 0; i < columns.size(); i++) {
      emitter.emit(string(columns.get(i)));
      Object value = values.get(i);
      emitter.emit(value instanceof String s ? string(s)
          : new ScalarEvent(null, null, PLAIN, value == null ? "null" : Rows.text(value), null, null,
              ScalarStyle.PLAIN));
    }
    emitter.emit(new MappingEndEvent(null, null));
  }

  /**
   * A string scalar. Strings that would resolve to another type are double-quoted, and so are those with
   * line breaks, which keeps every value on one line with exact escapes instead of folded quoted lines.
   * Otherwise the emitter picks plain or single quotes as the content requires.
   */
  private static ScalarEvent string(String s) {
    boolean quote = YamlScalars.needsQuotes(s)
        || s.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029');
    return new ScalarEvent(null, null, new ImplicitTuple(!quote, true), s, null, null,
        quote ? ScalarStyle.DOUBLE_QUOTED : ScalarStyle.PLAIN);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    emitter.emit(new SequenceEndEvent(null, null));
    emitter.emit(new DocumentEndEvent(null, null, false));
    emitter.emit(new StreamEndEvent(null, null));
    writer.flush();
  }
}
