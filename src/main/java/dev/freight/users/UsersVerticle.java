package dev.freight.users;

import dev.freight.bus.Endpoints;
import dev.freight.config.FreightConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Owns users and tokens; answers the requests of {@link UserRequests}. */
public final class UsersVerticle extends VerticleBase {

  private final UserStore store;
  private final FreightConfig.Admin admin;

  public UsersVerticle(Pool pool, FreightConfig.Admin admin) {
    this.store = new UserStore(pool);
    this.admin = admin;
  }

  @Override
  public Future<?> start() {
    return ensureAdmin()
        .compose(
            done ->
                Future.all(
                    Endpoints.bind(
                        vertx, UserRequests.AUTHENTICATE, req -> store.authenticate(req.token())),
                    Endpoints.bind(vertx, UserRequests.GET, req -> store.get(req.id())),
                    Endpoints.bind(
                        vertx,
                        UserRequests.LIST,
                        window -> store.list(window.limit(), window.offset())),
                    Endpoints.bind(
                        vertx,
                        UserRequests.CREATE,
                        user ->
                            store.create(
                                user.email(), user.firstName(), user.lastName(), user.superuser())),
                    Endpoints.bind(
                        vertx,
                        UserRequests.ROTATE_TOKEN,
                        req ->
                            store
                                .rotateToken(req.id())
                                .onSuccess(
                                    rotated ->
                                        vertx
                                            .eventBus()
                                            .publish(UserRequests.TOKEN_CHANGED, req.id())))));
  }

  private Future<Void> ensureAdmin() {
    return store
        .ensureSuperuser(admin.email(), admin.token())
        .map(
            generated -> {
              if (generated != null) {
                // Shown once: only its hash is kept.
                System.out.println(
                    "Freight: API token for "
                        + admin.email()
                        + " (shown once, keep it): "
                        + generated);
              }
              return null;
            });
  }
}
