package dev.freight.bus;

import io.vertx.core.json.JsonObject;

/** Which rows of a list one page holds. */
public record Window(int limit, long offset) implements Address.Message {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("limit", limit).put("offset", offset);
  }

  public static Window fromJson(JsonObject json) {
    return new Window(json.getInteger("limit"), json.getLong("offset"));
  }
}
