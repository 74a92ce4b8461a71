package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A running or finished {@code java [jvmOptions] -jar target/freight.jar}, its output collected
 * line by line.
 */
public final class JarServer {
  private static final Path JAR = Path.of("target/freight.jar").toAbsolutePath();
  private static final Pattern SERVING = Pattern.compile("Freight serving http://[^:]+:(\\d+)");

  public final Process process;
  public final List<String> output = new CopyOnWriteArrayList<>();

  public JarServer(Map<String, String> env, String... args) throws IOException {
    this(List.of(), env, args);
  }

  public JarServer(List<String> jvmOptions, Map<String, String> env, String... args)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            Stream.of(
                    Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                    jvmOptions.stream(),
                    Stream.of("-jar", JAR.toString()),
                    Stream.of(args))
                .flatMap(s -> s)
                .toList());
    builder.environment().keySet().removeIf(key -> key.startsWith("FREIGHT_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    process = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                lines.lines().forEach(output::add);
              } catch (IOException ignored) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * A packaged server at -Xmx256m with a data dir of its own, on {@code database} of the tests'
   * PostgreSQL (shared with other nodes, or with the next server), admin token {@code token}, on a
   * free loopback port, with {@code settings} added.
   */
  public static JarServer node(String database, String token, Map<String, String> settings)
      throws IOException {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "FREIGHT_DATA_DIR",
                TestServer.tempDir().toString(),
                "FREIGHT_HTTP_PORT",
                "0",
                "FREIGHT_HTTP_HOST",
                "127.0.0.1",
                "FREIGHT_DB_URL",
                TestServer.url(database),
                "FREIGHT_ADMIN_TOKEN",
                token));
    env.putAll(settings);
    return new JarServer(List.of("-Xmx256m"), env);
  }

  /** The first group of the first output line matching, waiting for it to appear. */
  public String await(Pattern pattern) throws InterruptedException {
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

  public int exitCode() throws InterruptedException {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("server exits").isTrue();
    return process.exitValue();
  }

  public Client client(String token) throws InterruptedException {
    return new Client(Integer.parseInt(await(SERVING)), token);
  }
}
