package dev.freight.http;

import dev.freight.users.Tokens;
import dev.freight.users.UserRequests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.handler.HttpException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code Authorization: Token <key>} to a user by asking the users verticle. Answers are
 * remembered for a few seconds, so that clients polling a job do not cost a database query each for
 * their token; a rotated token is forgotten at once ({@link UserRequests#TOKEN_CHANGED}).
 */
final class TokenAuth implements AuthenticationProvider {
  private static final String SCHEME = "Token ";
  private static final long TIMEOUT_MS = 10_000;
  private static final long REMEMBER_MS = 10_000;
  private static final int MAX_REMEMBERED = 10_000;

  private record Known(JsonObject user, long until) {}

  private final EventBus bus;

  /** By the token's SHA-256, never the token itself. */
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  TokenAuth(EventBus bus) {
    this.bus = bus;
  }

  /** Forgets the tokens of a user whose token changed. */
  void forget(int userId) {
    known.values().removeIf(entry -> entry.user().getInteger("id") == userId);
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    String header = ((TokenCredentials) credentials).getToken().trim();
    if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Future.failedFuture(
          new HttpException(401, "Use the header 'Authorization: Token <key>'."));
    }
    // Clients copy the token with the quotes of the API docs ("Token \"KEY\""); accept that too.
    String token = header.substring(SCHEME.length()).trim().replaceAll("^\"|\"$", "");
    if (token.isEmpty() || token.length() > 256) {
      return Future.failedFuture(new HttpException(401, "Invalid token."));
    }
    String key = HexFormat.of().formatHex(Tokens.hash(token));
    long now = System.currentTimeMillis();
    Known remembered = known.get(key);
    if (remembered != null && remembered.until() > now) {
      return Future.succeededFuture(User.create(remembered.user()));
    }
    return Api.ask(bus, UserRequests.AUTHENTICATE, new UserRequests.Token(token), TIMEOUT_MS)
        .map(
            user -> {
              if (known.size() >= MAX_REMEMBERED) {
                known.clear();
              }
              known.put(key, new Known(user, now + REMEMBER_MS));
              return User.create(user);
            });
  }
}
