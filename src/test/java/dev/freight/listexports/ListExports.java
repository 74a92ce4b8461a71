package dev.freight.listexports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.StandardColumns;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.formats.RowReader;
import dev.freight.formats.RowWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What export tests share: seeding the library through an import, starting exports, reading
 * results.
 */
final class ListExports {
  static final String STANDARDS = "/api/v2/library/standards/export/";
  static final List<String> STANDARD_FIELDS = StandardColumns.OF_STANDARDS;

  private ListExports() {}

  /** Imports standards (field name to value) the way a user does: upload, review, accept. */
  static void importStandards(Client admin, List<Map<String, Object>> standards) {
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    try (RowWriter writer = Format.CSV.openWriter(csv, null, STANDARD_FIELDS)) {
      for (Map<String, Object> standard : standards) {
        writer.write(STANDARD_FIELDS.stream().map(standard::get).toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpResponse<Buffer> created =
        admin.upload("/api/v2/library/import/", "files", Map.of("standard.csv", csv.toByteArray()));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String job = "/api/v2/library/import/" + created.bodyAsJsonObject().getLong("id") + "/";
    assertThat(admin.awaitStatus(job, "ready_for_review", "fail").getString("status"))
        .isEqualTo("ready_for_review");
    assertThat(admin.patch(job, new JsonObject().put("status", "accept_changes")).statusCode())
        .isEqualTo(200);
    assertThat(admin.awaitStatus(job, "success", "fail").getString("status")).isEqualTo("success");
  }

  /** Starts an export; it must be accepted. */
  static JsonObject start(Client client, String path, JsonObject body) {
    return accepted(client.post(path, body));
  }

  static JsonObject accepted(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject();
  }

  static String path(JsonObject export) {
    return "/api/v1/exports/" + export.getString("id") + "/";
  }

  static JsonObject awaitCompleted(Client client, JsonObject export) {
    JsonObject done = client.awaitStatus(path(export), "completed", "failed", "cancelled");
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    return done;
  }

  static HttpResponse<Buffer> download(Client client, JsonObject export) {
    HttpResponse<Buffer> file = client.get(path(export) + "download/");
    assertThat(file.statusCode()).as(file.bodyAsString()).isEqualTo(200);
    return file;
  }

  /**
   * The rows of a downloaded result, header to value as text (numbers plain, booleans true/false,
   * null empty).
   */
  static List<Map<String, String>> rows(HttpResponse<Buffer> file, Format format) {
    try {
      Path local = Files.createTempFile("export-", "." + format.extension());
      try {
        Files.write(local, file.body().getBytes());
        List<Map<String, String>> rows = new ArrayList<>();
        try (RowReader reader = format.openReader(local, null, ReadLimits.DEFAULT)) {
          for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
            Map<String, String> text = new LinkedHashMap<>();
            row.forEach(
                (header, value) ->
                    text.put(
                        header,
                        value instanceof BigDecimal d
                            ? d.toPlainString()
                            : value == null ? "" : value.toString()));
            rows.add(text);
          }
        }
        return rows;
      } finally {
        Files.delete(local);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A standard as the seed CSV gives it. */
  static Map<String, Object> standard(
      String id,
      String title,
      String text,
      String problem,
      int priority,
      String phase,
      boolean active,
      String tags) {
    Map<String, Object> standard = new LinkedHashMap<>();
    standard.put("id", id);
    standard.put("title", title);
    standard.put("text", text);
    standard.put("problem", problem);
    standard.put("priority", priority);
    standard.put("phase", phase);
    standard.put("active", active);
    standard.put("match_conditions", "");
    standard.put("tags", tags);
    return standard;
  }

  /** The standard as an export shows it: header (in English) to text. */
  static Map<String, String> exported(Map<String, Object> standard, Map<String, String> labels) {
    Map<String, String> row = new LinkedHashMap<>();
    labels.forEach((field, label) -> row.put(label, String.valueOf(standard.get(field))));
    return row;
  }
}
