package dev.freight.webhooks;

import dev.freight.bus.Failure;
import dev.freight.bus.Window;
import dev.freight.db.Paging;
import dev.freight.db.Sql;
import dev.freight.db.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The subscriptions and what the API shows of their deliveries. */
final class WebhookStore {
  private static final String COLUMNS = "id, url, events, description, active, created, modified";
  private static final String INSERT =
      "INSERT INTO webhooks (url, events, description, secret) VALUES ($1, $2, $3, $4) RETURNING "
          + COLUMNS
          + ", secret";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM webhooks WHERE id = $1";
  private static final String UPDATE =
      "UPDATE webhooks SET url = COALESCE($2, url), events = COALESCE($3, events),"
          + " description = COALESCE($4, description), active = COALESCE($5, active),"
          + " modified = now() WHERE id = $1 RETURNING "
          + COLUMNS;
  private static final String DELETE = "DELETE FROM webhooks WHERE id = $1";
  private static final String ROTATE =
      "UPDATE webhooks SET secret = $2, modified = now() WHERE id = $1 RETURNING "
          + COLUMNS
          + ", secret";
  private static final String DELIVERY_COLUMNS =
      "SELECT d.id, d.status, d.next_attempt, e.id AS event_id, e.type, e.created"
          + " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id";
  private static final String ATTEMPTS =
      "SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts"
          + " WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt";
  private static final String REDELIVER =
      "UPDATE webhook_deliveries SET status = 'pending', next_attempt = clock_timestamp(),"
          + " retry_from = clock_timestamp() WHERE id = $1 AND webhook_id = $2";

  private final Pool pool;

  WebhookStore(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> create(WebhookRequests.WebhookFields fields) {
    Targets.parse(fields.url());
    return pool.preparedQuery(INSERT)
        .execute(
            Tuple.of(
                fields.url(),
                fields.events().toArray(String[]::new),
                fields.description() == null ? "" : fields.description(),
                Signature.newSecret()))
        .map(rows -> withSecret(rows.iterator().next()));
  }

  Future<JsonObject> list(Window window) {
    return Paging.page(
        pool,
        Sql.of("SELECT count(*) FROM webhooks"),
        Sql.of("SELECT " + COLUMNS + " FROM webhooks ORDER BY id"),
        window.limit(),
        window.offset(),
        WebhookStore::toJson);
  }

  Future<JsonObject> get(long id) {
    return one(pool.preparedQuery(BY_ID).execute(Tuple.of(id)), id).map(WebhookStore::toJson);
  }

  Future<JsonObject> update(WebhookRequests.WebhookFields fields) {
    if (fields.url() != null) {
      Targets.parse(fields.url());
    }
    return one(
            pool.preparedQuery(UPDATE)
                .execute(
                    Tuple.of(
                        fields.id(),
                        fields.url(),
                        fields.events() == null ? null : fields.events().toArray(String[]::new),
                        fields.description(),
                        fields.active())),
            fields.id())
        .map(WebhookStore::toJson);
  }

  Future<JsonObject> delete(long id) {
    return pool.preparedQuery(DELETE)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.rowCount() == 0) {
                throw notFound(id);
              }
              return new JsonObject();
            });
  }

  Future<JsonObject> rotateSecret(long id) {
    return one(pool.preparedQuery(ROTATE).execute(Tuple.of(id, Signature.newSecret())), id)
        .map(WebhookStore::withSecret);
  }

  /** A page of the subscription's deliveries, newest first, each with its attempts in order. */
  Future<JsonObject> deliveries(long webhookId, Window window) {
    return get(webhookId)
        .compose(
            exists ->
                Paging.page(
                    pool,
                    Sql.of("SELECT count(*) FROM webhook_deliveries")
                        .append(" WHERE webhook_id = ?", webhookId),
                    Sql.of(DELIVERY_COLUMNS)
                        .append(" WHERE d.webhook_id = ? ORDER BY d.id DESC", webhookId),
                    window.limit(),
                    window.offset(),
                    WebhookStore::deliveryJson))
        .compose(this::withAttempts);
  }

  Future<JsonObject> redeliver(long webhookId, long deliveryId) {
    return pool.preparedQuery(REDELIVER)
        .execute(Tuple.of(deliveryId, webhookId))
        .compose(
            updated -> {
              if (updated.rowCount() == 0) {
                throw Failure.notFound(
                    "No delivery with id " + deliveryId + " of webhook " + webhookId + ".");
              }
              return pool.preparedQuery(DELIVERY_COLUMNS + " WHERE d.id = $1")
                  .execute(Tuple.of(deliveryId));
            })
        .map(
            rows ->
                new JsonObject()
                    .put("results", new JsonArray().add(deliveryJson(rows.iterator().next()))))
        .compose(this::withAttempts)
        .map(page -> page.getJsonArray("results").getJsonObject(0));
  }

  private Future<JsonObject> withAttempts(JsonObject page) {
    List<JsonObject> deliveries =
        page.getJsonArray("results").stream().map(JsonObject.class::cast).toList();
    Map<Long, JsonArray> attempts = new HashMap<>();
    deliveries.forEach(d -> attempts.put(d.getLong("id"), d.getJsonArray("attempts")));
    return pool.preparedQuery(ATTEMPTS)
        .execute(Tuple.of((Object) attempts.keySet().toArray(Long[]::new)))
        .map(
            rows -> {
              rows.forEach(
                  row ->
                      attempts
                          .get(row.getLong("delivery_id"))
                          .add(
                              new JsonObject()
                                  .put("attempt", row.getInteger("attempt"))
                                  .put("at", Timestamps.format(row.getOffsetDateTime("at")))
                                  .put("status_code", row.getInteger("status_code"))
                                  .put("error", row.getString("error"))
                                  .put("duration_ms", row.getInteger("duration_ms"))));
              return page;
            });
  }

  private static Future<Row> one(Future<RowSet<Row>> query, long id) {
    return query.map(
        rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          return rows.iterator().next();
        });
  }

  private static Failure notFound(long id) {
    return Failure.notFound("No webhook with id " + id + ".");
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("url", row.getString("url"))
        .put("events", new JsonArray(List.of(row.getArrayOfStrings("events"))))
        .put("description", row.getString("description"))
        .put("active", row.getBoolean("active"))
        .put("created", Timestamps.format(row.getOffsetDateTime("created")))
        .put("modified", Timestamps.format(row.getOffsetDateTime("modified")));
  }

  private static JsonObject withSecret(Row row) {
    return toJson(row).put("secret", row.getString("secret"));
  }

  private static JsonObject deliveryJson(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put(
            "event",
            new JsonObject()
                .put("id", row.getUUID("event_id").toString())
                .put("type", row.getString("type"))
                .put("created", Timestamps.format(row.getOffsetDateTime("created"))))
        .put("status", row.getString("status"))
        .put("next_attempt", Timestamps.format(row.getOffsetDateTime("next_attempt")))
        .put("attempts", new JsonArray());
  }
}
