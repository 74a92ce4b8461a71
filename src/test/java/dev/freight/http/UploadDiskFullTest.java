package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The disk fills up while an upload is spooled: a 507 that says so, nothing of the upload left, no
 * job created. The spool is a 1 MiB tmpfs mounted for the test (root only), since the test cannot
 * fill the machine's disk.
 */
class UploadDiskFullTest {
  @Test
  void aFullDiskAnswers507AndLeavesNothingBehind() throws Exception {
    Path data = TestServer.tempDir();
    Path uploads = data.resolve("uploads");
    Files.createDirectories(uploads);
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", uploads.toString()) == 0,
        "needs to mount a small tmpfs (root)");
    try (TestServer server = TestServer.start(Map.of("FREIGHT_DATA_DIR", data.toString()))) {
      byte[] big = new byte[3 * 1024 * 1024];
      java.util.Arrays.fill(big, (byte) 'x');
      HttpResponse<Buffer> refused = Imports.upload(server.admin(), "standard.csv", big);
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(507);
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains("disk is full");
      try (Stream<Path> left = Files.list(uploads)) {
        assertThat(left).as("spool files left").isEmpty();
      }
      assertThat(server.admin().get(Imports.PATH).bodyAsJsonObject().getLong("count")).isZero();
      // Space again: the next upload goes through.
      assertThat(run("umount", uploads.toString())).isZero();
      assertThat(
              Imports.upload(
                      server.admin(), "standard.csv", "id,title,priority,active\n".getBytes())
                  .statusCode())
          .isEqualTo(200);
    } finally {
      run("umount", "-q", uploads.toString()); // when an assertion failed before
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
