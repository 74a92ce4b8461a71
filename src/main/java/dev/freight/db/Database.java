package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** The one connection pool every verticle shares. */
public final class Database {
  private Database() {}

  public static Pool pool(Vertx vertx, String url, int size) {
    PgConnectOptions connect =
        PgConnectOptions.fromUri(url).setPipeliningLimit(256).setReconnectAttempts(0);
    return PgBuilder.pool()
        .with(
            new PoolOptions().setMaxSize(size).setConnectionTimeout(10).setMaxWaitQueueSize(10_000))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /** Completes when PostgreSQL answers a trivial query within {@code timeoutMs}. */
  public static Future<Void> ping(Pool pool, long timeoutMs) {
    return pool.query("SELECT 1")
        .execute()
        .<Void>mapEmpty()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
