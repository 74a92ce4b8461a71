package dev.freight.idempotency;

import dev.freight.bus.Address;
import io.vertx.core.json.JsonObject;

/**
 * What the idempotency verticle answers on the event bus: claiming a user's key for a create,
 * recording the create's answer under it, releasing it when the create failed.
 */
public final class IdempotencyRequests {
  private IdempotencyRequests() {}

  /** → whether the key is this request's, still another's, or answered already (and how). */
  public static final Address<Key, Claimed> CLAIM =
      new Address<>(
          "idempotency.claim", Address.mapping(Key::fromJson), Address.mapping(Claimed::fromJson));

  /** → {} once the answer is kept under the claimed key. */
  public static final Address<Answer, JsonObject> RECORD =
      Address.answering("idempotency.record", Answer::fromJson);

  /** → {} once a claim that got no answer to keep is gone. */
  public static final Address<Key, JsonObject> RELEASE =
      Address.answering("idempotency.release", Key::fromJson);

  public record Key(int userId, String key) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("user_id", userId).put("key", key);
    }

    public static Key fromJson(JsonObject json) {
      return new Key(json.getInteger("user_id"), json.getString("key"));
    }
  }

  public enum State {
    /** The key is this request's now: it goes on and its answer is recorded. */
    CLAIMED,
    /** Another request holds the key and has not answered yet. */
    IN_PROGRESS,
    /** A request answered under the key: {@code fingerprint}, {@code status}, {@code body}. */
    ANSWERED
  }

  public record Claimed(State state, String fingerprint, Integer status, String body)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("state", state.name())
          .put("fingerprint", fingerprint)
          .put("status", status)
          .put("body", body);
    }

    public static Claimed fromJson(JsonObject json) {
      return new Claimed(
          State.valueOf(json.getString("state")),
          json.getString("fingerprint"),
          json.getInteger("status"),
          json.getString("body"));
    }
  }

  /** The answer a claimed key's request got, with what identifies the request. */
  public record Answer(Key key, String fingerprint, int status, String body)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("key", key.toJson())
          .put("fingerprint", fingerprint)
          .put("status", status)
          .put("body", body);
    }

    public static Answer fromJson(JsonObject json) {
      return new Answer(
          Key.fromJson(json.getJsonObject("key")),
          json.getString("fingerprint"),
          json.getInteger("status"),
          json.getString("body"));
    }
  }
}
