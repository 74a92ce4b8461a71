package dev.freight.bus;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Something large, read one chunk at a time: a file in the blob store, a query through a cursor.
 */
public interface ChunkSource {
  /** The next chunk, or null at the end. */
  Future<Buffer> next();

  /**
   * Releases what the source holds (a connection, a cursor); called once, at the end or on abandon.
   */
  Future<Void> close();
}
