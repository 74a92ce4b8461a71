package dev.freight.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The calls the benchmark makes to Freight's v2 API, as a client would make them. */
final class FreightApi {
  static final String IMPORTS = "/api/v2/library/import/";
  static final String EXPORTS = "/api/v2/library/export/";
  /** Fine enough for operations of a second and more, light enough not to load the server. */
  private static final long POLL_MS = 50;
  /** Longer than any one step of a million-row job takes without reporting progress. */
  private static final long STALL_MS = 10 * 60_000;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper mapper = new ObjectMapper();
  private final String base;
  private final String token;

  FreightApi(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  String url(String path) {
    return base + path;
  }

  /** Uploads {@code file} as standard.FORMAT, streamed from disk; the new import job's id. */
  long upload(Path file, String format) throws IOException, InterruptedException {
    return upload(file, format, Map.of());
  }

  /** As {@link #upload(Path, String)}, with the create's optional form fields ({@code skip_invalid}, ...). */
  long upload(Path file, String format, Map<String, String> fields) throws IOException, InterruptedException {
    String boundary = "freight-bench-" + System.nanoTime();
    StringBuilder head = new StringBuilder();
    fields.forEach((name, value) -> head.append("--").append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
        .append(value).append("\r\n"));
    head.append("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"standard."
        + format + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    HttpRequest request = request(IMPORTS)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(BodyPublishers.concat(BodyPublishers.ofString(head.toString()), BodyPublishers.ofFile(file),
            BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
        .build();
    return send(request).get("id").asLong();
  }

  void accept(long importId) throws IOException, InterruptedException {
    send(json(IMPORTS + importId + "/", "PATCH", "{\"status\": \"accept_changes\"}"));
  }

  /** Reverts a success import: the new import job's id. */
  long revert(long importId) throws IOException, InterruptedException {
    return send(json(IMPORTS + importId + "/revert/", "POST", "{}")).get("id").asLong();
  }

  void cancel(long importId) throws IOException, InterruptedException {
    send(json(IMPORTS + importId + "/", "PATCH", "{\"status\": \"cancel\"}"));
  }

  /** The node's /health: its id, and how many cluster members it sees. */
  JsonNode health() throws IOException, InterruptedException {
    return send(request("/health").GET().build());
  }

  /** {"add", "update", "delete", "unchanged"} of the import's diff of the standards. */
  JsonNode diffCounts(long importId) throws IOException, InterruptedException {
    return send(request(IMPORTS + importId + "/diff/").GET().build()).get("results").get(0);
  }

  /** Starts a full export; empty when this server has no export API (404). */
  OptionalLong export(String format) throws IOException, InterruptedException {
    HttpRequest request = json(EXPORTS, "POST",
        "{\"type\": \"full\", \"file_format\": \"" + format + "\", \"content_models\": [\"standard\"]}");
    HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(check(response).get("id").asLong());
  }

  /** Downloads an export, counting its bytes without keeping them. */
  long download(long exportId) throws IOException, InterruptedException {
    return download(EXPORTS + exportId + "/download/", OutputStream.nullOutputStream());
  }

  /** Downloads {@code path} into {@code to}; the bytes downloaded. */
  long download(String path, OutputStream to) throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.send(request(path).GET().build(), BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("download of " + path + ": HTTP " + response.statusCode());
      }
      return body.transferTo(to);
    }
  }

  /**
   * Polls a job ({@link #IMPORTS} or {@link #EXPORTS} + id) until it reaches one of {@code statuses}; gives up
   * when neither its status nor its progress has moved for {@link #STALL_MS}.
   */
  JsonNode await(String jobPath, String... statuses) throws IOException, InterruptedException {
    List<String> wanted = List.of(statuses);
    String last = "";
    long lastChange = System.currentTimeMillis();
    while (true) {
      JsonNode job = send(request(jobPath).GET().build());
      String now = job.get("status").asText();
      if (wanted.contains(now)) {
        return job;
      }
      if (now.equals("fail") || now.equals("cancel") || System.currentTimeMillis() - lastChange > STALL_MS) {
        throw new IllegalStateException(jobPath + " is " + now + " waiting for " + wanted + ": "
            + job.toString().substring(0, Math.min(1000, job.toString().length())));
      }
      String state = now + job.get("progress");
      if (!state.equals(last)) {
        last = state;
        lastChange = System.currentTimeMillis();
      }
      Thread.sleep(POLL_MS);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Token " + token);
  }

  private HttpRequest json(String path, String method, String body) {
    return request(path).header("Content-Type", "application/json")
        .method(method, BodyPublishers.ofString(body)).build();
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    return check(http.send(request, BodyHandlers.ofString()));
  }

  private JsonNode check(HttpResponse<String> response) throws IOException {
    if (response.statusCode() / 100 != 2) {
      throw new IOException(response.request().method() + " " + response.uri() + ": HTTP " + response.statusCode()
          + " " + response.body());
    }
    return mapper.readTree(response.body());
  }
}
