package dev.freight.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the readers of text formats share: the file as a counted stream, and the data row reached.
 */
abstract class TextRowReader implements RowReader {
  protected final CountingInputStream in;
  protected long rowNumber;

  protected TextRowReader(Path file) throws IOException {
    in = new CountingInputStream(Files.newInputStream(file));
  }

  @Override
  public long rowNumber() {
    return rowNumber;
  }

  @Override
  public long bytesRead() {
    return in.count();
  }
}
