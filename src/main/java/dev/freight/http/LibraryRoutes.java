package dev.freight.http;

import dev.freight.library.LibraryRequests;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;

/** /api/v2/library/standards/... (any user may read the library). */
final class LibraryRoutes {
  private LibraryRoutes() {}

  static void bind(RouterBuilder builder) {
    builder.getRoute("listStandards").addHandler(ctx -> list(ctx, "standard"));
    builder.getRoute("getStandard").addHandler(ctx -> get(ctx, "standard"));
  }

  private static void list(RoutingContext ctx, String model) {
    RequestParameter active = Api.request(ctx).getQuery().get("active");
    Api.page(
        ctx,
        LibraryRequests.LIST,
        page ->
            new LibraryRequests.ListItems(
                model,
                active == null || active.isNull() ? null : active.getBoolean(),
                Api.query(ctx, "phase"),
                Api.query(ctx, "problem"),
                Api.query(ctx, "search"),
                Api.query(ctx, "ordering"),
                page.window()));
  }

  private static void get(RoutingContext ctx, String model) {
    String id = Api.request(ctx).getPathParameters().get("id").getString();
    Api.reply(ctx, 200, Api.ask(ctx, LibraryRequests.GET, new LibraryRequests.ItemRef(model, id)));
  }
}
