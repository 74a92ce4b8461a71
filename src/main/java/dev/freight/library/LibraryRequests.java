package dev.freight.library;

import dev.freight.bus.Address;
import dev.freight.bus.Window;
import io.vertx.core.json.JsonObject;

/** What the library verticle answers on the event bus: its addresses and their requests. */
public final class LibraryRequests {
  private LibraryRequests() {}

  /** → a page of a content model's items: {count, results}. */
  public static final Address<ListItems, JsonObject> LIST =
      Address.answering("library.list", ListItems::fromJson);

  /** → the item, or a 404. */
  public static final Address<ItemRef, JsonObject> GET =
      Address.answering("library.get", ItemRef::fromJson);

  /** A page of one model's items, filtered as the list's query parameters say (null: no filter). */
  public record ListItems(
      String model,
      Boolean active,
      String phase,
      String problem,
      String search,
      String ordering,
      Window window)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("model", model)
          .put("active", active)
          .put("phase", phase)
          .put("problem", problem)
          .put("search", search)
          .put("ordering", ordering)
          .put("window", window.toJson());
    }

    public static ListItems fromJson(JsonObject json) {
      return new ListItems(
          json.getString("model"),
          json.getBoolean("active"),
          json.getString("phase"),
          json.getString("problem"),
          json.getString("search"),
          json.getString("ordering"),
          Window.fromJson(json.getJsonObject("window")));
    }
  }

  public record ItemRef(String model, String id) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("model", model).put("id", id);
    }

    public static ItemRef fromJson(JsonObject json) {
      return new ItemRef(json.getString("model"), json.getString("id"));
    }
  }
}
