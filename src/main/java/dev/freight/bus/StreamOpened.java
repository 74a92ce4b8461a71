package dev.freight.bus;

import io.vertx.core.json.JsonObject;

/**
 * A large answer opened in {@link ChunkStreams}: its id to pull, and how to send it.
 *
 * @param filename the download's name, or null when it is shown rather than saved
 * @param length its size in bytes, or null when unknown (sent chunked)
 */
public record StreamOpened(String stream, String contentType, String filename, Long length)
    implements Address.Message {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("stream", stream)
        .put("content_type", contentType)
        .put("filename", filename)
        .put("length", length);
  }

  public static StreamOpened fromJson(JsonObject json) {
    return new StreamOpened(
        json.getString("stream"),
        json.getString("content_type"),
        json.getString("filename"),
        json.getLong("length"));
  }
}
