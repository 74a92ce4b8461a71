package dev.freight.http;

import dev.freight.users.UserRequests;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** /api/v2/users/... */
final class UserRoutes {
  private UserRoutes() {}

  static void bind(RouterBuilder builder) {
    builder.getRoute("getCurrentUser").addHandler(UserRoutes::me);
    builder.getRoute("listUsers").addHandler(UserRoutes::list);
    builder.getRoute("createUser").addHandler(UserRoutes::create);
    builder.getRoute("rotateUserToken").addHandler(UserRoutes::rotateToken);
  }

  private static void me(RoutingContext ctx) {
    Api.reply(ctx, 200, Api.ask(ctx, UserRequests.GET, new UserRequests.UserId(Api.callerId(ctx))));
  }

  private static void list(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.page(ctx, UserRequests.LIST, Api.Page::window);
  }

  private static void create(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.reply(
        ctx, 201, Api.ask(ctx, UserRequests.CREATE, UserRequests.NewUser.fromJson(Api.body(ctx))));
  }

  private static void rotateToken(RoutingContext ctx) {
    int id = Api.pathInt(ctx, "id");
    if (!Api.isSuperuser(ctx) && Api.callerId(ctx) != id) {
      throw new HttpException(403, "Only a superuser or the user itself may issue a new token.");
    }
    Api.reply(ctx, 200, Api.ask(ctx, UserRequests.ROTATE_TOKEN, new UserRequests.UserId(id)));
  }
}
