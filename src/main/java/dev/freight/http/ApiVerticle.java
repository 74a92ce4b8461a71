package dev.freight.http;

import dev.freight.cluster.Node;
import dev.freight.config.FreightConfig;
import dev.freight.db.Database;
import dev.freight.logging.Log;
import dev.freight.metrics.Metrics;
import dev.freight.users.KnownTokens;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.Set;

/**
 * Owns HTTP: builds the router from {@code openapi.yaml}, authenticates, validates, and hands each
 * operation to a small handler that asks the owning verticle over the event bus.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Log LOG = Log.of(ApiVerticle.class);
  static final String CONTRACT = "openapi.yaml";
  private static final long HEALTH_TIMEOUT_MS = 2_000;
  private static final String RETRY_AFTER_S = "2";

  /**
   * The pieces a request body arrives in (Netty's default is 8 KiB): each piece of an upload is one
   * write to its spool file, so a 400 MB upload would be 50,000 of them.
   */
  private static final int UPLOAD_CHUNK_BYTES = 64 * 1024;

  private final FreightConfig.Http config;
  private final Path uploads;
  private final Pool pool;
  private final Node node;
  private final KnownTokens knownTokens;
  private final Metrics metrics;
  private HttpServer server;

  /**
   * {@code uploads}: where multipart uploads are spooled while they arrive; {@code knownTokens}:
   * the node's, shared by its HTTP verticles; {@code metrics}: what {@code GET /metrics} shows.
   */
  public ApiVerticle(
      FreightConfig.Http config,
      Path uploads,
      Pool pool,
      Node node,
      KnownTokens knownTokens,
      Metrics metrics) {
    this.config = config;
    this.uploads = uploads;
    this.pool = pool;
    this.node = node;
    this.knownTokens = knownTokens;
    this.metrics = metrics;
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    return vertx
        .fileSystem()
        .readFile(CONTRACT)
        .compose(
            text ->
                vertx
                    .executeBlocking(() -> RouterContract.of(text.toString()))
                    .compose(loadable -> OpenAPIContract.from(vertx, loadable))
                    .map(contract -> router(new KeptValidators(contract), text)))
        .compose(
            router ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setMaxChunkSize(UPLOAD_CHUNK_BYTES)
                            // gzip for clients that ask (browsers); streamed files opt out.
                            .setCompressionSupported(true))
                    .requestHandler(router)
                    .invalidRequestHandler(ApiVerticle::invalidRequest)
                    // Every instance serves the same port; a negative port is Vert.x's "random, but
                    // shared".
                    .listen(config.port() == 0 ? -1 : config.port(), config.host()))
        .onSuccess(listening -> server = listening);
  }

  private Router router(OpenAPIContract contract, Buffer contractText) {
    RouterBuilder builder =
        RouterBuilder.create(
            vertx,
            contract,
            (ctx, operation) ->
                isMultipart(ctx)
                    ? Future.failedFuture(
                        new HttpException(415, "This endpoint takes application/json."))
                    : RequestUtils.extract(
                        new QueryAsSent(ctx.request()),
                        operation,
                        () -> Future.succeededFuture(ctx.body().buffer())));
    builder.rootHandler(new AccessLog(contract)::handle);
    builder.rootHandler(this::readJsonBody);
    TokenAuth auth = new TokenAuth(vertx.eventBus(), knownTokens);
    builder.security("tokenAuth").apiKeyHandler(APIKeyHandler.create(auth));

    builder.getRoute("getHealth").addHandler(this::health);
    builder
        .getRoute("getOpenApi")
        .addHandler(
            ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(contractText));
    ConsoleRoutes.bind(builder);
    UserRoutes.bind(builder);
    LibraryRoutes.bind(builder);
    UploadSpool.Limits uploadLimits =
        new UploadSpool.Limits(
            config.maxUploadBytes(),
            config.maxUploadFiles(),
            config.maxFileNameChars(),
            config.bodyIdleTimeoutSeconds() * 1000);
    ImportRoutes.bind(builder, uploads, uploadLimits);
    LibraryExportRoutes.bind(builder);
    ListExportRoutes.bind(builder, vertx, contract, uploads, uploadLimits);
    WebhookRoutes.bind(builder);
    MetricsRoutes.bind(builder, metrics);

    for (OpenAPIRoute route : builder.getRoutes()) {
      if (route.getHandlers().isEmpty()) {
        throw new IllegalStateException(
            "operation " + route.getOperation().getOperationId() + " has no handler");
      }
    }
    Router router = builder.createRouter();
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> error(ctx, 404, "Not found."));
    router.errorHandler(
        405, ctx -> error(ctx, 405, "Method " + ctx.request().method() + " not allowed."));
    return router;
  }

  /**
   * JSON bodies are read here with a size limit. Multipart bodies are left alone: only upload
   * operations take them, and those stream them to disk on their own route.
   */
  private void readJsonBody(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    boolean hasBody =
        method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    String type = ctx.request().getHeader("Content-Type");
    if (!hasBody || isMultipart(ctx)) {
      ctx.next();
    } else if (type != null && !type.toLowerCase().startsWith("application/json")) {
      error(ctx, 415, "Unsupported media type " + type + "; send application/json.");
    } else {
      BodyTimeout.watch(ctx, config.bodyIdleTimeoutSeconds() * 1000);
      BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()).handle(ctx);
    }
  }

  private static boolean isMultipart(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase().startsWith("multipart/");
  }

  private void health(RoutingContext ctx) {
    Database.ping(pool, HEALTH_TIMEOUT_MS)
        .onSuccess(up -> Api.json(ctx, 200, nodeHealth().put("status", "UP").put("db", "UP")))
        .onFailure(
            down -> Api.json(ctx, 503, nodeHealth().put("status", "DOWN").put("db", "DOWN")));
  }

  /** This node's id, whether it is clustered, and how many members its cluster has (1 alone). */
  private JsonObject nodeHealth() {
    int members;
    try {
      members = node.members().size();
    } catch (RuntimeException e) {
      members = 0; // the cluster manager is stopping
    }
    return new JsonObject()
        .put("node", node.id())
        .put("clustered", node.clustered())
        .put("members", members);
  }

  /** The one place where failures become HTTP answers. */
  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    // The token check reports whatever failed as a 401; a database that is down is no bad token.
    if (failure instanceof HttpException http && http.getCause() instanceof ReplyException reply) {
      failure = reply;
    }
    if (failure instanceof ReplyException reply
        && (reply.failureType() == ReplyFailure.TIMEOUT
            || reply.failureCode() == 503
                && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE)) {
      unavailable(ctx);
    } else if (failure instanceof HttpException http) {
      error(ctx, http.getStatusCode(), detail(ctx, http));
    } else if (failure instanceof ReplyException reply
        && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() >= 400
        && reply.failureCode() < 600) {
      error(ctx, reply.failureCode(), reply.getMessage());
    } else if (diskFull(failure)) {
      LOG.error("the disk is full: " + failure.getMessage(), null);
      error(
          ctx,
          507,
          "The server's disk is full: the upload could not be kept. Try again later, or ask an"
              + " operator to free space in the data dir.");
    } else if (failure == null && ctx.statusCode() >= 400) {
      error(ctx, ctx.statusCode(), defaultDetail(ctx.statusCode()));
    } else {
      LOG.error(
          AccessLog.fields(ctx),
          ctx.request().method() + " " + ctx.request().path() + " failed",
          failure);
      error(ctx, 500, "Internal server error.");
    }
  }

  /**
   * 503 with Retry-After: PostgreSQL is down or restarting, or every connection for requests is
   * busy and enough requests wait already. Answered at once rather than queued without bound.
   */
  private static void unavailable(RoutingContext ctx) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Retry-After", RETRY_AFTER_S);
    }
    error(ctx, 503, Database.UNAVAILABLE);
  }

  /** ENOSPC, as the JDK words it, wherever in the chain (Vert.x wraps file errors). */
  private static boolean diskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A request Netty could not decode (a request line or headers past its limits, broken HTTP) never
   * reaches the router; it gets the same JSON error, and the connection is closed.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status =
        cause instanceof TooLongHttpLineException
            ? 414
            : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String detail =
        switch (status) {
          case 414 -> "The request line is too long (at most 4096 characters).";
          case 431 -> "The request headers are too large (at most 8192 bytes).";
          default -> "The request is not valid HTTP.";
        };
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("detail", detail).toBuffer())
        .onComplete(sent -> request.connection().close());
  }

  private static String detail(RoutingContext ctx, HttpException http) {
    if (http.getStatusCode() == 401 && ctx.request().getHeader("Authorization") == null) {
      return "Authentication credentials were not provided.";
    }
    if (http.getCause() instanceof SchemaValidationException invalid) {
      return schemaDetail(invalid);
    }
    String payload = http.getPayload();
    if (payload != null && !payload.isBlank()) {
      return payload;
    }
    Throwable cause = http.getCause();
    return cause instanceof HttpException inner && inner.getPayload() != null
        ? inner.getPayload()
        : defaultDetail(http.getStatusCode());
  }

  /** Keywords whose findings only say that something beneath them failed. */
  private static final Set<String> WRAPPERS =
      Set.of(
          "properties",
          "additionalProperties",
          "patternProperties",
          "items",
          "prefixItems",
          "$ref",
          "$dynamicRef",
          "allOf",
          "anyOf",
          "oneOf",
          "not",
          "if",
          "then",
          "else");

  /**
   * The validator gives the last of its findings as the reason, often a wrapper such as "Property x
   * does not match additional properties schema"; the first concrete one (e.g. "Instance does not
   * match any of [...]") tells the client what is allowed.
   */
  private static String schemaDetail(SchemaValidationException invalid) {
    String message = invalid.getMessage();
    int reason = message.indexOf("Reason: ");
    OutputUnit concrete =
        invalid.getOutputUnit().getErrors().stream()
            .filter(unit -> !WRAPPERS.contains(unit.getKeywordLocation().replaceFirst(".*/", "")))
            .findFirst()
            .orElse(null);
    if (reason < 0 || concrete == null) {
      return message;
    }
    String location = concrete.getInstanceLocation();
    return message.substring(0, reason + "Reason: ".length())
        + concrete.getError()
        + (location.length() > 1 ? " at " + location : "");
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 401 -> "Invalid token.";
      case 413 -> "Request body too large.";
      default ->
          io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase() + ".";
    };
  }

  private static void error(RoutingContext ctx, int status, String detail) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Api.json(ctx, status, new JsonObject().put("detail", detail));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
