package dev.freight.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void theBundledDefaultsRunAnEmbeddedServerOn8080() {
    FreightConfig config = ConfigLoader.load(Optional.empty(), Map.of());
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().maxUploadBytes()).isEqualTo(1L << 30);
    assertThat(config.db().embedded()).isTrue();
    assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(config.admin().email()).isEqualTo("admin@example.com");
    assertThat(config.admin().token()).isEmpty();
    assertThat(config.exportsV1().pageSize()).isEqualTo(10_000);
    assertThat(config.exportsV1().partPauseMs()).isZero();
    assertThat(config.cluster().clustered()).isFalse();
    assertThat(config.cluster().host()).isEqualTo("127.0.0.1");
    assertThat(config.cluster().port()).isEqualTo(5701);
    assertThat(config.cluster().eventBusPort()).isEqualTo(5702);
    assertThat(config.exports().maxRunning()).isEqualTo(2);
    assertThat(config.jobs().leaseSeconds()).isEqualTo(15);
  }

  @Test
  void aFileOverridesTheDefaultsAndTheEnvironmentOverridesTheFile() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("f.yaml"),
            "http:\n  port: 9000\n  host: 127.0.0.1\nadmin:\n  email: a@b.c\n");
    FreightConfig config =
        ConfigLoader.load(
            Optional.of(file),
            Map.of(
                "FREIGHT_HTTP_PORT", "0",
                "FREIGHT_DB_URL", "postgresql://u:p@db.internal:5433/freight",
                "FREIGHT_ADMIN_TOKEN", "secret",
                "FREIGHT_EXPORTS_V1_PAGE_SIZE", "500"));
    assertThat(config.http().port()).isZero();
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.admin().email()).isEqualTo("a@b.c");
    assertThat(config.admin().token()).isEqualTo("secret");
    assertThat(config.db().embedded()).isFalse();
    assertThat(config.exportsV1().pageSize()).isEqualTo(500);
  }

  @Test
  void aPortOutOfRangeNamesTheKeyAndWhereItCameFrom() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of("FREIGHT_HTTP_PORT", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.port = '70000' (from FREIGHT_HTTP_PORT) must be between 0 and 65535");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of("FREIGHT_HTTP_PORT", "eighty")))
        .hasMessageContaining("must be a whole number");
  }

  @Test
  void anUnknownKeyInAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("f.yaml"), "http:\n  prot: 9000\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": unknown key 'http.prot'");
  }

  @Test
  void anUnreadableOrBrokenFileIsRefused() throws IOException {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of()))
        .hasMessageStartingWith("cannot read config file " + missing);
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "http: [port\n");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(broken), Map.of()))
        .hasMessageStartingWith(broken + ": not valid YAML");
  }

  @Test
  void aMalformedDatabaseUrlIsRefusedWithoutShowingIt() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of("FREIGHT_DB_URL", "mysql://u:secret@h/db")))
        .hasMessage(
            "db.url = (hidden) (from FREIGHT_DB_URL) must look like postgresql://user:pass@host:port/db");
  }

  @Test
  void clusterMembersAreReadAndNeedASharedDatabase() {
    FreightConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "FREIGHT_CLUSTER_MEMBERS",
                " 10.0.0.1:5701, 10.0.0.2:5701",
                "FREIGHT_DB_URL",
                "postgresql://u:p@db/freight"));
    assertThat(config.cluster().clustered()).isTrue();
    assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of("FREIGHT_CLUSTER_MEMBERS", "10.0.0.1:5701")))
        .hasMessage(
            "cluster.members is set (from FREIGHT_CLUSTER_MEMBERS) but db.url is empty: the nodes"
                + " of a cluster share one PostgreSQL, set FREIGHT_DB_URL");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(
                        "FREIGHT_CLUSTER_MEMBERS",
                        "10.0.0.1",
                        "FREIGHT_DB_URL",
                        "postgresql://u:p@db/freight")))
        .hasMessage(
            "cluster.members = '10.0.0.1' (from FREIGHT_CLUSTER_MEMBERS) must be comma-separated"
                + " host:port pairs");
  }

  @Test
  void aKubernetesServiceFindsTheMembersInsteadOfAList() {
    FreightConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "FREIGHT_CLUSTER_KUBERNETES_SERVICE",
                "freight-cluster.default.svc.cluster.local",
                "FREIGHT_DB_URL",
                "postgresql://u:p@db/freight"));
    assertThat(config.cluster().clustered()).isTrue();
    assertThat(config.cluster().members()).isEmpty();
    assertThat(config.cluster().kubernetesService())
        .isEqualTo("freight-cluster.default.svc.cluster.local");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of("FREIGHT_CLUSTER_KUBERNETES_SERVICE", "freight-cluster")))
        .hasMessageStartingWith(
            "cluster.kubernetes_service is set (from FREIGHT_CLUSTER_KUBERNETES_SERVICE) but db.url"
                + " is empty");
  }
}
