package dev.freight;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A user's HTTP session with the server: blocking calls, as a test reads best. */
public final class Client {
  /** A server that stops answering fails the test after a minute instead of hanging the build. */
  private static final WebClient WEB =
      WebClient.create(Vertx.vertx(), new WebClientOptions().setIdleTimeout(60));

  static {
    // Every answer any test receives, through this class or a request it made, meets the contract.
    ContractCheck.install(WEB);
  }

  private final int port;
  private final String token;

  Client(int port, String token) {
    this.port = port;
    this.token = token;
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> request = WEB.request(method, port, "127.0.0.1", path);
    if (token != null) {
      request.putHeader("Authorization", "Token " + token);
    }
    return request;
  }

  public HttpResponse<Buffer> get(String path) {
    return request(HttpMethod.GET, path).send().await();
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return request(HttpMethod.POST, path).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> patch(String path, JsonObject body) {
    return request(HttpMethod.PATCH, path).sendJsonObject(body).await();
  }

  /** Posts files as multipart/form-data, each part in the field {@code field}. */
  public HttpResponse<Buffer> upload(String path, String field, Map<String, byte[]> files) {
    MultipartForm form = MultipartForm.create();
    files.forEach(
        (name, content) ->
            form.binaryFileUpload(field, name, Buffer.buffer(content), "application/octet-stream"));
    return request(HttpMethod.POST, path).sendMultipartForm(form).await();
  }

  /**
   * Polls {@code path} until its JSON {@code status} is one of {@code statuses}; fails after a
   * minute.
   */
  public JsonObject awaitStatus(String path, String... statuses) {
    return await(
        path,
        "status in " + List.of(statuses),
        json -> List.of(statuses).contains(json.getString("status")));
  }

  /**
   * Polls {@code path} until its JSON is {@code reached} ({@code what}, for the failure); fails
   * after a minute.
   */
  public JsonObject await(String path, String what, Predicate<JsonObject> reached) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = get(path).bodyAsJsonObject();
      if (reached.test(last)) {
        return last;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(path + " never reached " + what + "; last: " + last);
  }

  /**
   * Creates a user through the API (this client must be a superuser's) and returns a client for it.
   */
  public Client createUser(String email, boolean superuser) {
    HttpResponse<Buffer> created =
        post("/api/v2/users/", new JsonObject().put("email", email).put("is_superuser", superuser));
    if (created.statusCode() != 201) {
      throw new AssertionError(
          "creating " + email + ": " + created.statusCode() + " " + created.bodyAsString());
    }
    return new Client(port, created.bodyAsJsonObject().getString("token"));
  }

  public String token() {
    return token;
  }

  public Client withToken(String other) {
    return new Client(port, other);
  }
}
