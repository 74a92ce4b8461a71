package dev.freight.db;

import dev.freight.bus.ChunkSource;
import dev.freight.jobs.Loop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;

/**
 * Files kept in PostgreSQL in 1 MiB chunks: stored from disk, restored to disk, or read chunk by
 * chunk for a download. Neither direction holds more than one chunk in memory.
 */
public final class BlobStore {
  public static final int CHUNK_BYTES = 1 << 20;

  private final Vertx vertx;
  private final Pool pool;

  public BlobStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** A stored file's name and size. */
  public record Info(long id, String name, long size) {}

  /**
   * Stores the file within the caller's transaction, so that a crash never leaves half a file and the
   * file commits together with what refers to it; completes with its id.
   */
  public Future<Long> store(SqlConnection conn, String name, Path file) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)).compose(in -> conn
        .preparedQuery("INSERT INTO stored_files (name) VALUES ($1) RETURNING id").execute(Tuple.of(name))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return copyChunks(conn, in, id).map(id);
        })
        .eventually(in::close));
  }

  /** Where a copy has got to. */
  private record Position(int seq, long offset) {
    Position after(Buffer chunk) {
      return new Position(seq + 1, offset + chunk.length());
    }
  }

  private static Future<Void> copyChunks(SqlConnection conn, AsyncFile in, long id) {
    return Loop.run(new Position(0, 0), at -> in.read(Buffer.buffer(CHUNK_BYTES), 0, at.offset(), CHUNK_BYTES)
        .compose(chunk -> chunk.length() == 0
            ? conn.preparedQuery("UPDATE stored_files SET size = $2 WHERE id = $1").execute(Tuple.of(id, at.offset()))
                .map((Position) null)
            : conn.preparedQuery("INSERT INTO stored_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)")
                .execute(Tuple.of(id, at.seq(), chunk))
                .map(at.after(chunk))));
  }

  public Future<Info> info(long id) {
    return pool.preparedQuery("SELECT name, size FROM stored_files WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new IllegalStateException("stored file " + id + " is missing");
          }
          Row row = rows.iterator().next();
          return new Info(id, row.getString("name"), row.getLong("size"));
        });
  }

  /** Chunk {@code seq} (from 0), or null past the end. */
  public Future<Buffer> chunk(long id, int seq) {
    return pool.preparedQuery("SELECT data FROM stored_file_chunks WHERE file_id = $1 AND seq = $2")
        .execute(Tuple.of(id, seq))
        .map(BlobStore::data);
  }

  /** The stored file as a source of chunks, for a download. */
  public ChunkSource chunks(long id) {
    return new ChunkSource() {
      private int seq;

      @Override
      public Future<Buffer> next() {
        return chunk(id, seq++);
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }

  private static Buffer data(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getBuffer(0);
  }

  /** Writes the stored file to {@code target} (replacing it). */
  public Future<Void> restore(long id, Path target) {
    return vertx.fileSystem()
        .open(target.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(out -> writeChunks(id, out).eventually(out::close));
  }

  private Future<Void> writeChunks(long id, AsyncFile out) {
    return Loop.run(new Position(0, 0), at -> chunk(id, at.seq()).compose(data -> data == null
        ? Future.succeededFuture()
        : out.write(data, at.offset()).map(at.after(data))));
  }

  public Future<Void> delete(long id) {
    return pool.preparedQuery("DELETE FROM stored_files WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }
}
