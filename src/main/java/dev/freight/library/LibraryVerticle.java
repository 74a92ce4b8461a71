package dev.freight.library;

import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Reads the library; answers the requests of {@link LibraryRequests}. */
public final class LibraryVerticle extends VerticleBase {

  private final LibraryStore store;

  /** Reads on {@code pool}; the library's version on {@code versionPool}. */
  public LibraryVerticle(Pool pool, Pool versionPool) {
    this.store = new LibraryStore(pool, versionPool);
  }

  @Override
  public Future<?> start() {
    return Future.all(
        Endpoints.bind(
            vertx,
            LibraryRequests.LIST,
            req ->
                store.list(
                    model(req.model()),
                    LibraryStore.Filters.of(req),
                    req.window().limit(),
                    req.window().offset())),
        Endpoints.bind(vertx, LibraryRequests.GET, req -> store.get(model(req.model()), req.id())));
  }

  private static ContentModel model(String name) {
    return ContentModels.byName(name)
        .orElseThrow(() -> Failure.notFound("No content model " + name + "."));
  }
}
