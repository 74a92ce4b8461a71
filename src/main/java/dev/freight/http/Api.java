package dev.freight.http;

import dev.freight.bus.Address;
import dev.freight.bus.ChunkStreams;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.UploadedFile;
import dev.freight.bus.Viewer;
import dev.freight.bus.Window;
import dev.freight.jobs.JobListQuery;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every handler does: read the caller and the validated request, ask a verticle, answer in
 * JSON.
 */
final class Api {
  private Api() {}

  /** The authenticated user, as {@code users.authenticate} described it. */
  static JsonObject caller(RoutingContext ctx) {
    return ctx.user().principal();
  }

  static int callerId(RoutingContext ctx) {
    return caller(ctx).getInteger("id");
  }

  /** The caller, for resources users reach only their own of. */
  static Viewer viewer(RoutingContext ctx) {
    return new Viewer(callerId(ctx), isSuperuser(ctx));
  }

  static boolean isSuperuser(RoutingContext ctx) {
    return caller(ctx).getBoolean("is_superuser", false);
  }

  static final String NOT_PERMITTED = "You do not have permission to perform this action.";

  static void requireSuperuser(RoutingContext ctx) {
    if (!isSuperuser(ctx)) {
      throw new HttpException(403, NOT_PERMITTED);
    }
  }

  static ValidatedRequest request(RoutingContext ctx) {
    return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  static Integer pathInt(RoutingContext ctx, String name) {
    return request(ctx).getPathParameters().get(name).getInteger();
  }

  /** A query parameter as text, or null when absent. */
  static String query(RoutingContext ctx, String name) {
    RequestParameter param = request(ctx).getQuery().get(name);
    return param == null || param.isNull() ? null : String.valueOf(param.get());
  }

  static int queryInt(RoutingContext ctx, String name, int fallback) {
    RequestParameter param = request(ctx).getQuery().get(name);
    return param == null || param.isNull() ? fallback : param.getInteger();
  }

  static JsonObject body(RoutingContext ctx) {
    RequestParameter body = request(ctx).getBody();
    return body == null || body.isNull() ? new JsonObject() : body.getJsonObject();
  }

  /** The files a multipart body brought, spooled to disk, for a verticle to check and take. */
  static List<UploadedFile> uploads(RoutingContext ctx) {
    return UploadSpool.files(ctx).stream().map(UploadSpool.Spooled::file).toList();
  }

  /**
   * Asks the verticle at {@code address}; its coded failures reach the failure handler as they are.
   */
  static <Q, R> Future<R> ask(RoutingContext ctx, Address<Q, R> address, Q request) {
    return ask(ctx.vertx().eventBus(), address, request, DeliveryOptions.DEFAULT_TIMEOUT);
  }

  static <Q, R> Future<R> ask(EventBus bus, Address<Q, R> address, Q request, long timeoutMs) {
    return bus.<JsonObject>request(
            address.name(),
            address.request().write().apply(request),
            // Answered on this node: requests name its local files and streams.
            new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true))
        .map(reply -> address.reply().read().apply(reply.body()));
  }

  /**
   * Jackson's streaming writer: {@code JsonObject.toBuffer()} goes through jackson-databind (on the
   * class path for the contract's YAML), whose serializer lookups per value cost more.
   */
  private static final JacksonCodec ENCODER = new JacksonCodec();

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(ENCODER.toBuffer(body, false));
  }

  /** Sends the verticle's reply, or hands its failure to the failure handler. */
  static void reply(RoutingContext ctx, int status, Future<JsonObject> answer) {
    answer.onSuccess(body -> json(ctx, status, body)).onFailure(ctx::fail);
  }

  /** Pagination as every list uses it: 1-based {@code page}, {@code page_size} up to 1000. */
  record Page(int number, int size) {
    static Page of(RoutingContext ctx) {
      return new Page(queryInt(ctx, "page", 1), queryInt(ctx, "page_size", 50));
    }

    long offset() {
      return (long) (number - 1) * size;
    }

    Window window() {
      return new Window(size, offset());
    }

    /**
     * Puts {@code next} and {@code previous} links after a verticle's {@code count}, before the
     * rest.
     */
    JsonObject linked(RoutingContext ctx, JsonObject page) {
      long count = page.getLong("count");
      JsonObject linked =
          new JsonObject()
              .put("count", count)
              .put("next", offset() + size < count ? link(ctx, number + 1) : null)
              .put(
                  "previous", number > 1 ? link(ctx, Math.min(number - 1, lastPage(count))) : null);
      page.forEach(entry -> linked.put(entry.getKey(), entry.getValue()));
      return linked;
    }

    private long lastPage(long count) {
      return Math.max(1, (count + size - 1) / size);
    }

    private String link(RoutingContext ctx, long page) {
      StringBuilder url =
          new StringBuilder(ctx.request().absoluteURI().replaceFirst("\\?.*", "")).append('?');
      for (Map.Entry<String, String> param : ctx.queryParams()) {
        if (!param.getKey().equals("page")) {
          url.append(encode(param.getKey()))
              .append('=')
              .append(encode(param.getValue()))
              .append('&');
        }
      }
      return url.append("page=").append(page).toString();
    }

    private static String encode(String text) {
      return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A job list's page, ordering and status filters, as the client gave them. */
  static JobListQuery jobList(RoutingContext ctx, Page page) {
    return new JobListQuery(
        query(ctx, "ordering"), query(ctx, "status"), query(ctx, "status__in"), page.window());
  }

  /**
   * Answers a page of a list with links: asks {@code address} for the page {@code request} makes.
   */
  static <Q> void page(
      RoutingContext ctx, Address<Q, JsonObject> address, Function<Page, Q> request) {
    Page page = Page.of(ctx);
    ask(ctx, address, request.apply(page))
        .onSuccess(body -> json(ctx, 200, page.linked(ctx, body)))
        .onFailure(ctx::fail);
  }

  /**
   * Streams what a verticle opened. Each chunk is pulled only once the previous one is written, so
   * a slow client slows the source, not the heap.
   */
  static void stream(RoutingContext ctx, Future<StreamOpened> opened) {
    opened
        .onFailure(ctx::fail)
        .onSuccess(
            meta -> {
              // Not compressed: exports are large, and gzip on the event loop would slow them.
              HttpServerResponse response =
                  ctx.response()
                      .putHeader("Content-Type", meta.contentType())
                      .putHeader("Content-Encoding", "identity");
              if (meta.filename() != null) {
                response.putHeader(
                    "Content-Disposition", "attachment; filename=\"" + meta.filename() + "\"");
              }
              if (meta.length() != null) {
                response.putHeader("Content-Length", String.valueOf(meta.length()));
              } else {
                response.setChunked(true);
              }
              EventBus bus = ctx.vertx().eventBus();
              response.closeHandler(
                  closed -> bus.request(ChunkStreams.CLOSE, meta.stream(), ChunkStreams.local()));
              pull(bus, meta.stream(), response);
            });
  }

  private static void pull(EventBus bus, String id, HttpServerResponse response) {
    bus.<Buffer>request(ChunkStreams.NEXT, id, ChunkStreams.local())
        .onComplete(
            reply -> {
              if (reply.failed()) {
                // Headers are out: all that is left is to cut the connection so the client sees it
                // broke.
                response.reset();
              } else if (reply.result().headers().contains(ChunkStreams.END)) {
                response.end();
              } else {
                response.write(reply.result().body()).onSuccess(written -> pull(bus, id, response));
              }
            });
  }
}
