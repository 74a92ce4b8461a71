package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The console's files as the server serves them: without a token, compressed, cacheable. */
class ConsoleAssetsTest extends ServerTest {
  private static final Path ASSETS = Path.of("src/main/resources/web/console");

  /** The console's budget: its page and every file it loads, as a browser receives them. */
  private static final long MAX_GZIP_BYTES = 300 * 1024;

  @Test
  void thePageAndItsFilesNeedNoTokenAndWeighLessThan300KbCompressed() throws IOException {
    HttpResponse<Buffer> page = gzip("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    assertThat(page.getHeader("Content-Encoding")).isEqualTo("gzip");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    long total = page.body().length();
    for (String file : assets()) {
      HttpResponse<Buffer> asset = gzip("/console/" + file);
      assertThat(asset.statusCode()).as(file).isEqualTo(200);
      total += asset.body().length();
    }
    System.err.println("Console: page and " + assets().size() + " files, " + total + " bytes gzip");
    assertThat(total).isLessThan(MAX_GZIP_BYTES);
  }

  @Test
  void anUnchangedFileIsAnswered304() {
    HttpResponse<Buffer> first = server.client(null).get("/console/app.js");
    assertThat(first.getHeader("Content-Type")).startsWith("text/javascript");
    assertThat(first.getHeader("Cache-Control")).isEqualTo("no-cache");
    HttpResponse<Buffer> again =
        server
            .client(null)
            .request(HttpMethod.GET, "/console/app.js")
            .putHeader("If-Modified-Since", first.getHeader("Last-Modified"))
            .send()
            .await();
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void unknownFilesAre404AndOddNames400() {
    assertThat(server.client(null).get("/console/nothing.js").statusCode()).isEqualTo(404);
    assertThat(server.client(null).get("/console/..%2Fopenapi.yaml").statusCode()).isEqualTo(400);
    assertThat(server.client(null).get("/console/.hidden.js").statusCode()).isEqualTo(400);
  }

  private static HttpResponse<Buffer> gzip(String path) {
    return server
        .client(null)
        .request(HttpMethod.GET, path)
        .putHeader("Accept-Encoding", "gzip")
        .send()
        .await();
  }

  private static List<String> assets() throws IOException {
    try (Stream<Path> files = Files.list(ASSETS)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
