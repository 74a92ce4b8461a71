package dev.freight.idempotency;

import dev.freight.bus.Endpoints;
import dev.freight.db.Purges;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Owns the idempotency keys of creates ({@link IdempotencyRequests}) and purges them past
 * retention.
 */
public final class IdempotencyVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(IdempotencyVerticle.class.getName());

  /** Expired keys are ignored when claimed, so purging often gains nothing. */
  private static final long PURGE_INTERVAL_MS = 10 * 60_000;

  private final IdempotencyStore store;
  private long purgeTimer;

  public IdempotencyVerticle(Pool pool, long retentionHours) {
    this.store = new IdempotencyStore(pool, retentionHours);
  }

  @Override
  public Future<?> start() {
    return Future.all(
            List.of(
                Endpoints.bind(vertx, IdempotencyRequests.CLAIM, store::claim),
                Endpoints.bind(
                    vertx,
                    IdempotencyRequests.RECORD,
                    answer -> store.record(answer).map(new JsonObject())),
                Endpoints.bind(
                    vertx,
                    IdempotencyRequests.RELEASE,
                    key -> store.release(key).map(new JsonObject()))))
        .onSuccess(
            bound ->
                purgeTimer =
                    Purges.schedule(
                        vertx,
                        LOG,
                        "purging idempotency keys",
                        PURGE_INTERVAL_MS,
                        store::purge,
                        purged -> "purged " + purged + " expired idempotency keys"));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(purgeTimer);
    return Future.succeededFuture();
  }
}
