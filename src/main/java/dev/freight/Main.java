package dev.freight;

import dev.freight.config.ConfigException;
import dev.freight.config.ConfigLoader;
import dev.freight.config.FreightConfig;
import dev.freight.db.EmbeddedPostgresException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code java -jar freight.jar [--config FILE]}: reads the configuration and runs the server until
 * stopped.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
    Freight freight;
    try {
      FreightConfig config = ConfigLoader.load(configFile(args), System.getenv());
      freight = Freight.start(config);
    } catch (ConfigException | EmbeddedPostgresException e) {
      System.err.println("freight: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      // Futures rethrow what failed as it is, checked exceptions (a BindException, say) included.
      System.err.println("freight: start-up failed: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(freight::stop, "freight-shutdown"));
  }

  private static Optional<Path> configFile(String[] args) {
    if (args.length == 0) {
      return Optional.empty();
    }
    if (args.length == 2 && args[0].equals("--config")) {
      return Optional.of(Path.of(args[1]));
    }
    throw new ConfigException("usage: java -jar freight.jar [--config FILE]");
  }
}
