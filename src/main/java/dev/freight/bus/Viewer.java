package dev.freight.bus;

import io.vertx.core.json.JsonObject;

/** Who asks, for resources that users reach only their own of, and superusers all. */
public record Viewer(int userId, boolean superuser) implements Address.Message {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("user_id", userId).put("superuser", superuser);
  }

  public static Viewer fromJson(JsonObject json) {
    return new Viewer(json.getInteger("user_id"), json.getBoolean("superuser"));
  }
}
