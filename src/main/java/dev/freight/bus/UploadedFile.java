package dev.freight.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A file a multipart body brought, spooled to disk by the HTTP layer, for a verticle to check and
 * take.
 *
 * @param field the multipart field it came in
 * @param name the file name the client gave
 * @param path where it is spooled
 */
public record UploadedFile(String field, String name, String path, long size)
    implements Address.Message {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("field", field)
        .put("name", name)
        .put("path", path)
        .put("size", size);
  }

  public static UploadedFile fromJson(JsonObject json) {
    return new UploadedFile(
        json.getString("field"),
        json.getString("name"),
        json.getString("path"),
        json.getLong("size"));
  }

  public static JsonArray toJson(List<UploadedFile> files) {
    return new JsonArray(files.stream().map(UploadedFile::toJson).toList());
  }

  public static List<UploadedFile> fromJson(JsonArray files) {
    return files.stream().map(file -> fromJson((JsonObject) file)).toList();
  }
}
