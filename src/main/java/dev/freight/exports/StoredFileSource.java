package dev.freight.exports;

import dev.freight.bus.ChunkSource;
import dev.freight.db.BlobStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** A stored file read one 1 MiB chunk at a time, as fast as the client downloads it. */
final class StoredFileSource implements ChunkSource {
  private final BlobStore blobs;
  private final long fileId;
  private int seq;

  StoredFileSource(BlobStore blobs, long fileId) {
    this.blobs = blobs;
    this.fileId = fileId;
  }

  @Override
  public Future<Buffer> next() {
    return blobs.chunk(fileId, seq++);
  }

  /** Each chunk is its own query: nothing is held between them. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
