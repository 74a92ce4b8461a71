package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad uploads are refused up front (no job) or fail the job with errors naming file, row and field.
 */
class ImportErrorsTest {
  private static TestServer server;
  private static Client admin;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("FREIGHT_HTTP_MAX_UPLOAD_BYTES", "200000"));
    admin = server.admin();
    Imports.load(admin, "standard.csv", LibraryFiles.csv("id,title\nOLD,Already here\n"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long jobCount() {
    return admin.get(Imports.PATH).bodyAsJsonObject().getLong("count");
  }

  private static void refused(HttpResponse<Buffer> response, int status, String detailPart) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detailPart);
  }

  @Test
  void badUploadsGet400AndCreateNoJob() {
    long before = jobCount();
    byte[] csv = LibraryFiles.csv("id,title\nA,B\n");
    refused(Imports.upload(admin, "policies.csv", csv), 400, "name files after one of: standard");
    refused(Imports.upload(admin, "standard.xls", csv), 400, "legacy .xls");
    refused(Imports.upload(admin, "standard.txt", csv), 400, "not a supported format");
    refused(
        admin.upload(Imports.PATH, "files", Map.of("standard.csv", csv, "standard.json", csv)),
        400,
        "same format");
    refused(
        admin.upload(Imports.PATH, "files", Map.of("standard.csv", csv, "STANDARD.csv", csv)),
        400,
        "");
    refused(admin.upload(Imports.PATH, "attachment", Map.of("standard.csv", csv)), 400, "'files'");
    refused(admin.upload(Imports.PATH, "files", Map.of()), 400, "at least one file");
    refused(
        admin.post(Imports.PATH, new JsonObject().put("files", "standard.csv")),
        415,
        "multipart/form-data");
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  void tooLargeUploadsGet413AndOnlySuperusersImport() {
    long before = jobCount();
    refused(Imports.upload(admin, "standard.csv", new byte[300_000]), 413, "too large");
    Client user = admin.createUser("importer@example.com", false);
    refused(
        Imports.upload(user, "standard.csv", LibraryFiles.csv("id,title\nA,B\n")),
        403,
        "permission");
    refused(
        server.client(null).upload(Imports.PATH, "files", Map.of("standard.csv", new byte[10])),
        401,
        "");
    refused(user.get(Imports.PATH), 403, "permission");
    assertThat(jobCount()).isEqualTo(before);
  }

  /** Runs a bad file through a job: it must fail, list its errors, and leave the library alone. */
  private static JsonObject failed(String fileName, byte[] content) {
    JsonObject job = Imports.uploadAndSettle(admin, fileName, content);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("fail");
    assertThat(job.getString("completed")).isNotNull();
    assertThat(Imports.libraryCount(admin)).isEqualTo(1);
    assertThat(admin.get("/api/v2/library/standards/OLD/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Already here");
    assertThat(admin.get(Imports.PATH + job.getLong("id") + "/diff/").statusCode())
        .as("no diff")
        .isEqualTo(409);
    return job.getJsonObject("errors");
  }

  @Test
  void badValuesNameTheFileRowFieldAndValue() {
    JsonObject errors =
        failed(
            "standard.csv",
            LibraryFiles.csv(
                "id,title,priority,active,match_conditions\n"
                    + "A1,Fine,5,true,\n"
                    + "A2,Bad priority,abc,true,\n"
                    + "A3,Out of range,11,maybe,\n"
                    + "bad id!,Bad id,1,true,\n"
                    + "A5,,1,true,A1 AND\n"));
    assertThat(errors.getJsonArray("standard"))
        .containsExactly(
            problem(2, "priority", "abc", "expected an integer"),
            problem(3, "priority", "11", "must be between 1 and 10"),
            problem(3, "active", "maybe", "expected a boolean (true/false, 1/0, yes/no)"),
            problem(4, "id", "bad id!", "must be 1 to 64 letters, digits, '_', '-' or '.'"),
            problem(5, "title", "", "is required"),
            problem(5, "match_conditions", "A1 AND", "unexpected end of rule at position 7"));
    assertThat(errors.getJsonObject("totals")).isEqualTo(new JsonObject().put("standard", 6));
  }

  private static JsonObject problem(long entry, String field, Object value, String message) {
    return new JsonObject()
        .put("file", "standard.csv")
        .put("entry", entry)
        .put("field", field)
        .put("value", value)
        .put("message", message);
  }

  @Test
  void anUnknownColumnIsReportedOnce() {
    JsonObject errors =
        failed("standard.csv", LibraryFiles.csv("id,title,colour\nA,B,red\nC,D,blue\n"));
    assertThat(errors.getJsonArray("standard"))
        .containsExactly(problem(1, "colour", "red", "unknown field"));
  }

  @Test
  void aMissingIdColumnFailsTheFile() {
    JsonObject errors = failed("standard.csv", LibraryFiles.csv("title,priority\nNo id,5\n"));
    assertThat(errors.getJsonArray("standard"))
        .containsExactly(
            new JsonObject()
                .put("file", "standard.csv")
                .put("line", 1)
                .put("message", "there is no 'id' column"));
  }

  @Test
  void duplicateIdsInOneFileAreErrors() {
    JsonObject errors =
        failed("standard.csv", LibraryFiles.csv("id,title\nD1,First\nD2,Other\nD1,Again\n"));
    assertThat(errors.getJsonArray("standard"))
        .containsExactly(problem(3, "id", "D1", "duplicate id: also given at entry 1"));
  }

  @Test
  void aDuplicateInALaterBatchIsFoundAlongWithBadValuesAndNothingOfTheDiffIsKept() {
    long diffRowsBefore = TestServerTables.diffRows(server);
    StringBuilder csv = new StringBuilder("id,title,priority\n");
    for (int i = 1; i <= 6000; i++) {
      String id = i == 5601 ? "R8" : "R" + i;
      csv.append(id).append(",T,").append(i == 2 ? "high" : "1").append('\n');
    }
    JsonObject errors = failed("standard.csv", LibraryFiles.csv(csv.toString()));
    assertThat(errors.getJsonArray("standard"))
        .containsExactly(
            problem(2, "priority", "high", "expected an integer"),
            problem(5601, "id", "R8", "duplicate id: also given at entry 8"));
    assertThat(TestServerTables.diffRows(server)).isEqualTo(diffRowsBefore);
  }

  @Test
  void errorsAreCappedAtAThousandWithTheTotal() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", "E" + i);
      row.put("title", "T");
      row.put("priority", "high");
      rows.add(row);
    }
    JsonObject errors =
        failed(
            "standard.csv",
            LibraryFiles.write(Format.CSV, List.of("id", "title", "priority"), rows));
    assertThat(errors.getJsonArray("standard")).hasSize(1000);
    assertThat(errors.getJsonObject("totals").getLong("standard")).isEqualTo(1500);
  }

  @Test
  void unparseableFilesFailWithTheFileAndLine() {
    JsonObject json =
        failed(
            "standard.json",
            LibraryFiles.csv(
                "[\n{\"id\": \"J1\", \"title\": \"ok\"},\n{\"id\": \"J2\" \"title\": \"no comma\"}\n]"));
    JsonObject problem = json.getJsonArray("standard").getJsonObject(0);
    assertThat(problem.getString("file")).isEqualTo("standard.json");
    assertThat(problem.getLong("line")).isEqualTo(3);

    JsonObject yaml = failed("standard.yaml", LibraryFiles.csv("- &a {id: Y1, title: t}\n- *a\n"));
    assertThat(yaml.getJsonArray("standard").getJsonObject(0).getString("message"))
        .contains("aliases");

    JsonObject csv = failed("standard.csv", LibraryFiles.csv("id,title\nC1,ok\nC2,too,many\n"));
    assertThat(csv.getJsonArray("standard").getJsonObject(0).getLong("line")).isEqualTo(3);

    JsonObject xlsx = failed("standard.xlsx", LibraryFiles.csv("this is not a spreadsheet"));
    assertThat(xlsx.getJsonArray("standard").getJsonObject(0).getString("file"))
        .isEqualTo("standard.xlsx");
  }

  @Test
  void aNestedJsonValueIsRefused() {
    JsonObject errors =
        failed("standard.json", LibraryFiles.csv("[{\"id\": \"N1\", \"title\": {\"en\": \"x\"}}]"));
    assertThat(errors.getJsonArray("standard").getJsonObject(0).getString("file"))
        .isEqualTo("standard.json");
  }

  @Test
  void unknownJobsAndModelsAre404() {
    assertThat(admin.get(Imports.PATH + "999999/").statusCode()).isEqualTo(404);
    assertThat(admin.get(Imports.PATH + "999999/diff/").statusCode()).isEqualTo(404);
    assertThat(admin.get(Imports.PATH + "abc/").statusCode()).isEqualTo(400);
    JsonObject job =
        Imports.uploadAndSettle(
            admin, "standard.csv", LibraryFiles.csv("id,title\nOLD,Already here\n"));
    assertThat(admin.get(Imports.PATH + job.getLong("id") + "/diff/policy/").statusCode())
        .isEqualTo(404);
    assertThat(Imports.patch(admin, job.getLong("id"), "cancel").statusCode()).isEqualTo(200);
  }
}
