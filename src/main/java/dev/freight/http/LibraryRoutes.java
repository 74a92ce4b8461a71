package dev.freight.http;

import dev.freight.library.LibraryVerticle;
import io.vertx.core.json.JsonObject;
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
    Api.Page page = Api.Page.of(ctx);
    JsonObject request =
        page.window(
            new JsonObject()
                .put("model", model)
                .put("phase", Api.query(ctx, "phase"))
                .put("problem", Api.query(ctx, "problem"))
                .put("search", Api.query(ctx, "search"))
                .put("ordering", Api.query(ctx, "ordering")));
    RequestParameter active = Api.request(ctx).getQuery().get("active");
    if (active != null && !active.isNull()) {
      request.put("active", active.getBoolean());
    }
    Api.page(ctx, page, Api.ask(ctx, LibraryVerticle.LIST, request));
  }

  private static void get(RoutingContext ctx, String model) {
    String id = Api.request(ctx).getPathParameters().get("id").getString();
    Api.reply(
        ctx,
        200,
        Api.ask(ctx, LibraryVerticle.GET, new JsonObject().put("model", model).put("id", id)));
  }
}
