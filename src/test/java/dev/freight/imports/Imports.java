package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;

/** The steps of an import as a user takes them (export tests use them too). */
public final class Imports {
  public static final String PATH = "/api/v2/library/import/";

  private Imports() {}

  public static HttpResponse<Buffer> upload(Client client, String fileName, byte[] content) {
    return client.upload(PATH, "files", Map.of(fileName, content));
  }

  /** Uploads and waits until the diff is ready or the job failed. */
  public static JsonObject uploadAndSettle(Client client, String fileName, byte[] content) {
    HttpResponse<Buffer> created = upload(client, fileName, content);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    return settle(client, created.bodyAsJsonObject().getLong("id"));
  }

  public static JsonObject settle(Client client, long id) {
    return client.awaitStatus(PATH + id + "/", "ready_for_review", "fail", "cancel");
  }

  public static HttpResponse<Buffer> patch(Client client, long id, String status) {
    return client.patch(PATH + id + "/", new JsonObject().put("status", status));
  }

  /** Accepts the job's changes and waits until they are applied. */
  public static JsonObject accept(Client client, long id) {
    HttpResponse<Buffer> accepted = patch(client, id, "accept_changes");
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    return client.awaitStatus(PATH + id + "/", "success", "fail");
  }

  /** Imports the file and applies it: the library then holds its rows. */
  public static void load(Client client, String fileName, byte[] content) {
    JsonObject job = uploadAndSettle(client, fileName, content);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    assertThat(accept(client, job.getLong("id")).getString("status")).isEqualTo("success");
  }

  public static JsonObject summary(Client client, long id) {
    return client
        .get(PATH + id + "/diff/")
        .bodyAsJsonObject()
        .getJsonArray("results")
        .getJsonObject(0);
  }

  public static long libraryCount(Client client) {
    return client.get("/api/v2/library/standards/?page_size=1").bodyAsJsonObject().getLong("count");
  }
}
