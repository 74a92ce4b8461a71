package dev.freight.http;

import dev.freight.webhooks.WebhookRequests;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** /api/v2/webhooks/... (superusers only). */
final class WebhookRoutes {
  private WebhookRoutes() {}

  static void bind(RouterBuilder builder) {
    builder.getRoute("createWebhook").addHandler(WebhookRoutes::create);
    builder.getRoute("listWebhooks").addHandler(WebhookRoutes::list);
    builder.getRoute("getWebhook").addHandler(WebhookRoutes::get);
    builder.getRoute("updateWebhook").addHandler(WebhookRoutes::update);
    builder.getRoute("deleteWebhook").addHandler(WebhookRoutes::delete);
    builder.getRoute("rotateWebhookSecret").addHandler(WebhookRoutes::rotateSecret);
    builder.getRoute("listWebhookDeliveries").addHandler(WebhookRoutes::deliveries);
    builder.getRoute("redeliverWebhookDelivery").addHandler(WebhookRoutes::redeliver);
  }

  private static void create(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.reply(
        ctx,
        201,
        Api.ask(
            ctx, WebhookRequests.CREATE, WebhookRequests.WebhookFields.fromJson(Api.body(ctx))));
  }

  private static void list(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.page(ctx, WebhookRequests.LIST, Api.Page::window);
  }

  private static void get(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.reply(ctx, 200, Api.ask(ctx, WebhookRequests.GET, id(ctx)));
  }

  private static void update(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    JsonObject changes = Api.body(ctx).copy().put("id", id(ctx).id());
    Api.reply(
        ctx,
        200,
        Api.ask(ctx, WebhookRequests.UPDATE, WebhookRequests.WebhookFields.fromJson(changes)));
  }

  private static void delete(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.ask(ctx, WebhookRequests.DELETE, id(ctx))
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static void rotateSecret(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.reply(ctx, 200, Api.ask(ctx, WebhookRequests.ROTATE_SECRET, id(ctx)));
  }

  private static void deliveries(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    long id = id(ctx).id();
    Api.page(
        ctx,
        WebhookRequests.DELIVERIES,
        page -> new WebhookRequests.DeliveryList(id, page.window()));
  }

  private static void redeliver(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.reply(
        ctx,
        202,
        Api.ask(
            ctx,
            WebhookRequests.REDELIVER,
            new WebhookRequests.DeliveryId(id(ctx).id(), Api.pathInt(ctx, "delivery_id"))));
  }

  private static WebhookRequests.WebhookId id(RoutingContext ctx) {
    return new WebhookRequests.WebhookId(Api.pathInt(ctx, "id"));
  }
}
