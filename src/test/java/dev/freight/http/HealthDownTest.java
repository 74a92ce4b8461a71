package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

class HealthDownTest {
  @Test
  void healthIs503WhileTheDatabaseRefusesConnections() {
    try (TestServer server = TestServer.start()) {
      String db = server.database();
      TestServer.sql("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
      TestServer.sql(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");

      HttpResponse<Buffer> down = server.client(null).get("/health");
      assertThat(down.statusCode()).isEqualTo(503);
      JsonObject body = down.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("DOWN");
      assertThat(body.getString("db")).isEqualTo("DOWN");

      TestServer.sql("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
      assertThat(server.client(null).get("/health").statusCode()).isEqualTo(200);
    }
  }
}
