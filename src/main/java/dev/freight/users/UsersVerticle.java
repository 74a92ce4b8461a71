package dev.freight.users;

import dev.freight.bus.Endpoints;
import dev.freight.config.FreightConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * Owns users and tokens. Requests (JsonObject in, JsonObject out):
 *
 * <ul>
 *   <li>{@link #AUTHENTICATE} {token} → user, or failure 401
 *   <li>{@link #GET} {id} → user, or 404
 *   <li>{@link #LIST} {limit, offset} → {count, results}
 *   <li>{@link #CREATE} {email, first_name, last_name, is_superuser} → user with its token
 *   <li>{@link #ROTATE_TOKEN} {id} → {token}; then publishes {@link #TOKEN_CHANGED} with the id
 * </ul>
 */
public final class UsersVerticle extends VerticleBase {
  public static final String AUTHENTICATE = "users.authenticate";
  public static final String GET = "users.get";
  public static final String LIST = "users.list";
  public static final String CREATE = "users.create";
  public static final String ROTATE_TOKEN = "users.rotate-token";

  /**
   * Published with the user's id whenever a user's token changes, so that nobody keeps trusting the
   * old one.
   */
  public static final String TOKEN_CHANGED = "users.token-changed";

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
                        vertx, AUTHENTICATE, req -> store.authenticate(req.getString("token"))),
                    Endpoints.bind(vertx, GET, req -> store.get(req.getInteger("id"))),
                    Endpoints.bind(
                        vertx,
                        LIST,
                        req -> store.list(req.getInteger("limit"), req.getLong("offset"))),
                    Endpoints.bind(vertx, CREATE, this::create),
                    Endpoints.bind(
                        vertx,
                        ROTATE_TOKEN,
                        req ->
                            store
                                .rotateToken(req.getInteger("id"))
                                .onSuccess(
                                    rotated ->
                                        vertx
                                            .eventBus()
                                            .publish(TOKEN_CHANGED, req.getInteger("id"))))));
  }

  private Future<JsonObject> create(JsonObject req) {
    return store.create(
        req.getString("email"),
        req.getString("first_name", ""),
        req.getString("last_name", ""),
        req.getBoolean("is_superuser", false));
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
