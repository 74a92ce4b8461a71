package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as an operator runs it: start-up errors, the embedded PostgreSQL's life,
 * restarts.
 */
class ServerProcessIT {
  private static final Pattern TOKEN =
      Pattern.compile("API token for \\S+ \\(shown once, keep it\\): (\\S+)");

  private static JarServer failedStart(Map<String, String> env, String... args) throws Exception {
    JarServer server = new JarServer(env, args);
    assertThat(server.exitCode()).isNotZero();
    assertThat(server.output).as("one clear line, no stack trace").hasSize(1);
    assertThat(server.output.get(0)).startsWith("freight: ");
    return server;
  }

  @Test
  void badConfigurationStopsStartUpWithOneLine() throws Exception {
    Path data = TestServer.tempDir();
    assertThat(failedStart(Map.of("FREIGHT_HTTP_PORT", "70000")).output.get(0))
        .isEqualTo(
            "freight: http.port = '70000' (from FREIGHT_HTTP_PORT) must be between 0 and 65535");
    assertThat(
            failedStart(Map.of(), "--config", data.resolve("nope.yaml").toString()).output.get(0))
        .contains("cannot read config file");
    assertThat(failedStart(Map.of("FREIGHT_CLUSTER_MEMBERS", "127.0.0.1:5701")).output.get(0))
        .isEqualTo(
            "freight: cluster.members is set (from FREIGHT_CLUSTER_MEMBERS) but db.url is empty:"
                + " the nodes of a cluster share one PostgreSQL, set FREIGHT_DB_URL");
    Path unknown = Files.writeString(data.resolve("unknown.yaml"), "colour: blue\n");
    assertThat(failedStart(Map.of(), "--config", unknown.toString()).output.get(0))
        .endsWith("unknown key 'colour'");
    assertThat(
            failedStart(
                    Map.of(
                        "FREIGHT_DB_URL",
                        "postgresql://u:p@127.0.0.1:1/freight",
                        "FREIGHT_DATA_DIR",
                        data.toString(),
                        "FREIGHT_HTTP_PORT",
                        "0"))
                .output
                .get(0))
        .startsWith("freight: cannot reach PostgreSQL at 127.0.0.1:1/freight");
  }

  @Test
  void theEmbeddedDatabaseKeepsDataAcrossRestartsAndCrashes() throws Exception {
    Path data = TestServer.tempDir();
    Map<String, String> env =
        Map.of(
            "FREIGHT_DATA_DIR",
            data.toString(),
            "FREIGHT_HTTP_PORT",
            "0",
            "FREIGHT_HTTP_HOST",
            "127.0.0.1");

    JarServer first = new JarServer(env);
    String token = first.await(TOKEN);
    Client admin = first.client(token);
    assertThat(first.output)
        .anyMatch(line -> line.contains("PostgreSQL embedded") && line.contains(data.toString()));
    admin.createUser("kept@example.com", false);
    first.process.destroy(); // SIGTERM
    assertThat(first.exitCode()).isIn(0, 143);
    assertThat(postgresProcessesFor(data)).as("postgres stopped with the server").isEmpty();

    JarServer second = new JarServer(env);
    Client again = second.client(token);
    assertThat(again.get("/api/v2/users/?page_size=1000").bodyAsString())
        .contains("kept@example.com");
    assertThat(second.output).noneMatch(line -> TOKEN.matcher(line).find());
    second
        .process
        .destroyForcibly()
        .waitFor(); // kill -9: postgres is left running, its pid file stale
    assertThat(postgresProcessesFor(data)).isNotEmpty();

    JarServer third = new JarServer(env);
    assertThat(third.client(token).get("/api/v2/users/?page_size=1000").bodyAsString())
        .contains("kept@example.com");
    assertThat(postgresProcessesFor(data)).as("one postmaster, the orphan was stopped").hasSize(1);
    third.process.destroy();
    third.exitCode();
    assertThat(postgresProcessesFor(data)).isEmpty();
  }

  /** postmaster processes whose command line names this data dir. */
  private static List<Long> postgresProcessesFor(Path data) {
    String dir = data.resolve("postgres").toString();
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(cmd -> cmd.contains("postgres") && cmd.contains(dir))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }
}
