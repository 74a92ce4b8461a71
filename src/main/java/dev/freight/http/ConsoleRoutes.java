package dev.freight.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * The web console: its page at {@code /} and its scripts and styles at {@code /console/...}, all
 * from {@code src/main/resources/web} in the jar. It is a client of the API like any other.
 */
final class ConsoleRoutes {
  /** Scripts, styles and the page may come from here only; the page talks only to this server. */
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
          + " frame-ancestors 'none'";

  private ConsoleRoutes() {}

  static void bind(RouterBuilder builder) {
    // Files are served with Last-Modified and answered 304 when unchanged; "no-cache" makes the
    // browser ask each time, so a new jar's console is never hidden behind a stale cached one.
    StaticHandler files =
        StaticHandler.create("web")
            .setCachingEnabled(true)
            .setDirectoryListing(false)
            .setEnableRangeSupport(false);
    builder
        .getRoute("getConsole")
        .addHandler(
            ctx -> {
              ctx.response().putHeader("Content-Security-Policy", POLICY);
              serve(ctx, files);
            });
    builder.getRoute("getConsoleAsset").addHandler(ctx -> serve(ctx, files));
  }

  private static void serve(RoutingContext ctx, StaticHandler files) {
    ctx.response()
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff");
    files.handle(ctx);
  }
}
