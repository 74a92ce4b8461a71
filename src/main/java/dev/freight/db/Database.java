package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The connection pools: requests and job work each have their own, so that many requests never make
 * a job wait (and fail), nor a long job keep requests waiting.
 */
public final class Database {
  /** The detail of a 503: PostgreSQL is down, restarting, or every request connection is busy. */
  public static final String UNAVAILABLE =
      "The database is unavailable or busy; try again in a few seconds.";

  /** How long job work waits for a connection: a job waits rather than fails. */
  private static final int JOB_WAIT_S = 120;

  private Database() {}

  /** A pool of {@code size} connections whose waiters queue without bound, for 10 s at most. */
  public static Pool pool(Vertx vertx, String url, int size) {
    return build(
        vertx,
        url,
        new PoolOptions().setMaxSize(size).setConnectionTimeout(10).setMaxWaitQueueSize(10_000));
  }

  /**
   * The requests' pool: at most {@code maxWaiting} requests wait for a connection, each at most
   * {@code waitMs}; the others fail at once, and the HTTP layer answers 503 with Retry-After.
   */
  public static Pool requests(Vertx vertx, String url, int size, int maxWaiting, long waitMs) {
    return build(
        vertx,
        url,
        waitingAtMost("freight-requests", size, waitMs).setMaxWaitQueueSize(maxWaiting));
  }

  /**
   * One connection for the library's version, read once for many list requests at a time
   * (library/LibraryStore, shared through db/SharedReads): that read never waits behind them in the
   * requests' queue. It waits at most {@code waitMs} for its connection, as a request does.
   */
  public static Pool libraryVersion(Vertx vertx, String url, long waitMs) {
    return build(vertx, url, waitingAtMost("freight-library-version", 1, waitMs));
  }

  private static PoolOptions waitingAtMost(String name, int size, long waitMs) {
    return new PoolOptions()
        .setName(name)
        .setMaxSize(size)
        .setConnectionTimeout((int) waitMs)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** Job work's pool: its waiters queue without bound. */
  public static Pool jobs(Vertx vertx, String url, int size) {
    return build(
        vertx,
        url,
        new PoolOptions()
            .setName("freight-jobs")
            .setMaxSize(size)
            .setConnectionTimeout(JOB_WAIT_S)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS));
  }

  private static Pool build(Vertx vertx, String url, PoolOptions options) {
    PgConnectOptions connect =
        PgConnectOptions.fromUri(url).setPipeliningLimit(256).setReconnectAttempts(0);
    return PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
  }

  /**
   * Runs {@code work} in a transaction, on one node at a time: a node that finds the transaction
   * lock named {@code task} taken skips its turn (completes with 0). For periodic clean-ups that
   * every node schedules.
   */
  public static Future<Integer> onOneNode(
      Pool pool, String task, Function<SqlConnection, Future<Integer>> work) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1))")
                .execute(Tuple.of(task))
                .compose(
                    locked ->
                        locked.iterator().next().getBoolean(0)
                            ? work.apply(conn)
                            : Future.succeededFuture(0)));
  }

  /** Completes when PostgreSQL answers a trivial query within {@code timeoutMs}. */
  public static Future<Void> ping(Pool pool, long timeoutMs) {
    return pool.query("SELECT 1")
        .execute()
        .<Void>mapEmpty()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Whether {@code failure} says that PostgreSQL cannot be reached or is shutting down, or that no
   * connection was free in time: nothing the request or the job did wrong, and worth retrying.
   */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectionPoolTooBusyException
          || t instanceof ClosedConnectionException
          || t instanceof SocketException
          || t instanceof VertxException && "Timeout waiting for connection".equals(t.getMessage())
          // withConnection and withTransaction word the same wait this way
          || t.getClass().getName().startsWith("io.vertx.") && "Timeout".equals(t.getMessage())
          || t instanceof PgException pg && unavailableState(pg.getSqlState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Connection exceptions (08), insufficient resources (53: too many connections, disk full) and
   * operator intervention (57P01-57P03: shut down, crashed, starting up).
   */
  private static boolean unavailableState(String state) {
    return state != null
        && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
  }
}
