package dev.freight.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.ext.web.handler.HttpException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The request as the contract's validator should see it. The validator URL-decodes query values
 * that Vert.x has already decoded, so a value holding {@code %} ({@code ?search=100%25}) would be
 * decoded twice and fail; here its query values are encoded once more, so that they arrive as sent.
 */
final class QueryAsSent extends HttpServerRequestWrapper {

  QueryAsSent(HttpServerRequest request) {
    super((HttpServerRequestInternal) request);
  }

  /**
   * @throws HttpException 400 when the query is not correctly percent-encoded ({@code %zz})
   */
  @Override
  public MultiMap params(boolean semicolonIsNormalChar) {
    MultiMap decoded;
    try {
      decoded = delegate.params(semicolonIsNormalChar);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "The query string is not correctly percent-encoded.");
    }
    MultiMap encoded = MultiMap.caseInsensitiveMultiMap();
    decoded.forEach(
        param ->
            encoded.add(
                param.getKey(), URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8)));
    return encoded;
  }

  @Override
  public MultiMap params() {
    return params(false);
  }
}
