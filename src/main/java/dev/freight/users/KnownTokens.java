package dev.freight.users;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users that tokens authenticated as, remembered for a few seconds, so that clients polling a
 * job do not cost a database query each for their token. One per node, shared by its HTTP
 * verticles, so that a user's tokens are forgotten on the whole node at once when the token
 * changes. Keyed by the token's SHA-256 (hex), never the token itself.
 */
public final class KnownTokens {
  private static final long REMEMBER_MS = 10_000;
  private static final int MAX_REMEMBERED = 10_000;

  private record Known(JsonObject user, long until) {}

  private final Map<String, Known> known = new ConcurrentHashMap<>();

  /** The user the token with this hash authenticated as a moment ago, or null. */
  public JsonObject get(String hash) {
    Known remembered = known.get(hash);
    return remembered != null && remembered.until() > System.currentTimeMillis()
        ? remembered.user()
        : null;
  }

  public void put(String hash, JsonObject user) {
    if (known.size() >= MAX_REMEMBERED) {
      known.clear();
    }
    known.put(hash, new Known(user, System.currentTimeMillis() + REMEMBER_MS));
  }

  /** Forgets the tokens of a user whose token changed. */
  public void forget(int userId) {
    known.values().removeIf(entry -> entry.user().getInteger("id") == userId);
  }
}
