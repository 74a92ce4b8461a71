package dev.freight.listexports;

import static dev.freight.listexports.ListExports.STANDARDS;
import static dev.freight.listexports.ListExports.accepted;
import static dev.freight.listexports.ListExports.awaitCompleted;
import static dev.freight.listexports.ListExports.download;
import static dev.freight.listexports.ListExports.exported;
import static dev.freight.listexports.ListExports.path;
import static dev.freight.listexports.ListExports.rows;
import static dev.freight.listexports.ListExports.standard;
import static dev.freight.listexports.ListExports.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * v1 exports as a user meets them: start, poll, download and read the file; who sees what; the
 * list's lookups.
 */
class ListExportsTest {
  /** Small parts, so that every export here is joined from several. */
  private static final int PAGE_SIZE = 7;

  private static final Map<String, String> EN =
      labels(
          "ID",
          "Title",
          "Text",
          "Problem",
          "Priority",
          "Phase",
          "Active",
          "Match conditions",
          "Tags");

  /** Too long for an Excel cell, fine for the other formats. */
  private static final String LONG_TEXT = "x".repeat(40_000);

  private static TestServer server;
  private static Client admin;
  private static final List<Map<String, Object>> LIBRARY = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of("FREIGHT_EXPORTS_V1_PAGE_SIZE", String.valueOf(PAGE_SIZE)));
    admin = server.admin();
    LIBRARY.add(
        standard("S01", "Quotes \"and\", commas", "two\nlines", "PR1", 1, "P1", true, "a,b"));
    LIBRARY.add(standard("S02", "Größe ✓", "", "", 10, "P2", false, ""));
    for (int i = 3; i <= 30; i++) {
      LIBRARY.add(
          standard(
              String.format("S%02d", i),
              "Standard " + i,
              "Text " + i,
              i % 2 == 0 ? "PR1" : "",
              1 + i % 10,
              i % 3 == 0 ? "P1" : "P2",
              i % 4 != 0,
              "t" + i));
    }
    LIBRARY.add(standard("S31", "Long", LONG_TEXT, "", 5, "P2", true, ""));
    ListExports.importStandards(admin, LIBRARY);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static Map<String, String> labels(String... labels) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i++) {
      map.put(ListExports.STANDARD_FIELDS.get(i), labels[i]);
    }
    return map;
  }

  private static List<Map<String, String>> expected(Predicate<Map<String, Object>> which) {
    return LIBRARY.stream().filter(which).map(standard -> exported(standard, EN)).toList();
  }

  @Test
  void csvIsJoinedFromItsPartsUnderOneHeader() {
    JsonObject created = start(admin, STANDARDS, new JsonObject());
    assertThat(created.fieldNames())
        .containsExactlyInAnyOrder(
            "id",
            "action_name",
            "viewset",
            "request_path",
            "request_fields",
            "format_type",
            "language",
            "filter_file",
            "requested_by",
            "status",
            "total_count",
            "collected_count",
            "fail_count",
            "page",
            "last_instance_id",
            "uploaded_parts",
            "result_file",
            "error_message",
            "created_date",
            "modified_date");
    assertThat(created.getString("id"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(created.getString("action_name")).isEqualTo("export_standards");
    assertThat(created.getString("viewset")).isEqualTo("StandardViewSet");
    assertThat(created.getString("request_path")).isEqualTo(STANDARDS);
    assertThat(created.getJsonArray("request_fields").getList())
        .isEqualTo(ListExports.STANDARD_FIELDS);
    assertThat(created.getString("format_type")).isEqualTo("csv");
    assertThat(created.getString("language")).isEqualTo("en");
    assertThat(created.getString("requested_by"))
        .isEqualTo(admin.get("/api/v2/users/me/").bodyAsJsonObject().getString("uuid"));

    JsonObject done = awaitCompleted(admin, created);
    assertThat(done.getLong("total_count")).isEqualTo(31);
    assertThat(done.getLong("collected_count")).isEqualTo(31);
    assertThat(done.getLong("fail_count")).isZero();
    assertThat(done.getJsonArray("uploaded_parts").getList())
        .containsExactly("part_1.csv", "part_2.csv", "part_3.csv", "part_4.csv", "part_5.csv");
    assertThat(done.getInteger("page")).isEqualTo(6);
    assertThat(done.getLong("last_instance_id")).isPositive();
    assertThat(done.getString("result_file")).isEqualTo(path(created) + "download/");
    assertThat(done.getString("error_message")).isNull();

    HttpResponse<Buffer> file = download(admin, done);
    assertThat(file.getHeader("Content-Type")).isEqualTo("text/csv");
    assertThat(file.getHeader("Content-Disposition"))
        .isEqualTo("attachment; filename=\"export_standards_" + created.getString("id") + ".csv\"");
    assertThat(file.getHeader("Content-Length")).isEqualTo(String.valueOf(file.body().length()));
    assertThat(file.bodyAsString().split("\n", -1))
        .filteredOn(line -> line.startsWith("ID,"))
        .hasSize(1);
    assertThat(rows(file, Format.CSV)).containsExactlyInAnyOrderElementsOf(expected(s -> true));
  }

  @Test
  void jsonIsOneArrayWithNumbersAndBooleans() {
    JsonObject done =
        awaitCompleted(admin, start(admin, STANDARDS, new JsonObject().put("format_type", "json")));
    HttpResponse<Buffer> file = download(admin, done);
    assertThat(file.getHeader("Content-Type")).isEqualTo("application/json");
    JsonArray array = file.bodyAsJsonArray();
    assertThat(array).hasSize(31);
    JsonObject first =
        array.stream()
            .map(JsonObject.class::cast)
            .filter(item -> item.getString("ID").equals("S02"))
            .findFirst()
            .orElseThrow();
    assertThat(first.getValue("Priority")).isEqualTo(10);
    assertThat(first.getValue("Active")).isEqualTo(false);
    assertThat(first.getString("Title")).isEqualTo("Größe ✓");
    assertThat(rows(file, Format.JSON)).containsExactlyInAnyOrderElementsOf(expected(s -> true));
  }

  @Test
  void xlsIsOneWorkbookAndARowThatDoesNotFitACellIsCountedAsFailed() {
    JsonObject done =
        awaitCompleted(admin, start(admin, STANDARDS, new JsonObject().put("format_type", "xls")));
    assertThat(done.getLong("total_count")).isEqualTo(31);
    assertThat(done.getLong("collected_count")).isEqualTo(30);
    assertThat(done.getLong("fail_count")).isEqualTo(1);
    assertThat(done.getJsonArray("uploaded_parts").getList()).first().isEqualTo("part_1.xlsx");
    HttpResponse<Buffer> file = download(admin, done);
    assertThat(file.getHeader("Content-Type")).isEqualTo(Format.XLSX.mediaType());
    assertThat(file.getHeader("Content-Disposition")).endsWith(".xlsx\"");
    assertThat(rows(file, Format.XLSX))
        .containsExactlyInAnyOrderElementsOf(expected(s -> !s.get("id").equals("S31")));
  }

  @Test
  void fieldsKeepTheirOrderAndTheLanguageNamesTheHeaders() {
    JsonObject created =
        start(
            admin,
            STANDARDS,
            new JsonObject()
                .put("fields", new JsonArray().add("title").add("id").add("priority"))
                .put("language", "de"));
    assertThat(created.getJsonArray("request_fields").getList())
        .containsExactly("title", "id", "priority");
    assertThat(created.getString("language")).isEqualTo("de");
    HttpResponse<Buffer> file = download(admin, awaitCompleted(admin, created));
    assertThat(file.bodyAsString()).startsWith("Titel,ID,Priorität\r\n");
    List<Map<String, String>> rows = rows(file, Format.CSV);
    assertThat(rows).hasSize(31);
    assertThat(rows.get(0).keySet()).containsExactly("Titel", "ID", "Priorität");
    assertThat(rows).contains(Map.of("Titel", "Größe ✓", "ID", "S02", "Priorität", "10"));
  }

  @Test
  void theListsFiltersSelectTheRows() {
    JsonObject done =
        awaitCompleted(admin, start(admin, STANDARDS + "?phase=P1&active=true", new JsonObject()));
    List<Map<String, String>> wanted =
        expected(s -> s.get("phase").equals("P1") && (boolean) s.get("active"));
    assertThat(wanted).hasSizeGreaterThan(3);
    assertThat(done.getLong("total_count")).isEqualTo(wanted.size());
    assertThat(rows(download(admin, done), Format.CSV)).containsExactlyInAnyOrderElementsOf(wanted);

    JsonObject searched =
        awaitCompleted(
            admin, start(admin, STANDARDS + "?search=gr%C3%B6%C3%9Fe", new JsonObject()));
    assertThat(rows(download(admin, searched), Format.CSV))
        .extracting(row -> row.get("ID"))
        .containsExactly("S02");
  }

  @Test
  void aFilterFileSelectsTheIdsItLists() {
    MultipartForm form =
        MultipartForm.create()
            .attribute("format_type", "json")
            .attribute("fields", "id,active")
            .binaryFileUpload(
                "filter_file",
                "ids.csv",
                Buffer.buffer("id\nS03\r\n\"S04\"\nS05\n\nS99\n"),
                "text/csv");
    HttpResponse<Buffer> response =
        admin.request(HttpMethod.POST, STANDARDS + "?active=true").sendMultipartForm(form).await();
    JsonObject created = accepted(response);
    assertThat(created.getString("filter_file")).isEqualTo("ids.csv");
    assertThat(created.getJsonArray("request_fields").getList()).containsExactly("id", "active");
    JsonObject done = awaitCompleted(admin, created);
    assertThat(done.getLong("total_count")).isEqualTo(2); // S04 is inactive, S99 unknown
    assertThat(rows(download(admin, done), Format.JSON))
        .containsExactlyInAnyOrder(
            Map.of("ID", "S03", "Active", "true"), Map.of("ID", "S05", "Active", "true"));
  }

  @Test
  void badRequestsSayWhatIsWrong() {
    assertBadRequest(
        admin.post(
            STANDARDS, new JsonObject().put("fields", new JsonArray().add("id").add("nope"))),
        "'nope'",
        "match_conditions");
    assertBadRequest(
        admin.post(STANDARDS, new JsonObject().put("language", "fr")), "'fr'", "en, de");
    assertBadRequest(
        admin.post(STANDARDS, new JsonObject().put("format_type", "pdf")),
        "'pdf'",
        "csv, xls, json");
    assertBadRequest(admin.post(STANDARDS, new JsonObject().put("format", "csv")), "'format'");
    // As the list answers: the export action checks the list's filters by the same contract.
    assertBadRequest(
        admin.post(STANDARDS + "?active=maybe", new JsonObject()), "active", "boolean");
    MultipartForm twoColumns =
        MultipartForm.create()
            .binaryFileUpload(
                "filter_file", "ids.csv", Buffer.buffer("id,title\nS01,x\n"), "text/csv");
    assertBadRequest(
        admin.request(HttpMethod.POST, STANDARDS).sendMultipartForm(twoColumns).await(),
        "one id a line");
    MultipartForm empty =
        MultipartForm.create()
            .binaryFileUpload("filter_file", "ids.txt", Buffer.buffer("id\n"), "text/plain");
    assertBadRequest(
        admin.request(HttpMethod.POST, STANDARDS).sendMultipartForm(empty).await(), "no ids");
    HttpResponse<Buffer> tooBig =
        admin
            .request(HttpMethod.POST, STANDARDS)
            .sendMultipartForm(
                MultipartForm.create()
                    .binaryFileUpload(
                        "filter_file", "ids.txt", Buffer.buffer(new byte[17 << 20]), "text/plain"))
            .await();
    assertThat(tooBig.statusCode()).isEqualTo(413);
  }

  private static void assertBadRequest(HttpResponse<Buffer> response, String... mentions) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(mentions);
  }

  @Test
  void usersSeeAndDownloadOnlyTheirOwnExports() {
    Client ann = admin.createUser("ann@example.com", false);
    Client bob = admin.createUser("bob@example.com", false);
    JsonObject annsExport =
        awaitCompleted(
            ann, start(ann, STANDARDS, new JsonObject().put("fields", new JsonArray().add("id"))));
    assertThat(annsExport.getString("requested_by"))
        .isEqualTo(ann.get("/api/v2/users/me/").bodyAsJsonObject().getString("uuid"));
    assertThat(rows(download(ann, annsExport), Format.CSV)).hasSize(31);
    assertThat(ids(ann.get("/api/v1/exports/?page_size=1000")))
        .containsExactly(annsExport.getString("id"));

    assertThat(bob.get(path(annsExport)).statusCode()).isEqualTo(404);
    assertThat(bob.get(path(annsExport) + "download/").statusCode()).isEqualTo(404);
    assertThat(ids(bob.get("/api/v1/exports/?page_size=1000"))).isEmpty();

    assertThat(admin.get(path(annsExport)).statusCode()).isEqualTo(200);
    assertThat(admin.get(path(annsExport) + "download/").statusCode()).isEqualTo(200);
    assertThat(ids(admin.get("/api/v1/exports/?page_size=1000")))
        .contains(annsExport.getString("id"));

    assertThat(ann.post(path(annsExport) + "set_cancel/", new JsonObject()).statusCode())
        .isEqualTo(403);
    assertThat(ann.post("/api/v2/library/import/export/", new JsonObject()).statusCode())
        .isEqualTo(403);
    assertThat(admin.get("/api/v1/exports/not-a-uuid/").statusCode()).isEqualTo(404);
    assertThat(admin.get("/api/v1/exports/00000000-0000-0000-0000-000000000000/").statusCode())
        .isEqualTo(404);
  }

  @Test
  void superusersExportImportJobsWithTheirFilters() {
    JsonObject done =
        awaitCompleted(
            admin,
            start(
                admin,
                "/api/v2/library/import/export/?status=success",
                new JsonObject()
                    .put(
                        "fields",
                        new JsonArray()
                            .add("id")
                            .add("status")
                            .add("triggered_by")
                            .add("rows_read"))));
    assertThat(done.getString("viewset")).isEqualTo("LibraryImportJobViewSet");
    assertThat(done.getString("action_name")).isEqualTo("export_library_import_jobs");
    assertThat(rows(download(admin, done), Format.CSV))
        .containsExactly(
            Map.of(
                "ID",
                "1",
                "Status",
                "success",
                "Triggered by",
                TestServer.ADMIN_EMAIL,
                "Rows read",
                "31"));
    JsonObject none =
        awaitCompleted(
            admin,
            start(
                admin, "/api/v2/library/import/export/?status__in=fail,cancel", new JsonObject()));
    assertThat(none.getLong("total_count")).isZero();
    assertThat(rows(download(admin, none), Format.CSV)).isEmpty();
    assertBadRequest(
        admin.post("/api/v2/library/import/export/?status__in=success,done", new JsonObject()),
        "'done'");
  }

  @Test
  void superusersExportLibraryExportJobsWithTheirFilters() {
    JsonObject job =
        admin
            .post("/api/v2/library/export/", new JsonObject().put("file_format", "csv"))
            .bodyAsJsonObject();
    admin.awaitStatus("/api/v2/library/export/" + job.getLong("id") + "/", "success");
    JsonObject done =
        awaitCompleted(
            admin,
            start(
                admin,
                "/api/v2/library/export/export/?status=success",
                new JsonObject()
                    .put(
                        "fields",
                        new JsonArray().add("id").add("file_format").add("content_models"))));
    assertThat(done.getString("viewset")).isEqualTo("LibraryExportJobViewSet");
    assertThat(done.getString("action_name")).isEqualTo("export_library_export_jobs");
    assertThat(rows(download(admin, done), Format.CSV))
        .containsExactly(
            Map.of(
                "ID",
                String.valueOf(job.getLong("id")),
                "File format",
                "csv",
                "Content models",
                "standard"));
    assertBadRequest(
        admin.post("/api/v2/library/export/export/?status__in=success,done", new JsonObject()),
        "'done'");
    Client user = admin.createUser("export-lister@example.com", false);
    assertThat(user.post("/api/v2/library/export/export/", new JsonObject()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void createdDateLookupsFilterTheList() {
    JsonObject export =
        awaitCompleted(
            admin,
            start(admin, STANDARDS, new JsonObject().put("fields", new JsonArray().add("id"))));
    String id = export.getString("id");
    String created = export.getString("created_date");
    LocalDate day =
        OffsetDateTime.parse(created).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
    assertThat(listed("created_date=" + created)).contains(id);
    assertThat(listed("created_date__gte=" + created)).contains(id);
    assertThat(listed("created_date__lte=" + created)).contains(id);
    assertThat(listed("created_date__gt=" + created)).doesNotContain(id);
    assertThat(listed("created_date__lt=" + created)).doesNotContain(id);
    assertThat(listed("created_date__gt=" + day)).contains(id);
    assertThat(listed("created_date__date=" + day)).contains(id);
    assertThat(listed("created_date__date__gte=" + day)).contains(id);
    assertThat(listed("created_date__date__lte=" + day)).contains(id);
    assertThat(listed("created_date__date__gt=" + day)).doesNotContain(id);
    assertThat(listed("created_date__date__lt=" + day)).doesNotContain(id);
    assertThat(
            listed(
                "created_date__date__lt=" + day.plusDays(1) + "&status=completed&format_type=csv"))
        .contains(id);
    assertThat(listed("created_date__date__gt=" + day.minusDays(1) + "&format_type=json"))
        .doesNotContain(id);

    assertBadRequest(
        admin.get("/api/v1/exports/?created_date__gt=yesterday"), "created_date__gt", "yesterday");
    assertBadRequest(
        admin.get("/api/v1/exports/?created_date__date=2024-01-01T00:00:00Z"),
        "created_date__date");
    assertBadRequest(
        admin.get("/api/v1/exports/?created_date__between=2024-01-01"), "created_date__between");
    assertThat(admin.get("/api/v1/exports/?status=done").statusCode()).isEqualTo(400);
  }

  @Test
  void theListIsPagedNewestFirst() {
    JsonObject older =
        start(admin, STANDARDS, new JsonObject().put("fields", new JsonArray().add("id")));
    JsonObject newer =
        start(admin, STANDARDS, new JsonObject().put("fields", new JsonArray().add("id")));
    JsonObject first = admin.get("/api/v1/exports/?page_size=1").bodyAsJsonObject();
    assertThat(ids(first)).containsExactly(newer.getString("id"));
    assertThat(first.getString("next")).endsWith("page_size=1&page=2");
    assertThat(ids(admin.get("/api/v1/exports/?page_size=1&page=2").bodyAsJsonObject()))
        .containsExactly(older.getString("id"));
    awaitCompleted(admin, older);
    awaitCompleted(admin, newer);
  }

  private static List<String> listed(String query) {
    HttpResponse<Buffer> response =
        admin.get("/api/v1/exports/?page_size=1000&" + query.replace("+", "%2B"));
    assertThat(response.statusCode()).as(query + ": " + response.bodyAsString()).isEqualTo(200);
    return ids(response);
  }

  private static List<String> ids(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return ids(response.bodyAsJsonObject());
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("results").stream()
        .map(item -> ((JsonObject) item).getString("id"))
        .toList();
  }
}
