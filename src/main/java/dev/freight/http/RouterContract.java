package dev.freight.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code openapi.yaml} as the router loads it. Vert.x's contract loader (vertx-openapi 5.0) knows a
 * fixed list of media types ({@link MediaType#SUPPORTED_MEDIA_TYPES}, with no way to add one) and
 * refuses a contract that declares any other, such as the {@code text/csv} of a download. The
 * router validates requests, never responses, so it is given the contract without the response
 * media types it does not know; clients get the whole contract from {@code GET /openapi.yaml}.
 * Request media types stay as they are: those the router must know.
 */
final class RouterContract {
  private RouterContract() {}

  static JsonObject of(String yaml) {
    JsonObject contract = parse(yaml);
    contract
        .getJsonObject("paths", new JsonObject())
        .forEach(
            path ->
                ((JsonObject) path.getValue())
                    .forEach(
                        operation -> {
                          if (operation.getValue() instanceof JsonObject op) {
                            responses(op.getJsonObject("responses"));
                          }
                        }));
    responses(contract.getJsonObject("components", new JsonObject()).getJsonObject("responses"));
    return contract;
  }

  private static void responses(JsonObject responses) {
    if (responses == null) {
      return;
    }
    responses.forEach(
        response -> {
          JsonObject content = ((JsonObject) response.getValue()).getJsonObject("content");
          if (content != null) {
            content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
            if (content.isEmpty()) {
              ((JsonObject) response.getValue()).remove("content");
            }
          }
        });
  }

  private static JsonObject parse(String yaml) {
    LoaderOptions options = new LoaderOptions();
    Map<?, ?> document = new Yaml(new TextTimestamps(options)).load(yaml);
    return new JsonObject(json(document));
  }

  /** YAML keys may be numbers (an unquoted {@code 200:}); JSON keys are text. */
  private static Map<String, Object> json(Map<?, ?> yaml) {
    Map<String, Object> json = new LinkedHashMap<>();
    yaml.forEach((key, value) -> json.put(String.valueOf(key), value(value)));
    return json;
  }

  private static Object value(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      return new JsonObject(json(map));
    }
    if (yaml instanceof List<?> list) {
      List<Object> items = new ArrayList<>();
      list.forEach(item -> items.add(value(item)));
      return new JsonArray(items);
    }
    return yaml;
  }

  /** A timestamp stays text, as in JSON. */
  private static final class TextTimestamps extends SafeConstructor {
    TextTimestamps(LoaderOptions options) {
      super(options);
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }
  }
}
