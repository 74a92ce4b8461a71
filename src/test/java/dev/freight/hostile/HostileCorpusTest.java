package dev.freight.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.http.RawHttp;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus ({@code src/test/resources/hostile/README.md}): each input gets what the table
 * says, no answer is a 5xx or a hang, no error names an internal class, and the library never
 * changes.
 */
class HostileCorpusTest {
  private static final String DIR = "/hostile/";
  private static final Pattern INTERNALS =
      Pattern.compile(
          "\\w(Exception|Error)\\b|com\\.fasterxml|io\\.vertx|io\\.netty|org\\.dhatim|org\\.yaml|siegmar");

  private static TestServer server;
  private static Client admin;
  private static JsonArray library;

  /** One row of the table. */
  record Case(String input, String sentAs, String mustGet) {
    @Override
    public String toString() {
      return input + " as " + sentAs + " → " + mustGet;
    }
  }

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "FREIGHT_FILES_MAX_ROWS",
                "1000",
                "FREIGHT_FILES_XLSX_MAX_UNZIPPED_BYTES",
                String.valueOf(64 << 20),
                "FREIGHT_HTTP_MAX_UPLOAD_BYTES",
                String.valueOf(32 << 20),
                "FREIGHT_HTTP_BODY_IDLE_TIMEOUT_SECONDS",
                "3"));
    admin = server.admin();
    Imports.load(
        admin,
        "standard.csv",
        "id,title,priority\nBASE1,Kept as it is,3\nBASE2,Also kept,7\n"
            .getBytes(StandardCharsets.UTF_8));
    library = standards();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Stream<Case> cases() {
    String table = new String(resource("README.md"), StandardCharsets.UTF_8);
    List<Case> cases = new ArrayList<>();
    boolean inTable = false;
    for (String line : table.split("\n")) {
      if (line.startsWith("|---")) {
        inTable = true;
      } else if (inTable && line.startsWith("|")) {
        String[] cells = line.split("\\|");
        cases.add(new Case(cells[1].trim(), cells[2].trim(), cells[3].trim()));
      }
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void getsWhatTheTableSays(Case hostile) {
    if (hostile.sentAs().equals("raw")) {
      raw(hostile);
    } else {
      upload(hostile);
    }
    assertThat(standards()).as("the library").isEqualTo(library);
    assertThat(admin.get(Imports.PATH + "current/").statusCode())
        .as("no import active")
        .isEqualTo(404);
  }

  private static void upload(Case hostile) {
    long jobsBefore = jobCount();
    byte[] content =
        hostile.input().startsWith("gen/")
            ? Generated.file(hostile.input().substring(4))
            : resource(hostile.input());
    HttpResponse<Buffer> answer =
        admin.upload(Imports.PATH, "files", Map.of(hostile.sentAs(), content));
    String must = hostile.mustGet();
    if (must.equals("ready") || must.startsWith("fail")) {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      long id = answer.bodyAsJsonObject().getLong("id");
      JsonObject job = Imports.settle(admin, id);
      String errors = String.valueOf(job.getValue("errors"));
      if (job.getString("status").equals("ready_for_review")) {
        assertThat(Imports.patch(admin, id, "cancel").statusCode()).isEqualTo(200);
        admin.awaitStatus(Imports.PATH + id + "/", "cancel");
      }
      if (must.equals("ready")) {
        assertThat(job.getString("status")).as(errors).isEqualTo("ready_for_review");
      } else {
        assertThat(job.getString("status")).as(job.encode()).isEqualTo("fail");
        JsonObject problem = job.getJsonObject("errors").getJsonArray("standard").getJsonObject(0);
        assertThat(problem.getString("file")).isEqualTo(hostile.sentAs());
        assertThat(errors).contains(must.substring("fail:".length()).trim());
        assertThat(errors).doesNotContainPattern(INTERNALS);
      }
    } else {
      refused(answer.statusCode(), answer.getHeader("Content-Type"), answer.bodyAsString(), must);
      assertThat(jobCount()).as("no job").isEqualTo(jobsBefore);
    }
  }

  private static void raw(Case hostile) {
    long jobsBefore = jobCount();
    Generated.Request request =
        hostile.input().startsWith("gen/")
            ? Generated.request(hostile.input().substring(4))
            : Generated.fromFile(resource(hostile.input()));
    RawHttp.Answer answer =
        RawHttp.send(server.port(), request.head(TestServer.ADMIN_TOKEN), request.body());
    refused(answer.status(), answer.contentType(), answer.body(), hostile.mustGet());
    assertThat(jobCount()).as("no job").isEqualTo(jobsBefore);
  }

  /** A status, and text its detail must hold; every refusal is a JSON {@code detail}. */
  private static void refused(int status, String contentType, String body, String must) {
    String[] expected = must.split(":", 2);
    assertThat(status).as(body).isEqualTo(Integer.parseInt(expected[0].trim()));
    if (status >= 400) {
      assertThat(contentType).as(body).startsWith("application/json");
      String detail = new JsonObject(body).getString("detail");
      assertThat(detail).isNotBlank().doesNotContainPattern(INTERNALS);
      if (expected.length > 1) {
        assertThat(detail).contains(expected[1].trim());
      }
    }
  }

  private static JsonArray standards() {
    return admin
        .get("/api/v2/library/standards/?page_size=1000&ordering=id")
        .bodyAsJsonObject()
        .getJsonArray("results");
  }

  private static long jobCount() {
    return admin.get(Imports.PATH).bodyAsJsonObject().getLong("count");
  }

  static byte[] resource(String name) {
    try (InputStream in = HostileCorpusTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new AssertionError("no hostile input " + name);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
