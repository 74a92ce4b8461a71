package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import dev.freight.formats.Format;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server stopped in the middle of an import picks the job up again when it starts. */
class ImportResumeTest {
  @Test
  void aDiffInterruptedByAStopIsGeneratedAgainAfterTheRestart() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 150_000; i++) {
      rows.add(LibraryFiles.standard("M" + i, "Standard " + i, 1 + i % 10));
    }
    TestServer server = TestServer.start();
    long id = Imports.upload(server.admin(), "standard.csv", LibraryFiles.write(Format.CSV, rows))
        .bodyAsJsonObject().getLong("id");
    server.admin().awaitStatus(Imports.PATH + id + "/", "generating_diff");

    TestServer restarted = server.restart();
    try {
      JsonObject job = Imports.settle(restarted.admin(), id);
      assertThat(job.getString("status")).isEqualTo("ready_for_review");
      assertThat(job.getJsonObject("progress").getLong("rows_read")).isEqualTo(150_000);
      assertThat(Imports.summary(restarted.admin(), id).getLong("add")).isEqualTo(150_000);
      assertThat(Imports.accept(restarted.admin(), id).getString("status")).isEqualTo("success");
      assertThat(Imports.libraryCount(restarted.admin())).isEqualTo(150_000);
    } finally {
      restarted.close();
    }
  }
}
