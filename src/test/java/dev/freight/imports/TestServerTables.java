package dev.freight.imports;

import dev.freight.TestServer;

/** Looks inside a test server's database for what the API cannot show. */
final class TestServerTables {
  private TestServerTables() {}

  /** Per-job work tables (the ids seen) left behind; a finished or stopped diff must leave none. */
  static long stagingTables(TestServer server) {
    return server.count("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'import_keys_%'");
  }

  /** Stored diff entries of all jobs. */
  static long diffRows(TestServer server) {
    return server.count("SELECT count(*) FROM import_diffs");
  }
}
