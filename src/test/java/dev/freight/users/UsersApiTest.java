package dev.freight.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerTest;
import dev.freight.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

class UsersApiTest extends ServerTest {

  private static void assertError(HttpResponse<Buffer> response, int status, String detailPart) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detailPart);
  }

  @Test
  void theConfiguredAdminTokenAuthenticatesAsTheSuperuser() {
    JsonObject me = admin.get("/api/v2/users/me/").bodyAsJsonObject();
    assertThat(me.getString("email")).isEqualTo(TestServer.ADMIN_EMAIL);
    assertThat(me.getBoolean("is_superuser")).isTrue();
    assertThat(me.getBoolean("is_active")).isTrue();
    assertThat(me.getString("uuid")).hasSize(36);
    assertThat(me.getInteger("id")).isPositive();
  }

  @Test
  void requestsWithoutAValidTokenAre401() {
    assertError(server.client(null).get("/api/v2/users/me/"), 401, "not provided");
    assertError(server.client("wrong-token").get("/api/v2/users/me/"), 401, "Invalid token");
    HttpResponse<Buffer> bearer =
        server
            .client(null)
            .request(HttpMethod.GET, "/api/v2/users/me/")
            .putHeader("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
            .send()
            .await();
    assertError(bearer, 401, "Token <key>");
  }

  @Test
  void quotedTokensAsTheDocsShowThemAreAccepted() {
    HttpResponse<Buffer> quoted =
        server
            .client(null)
            .request(HttpMethod.GET, "/api/v2/users/me/")
            .putHeader("Authorization", "Token \"" + TestServer.ADMIN_TOKEN + "\"")
            .send()
            .await();
    assertThat(quoted.statusCode()).isEqualTo(200);
  }

  @Test
  void aSuperuserCreatesUsersWhoseTokenIsShownOnce() {
    HttpResponse<Buffer> created =
        admin.post(
            "/api/v2/users/",
            new JsonObject()
                .put("email", "ann@example.com")
                .put("first_name", "Ann")
                .put("last_name", "Lee"));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject ann = created.bodyAsJsonObject();
    assertThat(ann.getString("token")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(ann.getBoolean("is_superuser")).isFalse();

    JsonObject me =
        admin.withToken(ann.getString("token")).get("/api/v2/users/me/").bodyAsJsonObject();
    assertThat(me.getString("first_name")).isEqualTo("Ann");
    assertThat(me.containsKey("token")).as("the token is never shown again").isFalse();
  }

  @Test
  void creatingUsersIsValidated() {
    assertError(
        admin.post("/api/v2/users/", new JsonObject().put("first_name", "No Email")), 400, "email");
    assertError(
        admin.post("/api/v2/users/", new JsonObject().put("email", "not-an-email")), 400, "");
    assertError(
        admin.post(
            "/api/v2/users/", new JsonObject().put("email", "x@example.com").put("extra", 1)),
        400,
        "");
    admin.createUser("dup@example.com", false);
    assertError(
        admin.post("/api/v2/users/", new JsonObject().put("email", "DUP@example.com")),
        400,
        "already exists");
  }

  @Test
  void onlySuperusersListAndCreateUsers() {
    Client bob = admin.createUser("bob@example.com", false);
    assertError(bob.get("/api/v2/users/"), 403, "permission");
    assertError(
        bob.post("/api/v2/users/", new JsonObject().put("email", "eve@example.com")),
        403,
        "permission");

    Client root = admin.createUser("root2@example.com", true);
    assertThat(root.get("/api/v2/users/").statusCode()).isEqualTo(200);
    // createUser never returns null: what counts is the user it made, reached with its token.
    Client made = root.createUser("made-by-root2@example.com", false);
    HttpResponse<Buffer> me = made.get("/api/v2/users/me/");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("email")).isEqualTo("made-by-root2@example.com");
    assertThat(me.bodyAsJsonObject().getBoolean("is_superuser")).isFalse();
    assertError(made.get("/api/v2/users/"), 403, "permission");
  }

  @Test
  void usersAreListedInPages() {
    for (int i = 0; i < 5; i++) {
      admin.createUser("page" + i + "@example.com", false);
    }
    JsonObject first = admin.get("/api/v2/users/?page_size=2").bodyAsJsonObject();
    long count = first.getLong("count");
    assertThat(count).isGreaterThanOrEqualTo(6);
    assertThat(first.getJsonArray("results")).hasSize(2);
    assertThat(first.getString("previous")).isNull();
    assertThat(first.getString("next")).endsWith("/api/v2/users/?page_size=2&page=2");

    long lastPage = (count + 1) / 2;
    JsonObject last = admin.get("/api/v2/users/?page_size=2&page=" + lastPage).bodyAsJsonObject();
    assertThat(last.getString("next")).isNull();
    assertThat(last.getString("previous")).endsWith("page=" + (lastPage - 1));

    JsonObject beyond = admin.get("/api/v2/users/?page=999").bodyAsJsonObject();
    assertThat(beyond.getJsonArray("results")).isEmpty();
    assertThat(beyond.getLong("count")).isEqualTo(count);

    assertError(admin.get("/api/v2/users/?page_size=1001"), 400, "page_size");
    assertError(admin.get("/api/v2/users/?page=0"), 400, "page");
    assertError(admin.get("/api/v2/users/?page=abc"), 400, "page");
  }

  @Test
  void rotatingATokenRetiresTheOldOne() {
    HttpResponse<Buffer> created =
        admin.post("/api/v2/users/", new JsonObject().put("email", "carol@example.com"));
    JsonObject carol = created.bodyAsJsonObject();
    Client oldSession = admin.withToken(carol.getString("token"));

    HttpResponse<Buffer> rotated =
        oldSession.post("/api/v2/users/" + carol.getInteger("id") + "/token/", new JsonObject());
    assertThat(rotated.statusCode()).isEqualTo(200);
    String fresh = rotated.bodyAsJsonObject().getString("token");
    assertThat(fresh).isNotEqualTo(carol.getString("token"));

    assertError(oldSession.get("/api/v2/users/me/"), 401, "Invalid token");
    assertThat(admin.withToken(fresh).get("/api/v2/users/me/").statusCode()).isEqualTo(200);
  }

  @Test
  void onlySuperusersRotateOtherUsersTokens() {
    Client dave = admin.createUser("dave@example.com", false);
    int adminId = admin.get("/api/v2/users/me/").bodyAsJsonObject().getInteger("id");
    assertError(
        dave.post("/api/v2/users/" + adminId + "/token/", new JsonObject()), 403, "superuser");

    int daveId = dave.get("/api/v2/users/me/").bodyAsJsonObject().getInteger("id");
    assertThat(admin.post("/api/v2/users/" + daveId + "/token/", new JsonObject()).statusCode())
        .isEqualTo(200);
    assertError(dave.get("/api/v2/users/me/"), 401, "Invalid token");
    assertError(admin.post("/api/v2/users/999999/token/", new JsonObject()), 404, "999999");
  }
}
