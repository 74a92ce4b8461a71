package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests a hostile client sends get a clear 4xx with a {@code detail}, never a 5xx or silence.
 */
class HostileRequestsTest {
  private static final String AUTH = "Authorization: Token " + TestServer.ADMIN_TOKEN;
  private static TestServer server;
  private static Client admin;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("FREIGHT_HTTP_BODY_IDLE_TIMEOUT_SECONDS", "3"));
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long jobCount() {
    return admin.get(Imports.PATH).bodyAsJsonObject().getLong("count");
  }

  private static void refused(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.json().getString("detail")).isNotBlank();
  }

  @Test
  void aPercentSignInAQueryValueIsSearchedFor() {
    HttpResponse<Buffer> search = admin.get("/api/v2/library/standards/?search=100%25");
    assertThat(search.statusCode()).as(search.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> phase = admin.get("/api/v2/library/standards/?phase=%25");
    assertThat(phase.statusCode()).as(phase.bodyAsString()).isLessThan(500);
    HttpResponse<Buffer> jobs = admin.get(Imports.PATH + "?ordering=%25");
    assertThat(jobs.statusCode()).as(jobs.bodyAsString()).isEqualTo(400);
  }

  @Test
  void hundredsOfFilePartsGet400() {
    long before = jobCount();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      files.put("standard" + i + ".csv", "id,title\nA,B\n".getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<Buffer> answer = admin.upload(Imports.PATH, "files", files);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(400);
    assertThat(answer.bodyAsJsonObject().getString("detail")).contains("parts");
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  void aMultipartBodyWithoutItsClosingBoundaryGets400AndNoJob() {
    long before = jobCount();
    byte[] body =
        ("--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"standard.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nid,title\nA,B\n")
            .getBytes(StandardCharsets.UTF_8);
    refused(
        RawHttp.send(
            server.port(),
            "POST "
                + Imports.PATH
                + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: "
                + body.length,
            body),
        400);
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  void aBodyShorterThanItsContentLengthTimesOut() {
    refused(
        RawHttp.send(
            server.port(),
            "POST /api/v2/users/ HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000",
            "{\"email\": \"a@example.com\"".getBytes(StandardCharsets.UTF_8)),
        408);
  }

  @Test
  void aVeryLongPathGets414WithADetail() {
    refused(
        RawHttp.send(
            server.port(), "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x", new byte[0]),
        414);
  }
}
