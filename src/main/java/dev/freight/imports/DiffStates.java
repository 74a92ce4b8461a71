package dev.freight.imports;

import dev.freight.library.ContentModel;
import dev.freight.library.Field;
import dev.freight.library.FieldType;
import io.vertx.core.json.JsonObject;
import java.util.stream.Collectors;

/**
 * How a diff entry keeps an item's state before and after: the model's stored fields' values as
 * text, in model order (NULL where the item has no such state). {@link BatchDiff} writes them,
 * {@link ApplyTask} casts them back to the columns' types, {@link DiffReader} renders them as the
 * API's JSON.
 */
final class DiffStates {
  private DiffStates() {}

  /** SQL: the state of the row {@code alias} as kept. */
  static String of(ContentModel model, String alias) {
    return "ARRAY["
        + model.storedFields().stream()
            .map(
                f -> "(" + alias + ")." + f.name() + (f.type() == FieldType.STRING ? "" : "::text"))
            .collect(Collectors.joining(", "))
        + "]";
  }

  /** SQL: one field of a kept state ({@code state}, a text array column) as its column's type. */
  static String field(ContentModel model, String state, Field field) {
    return state
        + "["
        + (model.storedFields().indexOf(field) + 1)
        + "]"
        + (field.type() == FieldType.STRING ? "" : "::" + field.type().sqlType());
  }

  /**
   * SQL: the content digest ({@link dev.freight.library.ContentHash}) of a kept state ({@code
   * state}, a text array column): every stored field but the key, as its length in characters, ':',
   * then its text; the same text Java digests, since a state keeps each value as its text.
   */
  static String digest(ContentModel model, String state) {
    return "md5("
        + model.storedFields().stream()
            .filter(f -> f != model.key())
            .map(f -> state + "[" + (model.storedFields().indexOf(f) + 1) + "]")
            .map(value -> "length(" + value + ")::text || ':' || " + value)
            .collect(Collectors.joining(" || "))
        + ")::uuid";
  }

  /**
   * A kept state as the API shows it: every field of the model in order, the import instructions
   * (not stored) with their defaults; empty where the item has no such state (before an add, after
   * a delete).
   */
  static JsonObject json(ContentModel model, String[] values) {
    JsonObject state = new JsonObject();
    if (values == null) {
      return state;
    }
    int stored = 0;
    for (Field field : model.fields()) {
      state.put(
          field.name(),
          field.stored() ? field.type().fromSqlText(values[stored++]) : field.defaultValue());
    }
    return state;
  }
}
