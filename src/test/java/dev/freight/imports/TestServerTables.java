package dev.freight.imports;

import dev.freight.TestServer;
import dev.freight.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** Looks inside a test server's database for what the API cannot show. */
final class TestServerTables {
  private TestServerTables() {}

  /** Per-job work tables (the ids seen) left behind; a finished or stopped diff must leave none. */
  static long stagingTables(TestServer server) {
    return count(server, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'import_keys_%'");
  }

  /** Stored diff entries of all jobs. */
  static long diffRows(TestServer server) {
    return count(server, "SELECT count(*) FROM import_diffs");
  }

  private static long count(TestServer server, String sql) {
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, TestServer.url(server.database()), 1);
    try {
      return pool.query(sql).execute().await().iterator().next().getLong(0);
    } finally {
      vertx.close().await();
    }
  }
}
