package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerPerTest;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every format goes through the whole life of an import: upload, diff, review, accept. */
class ImportFormatsTest extends ServerPerTest {

  @ParameterizedTest
  @EnumSource(Format.class)
  void addsUpdatesAndDeletesThroughEachFormat(Format format) {
    String file = "standard." + format.extension();
    Map<String, Object> keep = LibraryFiles.standard("KEEP", "Stays the same", 3);
    Map<String, Object> change = LibraryFiles.standard("CHANGE", "Before", 5);
    Map<String, Object> drop = LibraryFiles.standard("DROP", "Goes away", 7);
    Imports.load(admin, file, LibraryFiles.write(format, List.of(keep, change, drop)));
    assertThat(Imports.libraryCount(admin)).isEqualTo(3);

    Map<String, Object> changed = LibraryFiles.standard("CHANGE", "After", 9);
    Map<String, Object> dropped = LibraryFiles.standard("DROP", "Goes away", 7);
    dropped.put("mark_delete", true);
    Map<String, Object> added = LibraryFiles.standard("NEW", "Brand new", 1);
    added.put("active", false);
    JsonObject job =
        Imports.uploadAndSettle(
            admin, file, LibraryFiles.write(format, List.of(keep, changed, dropped, added)));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("ready_for_review");
    assertThat(job.getString("file_format")).isEqualTo(format.extension());
    assertThat(job.getJsonObject("progress").getLong("rows_read")).isEqualTo(4);

    long id = job.getLong("id");
    assertThat(Imports.summary(admin, id))
        .isEqualTo(
            new JsonObject()
                .put("content_model", "standard")
                .put("add", 1)
                .put("update", 1)
                .put("delete", 1)
                .put("unchanged", 1));

    JsonObject diff = admin.get(Imports.PATH + id + "/diff/standard/").bodyAsJsonObject();
    assertThat(diff.getString("content_model")).isEqualTo("standard");
    JsonObject add = diff.getJsonArray("add").getJsonObject(0);
    assertThat(add.getJsonObject("original")).isEqualTo(new JsonObject());
    assertThat(add.getJsonObject("new").getString("id")).isEqualTo("NEW");
    assertThat(add.getJsonObject("new").getBoolean("active")).isFalse();
    assertThat(add.getLong("entry")).isEqualTo(4);
    JsonObject update = diff.getJsonArray("update").getJsonObject(0);
    assertThat(update.getJsonObject("original").getString("title")).isEqualTo("Before");
    assertThat(update.getJsonObject("new").getString("title")).isEqualTo("After");
    assertThat(update.getJsonObject("new").getInteger("priority")).isEqualTo(9);
    assertThat(update.getJsonArray("changed_fields"))
        .isEqualTo(new JsonArray().add("title").add("priority"));
    assertThat(update.getLong("entry")).isEqualTo(2);
    JsonObject delete = diff.getJsonArray("delete").getJsonObject(0);
    assertThat(delete.getJsonObject("original").getString("id")).isEqualTo("DROP");
    assertThat(delete.getJsonObject("new")).isEqualTo(new JsonObject());
    assertThat(delete.getLong("entry")).isEqualTo(3);
    assertThat(List.copyOf(update.getJsonObject("new").fieldNames()))
        .as("fields in model order")
        .isEqualTo(LibraryFiles.COLUMNS);

    JsonObject done = Imports.accept(admin, id);
    assertThat(done.getString("status")).isEqualTo("success");
    assertThat(done.getString("completed")).isNotNull();
    assertThat(done.getJsonObject("accepted_by").getString("email"))
        .isEqualTo(TestServer.ADMIN_EMAIL);
    assertThat(admin.get("/api/v2/library/standards/CHANGE/").bodyAsJsonObject().getString("title"))
        .isEqualTo("After");
    assertThat(admin.get("/api/v2/library/standards/DROP/").statusCode()).isEqualTo(404);
    assertThat(admin.get("/api/v2/library/standards/NEW/").bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("id", "NEW")
                .put("title", "Brand new")
                .put("text", "Text of NEW")
                .put("problem", "P1")
                .put("priority", 1)
                .put("phase", "X1")
                .put("active", false)
                .put("match_conditions", "A1 AND !A2;A3")
                .put("tags", "web,api"));
  }

  @Test
  void csvTakesAnyColumnOrderBomQuotedNewlinesAndFriendlyBooleans() {
    String csv =
        "\uFEFFtitle,id,active,priority,text\n"
            + "\"Quoted, with comma\",Q1,YES,8,\"two\nlines\"\n"
            + "Plain,Q2,0,1,\n";
    Imports.load(admin, "standard.csv", LibraryFiles.csv(csv));
    JsonObject q1 = admin.get("/api/v2/library/standards/Q1/").bodyAsJsonObject();
    assertThat(q1.getString("title")).isEqualTo("Quoted, with comma");
    assertThat(q1.getString("text")).isEqualTo("two\nlines");
    assertThat(q1.getBoolean("active")).isTrue();
    assertThat(admin.get("/api/v2/library/standards/Q2/").bodyAsJsonObject().getBoolean("active"))
        .isFalse();
  }

  @Test
  void aYmlFileIsYaml() {
    String yaml = "- id: Y1\n  title: From yml\n  priority: 4\n  active: false\n";
    Imports.load(admin, "standard.yml", LibraryFiles.csv(yaml));
    JsonObject y1 = admin.get("/api/v2/library/standards/Y1/").bodyAsJsonObject();
    assertThat(y1.getInteger("priority")).isEqualTo(4);
    assertThat(y1.getBoolean("active")).isFalse();
  }

  @Test
  void markDeleteOnAnUnknownIdDoesNothing() {
    String csv = "id,title,mark_delete\nGHOST,Never existed,true\nREAL,Exists,false\n";
    JsonObject job = Imports.uploadAndSettle(admin, "standard.csv", LibraryFiles.csv(csv));
    assertThat(Imports.summary(admin, job.getLong("id")))
        .isEqualTo(
            new JsonObject()
                .put("content_model", "standard")
                .put("add", 1)
                .put("update", 0)
                .put("delete", 0)
                .put("unchanged", 0));
  }

  @Test
  void theLibraryIsListedFilteredAndOrdered() {
    String csv =
        "id,title,text,priority,phase,problem,active\n"
            + "L1,Alpha,about sql injection,3,X1,P1,true\n"
            + "L2,Beta,about xss,9,X2,P1,false\n"
            + "L3,Gamma,SQL again,5,X1,P2,true\n";
    Imports.load(admin, "standard.csv", LibraryFiles.csv(csv));
    assertThat(ids("?search=sql")).containsExactly("L1", "L3");
    assertThat(ids("?active=false")).containsExactly("L2");
    assertThat(ids("?phase=X1&problem=P2")).containsExactly("L3");
    assertThat(ids("?ordering=-priority")).containsExactly("L2", "L3", "L1");
    assertThat(ids("?ordering=title")).containsExactly("L1", "L2", "L3");
    assertThat(admin.get("/api/v2/library/standards/?ordering=colour").statusCode()).isEqualTo(400);
    assertThat(admin.get("/api/v2/library/standards/NOPE/").statusCode()).isEqualTo(404);
    Client reader = admin.createUser("reader@example.com", false);
    assertThat(reader.get("/api/v2/library/standards/L1/").statusCode())
        .as("any user reads the library")
        .isEqualTo(200);
  }

  private List<String> ids(String query) {
    return admin
        .get("/api/v2/library/standards/" + query)
        .bodyAsJsonObject()
        .getJsonArray("results")
        .stream()
        .map(item -> ((JsonObject) item).getString("id"))
        .toList();
  }
}
