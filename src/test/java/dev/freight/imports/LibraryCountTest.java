package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.ServerPerTest;
import dev.freight.formats.Format;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A filtered list's count is kept between requests (counting a large library costs more than its
 * page): it is still right after every import that changes the library, accepted or reverted.
 */
class LibraryCountTest extends ServerPerTest {
  private long titled() {
    HttpResponse<Buffer> page = admin.get("/api/v2/library/standards/?search=Title&page_size=1");
    assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
    return page.bodyAsJsonObject().getLong("count");
  }

  @Test
  void aFilteredCountFollowsEveryChangeOfTheLibrary() {
    Imports.load(admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.BEFORE));
    assertThat(titled()).isEqualTo(5);
    assertThat(titled()).isEqualTo(5);

    // S1 retitled, S3 and S4 deleted, N1 and N2 added: S2 and S5 keep "Title".
    JsonObject changes =
        Imports.uploadAndSettle(
            admin, "standard.csv", LibraryFiles.write(Format.CSV, LibraryState.changes()));
    assertThat(titled()).as("not applied yet").isEqualTo(5);
    long changesId = changes.getLong("id");
    assertThat(Imports.accept(admin, changesId).getString("status")).isEqualTo("success");
    assertThat(titled()).isEqualTo(2);

    HttpResponse<Buffer> revert =
        admin.post(
            Imports.PATH + changesId + "/revert/",
            new JsonObject().put("include_conflicts", false));
    assertThat(revert.statusCode()).as(revert.bodyAsString()).isEqualTo(201);
    long revertId = revert.bodyAsJsonObject().getLong("id");
    Imports.settle(admin, revertId);
    assertThat(Imports.accept(admin, revertId).getString("status")).isEqualTo("success");
    assertThat(titled()).isEqualTo(5);
  }
}
