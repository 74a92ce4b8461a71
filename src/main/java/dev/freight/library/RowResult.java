package dev.freight.library;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The outcome of coercing one row.
 *
 * @param values the coerced values in model order; complete (every field, defaults filled) only when
 *               {@link #ok()}, otherwise the fields that failed are missing
 * @param errors the problems, empty when the row is valid
 */
public record RowResult(Map<String, Object> values, List<FieldError> errors) {

  /** Takes {@code values} as it is, not a copy: {@link ContentModel#coerce} builds it for this result alone. */
  public RowResult {
    values = Collections.unmodifiableMap(values);
    errors = List.copyOf(errors);
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
