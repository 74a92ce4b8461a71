package dev.freight.library;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One field of a content model.
 *
 * @param name the column name in files and, when stored, in the table
 * @param type the value type
 * @param required whether every row must give a value; required fields have no default
 * @param defaultValue the value used when a row gives none; null exactly when required
 * @param stored whether the field is a column of the model's table; import-only instructions such
 *     as {@code mark_delete} are not
 * @param validator the rule for given values; defaults are not checked against it
 */
public record Field(
    String name,
    FieldType type,
    boolean required,
    Object defaultValue,
    boolean stored,
    Validator validator) {

  // Names end up in SQL statements, so only plain identifiers are allowed.
  static final Pattern SQL_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

  public Field {
    if (!SQL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain SQL name: " + name);
    }
    Objects.requireNonNull(type);
    Objects.requireNonNull(validator);
    if (required != (defaultValue == null)) {
      throw new IllegalArgumentException(
          name + ": a field has a default exactly when it is optional");
    }
    if (defaultValue != null && !type.javaType().isInstance(defaultValue)) {
      throw new IllegalArgumentException(name + ": default is not a " + type);
    }
  }

  /** A stored field that every row must give. */
  public static Field required(String name, FieldType type, Validator validator) {
    return new Field(name, type, true, null, true, validator);
  }

  /** A stored field that takes {@code defaultValue} when a row gives none. */
  public static Field optional(
      String name, FieldType type, Object defaultValue, Validator validator) {
    return new Field(name, type, false, defaultValue, true, validator);
  }

  /** This field, but not a column of the table. */
  public Field notStored() {
    return new Field(name, type, required, defaultValue, false, validator);
  }

  /**
   * Turns a raw value into this field's value; an absent value (null or empty) becomes the default.
   *
   * @throws InvalidValue with the message for the user
   */
  Object coerce(Object raw) {
    Object value = type.coerce(raw);
    if (value == null) {
      if (required) {
        throw new InvalidValue("is required");
      }
      return defaultValue;
    }
    String problem = validator.check(value);
    if (problem != null) {
      throw new InvalidValue(problem);
    }
    return value;
  }
}
