package dev.freight.webhooks;

import dev.freight.bus.Address;
import dev.freight.bus.Window;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the webhooks verticle answers on the event bus: its addresses and their requests. */
public final class WebhookRequests {
  private WebhookRequests() {}

  /** → the new subscription with its secret, shown only there. */
  public static final Address<WebhookFields, JsonObject> CREATE =
      Address.answering("webhooks.create", WebhookFields::fromJson);

  /** → a page of subscriptions: {count, results}. */
  public static final Address<Window, JsonObject> LIST =
      Address.answering("webhooks.list", Window::fromJson);

  /** → the subscription, or a 404. */
  public static final Address<WebhookId, JsonObject> GET =
      Address.answering("webhooks.get", WebhookId::fromJson);

  /** → the subscription after the change, or a 404. */
  public static final Address<WebhookFields, JsonObject> UPDATE =
      Address.answering("webhooks.update", WebhookFields::fromJson);

  /** → {} once deleted with its deliveries, or a 404. */
  public static final Address<WebhookId, JsonObject> DELETE =
      Address.answering("webhooks.delete", WebhookId::fromJson);

  /** → the subscription with its new secret; the old one signs no more deliveries. */
  public static final Address<WebhookId, JsonObject> ROTATE_SECRET =
      Address.answering("webhooks.rotate-secret", WebhookId::fromJson);

  /** → a page of the subscription's deliveries, newest first, with their attempts. */
  public static final Address<DeliveryList, JsonObject> DELIVERIES =
      Address.answering("webhooks.deliveries", DeliveryList::fromJson);

  /** → the delivery, due again at once with a new retry window, or a 404. */
  public static final Address<DeliveryId, JsonObject> REDELIVER =
      Address.answering("webhooks.redeliver", DeliveryId::fromJson);

  public record WebhookId(long id) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("id", id);
    }

    public static WebhookId fromJson(JsonObject json) {
      return new WebhookId(json.getLong("id"));
    }
  }

  /**
   * A subscription's fields as the API's body gives them (shape checked by the contract); on an
   * update, null ones stay as they are and {@code id} names the subscription.
   */
  public record WebhookFields(
      Long id, String url, List<String> events, String description, Boolean active)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("url", url)
          .put("events", events == null ? null : new JsonArray(events))
          .put("description", description)
          .put("active", active);
    }

    public static WebhookFields fromJson(JsonObject json) {
      JsonArray events = json.getJsonArray("events");
      return new WebhookFields(
          json.getLong("id"),
          json.getString("url"),
          events == null ? null : events.stream().map(String::valueOf).toList(),
          json.getString("description"),
          json.getBoolean("active"));
    }
  }

  public record DeliveryList(long webhookId, Window window) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("webhook_id", webhookId).put("window", window.toJson());
    }

    public static DeliveryList fromJson(JsonObject json) {
      return new DeliveryList(
          json.getLong("webhook_id"), Window.fromJson(json.getJsonObject("window")));
    }
  }

  public record DeliveryId(long webhookId, long deliveryId) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("webhook_id", webhookId).put("delivery_id", deliveryId);
    }

    public static DeliveryId fromJson(JsonObject json) {
      return new DeliveryId(json.getLong("webhook_id"), json.getLong("delivery_id"));
    }
  }
}
