package dev.freight.users;

import dev.freight.bus.Address;
import dev.freight.bus.Window;
import io.vertx.core.json.JsonObject;

/** What the users verticle answers on the event bus: its addresses and their requests. */
public final class UserRequests {
  private UserRequests() {}

  /** A token → the user it belongs to (the principal), or a 401. */
  public static final Address<Token, JsonObject> AUTHENTICATE =
      Address.answering("users.authenticate", Token::fromJson);

  /** → the user, or a 404. */
  public static final Address<UserId, JsonObject> GET =
      Address.answering("users.get", UserId::fromJson);

  /** → a page of users: {count, results}. */
  public static final Address<Window, JsonObject> LIST =
      Address.answering("users.list", Window::fromJson);

  /** → the new user with its token, shown only there. */
  public static final Address<NewUser, JsonObject> CREATE =
      Address.answering("users.create", NewUser::fromJson);

  /** → {token}, once every node has forgotten the tokens it remembered for the user. */
  public static final Address<UserId, JsonObject> ROTATE_TOKEN =
      Address.answering("users.rotate-token", UserId::fromJson);

  public record Token(String token) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("token", token);
    }

    public static Token fromJson(JsonObject json) {
      return new Token(json.getString("token"));
    }
  }

  public record UserId(int id) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("id", id);
    }

    public static UserId fromJson(JsonObject json) {
      return new UserId(json.getInteger("id"));
    }
  }

  /** A user to create, as the API's body gives it (validated by the contract). */
  public record NewUser(String email, String firstName, String lastName, boolean superuser)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("email", email)
          .put("first_name", firstName)
          .put("last_name", lastName)
          .put("is_superuser", superuser);
    }

    public static NewUser fromJson(JsonObject json) {
      return new NewUser(
          json.getString("email"),
          json.getString("first_name", ""),
          json.getString("last_name", ""),
          json.getBoolean("is_superuser", false));
    }
  }
}
