package dev.freight.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The {@code errors} of a v2 job that failed as a whole, not for a row of its files. */
public final class JobErrors {
  private JobErrors() {}

  /** {@code {"job": [{"message": ...}]}} */
  public static JsonObject of(String message) {
    return new JsonObject()
        .put("job", new JsonArray().add(new JsonObject().put("message", message)));
  }
}
