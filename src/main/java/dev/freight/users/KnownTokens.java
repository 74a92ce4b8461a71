package dev.freight.users;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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

  /** Raised by every forget, so that an answer looked up meanwhile is not remembered. */
  private final AtomicLong forgets = new AtomicLong();

  /** Taken before a token is looked up, and given back to {@link #put}. */
  public long generation() {
    return forgets.get();
  }

  /** The user the token with this hash authenticated as a moment ago, or null. */
  public JsonObject get(String hash) {
    Known remembered = known.get(hash);
    return remembered != null && remembered.until() > System.currentTimeMillis()
        ? remembered.user()
        : null;
  }

  /**
   * Remembers the user a token authenticated as, unless some token was forgotten since {@code
   * generation}: the lookup may have read a token that has just changed.
   */
  public void put(String hash, JsonObject user, long generation) {
    if (forgets.get() != generation) {
      return;
    }
    if (known.size() >= MAX_REMEMBERED) {
      known.clear();
    }
    Known entry = new Known(user, System.currentTimeMillis() + REMEMBER_MS);
    known.put(hash, entry);
    // A forget that ran between the check and the put may have missed this entry: take it back.
    if (forgets.get() != generation) {
      known.remove(hash, entry);
    }
  }

  /** Forgets the tokens of a user whose token changed. */
  public void forget(int userId) {
    forgets.incrementAndGet();
    known.values().removeIf(entry -> entry.user().getInteger("id") == userId);
  }
}
