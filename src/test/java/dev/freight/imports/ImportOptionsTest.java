package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerPerTest;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.formats.RowReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The optional fields of an import's create: skip_invalid and the errors file, column_mapping and
 * ignore_unknown_columns, mode=sync; end to end, in every format.
 */
class ImportOptionsTest extends ServerPerTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Format.class)
  void skipsInvalidRowsAndTheirFixedErrorsFileImportsTheRest(Format format) {
    String name = "standard." + format.extension();
    Map<String, Object> badPriority = LibraryFiles.standard("B2", "Bad priority", 5);
    badPriority.put("priority", 99);
    Map<String, Object> badTitle = LibraryFiles.standard("D4", "", 5);
    List<Map<String, Object>> rows =
        List.of(
            LibraryFiles.standard("A1", "Fine", 1),
            badPriority,
            LibraryFiles.standard("C3", "Also fine", 2),
            badTitle);
    JsonObject job =
        settle(
            upload(admin, name, LibraryFiles.write(format, rows), Map.of("skip_invalid", "true")));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    assertThat(job.getJsonObject("options")).isEqualTo(new JsonObject().put("skip_invalid", true));
    assertThat(job.getJsonObject("errors").getJsonObject("totals"))
        .isEqualTo(new JsonObject().put("standard", 2));
    long id = job.getLong("id");
    assertThat(Imports.summary(admin, id))
        .isEqualTo(
            new JsonObject()
                .put("content_model", "standard")
                .put("add", 2)
                .put("update", 0)
                .put("delete", 0)
                .put("unchanged", 0)
                .put("skipped", 2));

    HttpResponse<Buffer> download = admin.get(Imports.PATH + id + "/errors/download/");
    assertThat(download.statusCode()).as(download.bodyAsString()).isEqualTo(200);
    assertThat(download.getHeader("Content-Type")).isEqualTo(format.mediaType());
    assertThat(download.getHeader("Content-Disposition")).contains("filename=\"" + name + "\"");
    List<Map<String, Object>> bad = read(format, download.body().getBytes());
    assertThat(bad).hasSize(2);
    List<String> columns = new ArrayList<>(LibraryFiles.COLUMNS);
    columns.addAll(List.of("entry", "errors"));
    assertThat(List.copyOf(bad.get(0).keySet())).isEqualTo(columns);
    assertThat(bad.get(0).get("id")).isEqualTo("B2");
    assertThat(number(bad.get(0).get("entry"))).isEqualTo(2);
    assertThat((String) bad.get(0).get("errors")).startsWith("priority: ");
    assertThat(bad.get(1).get("id")).isEqualTo("D4");
    assertThat(number(bad.get(1).get("entry"))).isEqualTo(4);
    assertThat((String) bad.get(1).get("errors")).startsWith("title: ");

    assertThat(Imports.accept(admin, id).getString("status")).isEqualTo("success");
    assertThat(Imports.libraryCount(admin)).isEqualTo(2);

    // Fixed in place, and sent again as it is: entry and errors are ignored.
    bad.get(0).put("priority", bad.get(0).get("priority") instanceof String ? "3" : 3);
    bad.get(1).put("title", "Fixed");
    JsonObject again =
        Imports.uploadAndSettle(admin, name, LibraryFiles.write(format, columns, bad));
    assertThat(again.getString("status")).as(again.encode()).isEqualTo("ready_for_review");
    assertThat(again.containsKey("options")).isFalse();
    assertThat(Imports.summary(admin, again.getLong("id")))
        .isEqualTo(
            new JsonObject()
                .put("content_model", "standard")
                .put("add", 2)
                .put("update", 0)
                .put("delete", 0)
                .put("unchanged", 0));
    Imports.accept(admin, again.getLong("id"));
    assertThat(admin.get("/api/v2/library/standards/D4/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Fixed");
    assertThat(admin.get("/api/v2/library/standards/B2/").bodyAsJsonObject().getInteger("priority"))
        .isEqualTo(3);
  }

  @Test
  void aFailedJobsErrorsFileHasEveryBadRowBeyondTheCapInFileOrder() {
    // Every row has the unknown column "note"; every other one a bad priority too.
    int rows = 2 * ErrorReport.CAP + 100;
    StringBuilder csv = new StringBuilder("id,title,priority,note\n");
    for (int i = 1; i <= rows; i++) {
      csv.append("S").append(i).append(",T").append(i).append(',');
      csv.append(i % 2 == 0 ? "x" : "2").append(",\"n, ").append(i).append("\"\n");
    }
    JsonObject job =
        Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.csv(csv.toString()));
    assertThat(job.getString("status")).isEqualTo("fail");
    JsonObject errors = job.getJsonObject("errors");
    assertThat(errors.getJsonArray("standard")).hasSize(ErrorReport.CAP);
    assertThat(errors.getJsonObject("totals").getLong("standard")).isEqualTo(rows / 2 + 1);

    HttpResponse<Buffer> download =
        admin.get(Imports.PATH + job.getLong("id") + "/errors/download/");
    assertThat(download.statusCode()).as(download.bodyAsString()).isEqualTo(200);
    List<Map<String, Object>> bad = read(Format.CSV, download.body().getBytes());
    assertThat(bad).hasSize(rows);
    assertThat(List.copyOf(bad.get(0).keySet()))
        .containsExactly("id", "title", "priority", "note", "entry", "errors");
    for (int i = 0; i < bad.size(); i++) {
      assertThat(bad.get(i).get("entry")).isEqualTo(String.valueOf(i + 1));
      assertThat(bad.get(i).get("note")).isEqualTo("n, " + (i + 1));
    }
    assertThat(bad.get(0).get("errors")).isEqualTo("note: unknown field");
    assertThat(bad.get(1).get("errors"))
        .isEqualTo("priority: " + errorOf(job, 2, "priority") + "; note: unknown field");
  }

  @Test
  void skipInvalidKeepsTheFirstRowOfAnIdGivenTwice() {
    Map<String, Object> again = LibraryFiles.standard("A1", "Second", 2);
    Map<String, Object> bad = LibraryFiles.standard("C3", "Bad", 2);
    bad.put("phase", "not a code");
    byte[] file =
        LibraryFiles.write(
            Format.CSV,
            List.of(
                LibraryFiles.standard("A1", "First", 1),
                LibraryFiles.standard("B2", "Two", 2),
                again,
                bad));
    JsonObject failed = Imports.uploadAndSettle(admin, "standard.csv", file);
    assertThat(failed.getString("status")).as("without skip_invalid").isEqualTo("fail");

    JsonObject job = settle(upload(admin, "standard.csv", file, Map.of("skip_invalid", "true")));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    long id = job.getLong("id");
    JsonObject summary = Imports.summary(admin, id);
    assertThat(summary.getInteger("add")).isEqualTo(2);
    assertThat(summary.getInteger("skipped")).isEqualTo(2);
    JsonArray added =
        admin.get(Imports.PATH + id + "/diff/standard/").bodyAsJsonObject().getJsonArray("add");
    assertThat(added.stream().map(a -> ((JsonObject) a).getJsonObject("new").getString("title")))
        .containsExactly("First", "Two");
    assertThat(job.getJsonObject("errors").getJsonArray("standard").stream())
        .anySatisfy(
            e -> assertThat(((JsonObject) e).getString("message")).contains("duplicate id"));
  }

  @Test
  void noErrorsFileForAJobWithoutBadRows() {
    JsonObject job =
        Imports.uploadAndSettle(
            admin,
            "standard.csv",
            LibraryFiles.write(Format.CSV, List.of(LibraryFiles.standard("A1", "Fine", 1))));
    HttpResponse<Buffer> none = admin.get(Imports.PATH + job.getLong("id") + "/errors/download/");
    assertThat(none.statusCode()).isEqualTo(409);
    assertThat(none.bodyAsJsonObject().getString("detail")).contains("no rows with problems");
    assertThat(admin.get(Imports.PATH + "999/errors/download/").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void syncWithAnEmptyFileDeletesEveryItemOnlyOnceAccepted(Format format) {
    String name = "standard." + format.extension();
    Imports.load(
        admin,
        name,
        LibraryFiles.write(
            format,
            List.of(
                LibraryFiles.standard("C3", "Three", 3),
                LibraryFiles.standard("A1", "One", 1),
                LibraryFiles.standard("B2", "Two", 2))));

    JsonObject job =
        settle(upload(admin, name, LibraryFiles.write(format, List.of()), Map.of("mode", "sync")));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    assertThat(job.getJsonObject("options")).isEqualTo(new JsonObject().put("mode", "sync"));
    long id = job.getLong("id");
    assertThat(Imports.summary(admin, id).getInteger("delete")).isEqualTo(3);
    JsonArray deletes =
        admin.get(Imports.PATH + id + "/diff/standard/").bodyAsJsonObject().getJsonArray("delete");
    assertThat(deletes.stream().map(d -> ((JsonObject) d).getString("reason")))
        .containsOnly("absent");
    assertThat(
            deletes.stream().map(d -> ((JsonObject) d).getJsonObject("original").getString("id")))
        .containsExactly("A1", "B2", "C3");
    assertThat(deletes.stream().map(d -> ((JsonObject) d).getLong("entry")))
        .containsExactly(1L, 2L, 3L);
    assertThat(Imports.libraryCount(admin)).as("nothing changes before review").isEqualTo(3);

    assertThat(Imports.accept(admin, id).getString("status")).isEqualTo("success");
    assertThat(Imports.libraryCount(admin)).isZero();
  }

  @Test
  void syncKeepsWhatTheFileNamesAndMergeKeepsEverything() {
    Imports.load(
        admin,
        "standard.csv",
        LibraryFiles.write(
            Format.CSV,
            List.of(LibraryFiles.standard("A1", "One", 1), LibraryFiles.standard("B2", "Two", 2))));
    byte[] onlyB =
        LibraryFiles.write(
            Format.CSV,
            List.of(LibraryFiles.standard("B2", "Two", 2), LibraryFiles.standard("C3", "New", 3)));

    JsonObject merge = settle(upload(admin, "standard.csv", onlyB, Map.of("mode", "merge")));
    assertThat(Imports.summary(admin, merge.getLong("id")))
        .isEqualTo(
            new JsonObject()
                .put("content_model", "standard")
                .put("add", 1)
                .put("update", 0)
                .put("delete", 0)
                .put("unchanged", 1));
    Imports.patch(admin, merge.getLong("id"), "cancel");

    JsonObject sync = settle(upload(admin, "standard.csv", onlyB, Map.of("mode", "sync")));
    long id = sync.getLong("id");
    JsonObject diff = admin.get(Imports.PATH + id + "/diff/standard/").bodyAsJsonObject();
    assertThat(diff.getJsonArray("add")).hasSize(1);
    JsonObject absent = diff.getJsonArray("delete").getJsonObject(0);
    assertThat(diff.getJsonArray("delete")).hasSize(1);
    assertThat(absent.getJsonObject("original").getString("id")).isEqualTo("A1");
    assertThat(absent.getString("reason")).isEqualTo("absent");
    assertThat(absent.getLong("entry")).as("after the file's last row").isEqualTo(3);
    Imports.accept(admin, id);
    assertThat(admin.get("/api/v2/library/standards/A1/").statusCode()).isEqualTo(404);
    assertThat(Imports.libraryCount(admin)).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void mapsColumnsAndSkipsUnknownOnesAsAsked(Format format) {
    String name = "standard." + format.extension();
    List<String> columns = List.of(" Identifier ", "Name", "PRIORITY", "Colour");
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(" Identifier ", "M1");
    row.put("Name", "Mapped");
    row.put("PRIORITY", format == Format.CSV ? "7" : 7);
    row.put("Colour", "blue");
    byte[] file = LibraryFiles.write(format, columns, List.of(row));
    String mapping = new JsonObject().put("identifier", "id").put("name", "title").encode();

    JsonObject job =
        settle(
            upload(
                admin,
                name,
                file,
                Map.of("column_mapping", mapping, "ignore_unknown_columns", "true")));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    assertThat(job.getJsonObject("ignored_columns"))
        .isEqualTo(new JsonObject().put("standard", new JsonArray().add("Colour")));
    assertThat(job.getJsonObject("options"))
        .isEqualTo(
            new JsonObject()
                .put("ignore_unknown_columns", true)
                .put("column_mapping", new JsonObject(mapping)));
    JsonObject added =
        admin
            .get(Imports.PATH + job.getLong("id") + "/diff/standard/")
            .bodyAsJsonObject()
            .getJsonArray("add")
            .getJsonObject(0)
            .getJsonObject("new");
    assertThat(added.getString("id")).isEqualTo("M1");
    assertThat(added.getString("title")).isEqualTo("Mapped");
    assertThat(added.getInteger("priority")).isEqualTo(7);
    Imports.patch(admin, job.getLong("id"), "cancel");

    JsonObject unmatched = settle(upload(admin, name, file, Map.of("column_mapping", mapping)));
    assertThat(unmatched.getString("status")).isEqualTo("fail");
    assertThat(
            unmatched
                .getJsonObject("errors")
                .getJsonArray("standard")
                .getJsonObject(0)
                .getString("message"))
        .contains("'Colour' matches no field");
  }

  @Test
  void badOptionsAreRefusedWithA400AndNoJob() {
    byte[] file = LibraryFiles.write(Format.CSV, List.of(LibraryFiles.standard("A1", "Fine", 1)));
    List<Map<String, String>> bad =
        List.of(
            Map.of("column_mapping", "{\"Name\": \"name\"}"),
            Map.of("column_mapping", "{\"Name\": \"title\", \"Heading\": \"title\"}"),
            Map.of("column_mapping", "[\"title\"]"),
            Map.of("column_mapping", "{\"Name\": 3}"),
            Map.of("column_mapping", "not json"),
            Map.of("mode", "sync", "skip_invalid", "true"),
            Map.of("mode", "replace"),
            Map.of("skip_invalid", "yes"),
            Map.of("ignore_unknown_columns", "1"));
    for (Map<String, String> fields : bad) {
      HttpResponse<Buffer> refused = upload(admin, "standard.csv", file, fields);
      assertThat(refused.statusCode()).as(fields + ": " + refused.bodyAsString()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("detail")).isNotBlank();
    }
    assertThat(
            upload(admin, "standard.csv", file, Map.of("column_mapping", "{\"Name\": \"nope\"}"))
                .bodyAsJsonObject()
                .getString("detail"))
        .contains("'nope'");
    assertThat(admin.get(Imports.PATH).bodyAsJsonObject().getLong("count")).isZero();
  }

  @Test
  void otherFormFieldsAreIgnoredAsBefore() {
    byte[] file = LibraryFiles.write(Format.CSV, List.of(LibraryFiles.standard("A1", "Fine", 1)));
    JsonObject job = settle(upload(admin, "standard.csv", file, Map.of("comment", "hello")));
    assertThat(job.getString("status")).isEqualTo("ready_for_review");
    assertThat(job.fieldNames()).doesNotContain("options", "ignored_columns");
    assertThat(Imports.summary(admin, job.getLong("id")).fieldNames()).doesNotContain("skipped");
  }

  @Test
  void anUnreadableFileStillFailsUnderSkipInvalid() {
    JsonObject job =
        settle(
            upload(
                admin,
                "standard.csv",
                LibraryFiles.csv("title\nNo id column\n"),
                Map.of("skip_invalid", "true")));
    assertThat(job.getString("status")).isEqualTo("fail");
    assertThat(
            job.getJsonObject("errors")
                .getJsonArray("standard")
                .getJsonObject(0)
                .getString("message"))
        .contains("no 'id' column");
  }

  private static String errorOf(JsonObject job, long entry, String field) {
    return job.getJsonObject("errors").getJsonArray("standard").stream()
        .map(JsonObject.class::cast)
        .filter(e -> e.getLong("entry") == entry && field.equals(e.getString("field")))
        .findFirst()
        .orElseThrow()
        .getString("message");
  }

  static HttpResponse<Buffer> upload(
      Client client, String fileName, byte[] content, Map<String, String> fields) {
    MultipartForm form = MultipartForm.create();
    fields.forEach(form::attribute);
    form.binaryFileUpload("files", fileName, Buffer.buffer(content), "application/octet-stream");
    return client.request(HttpMethod.POST, Imports.PATH).sendMultipartForm(form).await();
  }

  private JsonObject settle(HttpResponse<Buffer> created) {
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    return Imports.settle(admin, created.bodyAsJsonObject().getLong("id"));
  }

  private List<Map<String, Object>> read(Format format, byte[] content) {
    try {
      Path file = Files.createTempFile(dir, "errors", "." + format.extension());
      Files.write(file, content);
      List<Map<String, Object>> rows = new ArrayList<>();
      try (RowReader reader = format.openReader(file, "standard", ReadLimits.DEFAULT)) {
        for (Map<String, Object> row = reader.next(); row != null; row = reader.next()) {
          rows.add(new LinkedHashMap<>(row));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
  }
}
