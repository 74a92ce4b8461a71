package dev.freight.http;

import dev.freight.logging.Log;
import dev.freight.logging.LogFields;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives each request its id (the client's {@code X-Request-Id} when it is a sane one, else a new
 * one), echoes it in the answer, and logs one line per request when its answer has been sent:
 * method, route template, status, duration, user and bytes. Never a header, query or body: tokens
 * stay out of the log.
 */
final class AccessLog {
  static final String HEADER = "X-Request-Id";

  /** Where a request's id is kept in its routing context, for the lines logged about it. */
  static final String REQUEST_ID = "freight.request_id";

  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");
  private static final Log LOG = Log.named("freight.access");

  private final OpenAPIContract contract;

  AccessLog(OpenAPIContract contract) {
    this.contract = contract;
  }

  void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    HttpServerRequest request = ctx.request();
    String given = request.getHeader(HEADER);
    String id = given != null && SANE_ID.matcher(given).matches() ? given : newId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(HEADER, id);
    ctx.addEndHandler(
        ended -> {
          long millis = (System.nanoTime() - started) / 1_000_000;
          String route = route(request.path());
          int status = ctx.response().getStatusCode();
          Integer user = ctx.user() == null ? null : ctx.user().principal().getInteger("id");
          LOG.info(
              LogFields.request(id)
                  .with("method", request.method().name())
                  .with("route", route)
                  .with("status", status)
                  .with("duration_ms", millis)
                  .with("user_id", user)
                  .with("bytes_in", request.bytesRead())
                  .with("bytes_out", ctx.response().bytesWritten()),
              request.method().name()
                  + " "
                  + route
                  + " "
                  + status
                  + " "
                  + millis
                  + " ms user "
                  + (user == null ? "-" : user)
                  + " in "
                  + request.bytesRead()
                  + " B out "
                  + ctx.response().bytesWritten()
                  + " B request "
                  + id);
        });
    ctx.next();
  }

  /** The id of the request {@code ctx} serves, for its log lines. */
  static LogFields fields(RoutingContext ctx) {
    return LogFields.request(ctx.get(REQUEST_ID));
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  /** The contract's path template (ids are not part of it); "-" for a path it does not have. */
  private String route(String path) {
    Path found = path == null ? null : contract.findPath(path);
    return found == null ? "-" : found.getName();
  }
}
