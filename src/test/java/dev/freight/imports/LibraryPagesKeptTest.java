package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerPerTest;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A filtered page and its count are kept between requests (counting a large library, or searching
 * it for common words, costs more than answering from memory): both are still right after every
 * import that changes the library, accepted or reverted.
 */
class LibraryPagesKeptTest extends ServerPerTest {
  /**
   * The ids of the items with "Title", and how many there are (asked twice: kept the second time).
   */
  private String titled() {
    String answer = null;
    for (int time = 0; time < 2; time++) {
      HttpResponse<Buffer> page =
          admin.get("/api/v2/library/standards/?search=Title&ordering=id&page_size=3");
      assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
      JsonObject body = page.bodyAsJsonObject();
      String ids =
          body.getLong("count")
              + " "
              + body.getJsonArray("results").stream()
                  .map(item -> ((JsonObject) item).getString("id"))
                  .toList();
      assertThat(answer == null || answer.equals(ids)).as(answer + " then " + ids).isTrue();
      answer = ids;
    }
    return answer;
  }

  @Test
  void aFilteredPageAndItsCountFollowEveryChangeOfTheLibrary() {
    Imports.load(admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.BEFORE));
    assertThat(titled()).isEqualTo("5 [S1, S2, S3]");

    // S1 retitled, S3 and S4 deleted, N1 and N2 added: S2 and S5 keep "Title".
    JsonObject changes =
        Imports.uploadAndSettle(
            admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.changes()));
    assertThat(titled()).as("not applied yet").isEqualTo("5 [S1, S2, S3]");
    long changesId = changes.getLong("id");
    assertThat(Imports.accept(admin, changesId).getString("status")).isEqualTo("success");
    assertThat(titled()).isEqualTo("2 [S2, S5]");

    HttpResponse<Buffer> revert =
        admin.post(
            Imports.PATH + changesId + "/revert/",
            new JsonObject().put("include_conflicts", false));
    assertThat(revert.statusCode()).as(revert.bodyAsString()).isEqualTo(201);
    long revertId = revert.bodyAsJsonObject().getLong("id");
    Imports.settle(admin, revertId);
    assertThat(Imports.accept(admin, revertId).getString("status")).isEqualTo("success");
    assertThat(titled()).isEqualTo("5 [S1, S2, S3]");
  }
}
