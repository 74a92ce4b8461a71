package dev.freight.users;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** A user as jobs show who triggered or accepted them: {id, email, first_name, last_name}. */
public final class UserReference {
  private UserReference() {}

  /**
   * Reads the reference from a row that joined users: the id from {@code idColumn}, the rest from
   * columns named with {@code prefix}. Null when the id is null.
   */
  public static JsonObject of(Row row, String idColumn, String prefix) {
    Integer id = row.getInteger(idColumn);
    return id == null
        ? null
        : new JsonObject()
            .put("id", id)
            .put("email", row.getString(prefix + "email"))
            .put("first_name", row.getString(prefix + "first_name"))
            .put("last_name", row.getString(prefix + "last_name"));
  }
}
