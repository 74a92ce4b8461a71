package dev.freight.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * A body that stops arriving (a client whose Content-Length promised more than it sends, a stalled
 * upload) would hold its request, and the client, forever: after {@code idleMs} without a byte it
 * gets a 408 and the connection is closed.
 */
final class BodyTimeout {
  private static final long CHECK_MS = 1_000;

  private BodyTimeout() {}

  /** Watches the request until its body has ended or its answer is out. */
  static void watch(RoutingContext ctx, long idleMs) {
    HttpServerRequest request = ctx.request();
    long[] seen = {request.bytesRead(), System.nanoTime()};
    ctx.vertx()
        .setPeriodic(
            CHECK_MS,
            timer -> {
              if (request.isEnded() || ctx.failed() || ctx.response().ended()) {
                ctx.vertx().cancelTimer(timer);
              } else if (request.bytesRead() != seen[0]) {
                seen[0] = request.bytesRead();
                seen[1] = System.nanoTime();
              } else if (System.nanoTime() - seen[1] > idleMs * 1_000_000) {
                ctx.vertx().cancelTimer(timer);
                ctx.addEndHandler(sent -> request.connection().close());
                ctx.fail(
                    new HttpException(
                        408,
                        "The request body stopped arriving: nothing came for "
                            + idleMs / 1000
                            + " s."));
              }
            });
  }
}
