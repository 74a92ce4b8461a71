package dev.freight.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Reads a whole XLSX file once, unzipping it as a stream, before the spreadsheet library opens it:
 * that library holds each cell's text, each row and every shared string in memory, so a small file
 * that inflates to gigabytes (a zip bomb, one huge cell, a shared-string index of two billion)
 * would run the heap out. Here nothing is held but a tag at a time; the first limit passed stops
 * the scan, so a bomb costs at most the limit. Also refused: DTDs (entities, external references).
 */
final class XlsxScan {
  /** No part of a spreadsheet needs more, and the zip's directory is read whole by the library. */
  private static final int MAX_ZIP_ENTRIES = 10_000;

  /** A start tag with its attributes; spreadsheet applications write a few hundred bytes. */
  private static final int MAX_TAG_BYTES = 64 * 1024;

  private static final int MAX_DEPTH = 100;

  /** UTF-8 takes up to 4 bytes a character; a value's bytes past 4 per character are too many. */
  private static final int BYTES_PER_CHAR = 4;

  private final ReadLimits limits;
  private final ReadLimits.Xlsx xlsx;
  private final long maxValueBytes;
  private long unzipped;
  private int sheets;
  private long cells;
  private int sharedStrings;
  private long sharedStringBytes;

  private XlsxScan(ReadLimits limits) {
    this.limits = limits;
    this.xlsx = limits.xlsx();
    this.maxValueBytes = (long) limits.maxFieldChars() * BYTES_PER_CHAR;
  }

  /**
   * Checks the file against the limits.
   *
   * @throws FileFormatException naming the first limit passed, or what is broken
   */
  static void check(Path file, ReadLimits limits) throws IOException {
    checkDirectory(file);
    new XlsxScan(limits).scan(file);
  }

  /**
   * The zip's directory, from its end record, before anything reads it whole: at most {@value
   * #MAX_ZIP_ENTRIES} entries. (A file without an end record is left to the library to refuse.)
   */
  private static void checkDirectory(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      long size = channel.size();
      int tail = (int) Math.min(size, 22 + 65_535);
      ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(end, size - tail);
      for (int at = tail - 22; at >= 0; at--) {
        if (end.getInt(at) == 0x06054b50) {
          int entries = Short.toUnsignedInt(end.getShort(at + 10));
          if (entries == 0xFFFF || entries > MAX_ZIP_ENTRIES) {
            throw new FileFormatException(
                "not a valid XLSX file: the zip holds more than " + MAX_ZIP_ENTRIES + " parts", 0);
          }
          return;
        }
      }
    }
  }

  private void scan(Path file) throws IOException {
    try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntries();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        if (entry.isDirectory()) {
          continue;
        }
        if (!zip.canReadEntryData(entry)) {
          throw new FileFormatException(
              "not a valid XLSX file: the part "
                  + entry.getName()
                  + " is encrypted or compressed"
                  + " in an unsupported way",
              0);
        }
        try (InputStream in = zip.getInputStream(entry)) {
          new Part(entry.getName()).read(in);
        }
      }
    } catch (FileFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new FileFormatException("not a valid XLSX file: it cannot be unzipped", 0);
    }
  }

  /** The elements whose number or content is limited, by local name; OTHER for the rest. */
  private enum Element {
    SHEET("sheet"),
    ROW("row"),
    CELL("c"),
    VALUE("v"),
    SHARED_STRING("si"),
    OTHER("");

    private static final Element[] ALL = values();
    private final byte[] name;

    Element(String name) {
      this.name = name.getBytes(StandardCharsets.US_ASCII);
    }

    static Element of(byte[] tag, int from, int to) {
      for (Element element : ALL) {
        if (Arrays.equals(tag, from, to, element.name, 0, element.name.length)) {
          return element;
        }
      }
      return OTHER;
    }
  }

  /** What the lexer of one part is in. */
  private enum State {
    TEXT,
    TAG,
    QUOTED,
    COMMENT,
    CDATA,
    INSTRUCTION
  }

  /** One part of the zip, read as XML tag by tag (parts that are not XML are only counted). */
  private final class Part {
    private final String name;
    private final boolean xml;
    private final byte[] tag = new byte[MAX_TAG_BYTES];
    private int tagLength;
    private State state = State.TEXT;
    private byte quote;

    /** The last two bytes of a CDATA section, to see its end "]]>". */
    private byte last;

    private byte beforeLast;
    private int depth;
    private long row;

    /** The bytes of text since the last tag, and in the cell or shared string being read. */
    private long run;

    private long cellBytes;
    private long stringBytes;
    private int rowValues;
    private boolean inCell;
    private boolean sharedCell;
    private boolean inString;
    private boolean inIndex;
    private final StringBuilder index = new StringBuilder();

    Part(String name) {
      this.name = name;
      String lower = name.toLowerCase(Locale.ROOT);
      this.xml = lower.endsWith(".xml") || lower.endsWith(".rels");
    }

    void read(InputStream in) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        unzipped += n;
        if (unzipped > xlsx.maxUnzippedBytes()) {
          throw error("the workbook unzips to more than " + xlsx.maxUnzippedBytes() + " bytes");
        }
        if (xml) {
          lex(buffer, n);
        }
      }
    }

    /**
     * Text is skipped in bulk up to the next tag, and element tags are copied in bulk up to their
     * end or a quote; the rest of the markup (comments, CDATA, declarations) goes byte by byte.
     */
    private void lex(byte[] buffer, int n) throws FileFormatException {
      for (int i = 0; i < n; ) {
        if (state == State.TEXT) {
          int at = i;
          while (at < n && buffer[at] != '<') {
            at++;
          }
          text(buffer, i, at);
          if (at < n) {
            state = State.TAG;
            tagLength = 0;
          }
          i = at + 1;
        } else if (state == State.TAG && inElementTag(buffer[i])) {
          int at = i;
          while (at < n && buffer[at] != '>' && buffer[at] != '"' && buffer[at] != '\'') {
            at++;
          }
          keep(buffer, i, at);
          if (at < n && buffer[at] == '>') {
            endTag();
          } else if (at < n) {
            keep(buffer, at, at + 1);
            state = State.QUOTED;
            quote = buffer[at];
          }
          i = at + 1;
        } else if (state == State.QUOTED) {
          int at = i;
          while (at < n && buffer[at] != quote) {
            at++;
          }
          keep(buffer, i, Math.min(at + 1, n));
          if (at < n) {
            state = State.TAG;
          }
          i = at + 1;
        } else {
          next(buffer[i++]);
        }
      }
    }

    /** Whether the tag being read, about to take {@code b}, is an element's (not "<!", "<?"). */
    private boolean inElementTag(byte b) {
      return tagLength == 0 ? b != '!' && b != '?' : tag[0] != '!';
    }

    private void keep(byte[] bytes, int from, int to) throws FileFormatException {
      if (tagLength + to - from > MAX_TAG_BYTES) {
        throw error("has a tag longer than " + MAX_TAG_BYTES + " bytes");
      }
      System.arraycopy(bytes, from, tag, tagLength, to - from);
      tagLength += to - from;
    }

    private void next(byte b) throws FileFormatException {
      switch (state) {
        case TEXT -> throw new IllegalStateException("text is read in bulk");
        case TAG -> {
          if (tagLength > 0 && tag[0] == '!') {
            keep(b);
            classify(); // until it knows what the markup is, everything is kept
          } else if (b == '>') {
            endTag();
          } else {
            keep(b);
            if (tagLength == 1 && b == '?') {
              state = State.INSTRUCTION;
            } else if (b == '"' || b == '\'') {
              state = State.QUOTED;
              quote = b;
            }
          }
        }
        case QUOTED -> {
          keep(b);
          if (b == quote) {
            state = State.TAG;
          }
        }
        case COMMENT -> {
          keep(b);
          if (b == '>' && endsWith("--")) {
            state = State.TEXT;
          }
        }
        case INSTRUCTION -> {
          keep(b);
          if (b == '>' && endsWith("?")) {
            state = State.TEXT;
          }
        }
        case CDATA -> {
          if (b == '>' && last == ']' && beforeLast == ']') {
            state = State.TEXT;
          } else {
            beforeLast = last;
            last = b;
            text(new byte[] {b}, 0, 1);
          }
        }
      }
    }

    /** Markup starting with "!": a comment or CDATA; a DTD and anything else is refused. */
    private void classify() throws FileFormatException {
      String start = new String(tag, 0, tagLength, StandardCharsets.US_ASCII);
      if (start.equals("!--")) {
        state = State.COMMENT;
      } else if (start.equals("![CDATA[")) {
        state = State.CDATA;
        last = 0;
        beforeLast = 0;
      } else if (start.equals("!DOCTYPE") || start.equals("!ENTITY")) {
        throw error("declares a DTD, which a workbook may not (it could define entities)");
      } else if (Stream.of("![CDATA[", "!--", "!DOCTYPE", "!ENTITY")
          .noneMatch(m -> m.startsWith(start))) {
        throw error("is not well-formed XML");
      }
    }

    private boolean endsWith(String end) {
      int from = tagLength - 1 - end.length();
      return from >= 0
          && new String(tag, from, end.length(), StandardCharsets.US_ASCII).equals(end);
    }

    private void keep(byte b) throws FileFormatException {
      if (tagLength == MAX_TAG_BYTES) {
        throw error("has a tag longer than " + MAX_TAG_BYTES + " bytes");
      }
      tag[tagLength++] = b;
    }

    /** Counts text bytes {@code from} to {@code to} against the limits of where they stand. */
    private void text(byte[] bytes, int from, int to) throws FileFormatException {
      int length = to - from;
      if (length == 0) {
        return;
      }
      run += length;
      if (run > maxValueBytes) {
        throw error("holds a text longer than " + limits.maxFieldChars() + " characters");
      }
      if (inCell && (cellBytes += length) > maxValueBytes) {
        throw error("holds a cell longer than " + limits.maxFieldChars() + " characters");
      }
      if (inString) {
        if ((stringBytes += length) > maxValueBytes) {
          throw error(
              "holds a shared string longer than " + limits.maxFieldChars() + " characters");
        }
        if ((sharedStringBytes += length) > xlsx.maxSharedStringBytes()) {
          throw error(
              "holds more than " + xlsx.maxSharedStringBytes() + " bytes of shared strings");
        }
      }
      if (inIndex) {
        if (index.length() + length > 12) {
          throw error("refers to a shared string past the last one");
        }
        for (int i = from; i < to; i++) {
          index.append((char) bytes[i]);
        }
      }
    }

    private void endTag() throws FileFormatException {
      state = State.TEXT;
      run = 0;
      if (tagLength == 0) {
        throw error("is not well-formed XML");
      }
      boolean closing = tag[0] == '/';
      boolean empty = tag[tagLength - 1] == '/';
      int start = closing ? 1 : 0;
      int end = start;
      while (end < tagLength && !isNameEnd(tag[end])) {
        if (tag[end] == ':') {
          start = end + 1; // the local name, after a prefix
        }
        end++;
      }
      Element element = Element.of(tag, start, end);
      if (closing) {
        depth--;
        end(element);
      } else {
        if (!empty && ++depth > MAX_DEPTH) {
          throw error("nests elements deeper than " + MAX_DEPTH + " levels");
        }
        start(element);
        if (empty) {
          end(element);
        }
      }
    }

    private static boolean isNameEnd(byte b) {
      return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '/';
    }

    /**
     * The value of the one-letter attribute {@code name} of the tag just read, or null. Only the
     * attributes of rows and cells are looked at, which are short.
     */
    private String attribute(char name) {
      for (int i = 1; i + 3 < tagLength; i++) {
        if (tag[i] == name && isNameEnd(tag[i - 1])) {
          int at = i + 1;
          while (at < tagLength && (tag[at] == ' ' || tag[at] == '\t')) {
            at++;
          }
          if (at + 1 < tagLength && tag[at] == '=') {
            at++;
            while (at < tagLength && (tag[at] == ' ' || tag[at] == '\t')) {
              at++;
            }
            byte quoted = tag[at];
            int close = at + 1;
            while (close < tagLength && tag[close] != quoted) {
              close++;
            }
            return new String(tag, at + 1, close - at - 1, StandardCharsets.UTF_8);
          }
        }
      }
      return null;
    }

    private void start(Element element) throws FileFormatException {
      switch (element) {
        case SHEET -> {
          if (++sheets > xlsx.maxSheets()) {
            throw error("has more than " + xlsx.maxSheets() + " sheets");
          }
        }
        case ROW -> {
          String number = attribute('r');
          row = number != null && number.matches("\\d{1,9}") ? Long.parseLong(number) : row + 1;
          rowValues = 0;
        }
        case CELL -> {
          if (++cells > xlsx.maxCells()) {
            throw error("has more than " + xlsx.maxCells() + " cells");
          }
          sharedCell = "s".equals(attribute('t'));
          inCell = true;
          cellBytes = 0;
        }
        case VALUE -> {
          inIndex = inCell && sharedCell;
          index.setLength(0);
        }
        case SHARED_STRING -> {
          if (++sharedStrings > xlsx.maxSharedStrings()) {
            throw error("has more than " + xlsx.maxSharedStrings() + " shared strings");
          }
          inString = true;
          stringBytes = 0;
        }
        default -> {}
      }
    }

    private void end(Element element) throws FileFormatException {
      switch (element) {
        case CELL -> {
          inCell = false;
          if (cellBytes > 0 && ++rowValues > limits.maxColumns()) {
            throw error("has a row with more than " + limits.maxColumns() + " values");
          }
        }
        case VALUE -> {
          if (inIndex) {
            inIndex = false;
            String digits = index.toString().trim();
            if (!digits.matches("\\d{1,10}") || Long.parseLong(digits) >= xlsx.maxSharedStrings()) {
              throw error("refers to a shared string past the last one");
            }
          }
        }
        case SHARED_STRING -> inString = false;
        default -> {}
      }
    }

    private FileFormatException error(String problem) {
      return new FileFormatException("the part " + name + " " + problem, row);
    }
  }
}
