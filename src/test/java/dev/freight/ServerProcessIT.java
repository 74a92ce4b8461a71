package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The packaged jar as an operator runs it: start-up errors, the embedded PostgreSQL's life, restarts. */
class ServerProcessIT {
  private static final Path JAR = Path.of("target/freight.jar").toAbsolutePath();
  private static final Pattern SERVING = Pattern.compile("Freight serving http://[^:]+:(\\d+)");
  private static final Pattern TOKEN = Pattern.compile("API token for \\S+ \\(shown once, keep it\\): (\\S+)");

  /** A running or finished {@code java -jar freight.jar}, its output collected line by line. */
  private static final class Server {
    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();

    Server(Map<String, String> env, String... args) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(Stream.concat(
          Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()),
          Stream.of(args)).toList());
      builder.environment().keySet().removeIf(key -> key.startsWith("FREIGHT_"));
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      process = builder.start();
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
          lines.lines().forEach(output::add);
        } catch (IOException ignored) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    /** The first group of the first output line matching, waiting for it to appear. */
    String await(Pattern pattern) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        for (String line : output) {
          Matcher m = pattern.matcher(line);
          if (m.find()) {
            return m.group(1);
          }
        }
        if (!process.isAlive() && output.stream().noneMatch(l -> pattern.matcher(l).find())) {
          throw new AssertionError("server exited " + process.exitValue() + ": " + output);
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no line matching " + pattern + " in " + output);
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("server exits").isTrue();
      return process.exitValue();
    }

    Client client(String token) throws InterruptedException {
      return new Client(Integer.parseInt(await(SERVING)), token);
    }
  }

  private static Server failedStart(Map<String, String> env, String... args) throws Exception {
    Server server = new Server(env, args);
    assertThat(server.exitCode()).isNotZero();
    assertThat(server.output).as("one clear line, no stack trace").hasSize(1);
    assertThat(server.output.get(0)).startsWith("freight: ");
    return server;
  }

  @Test
  void badConfigurationStopsStartUpWithOneLine() throws Exception {
    Path data = TestServer.tempDir();
    assertThat(failedStart(Map.of("FREIGHT_HTTP_PORT", "70000")).output.get(0))
        .isEqualTo("freight: http.port = '70000' (from FREIGHT_HTTP_PORT) must be between 0 and 65535");
    assertThat(failedStart(Map.of(), "--config", data.resolve("nope.yaml").toString()).output.get(0))
        .contains("cannot read config file");
    Path unknown = Files.writeString(data.resolve("unknown.yaml"), "colour: blue\n");
    assertThat(failedStart(Map.of(), "--config", unknown.toString()).output.get(0))
        .endsWith("unknown key 'colour'");
    assertThat(failedStart(Map.of("FREIGHT_DB_URL", "postgresql://u:p@127.0.0.1:1/freight",
            "FREIGHT_DATA_DIR", data.toString(), "FREIGHT_HTTP_PORT", "0")).output.get(0))
        .startsWith("freight: cannot reach PostgreSQL at 127.0.0.1:1/freight");
  }

  @Test
  void theEmbeddedDatabaseKeepsDataAcrossRestartsAndCrashes() throws Exception {
    Path data = TestServer.tempDir();
    Map<String, String> env = Map.of("FREIGHT_DATA_DIR", data.toString(), "FREIGHT_HTTP_PORT", "0",
        "FREIGHT_HTTP_HOST", "127.0.0.1");

    Server first = new Server(env);
    String token = first.await(TOKEN);
    Client admin = first.client(token);
    assertThat(first.output).anyMatch(line -> line.contains("PostgreSQL embedded") && line.contains(data.toString()));
    admin.createUser("kept@example.com", false);
    first.process.destroy(); // SIGTERM
    assertThat(first.exitCode()).isIn(0, 143);
    assertThat(postgresProcessesFor(data)).as("postgres stopped with the server").isEmpty();

    Server second = new Server(env);
    Client again = second.client(token);
    assertThat(again.get("/api/v2/users/?page_size=1000").bodyAsString()).contains("kept@example.com");
    assertThat(second.output).noneMatch(line -> TOKEN.matcher(line).find());
    second.process.destroyForcibly().waitFor(); // kill -9: postgres is left running, its pid file stale
    assertThat(postgresProcessesFor(data)).isNotEmpty();

    Server third = new Server(env);
    assertThat(third.client(token).get("/api/v2/users/?page_size=1000").bodyAsString()).contains("kept@example.com");
    assertThat(postgresProcessesFor(data)).as("one postmaster, the orphan was stopped").hasSize(1);
    third.process.destroy();
    third.exitCode();
    assertThat(postgresProcessesFor(data)).isEmpty();
  }

  /** postmaster processes whose command line names this data dir. */
  private static List<Long> postgresProcessesFor(Path data) {
    String dir = data.resolve("postgres").toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("postgres") && cmd.contains(dir)).orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }
}
