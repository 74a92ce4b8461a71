package dev.freight.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code logging.format: json}: every line a JSON object, an access line per request carrying the
 * request id that was echoed, job lines carrying the job's kind and id, and never a token.
 */
class LogsTest {
  private static TestServer server;
  private static Client admin;

  /** What the server wrote, each record as its console handler formats it. */
  private static final List<String> LINES = new CopyOnWriteArrayList<>();

  private static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          Formatter console = Logger.getLogger("").getHandlers()[0].getFormatter();
          LINES.add(console.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("FREIGHT_LOGGING_FORMAT", "json"));
    admin = server.admin();
    Logger.getLogger("").addHandler(CAPTURE);
  }

  @AfterAll
  static void stop() {
    Logger.getLogger("").removeHandler(CAPTURE);
    server.close();
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.setFormatter(new SimpleFormatter());
    }
  }

  private static HttpResponse<Buffer> get(Client client, String path, String requestId) {
    return client.request(HttpMethod.GET, path).putHeader("X-Request-Id", requestId).send().await();
  }

  /** The parsed lines; each must be one JSON object with the four fields every line has. */
  private static List<JsonObject> lines() {
    return LINES.stream()
        .map(
            line -> {
              assertThat(line).endsWith(System.lineSeparator());
              assertThat(line.strip()).doesNotContain("\n");
              JsonObject json = new JsonObject(line);
              assertThat(json.fieldNames()).contains("time", "level", "logger", "message");
              return json;
            })
        .toList();
  }

  /** The request's access line, written once its answer has been sent: waited for. */
  private static JsonObject accessLine(String requestId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Optional<JsonObject> line =
          lines().stream()
              .filter(json -> requestId.equals(json.getString("request_id")))
              .filter(json -> json.getString("logger").equals("freight.access"))
              .findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no access line for " + requestId + " in " + LINES);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void eachRequestGetsAnAccessLineWithTheIdItWasAnsweredWith() {
    HttpResponse<Buffer> me = get(admin, "/api/v2/users/me/", "client-id-1");
    assertThat(me.getHeader("X-Request-Id")).isEqualTo("client-id-1");
    JsonObject line = accessLine("client-id-1");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("method")).isEqualTo("GET");
    assertThat(line.getString("route")).isEqualTo("/api/v2/users/me");
    assertThat(line.getInteger("status")).isEqualTo(200);
    assertThat(line.getInteger("user_id")).isEqualTo(1);
    assertThat(line.getLong("duration_ms")).isNotNegative();
    assertThat(line.getLong("bytes_out")).isPositive();

    // A job's route is its template, never its id.
    get(admin, "/api/v2/library/import/12345/", "client-id-2");
    assertThat(accessLine("client-id-2").getString("route"))
        .isEqualTo("/api/v2/library/import/{job_id}");
    assertThat(accessLine("client-id-2").getInteger("status")).isEqualTo(404);

    // Without one, or with one that is not a sane id, the server makes one up and says which.
    HttpResponse<Buffer> made = admin.get("/api/v2/users/me/");
    String generated = made.getHeader("X-Request-Id");
    assertThat(generated).matches("[0-9a-f-]{36}");
    assertThat(accessLine(generated).getInteger("status")).isEqualTo(200);
    String replaced = get(admin, "/api/v2/users/me/", "x".repeat(200)).getHeader("X-Request-Id");
    assertThat(replaced).matches("[0-9a-f-]{36}");
    assertThat(get(admin, "/health", "a b\"c").getHeader("X-Request-Id")).matches("[0-9a-f-]{36}");
  }

  @Test
  void jobLinesCarryTheJobsKindAndId() {
    Imports.load(admin, "standard.csv", "id,title\nL1,One\n".getBytes(StandardCharsets.UTF_8));
    assertThat(lines())
        .anySatisfy(
            line -> {
              assertThat(line.getString("job_kind")).isEqualTo("import_jobs");
              assertThat(line.getString("job_id")).isNotBlank();
              assertThat(line.getString("message"))
                  .contains("ready_for_review -> applying_changes");
            });
  }

  @Test
  void noTokenIsEverLogged() {
    Client user = admin.createUser("logged@example.com", false);
    String wrong = "not-a-token-but-looks-secret-0123456789";
    get(user, "/api/v2/users/me/", "with-user-token");
    get(admin.withToken(wrong), "/api/v2/users/me/", "with-wrong-token");
    get(admin.withToken(wrong), "/api/v2/users/?token=" + wrong, "with-token-in-query");
    HttpResponse<Buffer> rotated =
        user.request(HttpMethod.POST, "/api/v2/users/2/token/")
            .putHeader("X-Request-Id", "rotation")
            .send()
            .await();
    String fresh = rotated.bodyAsJsonObject().getString("token");
    accessLine("rotation");
    accessLine("with-user-token");
    assertThat(accessLine("with-wrong-token").getInteger("status")).isEqualTo(401);
    accessLine("with-token-in-query");

    assertThat(LINES).isNotEmpty();
    for (String secret : List.of(TestServer.ADMIN_TOKEN, user.token(), wrong, fresh)) {
      assertThat(LINES).noneMatch(line -> line.contains(secret));
    }
  }
}
