package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Applies the versioned SQL scripts in {@code db/migration} (named {@code V<n>__<what>.sql}) that
 * the database has not seen yet, each in its own transaction, under an advisory lock so that
 * instances starting together take turns.
 */
public final class Migrations {
  private static final String DIR = "/db/migration";
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  /** Any constant will do, as long as nothing else in the database uses it. */
  private static final long LOCK_KEY = 0x46524549474854L;

  private static final String CREATE_TABLE =
      """
      CREATE TABLE IF NOT EXISTS freight_schema_version (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied timestamptz NOT NULL DEFAULT now())""";

  record Migration(int version, String name, String sql) {}

  private Migrations() {}

  /** Reads the scripts from the classpath; blocking, so call it at start-up before serving. */
  public static List<Migration> load() {
    try {
      URI uri = Migrations.class.getResource(DIR).toURI();
      if (!"jar".equals(uri.getScheme())) {
        return load(Path.of(uri));
      }
      FileSystem jar;
      try {
        jar = FileSystems.getFileSystem(uri);
      } catch (FileSystemNotFoundException e) {
        jar = FileSystems.newFileSystem(uri, Map.of());
      }
      return load(jar.getPath(DIR));
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot read the migrations in " + DIR, e);
    }
  }

  private static List<Migration> load(Path dir) throws IOException {
    List<Migration> migrations = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
          throw new IllegalStateException(
              "migration file name must be V<n>__<what>.sql: " + file.getFileName());
        }
        migrations.add(
            new Migration(Integer.parseInt(m.group(1)), m.group(2), Files.readString(file)));
      }
    }
    migrations.sort(Comparator.comparingInt(Migration::version));
    return migrations;
  }

  /** Applies what is missing; completes with the number of scripts applied. */
  public static Future<Integer> run(Pool pool, List<Migration> migrations) {
    return pool.withConnection(
        conn ->
            conn.preparedQuery("SELECT pg_advisory_lock($1)")
                .execute(Tuple.of(LOCK_KEY))
                .compose(locked -> applyMissing(conn, migrations))
                .eventually(
                    () ->
                        conn.preparedQuery("SELECT pg_advisory_unlock($1)")
                            .execute(Tuple.of(LOCK_KEY))));
  }

  private static Future<Integer> applyMissing(SqlConnection conn, List<Migration> migrations) {
    // Quiet: "already exists, skipping" is the normal case.
    return conn.query("SET client_min_messages TO warning")
        .execute()
        .compose(quiet -> conn.query(CREATE_TABLE).execute())
        .compose(created -> conn.query("SELECT version FROM freight_schema_version").execute())
        .compose(
            rows -> {
              Set<Integer> applied = new HashSet<>();
              for (Row row : rows) {
                applied.add(row.getInteger(0));
              }
              List<Migration> missing =
                  migrations.stream().filter(m -> !applied.contains(m.version())).toList();
              Future<Void> chain = Future.succeededFuture();
              for (Migration migration : missing) {
                chain = chain.compose(done -> apply(conn, migration));
              }
              return chain.map(missing.size());
            });
  }

  private static Future<Void> apply(SqlConnection conn, Migration migration) {
    return conn.begin()
        .compose(
            tx ->
                conn.query(migration.sql())
                    .execute()
                    .compose(
                        done ->
                            conn.preparedQuery(
                                    "INSERT INTO freight_schema_version (version, name) VALUES ($1, $2)")
                                .execute(Tuple.of(migration.version(), migration.name())))
                    .compose(done -> tx.commit())
                    .recover(
                        failure ->
                            tx.rollback()
                                .transform(
                                    rolledBack ->
                                        Future.failedFuture(
                                            new IllegalStateException(
                                                "migration V"
                                                    + migration.version()
                                                    + "__"
                                                    + migration.name()
                                                    + " failed: "
                                                    + failure.getMessage(),
                                                failure)))));
  }
}
