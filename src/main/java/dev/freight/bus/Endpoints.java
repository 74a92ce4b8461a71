package dev.freight.bus;

import dev.freight.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Binds an event-bus address to a request handler, turning its outcome into a reply or a coded
 * failure.
 */
public final class Endpoints {
  private static final System.Logger LOG = System.getLogger(Endpoints.class.getName());

  private Endpoints() {}

  /**
   * Answers requests to {@code address}: each is read, handled and its reply written as JSON. Only
   * requests sent on this node reach it: they name local files (uploads) and local streams, so in a
   * cluster a request stays on the node that received it.
   */
  public static <Q, R> Future<Void> bind(
      Vertx vertx, Address<Q, R> address, Function<Q, Future<R>> handler) {
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .localConsumer(
                address.name(),
                message -> {
                  Future<R> reply;
                  try {
                    reply = handler.apply(address.request().read().apply(message.body()));
                  } catch (RuntimeException e) {
                    reply = Future.failedFuture(e);
                  }
                  reply
                      .onSuccess(result -> message.reply(address.reply().write().apply(result)))
                      .onFailure(
                          failure -> {
                            if (failure instanceof Failure f) {
                              message.fail(f.status(), f.getMessage());
                            } else if (Database.unavailable(failure)) {
                              message.fail(503, Database.UNAVAILABLE);
                            } else {
                              LOG.log(
                                  System.Logger.Level.ERROR,
                                  "request to " + address.name() + " failed",
                                  failure);
                              message.fail(500, "internal error");
                            }
                          });
                });
    return consumer.completion();
  }
}
