package dev.freight.config;

import dev.freight.formats.ReadLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds {@link FreightConfig} from the bundled defaults ({@code conf/freight.yaml}), an optional
 * file given with {@code --config}, and {@code FREIGHT_*} environment variables, in that order. The
 * bundled file defines the keys: any other key is an error.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "/freight.yaml";

  /** Where each value came from, for error messages. */
  private record Setting(String value, String source) {}

  private final Map<String, Setting> settings = new LinkedHashMap<>();

  private ConfigLoader() {}

  public static FreightConfig load(Optional<Path> file, Map<String, String> env) {
    ConfigLoader loader = new ConfigLoader();
    loader.readDefaults();
    file.ifPresent(loader::readFile);
    loader.readEnv(env);
    return loader.build();
  }

  private void readDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new ConfigException("the bundled defaults " + DEFAULTS + " are missing from the jar");
      }
      flatten(
          "",
          parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "defaults"),
          "defaults",
          true);
    } catch (IOException e) {
      throw new ConfigException("cannot read the bundled defaults: " + e.getMessage());
    }
  }

  private void readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    flatten("", parse(text, file.toString()), file.toString(), false);
  }

  private static Map<?, ?> parse(String text, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(text);
    } catch (YAMLException e) {
      throw new ConfigException(
          source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException(source + ": expected a mapping of keys at the top level");
    }
    return map;
  }

  private void flatten(String prefix, Map<?, ?> map, String source, boolean defining) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = prefix + entry.getKey();
      if (entry.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, source, defining);
        continue;
      }
      if (!defining && !settings.containsKey(key)) {
        throw new ConfigException(source + ": unknown key '" + key + "'");
      }
      String value = entry.getValue() == null ? "" : String.valueOf(entry.getValue());
      settings.put(key, new Setting(value, source));
    }
  }

  private void readEnv(Map<String, String> env) {
    for (String key : settings.keySet()) {
      String name = envName(key);
      if (env.containsKey(name)) {
        settings.put(key, new Setting(env.get(name), name));
      }
    }
  }

  static String envName(String key) {
    return "FREIGHT_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private FreightConfig build() {
    FreightConfig.Cluster cluster =
        new FreightConfig.Cluster(
            members(),
            text("cluster.kubernetes_service"),
            nonEmpty("cluster.host"),
            (int) number("cluster.port", 1, 65_534));
    String url = dbUrl();
    if (cluster.clustered() && url.isEmpty()) {
      String key = cluster.members().isEmpty() ? "cluster.kubernetes_service" : "cluster.members";
      throw new ConfigException(
          key
              + " is set (from "
              + settings.get(key).source()
              + ") but db.url is empty: the nodes of a cluster share one PostgreSQL, set"
              + " FREIGHT_DB_URL");
    }
    return new FreightConfig(
        new FreightConfig.Http(
            text("http.host"),
            (int) number("http.port", 0, 65_535),
            number("http.max_body_bytes", 1, Long.MAX_VALUE),
            number("http.max_upload_bytes", 1, Long.MAX_VALUE),
            (int) number("http.max_upload_files", 1, 200),
            (int) number("http.max_file_name_chars", 1, 4_096),
            number("http.body_idle_timeout_seconds", 1, 3_600)),
        Path.of(nonEmpty("data_dir")).toAbsolutePath().normalize(),
        new FreightConfig.Db(
            url,
            (int) number("db.pool_size", 1, 1_000),
            (int) number("db.jobs_pool_size", 1, 1_000),
            (int) number("db.max_waiting_requests", 0, 100_000),
            number("db.request_wait_ms", 1, 600_000),
            nonEmpty("db.embedded_os_user")),
        new FreightConfig.Admin(nonEmpty("admin.email"), text("admin.token")),
        new FreightConfig.Imports(
            number("imports.retention_days", 0, 36_500),
            number("imports.purge_interval_seconds", 1, 86_400)),
        new FreightConfig.Exports(
            number("exports.retention_hours", 0, 100_000),
            number("exports.purge_interval_seconds", 1, 86_400),
            (int) number("exports.max_running", 1, 64)),
        new FreightConfig.ExportsV1(
            (int) number("exports_v1.page_size", 1, 1_000_000),
            number("exports_v1.part_pause_ms", 0, 60_000)),
        new FreightConfig.Jobs(number("jobs.lease_seconds", 2, 3_600)),
        cluster,
        new ReadLimits(
            number("files.max_rows", 1, Long.MAX_VALUE),
            (int) number("files.max_columns", 1, 16_384),
            (int) number("files.max_field_chars", 1, 100_000_000),
            (int) number("files.max_nesting_depth", 2, 1_000),
            new ReadLimits.Xlsx(
                (int) number("files.xlsx_max_sheets", 1, 10_000),
                number("files.xlsx_max_cells", 1, Long.MAX_VALUE),
                (int) number("files.xlsx_max_shared_strings", 1, Integer.MAX_VALUE),
                number("files.xlsx_max_shared_string_bytes", 1, Long.MAX_VALUE),
                number("files.xlsx_max_unzipped_bytes", 1, Long.MAX_VALUE))),
        new FreightConfig.Webhooks(
            (int) number("webhooks.max_in_flight", 1, 1_000),
            flag("webhooks.allow_private_targets"),
            number("webhooks.first_retry_seconds", 1, 3_600),
            number("webhooks.retry_hours", 1, 24 * 30),
            number("webhooks.poll_seconds", 1, 3_600),
            number("webhooks.retention_days", 0, 36_500)),
        new FreightConfig.Idempotency(number("idempotency.retention_hours", 1, 100_000)),
        new FreightConfig.Metrics(
            nonEmpty("metrics.host"),
            text("metrics.port").isEmpty()
                ? OptionalInt.empty()
                : OptionalInt.of((int) number("metrics.port", 0, 65_535))),
        new FreightConfig.Logging(oneOf("logging.format", "text", "json").equals("json")));
  }

  private String text(String key) {
    return settings.get(key).value().trim();
  }

  private String nonEmpty(String key) {
    String value = text(key);
    if (value.isEmpty()) {
      throw invalid(key, "must not be empty");
    }
    return value;
  }

  private boolean flag(String key) {
    return switch (text(key).toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, "must be true or false");
    };
  }

  private String oneOf(String key, String... choices) {
    String value = text(key).toLowerCase(Locale.ROOT);
    if (!List.of(choices).contains(value)) {
      throw invalid(key, "must be one of " + String.join(", ", choices));
    }
    return value;
  }

  private long number(String key, long min, long max) {
    long value;
    try {
      value = Long.parseLong(text(key));
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a whole number");
    }
    if (value < min || value > max) {
      throw invalid(key, "must be between " + min + " and " + max);
    }
    return value;
  }

  /** host:port, comma-separated; empty for none. */
  private List<String> members() {
    String value = text("cluster.members");
    if (value.isEmpty()) {
      return List.of();
    }
    List<String> members = new ArrayList<>();
    for (String member : value.split(",")) {
      String trimmed = member.trim();
      int colon = trimmed.lastIndexOf(':');
      boolean valid = colon > 0;
      if (valid) {
        try {
          int port = Integer.parseInt(trimmed.substring(colon + 1));
          valid = port >= 1 && port <= 65_535;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        throw invalid("cluster.members", "must be comma-separated host:port pairs");
      }
      members.add(trimmed);
    }
    return members;
  }

  private String dbUrl() {
    String url = text("db.url");
    if (url.isEmpty()) {
      return url;
    }
    try {
      URI uri = new URI(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw invalid("db.url", "must look like postgresql://user:pass@host:port/db");
      }
    } catch (URISyntaxException e) {
      throw invalid("db.url", "must look like postgresql://user:pass@host:port/db");
    }
    return url;
  }

  private ConfigException invalid(String key, String problem) {
    Setting setting = settings.get(key);
    String shown =
        key.equals("db.url") || key.equals("admin.token")
            ? "(hidden)"
            : "'" + setting.value() + "'";
    return new ConfigException(key + " = " + shown + " (from " + setting.source() + ") " + problem);
  }
}
