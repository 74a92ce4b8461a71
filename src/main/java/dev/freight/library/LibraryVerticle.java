package dev.freight.library;

import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * Reads the library (it changes only through imports). Requests:
 *
 * <ul>
 *   <li>{@link #LIST} {model, limit, offset, active?, phase?, problem?, search?, ordering?} →
 *       {count, results}
 *   <li>{@link #GET} {model, id} → the item, or 404
 * </ul>
 */
public final class LibraryVerticle extends VerticleBase {
  public static final String LIST = "library.list";
  public static final String GET = "library.get";

  private final LibraryStore store;

  public LibraryVerticle(Pool pool) {
    this.store = new LibraryStore(pool);
  }

  @Override
  public Future<?> start() {
    return Future.all(
        Endpoints.bind(
            vertx,
            LIST,
            req ->
                store.list(
                    model(req),
                    LibraryStore.Filters.of(req),
                    req.getInteger("limit"),
                    req.getLong("offset"))),
        Endpoints.bind(vertx, GET, req -> store.get(model(req), req.getString("id"))));
  }

  private static ContentModel model(JsonObject request) {
    String name = request.getString("model");
    return ContentModels.byName(name)
        .orElseThrow(() -> Failure.notFound("No content model " + name + "."));
  }
}
