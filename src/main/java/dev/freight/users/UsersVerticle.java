package dev.freight.users;

import dev.freight.bus.Endpoints;
import dev.freight.cluster.Node;
import dev.freight.config.FreightConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.sqlclient.Pool;

/** Owns users and tokens; answers the requests of {@link UserRequests}. */
public final class UsersVerticle extends VerticleBase {

  /** How long a rotation waits for another node to forget the old token; a dead node is not. */
  private static final long FORGET_TIMEOUT_MS = 2_000;

  private final UserStore store;
  private final FreightConfig.Admin admin;
  private final Node node;
  private final KnownTokens knownTokens;

  /** {@code knownTokens}: the tokens this node's HTTP verticles remember. */
  public UsersVerticle(Pool pool, FreightConfig.Admin admin, Node node, KnownTokens knownTokens) {
    this.store = new UserStore(pool);
    this.admin = admin;
    this.node = node;
    this.knownTokens = knownTokens;
  }

  /** Where a node is told to forget a user's tokens, and answers once it has. */
  private static String forgetAddress(String node) {
    return "users.forget-tokens." + node;
  }

  /**
   * A user's token changed: every node forgets what it remembered of the user's tokens before the
   * rotation answers (each is asked and answers once it has; one that does not answer in time is
   * taken for dead).
   */
  private Future<Void> tokenChanged(int userId) {
    knownTokens.forget(userId);
    return Future.join(
            node.members().stream()
                .filter(member -> !member.equals(node.id()))
                .map(
                    member ->
                        vertx
                            .eventBus()
                            .request(
                                forgetAddress(member),
                                userId,
                                new DeliveryOptions().setSendTimeout(FORGET_TIMEOUT_MS)))
                .toList())
        .otherwiseEmpty()
        .mapEmpty();
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .<Integer>consumer(
            forgetAddress(node.id()),
            message -> {
              knownTokens.forget(message.body());
              message.reply(null);
            })
        .completion()
        .compose(bound -> ensureAdmin())
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
                                .compose(
                                    rotated -> tokenChanged(req.id()).map(forgotten -> rotated)))));
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
