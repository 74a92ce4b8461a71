package dev.freight.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 strictly and counts the lines it has decoded, so that an invalid byte is reported
 * on its own line: a parser reads ahead, and where it stands when the decoder fails is not where
 * the byte is. Lines are physical lines (a quoted value may span several).
 */
final class Utf8Reader extends Reader {
  private final InputStream in;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024).flip();
  private long line = 1;
  private boolean eof;

  Utf8Reader(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(char[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    CharBuffer out = CharBuffer.wrap(target, offset, length);
    while (out.position() == offset) {
      CoderResult result = decoder.decode(bytes, out, eof);
      countLines(target, offset, out.position());
      if (result.isError()) {
        throw new FileFormatException(
            String.format(
                "the file is not valid UTF-8 (byte 0x%02X on line %d); save it as UTF-8",
                bytes.get(bytes.position()) & 0xFF, line),
            line);
      }
      if (result.isUnderflow() && out.position() == offset) {
        if (eof) {
          return -1; // UTF-8 keeps no state to flush
        }
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
          eof = true;
        } else {
          bytes.position(bytes.position() + n);
        }
        bytes.flip();
      }
    }
    return out.position() - offset;
  }

  private void countLines(char[] chars, int from, int to) {
    for (int i = from; i < to; i++) {
      if (chars[i] == '\n') {
        line++;
      }
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
