package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check that every answer of every test goes through finds what it must: it is not enough that
 * the suite passes, the check must be able to fail.
 */
class ContractCheckTest {
  private static final String JSON = "application/json";
  private static final String STANDARD_PATH = "/api/v2/library/standards/S1/";
  private static final String STANDARD =
      "{\"id\":\"S1\",\"title\":\"T\",\"text\":\"\",\"problem\":\"P1\",\"priority\":5,"
          + "\"phase\":\"\",\"active\":true,\"match_conditions\":\"A1 AND !A2;A3\",\"tags\":\"\"}";
  private static final String JOB =
      "{\"id\":1,\"status\":\"pending\",\"triggered\":\"2025-06-06T16:20:24.332063-04:00\","
          + "\"triggered_by\":{\"id\":1,\"email\":\"a@example.com\",\"first_name\":\"\","
          + "\"last_name\":\"\"},\"accepted\":null,\"accepted_by\":null,\"completed\":null,"
          + "\"errors\":null,\"file_format\":\"csv\",\"progress\":{\"rows_read\":0,"
          + "\"bytes_read\":0,\"bytes_total\":10}}";

  private static String check(String method, String uri, int status, String type, String body) {
    return check(method, uri, status, type == null ? Map.of() : Map.of("Content-Type", type), body);
  }

  private static String check(
      String method, String uri, int status, Map<String, String> headers, String body) {
    Map<String, List<String>> lists = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, value) -> lists.put(name, List.of(value)));
    return ContractCheck.problems(
        method, uri, status, lists, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void declaredAnswersPass() {
    assertThat(check("GET", STANDARD_PATH, 200, JSON, STANDARD)).isNull();
    assertThat(check("GET", STANDARD_PATH + "?x=1", 404, JSON, "{\"detail\":\"Not found.\"}"))
        .isNull();
    assertThat(check("GET", "/api/v2/library/import/current/", 200, JSON, JOB)).isNull();
    assertThat(check("GET", "/openapi.yaml", 200, "application/yaml", "openapi: 3.1.0")).isNull();
    assertThat(
            check(
                "GET",
                "/api/v2/library/export/1/download/",
                200,
                Map.of(
                    "content-type",
                    "text/csv",
                    "Content-Disposition",
                    "attachment; filename=\"x\""),
                "id,title\n"))
        .isNull();
  }

  @Test
  void anUndeclaredStatusOrMediaTypeFails() {
    assertThat(check("GET", STANDARD_PATH, 418, JSON, "{\"detail\":\"x\"}"))
        .contains("validation.response.status.unknown");
    assertThat(check("GET", STANDARD_PATH, 200, "text/csv", "a,b"))
        .contains("validation.response.contentType.notAllowed");
  }

  @Test
  void aBodyThatDoesNotMatchItsSchemaFails() {
    assertThat(check("GET", STANDARD_PATH, 200, JSON, STANDARD.replace("{", "{\"x\":1,")))
        .contains("additionalProperties", "[\"x\"]");
    assertThat(
            check("GET", STANDARD_PATH, 200, JSON, STANDARD.replace("\"priority\":5", "\"p\":5")))
        .contains("required");
    assertThat(check("GET", STANDARD_PATH, 200, JSON, STANDARD.replace(":5", ":\"5\"")))
        .contains("/priority");
    assertThat(check("GET", STANDARD_PATH, 200, JSON, STANDARD.replace(":5", ":11")))
        .contains("/priority", "maximum");
    assertThat(check("GET", STANDARD_PATH, 200, JSON, STANDARD.replace("\"P1\"", "\"1P\"")))
        .contains("/problem", "regex");
    assertThat(check("GET", STANDARD_PATH, 200, JSON, STANDARD.replace("\"S1\"", "\"S 1\"")))
        .contains("/id", "regex");
  }

  @Test
  void nullIsAllowedOnlyWhereDeclared() {
    assertThat(check("GET", "/api/v2/library/import/1/", 200, JSON, JOB.replace("1,", "null,")))
        .contains("/id");
    assertThat(
            check(
                "GET",
                "/api/v2/library/import/1/",
                200,
                JSON,
                JOB.replace("\"accepted\":null", "\"accepted\":5")))
        .contains("/accepted");
  }

  @Test
  void listsAreCheckedThroughTheirPage() {
    String page = "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}";
    assertThat(check("GET", "/api/v2/users/", 200, JSON, page)).isNull();
    assertThat(check("GET", "/api/v2/users/", 200, JSON, page.replace("}", ",\"x\":1}")))
        .contains("[\"x\"]");
    assertThat(check("GET", "/api/v2/users/", 200, JSON, page.replace("[]", "[{\"id\":1}]")))
        .contains("/results/0");
  }

  @Test
  void aPathOrMethodOutsideTheContractMayOnlyBeTheRoutersError() {
    assertThat(check("GET", "/nope/", 404, JSON, "{\"detail\":\"Not found.\"}")).isNull();
    assertThat(check("DELETE", "/api/v2/users/me/", 405, JSON, "{\"detail\":\"No.\"}")).isNull();
    assertThat(check("GET", "/nope/", 200, JSON, "{\"detail\":\"x\"}")).contains("404 or 405");
    assertThat(check("GET", "/nope/", 404, JSON, "{\"error\":\"x\"}")).contains("Error");
  }

  @Test
  void only31KeywordsWithAnExact30MeaningAreTranslated() {
    assertThat(
            ContractCheck.asOpenApi30(
                "openapi: 3.1.0\ncomponents: {schemas: {A: {type: [string, \"null\"]}}}"))
        .contains("\"nullable\":true")
        .contains("\"openapi\":\"3.0.3\"");
    assertThatThrownBy(
            () ->
                ContractCheck.asOpenApi30(
                    "openapi: 3.1.0\ncomponents: {schemas: {A: {type: [string, integer]}}}"))
        .hasMessageContaining("/components/schemas/A/type");
    assertThatThrownBy(
            () ->
                ContractCheck.asOpenApi30("openapi: 3.1.0\ncomponents: {schemas: {A: {const: 1}}}"))
        .hasMessageContaining("/components/schemas/A/const");
  }
}
