package dev.freight.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.Test;

/**
 * An export action ({@code <list path>export/}) takes its list's filters, and refuses what the list
 * refuses, in the same words.
 */
class ExportActionQueryTest extends ServerTest {
  private static final String STANDARDS = "/api/v2/library/standards/";
  private static final String IMPORT_JOBS = "/api/v2/library/import/";
  private static final String EXPORT_JOBS = "/api/v2/library/export/";

  private static HttpResponse<Buffer> export(String list, String query) {
    return admin.post(list + "export/?" + query, new JsonObject());
  }

  private static void sameRefusal(String list, String query) {
    HttpResponse<Buffer> listed = admin.get(list + "?" + query);
    assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(400);
    HttpResponse<Buffer> exported = export(list, query);
    assertThat(exported.statusCode()).as(exported.bodyAsString()).isEqualTo(400);
    assertThat(exported.bodyAsJsonObject()).isEqualTo(listed.bodyAsJsonObject());
  }

  @Test
  void aFilterTheListRefusesIsRefusedByItsExportToo() {
    sameRefusal(STANDARDS, "phase=" + "P".repeat(65));
    sameRefusal(STANDARDS, "problem=" + "P".repeat(65));
    sameRefusal(STANDARDS, "search=" + "s".repeat(256));
    sameRefusal(STANDARDS, "active=maybe");
    sameRefusal(IMPORT_JOBS, "status=nope");
    sameRefusal(IMPORT_JOBS, "status__in=" + "a".repeat(201));
    sameRefusal(EXPORT_JOBS, "status=nope");
    sameRefusal(EXPORT_JOBS, "status__in=" + "a".repeat(201));
  }

  @Test
  void anUnknownStatusAmongSeveralIsRefusedByBoth() {
    // Past the contract, the list's verticle and the export's each check the statuses, in their own
    // words.
    for (String list : new String[] {IMPORT_JOBS, EXPORT_JOBS}) {
      String query = "status__in=success,nope";
      HttpResponse<Buffer> listed = admin.get(list + "?" + query);
      HttpResponse<Buffer> exported = export(list, query);
      assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(400);
      assertThat(exported.statusCode()).as(exported.bodyAsString()).isEqualTo(400);
      assertThat(exported.bodyAsJsonObject().getString("detail")).contains("'nope'", "success");
    }
  }

  @Test
  void aFilterTheListTakesItsExportTakesToo() {
    String longest = "phase=" + "P".repeat(64) + "&search=" + "s".repeat(255) + "&active=false";
    assertThat(admin.get(STANDARDS + "?" + longest).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> exported = export(STANDARDS, longest);
    assertThat(exported.statusCode()).as(exported.bodyAsString()).isEqualTo(202);
    assertThat(export(IMPORT_JOBS, "status=success&status__in=fail,cancel").statusCode())
        .isEqualTo(202);
    assertThat(export(EXPORT_JOBS, "status=success&status__in=fail,cancel").statusCode())
        .isEqualTo(202);
  }

  @Test
  void aMultipartExportIsCheckedAlike() {
    String query = "phase=" + "P".repeat(65);
    HttpResponse<Buffer> exported =
        admin
            .request(HttpMethod.POST, STANDARDS + "export/?" + query)
            .sendMultipartForm(
                MultipartForm.create()
                    .binaryFileUpload(
                        "filter_file", "ids.csv", Buffer.buffer("id\nS1\n"), "text/csv"))
            .await();
    assertThat(exported.statusCode()).as(exported.bodyAsString()).isEqualTo(400);
    assertThat(exported.bodyAsJsonObject())
        .isEqualTo(admin.get(STANDARDS + "?" + query).bodyAsJsonObject());
  }
}
