package dev.freight.library;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The digest of an item's content, kept in the {@code content_hash} column of its model's table:
 * the MD5 of every stored field but the key, in model order, each written as its length in
 * characters, ':', and its text. Imports compute it for every row they read and write it with the
 * rows they add or change; migration V9 computed it the same way for the items already there. Not
 * thread-safe: one per reader.
 */
public final class ContentHash {
  private final int[] positions;
  private final MessageDigest md5;

  /** Room for the decimal digits of any int, then ':'. */
  private final byte[] prefix = new byte[11];

  public ContentHash(ContentModel model) {
    List<Field> fields = model.fields();
    positions =
        IntStream.range(0, fields.size())
            .filter(i -> fields.get(i).stored() && fields.get(i) != model.key())
            .toArray();
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }

  /**
   * Digests the length in decimal, then ':'; written backwards into a reused array, since it runs
   * per value.
   */
  private void digestLength(int length) {
    int start = prefix.length - 1;
    prefix[start] = ':';
    do {
      prefix[--start] = (byte) ('0' + length % 10);
      length /= 10;
    } while (length > 0);
    md5.update(prefix, start, prefix.length - start);
  }

  /**
   * The digest of a valid row's values, in model order (as {@link ContentModel#coerce} gives them).
   */
  public UUID of(List<Object> values) {
    for (int position : positions) {
      String text = values.get(position).toString();
      digestLength(text.codePointCount(0, text.length()));
      md5.update(text.getBytes(StandardCharsets.UTF_8));
    }
    ByteBuffer digest = ByteBuffer.wrap(md5.digest());
    return new UUID(digest.getLong(), digest.getLong());
  }
}
