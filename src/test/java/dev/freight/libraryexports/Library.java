package dev.freight.libraryexports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.imports.Imports;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/**
 * The steps of an export as a user takes them, and the diff an exported file would make on import.
 */
final class Library {
  static final String EXPORTS = "/api/v2/library/export/";

  private Library() {}

  /**
   * What importing the file would change: the summary {add, update, delete, unchanged} with the
   * entries under "entries"; the import is then cancelled so that the next one may start.
   */
  static JsonObject diff(Client admin, String name, byte[] content) {
    JsonObject job = Imports.uploadAndSettle(admin, name, content);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    long id = job.getLong("id");
    JsonObject entries =
        admin.get(Imports.PATH + id + "/diff/standard/?page_size=1000").bodyAsJsonObject();
    JsonObject summary = Imports.summary(admin, id).put("entries", entries);
    assertThat(Imports.patch(admin, id, "cancel").statusCode()).isEqualTo(200);
    return summary;
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
