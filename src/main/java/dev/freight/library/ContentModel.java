package dev.freight.library;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kind of content in the library: its table and its fields. The field order is the export column
 * order; the first field is the key that identifies a row. {@code example} is a row that passes
 * validation, which export templates show so that users see how to fill in every field.
 */
public record ContentModel(
    String name, String table, List<Field> fields, Map<String, Object> example) {

  /** A model without an example row. */
  public ContentModel(String name, String table, List<Field> fields) {
    this(name, table, fields, Map.of());
  }

  public ContentModel {
    example = Map.copyOf(example);
    if (!Field.SQL_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("not a plain SQL name: " + table);
    }
    fields = List.copyOf(fields);
    if (fields.isEmpty() || !fields.get(0).required() || !fields.get(0).stored()) {
      throw new IllegalArgumentException(name + ": the first field must be a required, stored key");
    }
    var names = new HashSet<String>();
    for (Field field : fields) {
      if (!names.add(field.name())) {
        throw new IllegalArgumentException(name + ": duplicate field " + field.name());
      }
    }
  }

  /** The example row: every field in model order, defaults filled in. */
  public List<Object> exampleRow() {
    RowResult result = coerce(example);
    if (!result.ok()) {
      throw new IllegalStateException(name + ": the example row is not valid: " + result.errors());
    }
    return new ArrayList<>(result.values());
  }

  /** The key field, which identifies a row. */
  public Field key() {
    return fields.get(0);
  }

  /** The fields that are columns of the table, in model order. */
  public List<Field> storedFields() {
    return fields.stream().filter(Field::stored).toList();
  }

  public Optional<Field> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The given column names that are not fields of this model, in the given order. */
  public List<String> unknownColumns(Collection<String> columns) {
    return columns.stream().filter(c -> field(c).isEmpty()).toList();
  }

  /** Whether the columns include the key, without which no row can be matched. */
  public boolean hasKey(Collection<String> columns) {
    return columns.contains(key().name());
  }

  /**
   * Coerces and validates one raw row.
   *
   * @param raw column name to raw value (String, Boolean, Number or null); absent columns take the
   *     field default
   * @return every field in model order with defaults filled, or the problems: one per bad value,
   *     then one per unknown column
   */
  public RowResult coerce(Map<String, Object> raw) {
    var values = new ArrayList<Object>(fields.size());
    var errors = new ArrayList<FieldError>();
    int given = 0;
    for (Field field : fields) {
      Object value = raw.get(field.name());
      given += value != null || raw.containsKey(field.name()) ? 1 : 0;
      try {
        values.add(field.coerce(value));
      } catch (InvalidValue e) {
        values.add(null);
        errors.add(new FieldError(field.name(), value, e.getMessage()));
      }
    }
    // Runs once per row of a million-row file: look for unknown columns only when there are some.
    if (given < raw.size()) {
      for (String column : unknownColumns(raw.keySet())) {
        errors.add(new FieldError(column, raw.get(column), "unknown field"));
      }
    }
    return new RowResult(values, errors);
  }
}
