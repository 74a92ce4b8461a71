package dev.freight.http;

import dev.freight.listexports.ExportableList;
import dev.freight.listexports.ExportableLists;
import dev.freight.listexports.ListExportRequests;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The export action of each exportable list, and /api/v1/exports/... */
final class ListExportRoutes {
  /** A filter file holds ids only: 16 MiB is about a million of them. */
  private static final long FILTER_FILE_MAX_BYTES = 16L << 20;

  /** Storing a filter file, or waiting for a cancelled export to stop, takes a while. */
  private static final long SLOW_MS = 5 * 60_000;

  private ListExportRoutes() {}

  static void bind(RouterBuilder builder, Vertx vertx, OpenAPIContract contract, Path uploads) {
    UploadSpool toDisk = new UploadSpool(uploads, FILTER_FILE_MAX_BYTES);
    RequestValidator validator = RequestValidator.create(vertx, contract);
    for (ExportableList source : ExportableLists.all()) {
      Operation export = contract.operation(source.operationId());
      requireListFilters(source, export, contract.operation(source.listOperationId()));
      // The router's validation off: the body may be multipart, which it would read into memory.
      // The query is checked here as the list checks it, the body by the verticle.
      builder
          .getRoute(source.operationId())
          .setDoValidation(false)
          .addHandler(ctx -> checkQuery(ctx, validator, export))
          .addHandler(
              ctx -> {
                if (source.superuserOnly()) {
                  Api.requireSuperuser(ctx);
                }
                ctx.next();
              })
          // After authentication, which holds the request paused until the spool reads it. A JSON
          // body was read by the API's root handler already: the spool reads multipart only.
          .addHandler(Idempotent::claim)
          .addHandler(toDisk)
          .addHandler(Idempotent::check)
          .addHandler(ctx -> create(ctx, source));
    }
    builder.getRoute("listExports").addHandler(ListExportRoutes::list);
    builder
        .getRoute("getExport")
        .addHandler(ctx -> Api.reply(ctx, 200, Api.ask(ctx, ListExportRequests.GET, export(ctx))));
    builder
        .getRoute("cancelExport")
        .addHandler(
            ctx -> {
              Api.requireSuperuser(ctx);
              Api.reply(
                  ctx,
                  200,
                  Api.ask(ctx.vertx().eventBus(), ListExportRequests.CANCEL, export(ctx), SLOW_MS));
            });
    builder
        .getRoute("downloadExport")
        .addHandler(ctx -> Api.stream(ctx, Api.ask(ctx, ListExportRequests.DOWNLOAD, export(ctx))));
  }

  /** The export the path names, and who asks: non-superusers reach only their own. */
  private static ListExportRequests.ExportAccess export(RoutingContext ctx) {
    return new ListExportRequests.ExportAccess(
        Api.viewer(ctx), Api.request(ctx).getPathParameters().get("id").getString());
  }

  /**
   * The export action takes the list's filters: each query parameter it declares is the list's,
   * with the same schema, and each filter the export applies is declared. Checked at start, so that
   * the contract cannot let the two drift apart.
   */
  private static void requireListFilters(ExportableList source, Operation export, Operation list) {
    for (Parameter param : query(export)) {
      Optional<Parameter> listed =
          query(list).stream().filter(p -> p.getName().equals(param.getName())).findFirst();
      if (listed.isEmpty() || !listed.get().getOpenAPIModel().equals(param.getOpenAPIModel())) {
        throw new IllegalStateException(
            source.operationId()
                + ": query parameter '"
                + param.getName()
                + "' must be declared as in "
                + source.listOperationId());
      }
    }
    for (ExportableList.Filter filter : source.filters()) {
      if (query(export).stream().noneMatch(p -> p.getName().equals(filter.name()))) {
        throw new IllegalStateException(
            source.operationId() + ": filter '" + filter.name() + "' is not a declared parameter");
      }
    }
  }

  private static List<Parameter> query(Operation operation) {
    return operation.getParameters().stream().filter(p -> p.getIn() == Location.QUERY).toList();
  }

  /** Refuses with a 400, as the router's validation does, query parameters the contract refuses. */
  private static void checkQuery(RoutingContext ctx, RequestValidator validator, Operation export) {
    // A multipart body is read by the next handler: held back meanwhile (that handler resumes it).
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    // Without the body: not the contract's to check here.
    RequestUtils.extract(ctx.request(), export, () -> Future.succeededFuture())
        .compose(request -> validator.validate(request, export.getOperationId()))
        .onSuccess(valid -> ctx.next())
        .onFailure(
            invalid -> {
              if (!ctx.request().isEnded()) {
                ctx.request().resume(); // the rest of the body is not wanted
              }
              ctx.fail(
                  invalid instanceof ValidatorException
                      ? new HttpException(400, invalid.getMessage(), invalid)
                      : invalid);
            });
  }

  private static void create(RoutingContext ctx, ExportableList source) {
    JsonObject body;
    if (ctx.request().isExpectMultipart()) {
      MultiMap form = ctx.request().formAttributes();
      body = params(form);
      if (form.contains("fields")) {
        body.put("fields", new JsonArray(form.getAll("fields")));
      }
    } else {
      body = jsonBody(ctx);
    }
    ListExportRequests.NewListExport request =
        new ListExportRequests.NewListExport(
            source.actionName(),
            Api.callerId(ctx),
            params(ctx.queryParams()),
            body,
            Api.uploads(ctx));
    Idempotent.reply(
        ctx, 202, Api.ask(ctx.vertx().eventBus(), ListExportRequests.CREATE, request, SLOW_MS));
  }

  /** The first value of each parameter. */
  private static JsonObject params(MultiMap params) {
    JsonObject json = new JsonObject();
    for (Map.Entry<String, String> param : params) {
      if (!json.containsKey(param.getKey())) {
        json.put(param.getKey(), param.getValue());
      }
    }
    return json;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (DecodeException | ClassCastException e) {
      throw new HttpException(400, "The body must be a JSON object.");
    }
  }

  private static void list(RoutingContext ctx) {
    JsonObject createdDate = new JsonObject();
    ctx.queryParams().names().stream()
        .filter(name -> name.startsWith("created_date"))
        .forEach(name -> createdDate.put(name, ctx.queryParams().get(name)));
    Api.page(
        ctx,
        ListExportRequests.LIST,
        page ->
            new ListExportRequests.ListExports(
                Api.viewer(ctx),
                Api.query(ctx, "status"),
                Api.query(ctx, "format_type"),
                createdDate,
                page.window()));
  }
}
