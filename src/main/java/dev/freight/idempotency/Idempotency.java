package dev.freight.idempotency;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of an {@code Idempotency-Key}: which keys are valid, and what makes two requests the
 * same request (their fingerprint).
 */
public final class Idempotency {
  public static final int MAX_KEY_LENGTH = 255;

  private Idempotency() {}

  /** Why {@code key} is not a valid key, or null: 1 to 255 printable ASCII characters. */
  public static String invalidKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return "Idempotency-Key must have 1 to " + MAX_KEY_LENGTH + " characters.";
    }
    if (!key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      return "Idempotency-Key must consist of printable ASCII characters.";
    }
    return null;
  }

  /**
   * SHA-256 (hex) of a request: its method, path, query (as {@link #pairs}) and body, a JSON value
   * whose objects' key order does not count.
   */
  public static String fingerprint(String method, String path, JsonArray query, Object body) {
    String request = new JsonArray().add(method).add(path).add(query).add(canonical(body)).encode();
    return HexFormat.of().formatHex(sha256().digest(request.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Name/value pairs (query or form parameters) by name; the values of one name keep their order,
   * which may mean something (the order of export fields).
   */
  public static JsonArray pairs(Iterable<Map.Entry<String, String>> params) {
    List<Map.Entry<String, String>> sorted = new ArrayList<>();
    params.forEach(sorted::add);
    sorted.sort(Map.Entry.comparingByKey());
    JsonArray pairs = new JsonArray();
    sorted.forEach(pair -> pairs.add(new JsonArray().add(pair.getKey()).add(pair.getValue())));
    return pairs;
  }

  /** Files by field, name and SHA-256, in a fixed order: which came first does not count. */
  public static JsonArray files(List<List<String>> fieldNameSha256) {
    JsonArray files = new JsonArray();
    fieldNameSha256.stream()
        .sorted(Comparator.comparing(Object::toString))
        .forEach(file -> files.add(new JsonArray(file)));
    return files;
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static Object canonical(Object value) {
    if (value instanceof JsonObject object) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      object.forEach(entry -> sorted.put(entry.getKey(), canonical(entry.getValue())));
      return new JsonObject(sorted);
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(canonical(item)));
      return copy;
    }
    return value;
  }
}
