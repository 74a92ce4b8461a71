package dev.freight.metrics;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /metrics} without a token on an address of its own ({@code metrics.host}, {@code
 * metrics.port}), for a Prometheus that reaches the server on a private network.
 */
public final class MetricsServer extends VerticleBase {
  /** What Prometheus's text format is served as. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Metrics metrics;
  private final String host;
  private final int port;
  private HttpServer server;

  public MetricsServer(Metrics metrics, String host, int port) {
    this.metrics = metrics;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx
        .createHttpServer()
        .requestHandler(this::handle)
        .listen(port, host)
        .onSuccess(listening -> server = listening);
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET || !request.path().equals("/metrics")) {
      request.response().setStatusCode(404).end();
      return;
    }
    metrics
        .scrape()
        .onSuccess(text -> request.response().putHeader("Content-Type", CONTENT_TYPE).end(text))
        .onFailure(failure -> request.response().setStatusCode(500).end());
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
