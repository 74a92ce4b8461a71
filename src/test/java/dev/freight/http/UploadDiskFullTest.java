package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disk fills up while an upload is spooled: a 507 that says so, nothing of the upload left, no
 * job created, and the next upload, once there is space, goes through. The spool is a small tmpfs
 * mounted for the test (root only), since the test cannot fill the machine's disk.
 */
class UploadDiskFullTest {
  private Path uploads;

  @BeforeEach
  void mountSmallSpool() throws Exception {
    Path data = TestServer.tempDir();
    uploads = data.resolve("uploads");
    Files.createDirectories(uploads);
  }

  @AfterEach
  void unmount() throws Exception {
    run("umount", "-q", uploads.toString()); // when an assertion failed before
  }

  /** An upload whose declared length cannot fit is refused before a byte of it is written. */
  @Test
  void anUploadThatCannotFitAnswers507() throws Exception {
    mount("4m");
    try (TestServer server = start()) {
      byte[] big = new byte[3 * 1024 * 1024];
      Arrays.fill(big, (byte) 'x');
      HttpResponse<Buffer> refused = Imports.upload(server.admin(), "standard.csv", big);
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(507);
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains("disk is full");
      assertNothingKept(server);
      assertAcceptsUploadsOnceThereIsSpace(server);
    }
  }

  /**
   * A chunked upload (no length to check beforehand) passes the check of free space and fills the
   * disk while its part is written: the write fails midway.
   */
  @Test
  void aDiskThatFillsUpDuringTheUploadAnswers507() throws Exception {
    mount("20m"); // more than the 16 MiB the check wants free for an upload of unknown length
    try (TestServer server = start()) {
      byte[] head =
          ("--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"standard.csv\"\r\n"
                  + "Content-Type: text/csv\r\n\r\nid,title,priority,active\n")
              .getBytes(StandardCharsets.UTF_8);
      byte[] rows = "S1,A standard,1,true\n".repeat(1_500_000).getBytes(StandardCharsets.UTF_8);
      byte[] tail = "\r\n--XyZ--\r\n".getBytes(StandardCharsets.UTF_8);
      RawHttp.Answer refused =
          RawHttp.sendChunked(
              server.port(),
              "POST "
                  + Imports.PATH
                  + " HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
                  + TestServer.ADMIN_TOKEN
                  + "\r\nContent-Type: multipart/form-data; boundary=XyZ",
              head,
              rows,
              tail);
      assertThat(refused.status()).as(refused.body()).isEqualTo(507);
      assertThat(refused.contentType()).startsWith("application/json");
      assertThat(refused.json().getString("detail")).contains("disk is full");
      assertNothingKept(server);
      assertAcceptsUploadsOnceThereIsSpace(server);
    }
  }

  /** The exports that take a filter file spool it the same way, and answer the same. */
  @Test
  void aDiskThatFillsUpDuringAFilterFileAnswers507() throws Exception {
    mount("4m");
    try (TestServer server = start()) {
      byte[] head =
          ("--XyZ\r\nContent-Disposition: form-data; name=\"format_type\"\r\n\r\ncsv\r\n"
                  + "--XyZ\r\nContent-Disposition: form-data; name=\"filter_file\";"
                  + " filename=\"ids.txt\"\r\nContent-Type: text/plain\r\n\r\nid\n")
              .getBytes(StandardCharsets.UTF_8);
      byte[] ids = "S0000001\n".repeat(700_000).getBytes(StandardCharsets.UTF_8);
      byte[] tail = "\r\n--XyZ--\r\n".getBytes(StandardCharsets.UTF_8);
      RawHttp.Answer refused =
          RawHttp.sendChunked(
              server.port(),
              "POST /api/v2/library/standards/export/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
                  + TestServer.ADMIN_TOKEN
                  + "\r\nContent-Type: multipart/form-data; boundary=XyZ",
              head,
              ids,
              tail);
      assertThat(refused.status()).as(refused.body()).isEqualTo(507);
      assertThat(refused.json().getString("detail")).contains("disk is full");
      assertThat(spoolFilesGone()).as("spool files left").isTrue();
      assertThat(server.admin().get("/api/v1/exports/").bodyAsJsonObject().getLong("count"))
          .isZero();
    }
  }

  private void mount(String size) throws Exception {
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", uploads.toString()) == 0,
        "needs to mount a small tmpfs (root)");
  }

  private TestServer start() {
    return TestServer.start(Map.of("FREIGHT_DATA_DIR", uploads.getParent().toString()));
  }

  private void assertNothingKept(TestServer server) throws Exception {
    assertThat(spoolFilesGone()).as("spool files left").isTrue();
    assertThat(server.admin().get(Imports.PATH).bodyAsJsonObject().getLong("count")).isZero();
  }

  /** The spool is cleaned up as the answer goes out: gives the deletes a moment. */
  private boolean spoolFilesGone() throws Exception {
    long until = System.currentTimeMillis() + 60_000;
    while (spoolFiles() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(100);
    }
    return spoolFiles() == 0;
  }

  private long spoolFiles() throws IOException {
    try (Stream<Path> left = Files.list(uploads)) {
      return left.count();
    }
  }

  private void assertAcceptsUploadsOnceThereIsSpace(TestServer server) throws Exception {
    assertThat(run("umount", uploads.toString())).isZero();
    HttpResponse<Buffer> accepted =
        Imports.upload(server.admin(), "standard.csv", "id,title,priority,active\n".getBytes());
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
  }

  private static int run(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
