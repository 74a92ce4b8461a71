package dev.freight.jobs;

import dev.freight.db.Sql;
import dev.freight.logging.Log;
import dev.freight.logging.LogFields;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The status and run columns of one job table ({@code id}, {@code status}, {@code run_token},
 * {@code lease_owner}, {@code lease_expires}). A status changes only through {@link #move}, whose
 * {@code WHERE} checks the move against the state machine: of two racing requests one wins, the
 * other changes nothing. A run claims its job by moving it, raising {@code run_token} and taking
 * its lease; the row then says which node and run hold it, and the run's own moves change the job
 * only while it still does. A job leased by another node is claimed only once that lease has
 * expired. Every committed move is published as a {@link StateChange}.
 */
public final class JobTable<K, S extends Enum<S> & JobStatus> {
  private static final Log LOG = Log.of(JobTable.class);

  /** A column value: the time of the move. */
  public static final Object NOW = new Object();

  private final Vertx vertx;
  private final Pool pool;
  private final String table;
  private final Class<K> idType;
  private final StateMachine<S> states;
  private final Runnable changing;

  /**
   * @param changing called before and after each move, for a store that keeps answers to forget
   *     them
   */
  public JobTable(
      Vertx vertx,
      Pool pool,
      String table,
      Class<K> idType,
      StateMachine<S> states,
      Runnable changing) {
    this.vertx = vertx;
    this.pool = pool;
    this.table = table;
    this.idType = idType;
    this.states = states;
    this.changing = changing;
  }

  public StateMachine<S> states() {
    return states;
  }

  /** Columns a move sets besides the status, in order. */
  public static Map<String, Object> set(Object... columnsAndValues) {
    Map<String, Object> set = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      set.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return set;
  }

  /**
   * Moves the job to {@code to} if the state machine allows it from its status (and, given a run
   * token, while that run holds the job), setting {@code also} with it. Completes with the move
   * made, or empty when the job was in no such status. Inside a transaction the move is published
   * once it commits.
   */
  public Future<Optional<StateChange>> move(
      SqlClient client, K id, S to, Map<String, Object> also, Long runToken) {
    return update(client, id, to, also, runToken, null).map(moved -> moved.map(Moved::change));
  }

  public Future<Optional<StateChange>> move(K id, S to, Map<String, Object> also) {
    return move(pool, id, to, also, null);
  }

  /**
   * Claims the job for a new run on this node by moving it to {@code to}, unless another node's
   * lease on it is still alive; completes with the run's token.
   */
  public Future<Optional<Long>> claim(K id, S to, Lease lease) {
    return update(pool, id, to, Map.of(), null, lease).map(moved -> moved.map(Moved::token));
  }

  /** Claims the oldest job in {@code queued} for a new run, moving it to {@code to}. */
  public Future<Optional<Claimed<K>>> claimNext(S queued, S to, String order, Lease lease) {
    Sql sql =
        Sql.of("WITH queued AS (SELECT id FROM " + table)
            .append(" WHERE status = ?", queued.wire())
            .append(" ORDER BY " + order + " LIMIT 1 FOR UPDATE SKIP LOCKED)")
            .append(" UPDATE " + table + " t SET status = ?", to.wire())
            .append(", run_token = t.run_token + 1")
            .append(leased(lease))
            .append(" FROM queued WHERE t.id = queued.id RETURNING t.id, t.run_token");
    return changeOne(pool, sql)
        .map(
            found ->
                found.map(
                    row -> {
                      K id = row.get(idType, 0);
                      published(pool, change(id, queued, to));
                      return new Claimed<>(id, row.getLong(1));
                    }));
  }

  /** A job a run took from the queue, and the run's token. */
  public record Claimed<K>(K id, long token) {}

  /**
   * The jobs in {@code statuses} that no node holds (never claimed, handed back, or their node's
   * lease expired), with their status, oldest first by {@code order}.
   */
  public Future<List<Map.Entry<K, S>>> unheld(Set<S> statuses, String order) {
    return pool.preparedQuery(
            "SELECT id, status FROM "
                + table
                + " WHERE status = ANY($1) AND (lease_expires IS NULL OR lease_expires < now())"
                + " ORDER BY "
                + order)
        .execute(Tuple.of((Object) StateMachine.wireArray(statuses)))
        .map(
            rows -> {
              List<Map.Entry<K, S>> jobs = new ArrayList<>();
              rows.forEach(
                  row -> jobs.add(Map.entry(row.get(idType, 0), states.of(row.getString(1)))));
              return jobs;
            });
  }

  /** Extends this node's leases on {@code ids}; completes with those it still held. */
  public Future<Set<K>> renew(Lease lease, Collection<K> ids) {
    Sql sql =
        Sql.of("UPDATE " + table)
            .append(
                " SET lease_expires = now() + make_interval(secs => ?)", (double) lease.seconds())
            // Ids travel as text, whatever their type (bigint, uuid), and are cast back here.
            .append(
                " WHERE id = ANY(?::text[]::" + (idType == UUID.class ? "uuid" : "bigint") + "[])",
                (Object) ids.stream().map(String::valueOf).toArray(String[]::new))
            .append(" AND lease_owner = ? RETURNING id", lease.node());
    return pool.preparedQuery(sql.text())
        .execute(sql.tuple())
        .map(
            rows -> {
              Set<K> renewed = new HashSet<>();
              rows.forEach(row -> renewed.add(row.get(idType, 0)));
              return renewed;
            });
  }

  /** The table's name, as in {@link StateChange#kind()}. */
  public String name() {
    return table;
  }

  /** An id as {@link StateChange#id()} and the event bus carry it. */
  public K id(String text) {
    return idType == UUID.class
        ? idType.cast(UUID.fromString(text))
        : idType.cast(Long.valueOf(text));
  }

  /** The node whose lease on the job is alive, if any. */
  public Future<Optional<String>> holder(K id) {
    return pool.preparedQuery(
            "SELECT lease_owner FROM "
                + table
                + " WHERE id = $1 AND lease_owner IS NOT NULL AND lease_expires >= now()")
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  /**
   * Hands the run's lease back: another node may take the job at once (so answers kept of it are
   * forgotten).
   */
  public Future<Void> release(K id, long runToken) {
    changing.run();
    return pool.preparedQuery(
            "UPDATE "
                + table
                + " SET lease_owner = NULL, lease_expires = NULL WHERE id = $1 AND run_token = $2")
        .execute(Tuple.of(id, runToken))
        .mapEmpty();
  }

  private static Sql leased(Lease lease) {
    return new Sql()
        .append(", lease_owner = ?", lease.node())
        .append(", lease_expires = now() + make_interval(secs => ?)", (double) lease.seconds());
  }

  private record Moved(StateChange change, long token) {}

  /** A move; with a lease, the claim of the job for a new run on this node. */
  private Future<Optional<Moved>> update(
      SqlClient client, K id, S to, Map<String, Object> also, Long runToken, Lease claim) {
    // The old row is locked first, so the status returned is the one this move replaced.
    Sql sql =
        Sql.of(
                "WITH old AS (SELECT id, status, run_token, lease_owner, lease_expires FROM "
                    + table)
            .append(" WHERE id = ? FOR UPDATE)", id)
            .append(" UPDATE " + table + " t SET status = ?", to.wire());
    if (claim != null) {
      sql.append(", run_token = t.run_token + 1").append(leased(claim));
    }
    also.forEach(
        (column, value) -> {
          if (value == NOW) {
            sql.append(", " + column + " = now()");
          } else {
            sql.append(", " + column + " = ?", value);
          }
        });
    sql.append(
        " FROM old WHERE t.id = old.id AND old.status = ANY(?)",
        (Object) StateMachine.wireArray(states.from(to)));
    if (runToken != null) {
      sql.append(" AND old.run_token = ?", runToken);
    }
    if (claim != null) {
      sql.append(
          " AND (old.lease_expires IS NULL OR old.lease_expires < now() OR old.lease_owner = ?)",
          claim.node());
    }
    return changeOne(client, sql.append(" RETURNING old.status, t.run_token"))
        .map(
            found ->
                found.map(
                    row -> {
                      StateChange change = change(id, states.of(row.getString(0)), to);
                      published(client, change);
                      return new Moved(change, row.getLong(1));
                    }));
  }

  /** Runs a statement that changes at most one job; completes with its returned row, if any. */
  private Future<Optional<Row>> changeOne(SqlClient client, Sql sql) {
    changing.run();
    return client
        .preparedQuery(sql.text())
        .execute(sql.tuple())
        .onComplete(done -> changing.run())
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  private StateChange change(K id, S from, S to) {
    return new StateChange(table, String.valueOf(id), from.wire(), to.wire(), Instant.now());
  }

  /**
   * Publishes the change now, or when the transaction it was made in commits. A claim that leaves
   * the status as it was (a resumed run) is no change.
   */
  private void published(SqlClient client, StateChange change) {
    if (change.from().equals(change.to())) {
      return;
    }
    Transaction transaction = client instanceof SqlConnection conn ? conn.transaction() : null;
    Future<Void> committed =
        transaction == null ? Future.succeededFuture() : transaction.completion();
    committed.onSuccess(
        done -> {
          changing.run();
          LOG.info(
              LogFields.job(table, change.id()),
              states.noun() + " " + change.id() + ": " + change.from() + " -> " + change.to());
          vertx.eventBus().publish(StateChange.ADDRESS, change.toJson());
        });
  }
}
