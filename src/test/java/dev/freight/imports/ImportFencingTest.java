package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run that lost its job (another node claimed it: the job's run token moved on) writes nothing
 * more of its diff, even while it still reads its file; the job's next run computes the whole diff
 * again and it applies once.
 */
class ImportFencingTest {
  private static final int ROWS = 300_000;

  @Test
  void aRunThatLostItsJobWritesNoMoreOfItsDiff() throws InterruptedException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(LibraryFiles.standard("F" + i, "Standard " + i, 1 + i % 10));
    }
    // A short lease: the node takes the job again soon after its first run ends without it.
    try (TestServer server = TestServer.start(Map.of("FREIGHT_JOBS_LEASE_SECONDS", "2"))) {
      Client admin = server.admin();
      long id =
          Imports.upload(admin, "standard.csv", LibraryFiles.write(Format.CSV, rows))
              .bodyAsJsonObject()
              .getLong("id");
      String diffRows = "SELECT count(*) FROM import_diffs WHERE job_id = " + id;
      admin.await(
          Imports.PATH + id + "/",
          "a part of the diff stored",
          job -> server.count(diffRows) > 0 || !job.getString("status").equals("generating_diff"));
      assertThat(admin.get(Imports.PATH + id + "/").bodyAsJsonObject().getString("status"))
          .isEqualTo("generating_diff");

      // As another node's claim does: the row locked first, so a write under way ends before.
      server.query(
          "WITH old AS (SELECT id FROM import_jobs WHERE id = "
              + id
              + " FOR UPDATE) UPDATE import_jobs j SET run_token = j.run_token + 1 FROM old"
              + " WHERE j.id = old.id");
      long atClaim = server.count(diffRows);
      Thread.sleep(500);
      JsonObject meanwhile = admin.get(Imports.PATH + id + "/").bodyAsJsonObject();
      assertThat(meanwhile.getJsonObject("progress").getLong("rows_read"))
          .as("the old run still reads its file")
          .isLessThan(ROWS);
      assertThat(server.count(diffRows)).as("but stores no more of its diff").isEqualTo(atClaim);

      JsonObject ready = Imports.settle(admin, id);
      assertThat(ready.getString("status")).isEqualTo("ready_for_review");
      assertThat(server.count(diffRows)).isEqualTo(ROWS);
      assertThat(Imports.summary(admin, id).getLong("add")).isEqualTo(ROWS);
      assertThat(Imports.accept(admin, id).getString("status")).isEqualTo("success");
      assertThat(Imports.libraryCount(admin)).isEqualTo(ROWS);
    }
  }
}
