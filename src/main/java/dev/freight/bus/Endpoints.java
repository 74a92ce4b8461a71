package dev.freight.bus;

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

  public static Future<Void> bind(
      Vertx vertx, String address, Function<JsonObject, Future<?>> handler) {
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                address,
                message -> {
                  Future<?> reply;
                  try {
                    reply = handler.apply(message.body());
                  } catch (RuntimeException e) {
                    reply = Future.failedFuture(e);
                  }
                  reply
                      .onSuccess(message::reply)
                      .onFailure(
                          failure -> {
                            if (failure instanceof Failure f) {
                              message.fail(f.status(), f.getMessage());
                            } else {
                              LOG.log(
                                  System.Logger.Level.ERROR,
                                  "request to " + address + " failed",
                                  failure);
                              message.fail(500, "internal error");
                            }
                          });
                });
    return consumer.completion();
  }
}
