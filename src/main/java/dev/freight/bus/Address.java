package dev.freight.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * An event-bus address with the types of its request and reply. The HTTP routes that ask and the
 * verticle that answers both go through it, and each type's JSON mapping is written once, beside
 * the address, so a key renamed on one side fails to compile instead of arriving as null.
 */
public record Address<Q, R>(String name, Mapping<Q> request, Mapping<R> reply) {

  /** Asks the verticle on this node that answers here, as a verticle asks another. */
  public Future<R> ask(EventBus bus, Q request) {
    return bus.<JsonObject>request(
            name, this.request.write().apply(request), new DeliveryOptions().setLocalOnly(true))
        .map(reply -> this.reply.read().apply(reply.body()));
  }

  /** How a type travels the event bus: as a JSON object, and back. */
  public record Mapping<T>(Function<T, JsonObject> write, Function<JsonObject, T> read) {}

  /**
   * A request or reply record, which writes itself as JSON; its static {@code fromJson} reads it.
   */
  public interface Message {
    JsonObject toJson();
  }

  /** A reply that is the API's answer as the contract shapes it (a job, a page of a list). */
  public static final Mapping<JsonObject> API_BODY = new Mapping<>(json -> json, json -> json);

  public static <T extends Message> Mapping<T> mapping(Function<JsonObject, T> read) {
    return new Mapping<>(Message::toJson, read);
  }

  /** An address whose reply is an API answer. */
  public static <Q extends Message> Address<Q, JsonObject> answering(
      String name, Function<JsonObject, Q> readRequest) {
    return new Address<>(name, mapping(readRequest), API_BODY);
  }

  /** An address whose reply is a stream to pull through {@link ChunkStreams}. */
  public static <Q extends Message> Address<Q, StreamOpened> streaming(
      String name, Function<JsonObject, Q> readRequest) {
    return new Address<>(name, mapping(readRequest), mapping(StreamOpened::fromJson));
  }
}
