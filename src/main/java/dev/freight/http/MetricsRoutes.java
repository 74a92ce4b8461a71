package dev.freight.http;

import dev.freight.metrics.Metrics;
import dev.freight.metrics.MetricsServer;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** {@code GET /metrics}: the server's meters in Prometheus text, for superusers. */
final class MetricsRoutes {
  private MetricsRoutes() {}

  static void bind(RouterBuilder builder, Metrics metrics) {
    builder
        .getRoute("getMetrics")
        .addHandler(
            ctx -> {
              Api.requireSuperuser(ctx);
              metrics
                  .scrape()
                  .onSuccess(
                      text ->
                          ctx.response()
                              .putHeader("Content-Type", MetricsServer.CONTENT_TYPE)
                              .end(text))
                  .onFailure(ctx::fail);
            });
  }
}
