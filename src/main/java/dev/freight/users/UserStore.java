package dev.freight.users;

import dev.freight.bus.Failure;
import dev.freight.db.Paging;
import dev.freight.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;

/** The users and tokens tables. */
final class UserStore {
  private static final String COLUMNS =
      "id, uuid, email, first_name, last_name, is_superuser, is_active";
  private static final String BY_TOKEN =
      "SELECT t.key_hash, "
          + COLUMNS.replaceAll("(\\w+)", "u.$1")
          + " FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.key_hash = $1 AND u.is_active";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = $1";
  private static final String COUNT = "SELECT count(*) FROM users";
  private static final String PAGE = "SELECT " + COLUMNS + " FROM users ORDER BY id";
  private static final String INSERT =
      "INSERT INTO users (email, first_name, last_name, is_superuser)"
          + " VALUES ($1, $2, $3, $4) RETURNING "
          + COLUMNS;
  private static final String UPSERT_SUPERUSER =
      "INSERT INTO users (email, is_superuser) VALUES ($1, true)"
          + " ON CONFLICT (lower(email)) DO UPDATE SET is_superuser = true, is_active = true RETURNING id";
  private static final String SET_TOKEN =
      "INSERT INTO tokens (user_id, key_hash) VALUES ($1, $2)"
          + " ON CONFLICT (user_id) DO UPDATE SET key_hash = EXCLUDED.key_hash, created = now()";
  private static final String ADD_FIRST_TOKEN =
      "INSERT INTO tokens (user_id, key_hash) VALUES ($1, $2)"
          + " ON CONFLICT (user_id) DO NOTHING";
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;

  UserStore(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> authenticate(String token) {
    byte[] hash = Tokens.hash(token);
    return pool.preparedQuery(BY_TOKEN)
        .execute(Tuple.of(Buffer.buffer(hash)))
        .map(
            rows -> {
              // The lookup is keyed by the hash; the constant-time check guards against any
              // index-timing leak.
              Row row = single(rows);
              if (row == null
                  || !MessageDigest.isEqual(hash, row.getBuffer("key_hash").getBytes())) {
                throw new Failure(401, "Invalid token.");
              }
              return toJson(row);
            });
  }

  Future<JsonObject> get(int id) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              Row row = single(rows);
              if (row == null) {
                throw Failure.notFound("No user with id " + id + ".");
              }
              return toJson(row);
            });
  }

  Future<JsonObject> list(int limit, long offset) {
    return Paging.page(pool, Sql.of(COUNT), Sql.of(PAGE), limit, offset, UserStore::toJson);
  }

  /** Creates the user and its first token; the reply is the only time the token is shown. */
  Future<JsonObject> create(String email, String firstName, String lastName, boolean superuser) {
    String token = Tokens.generate();
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(INSERT)
                    .execute(Tuple.of(email, firstName, lastName, superuser))
                    .compose(
                        rows -> {
                          JsonObject user = toJson(single(rows));
                          return conn.preparedQuery(SET_TOKEN)
                              .execute(
                                  Tuple.of(
                                      user.getInteger("id"), Buffer.buffer(Tokens.hash(token))))
                              .map(done -> user.put("token", token));
                        }))
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                        ? Failure.badRequest("A user with the email " + email + " already exists.")
                        : failure));
  }

  /** Replaces the user's token: the old one stops working at once. */
  Future<JsonObject> rotateToken(int id) {
    String token = Tokens.generate();
    return get(id)
        .compose(
            user ->
                pool.preparedQuery(SET_TOKEN)
                    .execute(Tuple.of(id, Buffer.buffer(Tokens.hash(token))))
                    .map(done -> new JsonObject().put("token", token)));
  }

  /**
   * Makes sure the superuser exists. With a configured token, that token is made the superuser's;
   * without one, a first token is generated when the superuser has none and is returned (else
   * null).
   */
  Future<String> ensureSuperuser(String email, String configuredToken) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(UPSERT_SUPERUSER)
                .execute(Tuple.of(email))
                .compose(
                    rows -> {
                      int id = single(rows).getInteger("id");
                      if (!configuredToken.isEmpty()) {
                        return conn.preparedQuery(SET_TOKEN)
                            .execute(Tuple.of(id, Buffer.buffer(Tokens.hash(configuredToken))))
                            .map(done -> (String) null);
                      }
                      String token = Tokens.generate();
                      return conn.preparedQuery(ADD_FIRST_TOKEN)
                          .execute(Tuple.of(id, Buffer.buffer(Tokens.hash(token))))
                          .map(added -> added.rowCount() == 1 ? token : null);
                    }));
  }

  private static Row single(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("id", row.getInteger("id"))
        .put("uuid", row.getUUID("uuid").toString())
        .put("email", row.getString("email"))
        .put("first_name", row.getString("first_name"))
        .put("last_name", row.getString("last_name"))
        .put("is_superuser", row.getBoolean("is_superuser"))
        .put("is_active", row.getBoolean("is_active"));
  }
}
