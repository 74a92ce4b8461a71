package dev.freight.http;

import dev.freight.users.UsersVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.handler.HttpException;

/** Resolves {@code Authorization: Token <key>} to a user by asking the users verticle. */
final class TokenAuth implements AuthenticationProvider {
  private static final String SCHEME = "Token ";
  private static final long TIMEOUT_MS = 10_000;

  private final EventBus bus;

  TokenAuth(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    String header = ((TokenCredentials) credentials).getToken().trim();
    if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Future.failedFuture(new HttpException(401, "Use the header 'Authorization: Token <key>'."));
    }
    // Clients copy the token with the quotes of the API docs ("Token \"KEY\""); accept that too.
    String token = header.substring(SCHEME.length()).trim().replaceAll("^\"|\"$", "");
    if (token.isEmpty() || token.length() > 256) {
      return Future.failedFuture(new HttpException(401, "Invalid token."));
    }
    return Api.ask(bus, UsersVerticle.AUTHENTICATE, new JsonObject().put("token", token), TIMEOUT_MS)
        .map(User::create);
  }
}
