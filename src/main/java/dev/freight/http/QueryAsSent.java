package dev.freight.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
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

  @Override
  public MultiMap params(boolean semicolonIsNormalChar) {
    MultiMap encoded = MultiMap.caseInsensitiveMultiMap();
    delegate
        .params(semicolonIsNormalChar)
        .forEach(
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
