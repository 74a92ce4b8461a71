package dev.freight.exports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;

/** What a user does with the library around exports, through the API: import files, read diffs, export. */
final class Library {
  static final String IMPORTS = "/api/v2/library/import/";
  static final String EXPORTS = "/api/v2/library/export/";

  private Library() {}

  /** Uploads one file as an import and waits for its diff; the job, ready for review. */
  static JsonObject review(Client admin, String name, byte[] content) {
    HttpResponse<Buffer> created = admin.upload(IMPORTS, "files", Map.of(name, content));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    long id = created.bodyAsJsonObject().getLong("id");
    JsonObject job = admin.awaitStatus(IMPORTS + id + "/", "ready_for_review", "fail");
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    return job;
  }

  /** Imports the file into the library. */
  static void load(Client admin, String name, byte[] content) {
    long id = review(admin, name, content).getLong("id");
    assertThat(admin.patch(IMPORTS + id + "/", new JsonObject().put("status", "accept_changes")).statusCode())
        .isEqualTo(200);
    admin.awaitStatus(IMPORTS + id + "/", "success");
  }

  /** What importing the file would change: {add, update, delete, unchanged} and the entries; the import is then cancelled. */
  static JsonObject diff(Client admin, String name, byte[] content) {
    long id = review(admin, name, content).getLong("id");
    JsonObject summary = admin.get(IMPORTS + id + "/diff/").bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    JsonObject entries = admin.get(IMPORTS + id + "/diff/standard/?page_size=1000").bodyAsJsonObject();
    assertThat(admin.patch(IMPORTS + id + "/", new JsonObject().put("status", "cancel")).statusCode()).isEqualTo(200);
    return summary.put("entries", entries);
  }

  /** Starts an export and returns the new job. */
  static JsonObject start(Client client, JsonObject request) {
    HttpResponse<Buffer> created = client.post(EXPORTS, request);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject();
  }

  /** Exports and waits for success; the finished job. */
  static JsonObject export(Client client, JsonObject request) {
    long id = start(client, request).getLong("id");
    JsonObject job = client.awaitStatus(EXPORTS + id + "/", "success", "fail", "cancel");
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("success");
    return job;
  }

  static HttpResponse<Buffer> download(Client client, long jobId) {
    return client.get(EXPORTS + jobId + "/download/");
  }
}
