package dev.freight.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * What PostgreSQL itself does with the same data on the same server, the limit Freight is held to:
 * COPY of the CSV into an unlogged table, one set-based SQL diff against the library, the SQL apply
 * of that diff (on a copy of the library, so Freight's data is untouched) and COPY TO for export.
 */
final class Limit implements AutoCloseable {
  private static final String STORED = "id, title, text, problem, priority, phase, active, match_conditions, tags";
  private static final String COMPARED = "title, text, problem, priority, phase, active, match_conditions, tags";

  private final Connection conn;
  private final CopyManager copy;

  Limit(String host, int port) throws SQLException {
    conn = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "");
    copy = conn.unwrap(PGConnection.class).getCopyAPI();
    dropTables();
  }

  /**
   * Lets the database settle before a measured operation: vacuums and analyzes it (the library, and
   * the diffs and files that cancelled runs left dead) and writes a checkpoint, so that neither side
   * pays for the background work of what came before it.
   */
  void settle() throws SQLException {
    execute("VACUUM ANALYZE");
    execute("CHECKPOINT");
  }

  /** COPY of the version-2 CSV into an unlogged staging table; seconds. */
  double copyIn(Path csv) throws SQLException, IOException {
    execute("CREATE UNLOGGED TABLE bench_stage (id text, title text, text text, problem text, priority integer,"
        + " phase text, active boolean, mark_delete boolean, match_conditions text, tags text)");
    long start = System.nanoTime();
    try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      copy.copyIn("COPY bench_stage FROM STDIN (FORMAT csv, HEADER true)", in);
    }
    return since(start);
  }

  /** The diff of the staged rows against the library, by the rules Freight applies; seconds. */
  double diff() throws SQLException {
    long start = System.nanoTime();
    execute("CREATE UNLOGGED TABLE bench_diff AS SELECT CASE WHEN l.id IS NULL THEN 1 WHEN s.mark_delete THEN 3"
        + " ELSE 2 END AS op, s.* FROM bench_stage s LEFT JOIN standard l ON l.id = s.id"
        + " WHERE CASE WHEN l.id IS NULL THEN NOT s.mark_delete"
        + " ELSE s.mark_delete OR (" + prefixed("s.") + ") IS DISTINCT FROM (" + prefixed("l.") + ") END");
    return since(start);
  }

  /** Rows of the diff for add, update and delete. */
  LibraryFiles.Diff diffCounts() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE op = 1), count(*) FILTER (WHERE op = 2),"
            + " count(*) FILTER (WHERE op = 3) FROM bench_diff")) {
      rs.next();
      return new LibraryFiles.Diff(rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }
  }

  /** The diff applied in one transaction to a logged, indexed copy of the library, as Freight's is; seconds. */
  double apply() throws SQLException {
    execute("CREATE TABLE bench_library (LIKE standard INCLUDING ALL)");
    execute("INSERT INTO bench_library (" + STORED + ", content_hash) SELECT " + STORED + ", content_hash FROM standard");
    execute("VACUUM ANALYZE bench_library");
    execute("CHECKPOINT"); // so that flushing the copy's WAL is not timed as part of the apply
    long start = System.nanoTime();
    conn.setAutoCommit(false);
    // Each written row gets a content digest, as Freight's apply writes one (Freight computes it while
    // parsing, not in the apply: here a random one stands for it).
    execute("INSERT INTO bench_library (" + STORED + ", content_hash) SELECT " + STORED + ", gen_random_uuid()"
        + " FROM bench_diff WHERE op = 1");
    execute("UPDATE bench_library t SET (" + COMPARED + ", content_hash) = (" + prefixed("d.") + ", gen_random_uuid())"
        + " FROM bench_diff d WHERE d.op = 2 AND t.id = d.id");
    execute("DELETE FROM bench_library t USING bench_diff d WHERE d.op = 3 AND t.id = d.id");
    conn.commit();
    conn.setAutoCommit(true);
    return since(start);
  }

  /** COPY TO of the library as CSV, the bytes discarded; seconds. */
  double copyOut() throws SQLException, IOException {
    long start = System.nanoTime();
    copy.copyOut("COPY (SELECT " + STORED + " FROM standard ORDER BY id) TO STDOUT (FORMAT csv, HEADER true)",
        OutputStream.nullOutputStream());
    return since(start);
  }

  private static String prefixed(String alias) {
    return alias + COMPARED.replace(", ", ", " + alias);
  }

  private void execute(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  private static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Drops the tables the limit's measures made, which would otherwise weigh on the server's later work. */
  void dropTables() throws SQLException {
    execute("DROP TABLE IF EXISTS bench_stage, bench_diff, bench_library");
  }

  @Override
  public void close() throws SQLException {
    dropTables();
    conn.close();
  }
}
