package dev.freight.http;

import dev.freight.users.KnownTokens;
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

/**
 * Resolves {@code Authorization: Token <key>} to a user by asking the users verticle. Answers are
 * remembered for a few seconds in the node's {@link KnownTokens}; a rotated token is forgotten on
 * every node before the rotation answers.
 */
final class TokenAuth implements AuthenticationProvider {
  private static final String SCHEME = "Token ";
  private static final long TIMEOUT_MS = 10_000;

  private final EventBus bus;
  private final KnownTokens known;

  TokenAuth(EventBus bus, KnownTokens known) {
    this.bus = bus;
    this.known = known;
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
    JsonObject remembered = known.get(key);
    if (remembered != null) {
      return Future.succeededFuture(User.create(remembered));
    }
    long generation = known.generation();
    return Api.ask(bus, UserRequests.AUTHENTICATE, new UserRequests.Token(token), TIMEOUT_MS)
        .map(
            user -> {
              known.put(key, user, generation);
              return User.create(user);
            });
  }
}
