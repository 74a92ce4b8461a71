package dev.freight.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freight.ServerTest;
import dev.freight.TestServer;
import dev.freight.bus.ChunkSource;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Files kept in PostgreSQL: stored while still being written, and read back exactly or not at all.
 */
class BlobStoreTest extends ServerTest {
  private static Vertx vertx;
  private static Pool pool;
  private static BlobStore blobs;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, TestServer.url(server.database()), 2);
    blobs = new BlobStore(vertx, pool);
  }

  @AfterAll
  static void disconnect() {
    vertx.close().await();
  }

  private static Buffer readAll(BlobStore.Info info) {
    ChunkSource source = blobs.chunks(info);
    Buffer all = Buffer.buffer();
    for (Buffer chunk = source.next().await(); chunk != null; chunk = source.next().await()) {
      all.appendBuffer(chunk);
    }
    return all;
  }

  @Test
  void aFileStoredWhileItGrowsReadsBackExactly() throws Exception {
    byte[] content = new byte[5 * BlobStore.CHUNK_BYTES / 2 + 123];
    new Random(7).nextBytes(content);
    Path file = Files.createTempFile("growing", ".bin");
    BlobStore.FileBeingWritten growing =
        pool.withTransaction(conn -> blobs.storeWhileWritten(conn, "grown.bin", file)).await();
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      // Written in uneven steps, each announced as the file grows: some steps complete no chunk.
      int[] steps = {1000, BlobStore.CHUNK_BYTES, 10, BlobStore.CHUNK_BYTES + 5000};
      int at = 0;
      for (int step : steps) {
        out.write(content, at, step);
        out.flush();
        at += step;
        long size = at;
        vertx.runOnContext(v -> growing.storeUpTo(size));
      }
      out.write(content, at, content.length - at);
    }
    pool.withTransaction(growing::finish).await();
    growing.close().await();

    BlobStore.Info info = blobs.info(growing.id()).await().orElseThrow();
    assertThat(info.size()).isEqualTo(content.length);
    assertThat(readAll(info).getBytes()).isEqualTo(content);
    Files.delete(file);
  }

  @Test
  void aFileDeletedWhileBeingReadFailsInsteadOfEndingShort() throws Exception {
    Path file = Files.createTempFile("whole", ".bin");
    Files.write(file, new byte[BlobStore.CHUNK_BYTES + 10]);
    long id = pool.withTransaction(conn -> blobs.store(conn, "whole.bin", file)).await();
    BlobStore.Info info = blobs.info(id).await().orElseThrow();
    ChunkSource source = blobs.chunks(info);
    assertThat(source.next().await().length()).isEqualTo(BlobStore.CHUNK_BYTES);
    blobs.delete(id).await();
    assertThatThrownBy(() -> source.next().await())
        .hasMessageContaining("deleted while being read");
    Files.delete(file);
  }
}
