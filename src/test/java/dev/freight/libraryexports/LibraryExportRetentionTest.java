package dev.freight.libraryexports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server that keeps export files for no time at all and purges every second. */
class LibraryExportRetentionTest {
  private static TestServer server;
  private static Client admin;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "FREIGHT_EXPORTS_RETENTION_HOURS", "0",
                "FREIGHT_EXPORTS_PURGE_INTERVAL_SECONDS", "1"));
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * A download; null when it was cut off because the purge deleted the file while it was being sent
   * (the client must not wait for bytes that will never come).
   */
  private static HttpResponse<Buffer> download(long id) {
    try {
      return Library.download(admin, id);
    } catch (RuntimeException cutOff) {
      return null;
    }
  }

  @Test
  void aPurgedFileIsGoneForGood() throws InterruptedException {
    long id = Library.export(admin, new JsonObject().put("type", "template")).getLong("id");
    HttpResponse<Buffer> download = download(id);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while ((download == null || download.statusCode() == 200) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      download = download(id);
    }
    assertThat(download.statusCode()).as(download.bodyAsString()).isEqualTo(410);
    assertThat(download.bodyAsJsonObject().getString("detail"))
        .contains("export job " + id, "0 hours");
    assertThat(admin.get(Library.EXPORTS + id + "/").bodyAsJsonObject().getString("status"))
        .as("the job itself stays")
        .isEqualTo("success");
  }
}
