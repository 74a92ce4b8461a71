package dev.freight.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * YAML: a block sequence of mappings, one per row, written by hand (SnakeYAML's emitter made YAML
 * exports several times slower than CSV). Identifier-like strings that no YAML 1.1 or 1.2 reader
 * takes for another type are plain ({@link YamlScalars#isSafePlain}); every other string is
 * double-quoted with escapes for anything that is not printable or would break the line, so each
 * value is one line and reads back exactly, whichever reader reads it. null, booleans and numbers
 * are plain and resolve back to their type.
 */
final class YamlRowWriter implements RowWriter {

  /** Rows collect in a buffer that goes to the writer once it holds about this many chars. */
  private static final int FLUSH_CHARS = 1 << 16;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * YAML limits an implicit key to 1024 characters, quotes and escapes included (SnakeYAML and
   * PyYAML refuse longer ones); a longer written key goes in the explicit form.
   */
  private static final int LONGEST_IMPLICIT_KEY = 1000;

  private final Writer writer;
  private final int columnCount;

  /**
   * What precedes each value: "- key: " for the first column, " key: " for the others; an explicit
   * key ("? key" and ": " on the next line) when the key is too long to be an implicit one.
   */
  private final String[] keyPrefixes;

  private final StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 4096);
  private char[] chunk = new char[FLUSH_CHARS + 4096];
  private boolean anyRow;
  private boolean closed;

  YamlRowWriter(OutputStream out, List<String> columns) throws IOException {
    writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    columnCount = columns.size();
    keyPrefixes = new String[columnCount];
    for (int i = 0; i < columnCount; i++) {
      appendString(columns.get(i));
      String key = buffer.toString();
      buffer.setLength(0);
      keyPrefixes[i] =
          (i == 0 ? "- " : "  ")
              + (key.length() > LONGEST_IMPLICIT_KEY ? "? " + key + "\n  : " : key + ": ");
    }
  }

  @Override
  public void write(List<?> values) throws IOException {
    Rows.checkRow(values, columnCount);
    if (columnCount == 0) {
      buffer.append("- {}\n"); // a block mapping needs at least one key
    }
    for (int i = 0; i < columnCount; i++) {
      buffer.append(keyPrefixes[i]);
      Object value = values.get(i);
      if (value instanceof String s) {
        appendString(s);
      } else {
        buffer.append(value == null ? "null" : Rows.text(value));
      }
      buffer.append('\n');
    }
    anyRow = true;
    if (buffer.length() >= FLUSH_CHARS) {
      drain();
    }
  }

  private void appendString(String s) {
    if (YamlScalars.isSafePlain(s)) {
      buffer.append(s);
    } else {
      appendQuoted(s);
    }
  }

  /** A double-quoted scalar; runs of characters that need no escape are copied in one go. */
  private void appendQuoted(String s) {
    buffer.append('"');
    int unescaped = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isRaw(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a valid pair (emoji and the like) is written as UTF-8
        continue;
      }
      buffer.append(s, unescaped, i);
      appendEscape(c);
      unescaped = i + 1;
    }
    buffer.append(s, unescaped, s.length()).append('"');
  }

  /**
   * Whether a char can be written as it is between double quotes: printable to YAML (no C0 or C1
   * control, DEL, U+FFFE or U+FFFF), no quote or backslash, no line break (U+0085, U+2028 and
   * U+2029 are breaks too), no U+FEFF, which readers may take for a byte order mark, and no
   * surrogate: the caller lets valid pairs through, and a lone one would not survive UTF-8.
   */
  private static boolean isRaw(char c) {
    if (c < 0x7F) {
      return c >= 0x20 && c != '"' && c != '\\';
    }
    return c >= 0xA0
        && c != '\u2028'
        && c != '\u2029'
        && c != '\uFEFF'
        && c < '\uFFFE'
        && !Character.isSurrogate(c);
  }

  private void appendEscape(char c) {
    switch (c) {
      case '"' -> buffer.append("\\\"");
      case '\\' -> buffer.append("\\\\");
      case '\n' -> buffer.append("\\n");
      case '\r' -> buffer.append("\\r");
      case '\t' -> buffer.append("\\t");
      default ->
          buffer
              .append("\\u")
              .append(HEX[c >> 12])
              .append(HEX[(c >> 8) & 0xF])
              .append(HEX[(c >> 4) & 0xF])
              .append(HEX[c & 0xF]);
    }
  }

  /**
   * Hands the buffer to the writer through a reused array; Writer.append would copy it to a new
   * String.
   */
  private void drain() throws IOException {
    int length = buffer.length();
    if (chunk.length < length) {
      chunk = new char[length];
    }
    buffer.getChars(0, length, chunk, 0);
    writer.write(chunk, 0, length);
    buffer.setLength(0);
  }

  /** Flushes but leaves the caller's stream open. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!anyRow) {
      buffer.append("[]\n"); // an empty block sequence has no form of its own
    }
    drain();
    writer.flush();
  }
}
