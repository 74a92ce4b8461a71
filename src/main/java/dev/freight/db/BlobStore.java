package dev.freight.db;

import dev.freight.bus.ChunkSource;
import dev.freight.jobs.AsyncLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Files kept in PostgreSQL in 1 MiB chunks: stored from disk, restored to disk, or read chunk by
 * chunk for a download. Neither direction holds more than one chunk in memory.
 */
public final class BlobStore {
  public static final int CHUNK_BYTES = 1 << 20;
  private static final int CHUNKS_IN_FLIGHT = 2;

  private final Vertx vertx;
  private final Pool pool;

  public BlobStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** A stored file's name and size. */
  public record Info(long id, String name, long size) {}

  /**
   * Stores the file within the caller's transaction, so that a crash never leaves half a file and
   * the file commits together with what refers to it; completes with its id.
   */
  public Future<Long> store(SqlConnection conn, String name, Path file) {
    // A complete file is a growing one that has already stopped growing.
    return storeWhileWritten(conn, name, file)
        .compose(complete -> complete.finish(conn).eventually(complete::close).map(complete.id()));
  }

  /**
   * Starts storing a file that is still being written (or one to store while other work goes on),
   * as a new stored file created in the caller's transaction, so that what refers to it can commit
   * with it. Its size stays unknown (NULL) until {@link FileBeingWritten#finish}.
   */
  public Future<FileBeingWritten> storeWhileWritten(SqlClient conn, String name, Path file) {
    return create(conn, name).map(id -> new FileBeingWritten(id, file));
  }

  /**
   * A stored file that is written while its content is still being produced: its whole chunks are
   * stored in the background, each in its own transaction, as the file grows; the last part and the
   * size are stored by {@link #finish} in the transaction that makes the file count. Until then it
   * is incomplete, and whoever refers to it must not offer it.
   */
  public final class FileBeingWritten {
    private final long id;
    private final Path file;
    private AsyncFile in;
    private Position stored = Position.START;
    private Future<Void> storing = Future.succeededFuture();

    private FileBeingWritten(long id, Path file) {
      this.id = id;
      this.file = file;
    }

    public long id() {
      return id;
    }

    /**
     * The file now holds {@code size} bytes that will not change: its new whole chunks go in the
     * background.
     */
    public void storeUpTo(long size) {
      // While a copy is under way, the next call (or finish) takes these chunks.
      if (storing.succeeded()) {
        storing =
            input()
                .compose(file -> copyChunks(pool, file, id, stored, size - size % CHUNK_BYTES))
                .map(
                    end -> {
                      stored = end;
                      return null;
                    });
      }
    }

    /** Once the file is complete: stores the rest, and the size, in the caller's transaction. */
    public Future<Void> finish(SqlConnection conn) {
      return storing
          .compose(caughtUp -> input())
          .compose(file -> file.size().compose(size -> copyChunks(conn, file, id, stored, size)))
          .compose(end -> setSize(conn, id, end));
    }

    public Future<Void> close() {
      return in == null ? Future.succeededFuture() : storing.transform(done -> in.close());
    }

    private Future<AsyncFile> input() {
      return in != null ? Future.succeededFuture(in) : open(file).onSuccess(opened -> in = opened);
    }
  }

  private Future<Long> create(SqlClient conn, String name) {
    return conn.preparedQuery("INSERT INTO stored_files (name) VALUES ($1) RETURNING id")
        .execute(Tuple.of(name))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private Future<AsyncFile> open(Path file) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true));
  }

  private static Future<Void> setSize(SqlClient client, long id, Position end) {
    return client
        .preparedQuery("UPDATE stored_files SET size = $2 WHERE id = $1")
        .execute(Tuple.of(id, end.offset()))
        .mapEmpty();
  }

  /** Where a copy has got to. */
  private record Position(int seq, long offset) {
    static final Position START = new Position(0, 0);

    Position after(Buffer chunk) {
      return new Position(seq + 1, offset + chunk.length());
    }
  }

  /**
   * Copies the chunks from {@code from} up to {@code limit} (the last one may be short), {@value
   * #CHUNKS_IN_FLIGHT} at a time through {@code client}: through a pool they spread over backends;
   * through one connection they are pipelined, so that PostgreSQL stores one chunk while the next
   * is read and sent. Completes with where it stopped.
   */
  private static Future<Position> copyChunks(
      SqlClient client, AsyncFile in, long id, Position from, long limit) {
    Promise<Position> end = Promise.promise();
    AsyncLoop.run(
            from,
            at -> {
              int count =
                  (int)
                      Math.min(
                          CHUNKS_IN_FLIGHT, (limit - at.offset() + CHUNK_BYTES - 1) / CHUNK_BYTES);
              if (count <= 0) {
                end.tryComplete(at);
                return Future.succeededFuture();
              }
              List<Future<Void>> copies = new ArrayList<>();
              for (int i = 0; i < count; i++) {
                copies.add(
                    copyChunk(client, in, id, at.seq() + i, at.offset() + (long) i * CHUNK_BYTES));
              }
              return Future.all(copies)
                  .map(
                      copied ->
                          new Position(
                              at.seq() + count,
                              Math.min(limit, at.offset() + (long) count * CHUNK_BYTES)));
            })
        .onFailure(end::tryFail);
    return end.future();
  }

  /** Stores chunk {@code seq}, which starts at {@code offset}. */
  private static Future<Void> copyChunk(
      SqlClient client, AsyncFile in, long id, int seq, long offset) {
    return in.read(Buffer.buffer(CHUNK_BYTES), 0, offset, CHUNK_BYTES)
        .compose(
            chunk ->
                client
                    .preparedQuery(
                        "INSERT INTO stored_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(id, seq, chunk))
                    .<Void>mapEmpty());
  }

  /** A stored file's name and size; empty when there is none (deleted, perhaps a moment ago). */
  public Future<Optional<Info>> info(long id) {
    return pool.preparedQuery("SELECT name, size FROM stored_files WHERE id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              return Optional.of(new Info(id, row.getString("name"), row.getLong("size")));
            });
  }

  /** Chunk {@code seq} (from 0), or null past the end. */
  public Future<Buffer> chunk(long id, int seq) {
    return pool.preparedQuery("SELECT data FROM stored_file_chunks WHERE file_id = $1 AND seq = $2")
        .execute(Tuple.of(id, seq))
        .map(BlobStore::data);
  }

  /**
   * The stored file as a source of chunks, for a download. A file deleted while it is read (an
   * export purged meanwhile) ends short of its size: that is a failure, not an end, so that the
   * download is cut off instead of leaving the client waiting for the bytes its Content-Length
   * promised.
   */
  public ChunkSource chunks(Info file) {
    return new ChunkSource() {
      private int seq;
      private long delivered;

      @Override
      public Future<Buffer> next() {
        return chunk(file.id(), seq++)
            .map(
                data -> {
                  if (data == null && delivered < file.size()) {
                    throw new IllegalStateException(
                        "stored file "
                            + file.id()
                            + " ended at "
                            + delivered
                            + " of "
                            + file.size()
                            + " bytes; it was deleted while being read");
                  }
                  delivered += data == null ? 0 : data.length();
                  return data;
                });
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
    return vertx
        .fileSystem()
        .open(
            target.toString(),
            new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(out -> writeChunks(id, out).eventually(out::close));
  }

  private Future<Void> writeChunks(long id, AsyncFile out) {
    return AsyncLoop.run(
        Position.START,
        at ->
            chunk(id, at.seq())
                .compose(
                    data ->
                        data == null
                            ? Future.succeededFuture()
                            : out.write(data, at.offset()).map(at.after(data))));
  }

  public Future<Void> delete(long id) {
    return pool.preparedQuery("DELETE FROM stored_files WHERE id = $1")
        .execute(Tuple.of(id))
        .mapEmpty();
  }
}
