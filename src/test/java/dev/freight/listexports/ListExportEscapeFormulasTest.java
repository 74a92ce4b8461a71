package dev.freight.listexports;

import static dev.freight.listexports.ListExports.STANDARDS;
import static dev.freight.listexports.ListExports.awaitCompleted;
import static dev.freight.listexports.ListExports.download;
import static dev.freight.listexports.ListExports.rows;
import static dev.freight.listexports.ListExports.standard;
import static dev.freight.listexports.ListExports.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import dev.freight.formats.Format;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code escape_formulas} of a list export (v1): CSV cells kept from running as formulas. */
class ListExportEscapeFormulasTest extends ServerTest {
  @BeforeAll
  static void seed() {
    ListExports.importStandards(
        admin,
        List.of(
            standard("F1", "=1+2", "@SUM(A1)", "", 5, "", true, "-tag"),
            standard("F2", "+cmd", "\ttab first", "", 5, "", true, "plain")));
  }

  private static List<Map<String, String>> export(JsonObject body) {
    JsonObject created =
        start(admin, STANDARDS, body.put("fields", new JsonArray().add("id").add("title")));
    return rows(download(admin, awaitCompleted(admin, created)), Format.CSV);
  }

  @Test
  void withTheOptionCellsThatLookLikeFormulasGetAQuote() {
    assertThat(export(new JsonObject().put("escape_formulas", true)))
        .containsExactly(
            Map.of("ID", "F1", "Title", "'=1+2"), Map.of("ID", "F2", "Title", "'+cmd"));
  }

  @Test
  void withoutItCellsAreAsStored() {
    assertThat(export(new JsonObject()))
        .containsExactly(Map.of("ID", "F1", "Title", "=1+2"), Map.of("ID", "F2", "Title", "+cmd"));
  }

  @Test
  void theOptionIsTrueOrFalse() {
    assertThat(
            admin
                .post(STANDARDS, new JsonObject().put("escape_formulas", "yes"))
                .bodyAsJsonObject()
                .getString("detail"))
        .contains("escape_formulas must be true or false");
  }
}
