package dev.freight.libraryexports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerTest;
import dev.freight.imports.Imports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code escape_formulas} of a library export (v2): CSV cells kept from running as formulas. */
class LibraryExportEscapeFormulasTest extends ServerTest {
  private static final JsonArray LIBRARY =
      new JsonArray()
          .add(standard("F1", "=1+2", "plain"))
          .add(standard("F2", "+cmd|' /C calc'!A0", "-minus"))
          .add(standard("F3", "@SUM(A1)", "\ttab first"))
          .add(standard("F4", "Safe = not first", "\rcarriage return first"));

  private static JsonObject standard(String id, String title, String text) {
    return new JsonObject().put("id", id).put("title", title).put("text", text);
  }

  @BeforeAll
  static void seed() {
    Imports.load(admin, "standard.json", LIBRARY.toBuffer().getBytes());
  }

  private static String exportCsv(JsonObject options) {
    JsonObject job =
        Library.export(
            admin,
            options
                .put("file_format", "csv")
                .put("content_models", new JsonArray().add("standard")));
    return Library.download(admin, job.getLong("id")).bodyAsString();
  }

  @Test
  void withTheOptionCellsThatLookLikeFormulasGetAQuote() {
    String csv = exportCsv(new JsonObject().put("escape_formulas", true));
    assertThat(csv)
        .contains("F1,'=1+2,plain")
        .contains("F2,'+cmd|' /C calc'!A0,'-minus")
        .contains("F3,'@SUM(A1),'\ttab first")
        .contains("Safe = not first,\"'\rcarriage return first\"");
    // Numbers and booleans are values, never formulas.
    assertThat(csv).contains(",5,").contains(",true,");

    // Imported back, the escaped values keep their quote: the round trip is no longer unchanged.
    JsonObject diff = Library.diff(admin, "standard.csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(diff.getInteger("update")).as(diff.encode()).isEqualTo(4);
  }

  @Test
  void withoutItTheFileImportsBackUnchanged() {
    String csv = exportCsv(new JsonObject());
    assertThat(csv).contains("F1,=1+2,plain").doesNotContain("'=");
    JsonObject diff = Library.diff(admin, "standard.csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(diff.getInteger("unchanged")).as(diff.encode()).isEqualTo(4);
    assertThat(diff.getInteger("update")).isZero();
  }
}
