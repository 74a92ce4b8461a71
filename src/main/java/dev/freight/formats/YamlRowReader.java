package dev.freight.formats;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * YAML: one document holding a sequence of flat mappings, one mapping per row. Read event by event,
 * so no node tree is built; anchors, aliases and non-standard tags are refused so a file cannot
 * expand or instantiate anything.
 */
final class YamlRowReader extends TextRowReader {

  private static final String STANDARD_TAG = "tag:yaml.org,2002:";

  private final Parser parser;
  private final ReadLimits limits;
  private int depth;
  private boolean done;

  YamlRowReader(Path file, ReadLimits limits) throws IOException {
    super(file);
    this.limits = limits;
    LoaderOptions options = new LoaderOptions();
    // The whole file is one document, and the default 3 MB per document would refuse large files.
    options.setCodePointLimit(Integer.MAX_VALUE);
    parser = new ParserImpl(new StreamReader(new UnicodeReader(in)), options);
    try {
      nextEvent(); // stream start
      Event top = nextEvent();
      if (top.is(Event.ID.DocumentStart)) {
        top = nextEvent();
      }
      if (!top.is(Event.ID.SequenceStart)) {
        throw error("the top level must be a sequence of mappings (one per row)", top);
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public Map<String, Object> next() throws IOException {
    if (done) {
      return null;
    }
    Event event = nextEvent();
    if (event.is(Event.ID.SequenceEnd)) {
      nextEvent(); // document end
      Event after = nextEvent();
      if (!after.is(Event.ID.StreamEnd)) {
        throw error("only one YAML document is allowed", after);
      }
      done = true;
      return null;
    }
    long row = rowNumber + 1;
    if (!event.is(Event.ID.MappingStart)) {
      throw error("element " + row + " of the top-level sequence is not a mapping", event);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Event key = nextEvent(); !key.is(Event.ID.MappingEnd); key = nextEvent()) {
      if (values.size() == limits.maxColumns()) {
        throw error("row " + row + " has more than " + limits.maxColumns() + " fields", key);
      }
      if (!(key instanceof ScalarEvent k)) {
        throw error("a key in row " + row + " is not a scalar", key);
      }
      scalar(k); // validates the tag and length; keys stay text even when they look like numbers
      Event value = nextEvent();
      if (!(value instanceof ScalarEvent v)) {
        throw error(
            "the value of '" + k.getValue() + "' in row " + row + " is not a scalar", value);
      }
      if (values.containsKey(k.getValue())) {
        throw error("duplicate key '" + k.getValue() + "' in row " + row, key);
      }
      values.put(k.getValue(), scalar(v));
    }
    rowNumber = row;
    return values;
  }

  /**
   * Typed value of a scalar: quoted scalars are strings, plain ones resolve via {@link
   * YamlScalars}.
   */
  private Object scalar(ScalarEvent event) throws FileFormatException {
    String text = event.getValue();
    if (text.length() > limits.maxFieldChars()) {
      throw error("a value is longer than " + limits.maxFieldChars() + " characters", event);
    }
    String tag = event.getTag();
    if (tag == null) {
      return event.isPlain() ? YamlScalars.resolvePlain(text) : text;
    }
    if (tag.equals("!") || tag.equals(STANDARD_TAG + "str")) {
      return text;
    }
    Object value = YamlScalars.resolvePlain(text);
    boolean valid =
        switch (tag) {
          case STANDARD_TAG + "null" -> value == null;
          case STANDARD_TAG + "bool" -> value instanceof Boolean;
          case STANDARD_TAG + "int" -> YamlScalars.isInteger(text);
          case STANDARD_TAG + "float" -> value instanceof Number;
          default -> throw error("the tag " + tag + " is not allowed", event);
        };
    if (!valid) {
      throw error("'" + text + "' is not a valid " + tag, event);
    }
    return value;
  }

  /**
   * Next parser event, refusing aliases, anchors, foreign collection tags and excessive nesting.
   */
  private Event nextEvent() throws IOException {
    Event event;
    try {
      event = parser.getEvent();
    } catch (MarkedYAMLException e) {
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      throw new FileFormatException(context + e.getProblem(), e.getProblemMark().getLine() + 1L);
    } catch (YAMLException e) {
      if (e.getCause() instanceof CharacterCodingException) {
        throw new FileFormatException("the file is not valid UTF-8", 0);
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new FileFormatException(e.getMessage(), 0);
    }
    if (event instanceof AliasEvent alias) {
      throw error("aliases are not allowed (*" + alias.getAnchor() + ")", event);
    }
    if (event instanceof NodeEvent node && node.getAnchor() != null) {
      throw error("aliases are not allowed (anchor &" + node.getAnchor() + ")", event);
    }
    if (event instanceof CollectionStartEvent collection) {
      if (++depth > limits.maxNestingDepth()) {
        throw error("nesting is deeper than " + limits.maxNestingDepth() + " levels", event);
      }
      String tag = collection.getTag();
      String standard = STANDARD_TAG + (event.is(Event.ID.SequenceStart) ? "seq" : "map");
      if (tag != null && !tag.equals("!") && !tag.equals(standard)) {
        throw error("the tag " + tag + " is not allowed", event);
      }
    } else if (event instanceof CollectionEndEvent) {
      depth--;
    }
    return event;
  }

  private static FileFormatException error(String message, Event at) {
    return new FileFormatException(
        message, at.getStartMark() == null ? 0 : at.getStartMark().getLine() + 1L);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
