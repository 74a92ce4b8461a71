package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

/** What every endpoint shares: the contract, JSON errors, body limits, health. */
class ApiBasicsTest extends ServerTest {

  private static void assertError(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
  }

  @Test
  void healthNeedsNoTokenAndReportsTheDatabase() {
    HttpResponse<Buffer> health = server.client(null).get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonObject body = health.bodyAsJsonObject();
    assertThat(body.getString("node")).isNotBlank();
    body.remove("node");
    // A single node: no cluster, itself the only member.
    assertThat(body)
        .isEqualTo(
            new JsonObject()
                .put("status", "UP")
                .put("db", "UP")
                .put("clustered", false)
                .put("members", 1));
  }

  @Test
  void theContractIsServed() {
    HttpResponse<Buffer> contract = server.client(null).get("/openapi.yaml");
    assertThat(contract.statusCode()).isEqualTo(200);
    assertThat(contract.bodyAsString())
        .startsWith("openapi: 3.1")
        .contains("operationId: getCurrentUser");
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405AsJson() {
    assertError(admin.get("/api/v2/nothing-here/"), 404);
    assertError(admin.request(HttpMethod.DELETE, "/api/v2/users/me/").send().await(), 405);
  }

  @Test
  void bodiesMustBeJsonAndSmall() {
    HttpResponse<Buffer> csv =
        admin
            .request(HttpMethod.POST, "/api/v2/users/")
            .putHeader("Content-Type", "text/csv")
            .sendBuffer(Buffer.buffer("email\nx@example.com"))
            .await();
    assertError(csv, 415);

    String huge = "x".repeat(2 * 1024 * 1024);
    assertError(
        admin.post(
            "/api/v2/users/",
            new JsonObject().put("email", "big@example.com").put("first_name", huge)),
        413);

    HttpResponse<Buffer> broken =
        admin
            .request(HttpMethod.POST, "/api/v2/users/")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("{\"email\":"))
            .await();
    assertError(broken, 400);
  }

  @Test
  void multipartIsRefusedWhereJsonIsExpected() {
    HttpResponse<Buffer> multipart =
        admin
            .request(HttpMethod.POST, "/api/v2/users/")
            .putHeader("Content-Type", "multipart/form-data; boundary=x")
            .sendBuffer(
                Buffer.buffer(
                    "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.c\r\n--x--\r\n"))
            .await();
    assertError(multipart, 415);
  }
}
