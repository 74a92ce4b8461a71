package dev.freight.library;

import java.util.Collections;
import java.util.List;

/**
 * The outcome of coercing one row.
 *
 * @param values the coerced value of every field, in model order (defaults filled in); null for a
 *     field whose value was rejected, so complete only when {@link #ok()}
 * @param errors the problems, empty when the row is valid
 */
public record RowResult(List<Object> values, List<FieldError> errors) {

  /**
   * Takes {@code values} as it is, not a copy: {@link ContentModel#coerce} builds it for this
   * result alone.
   */
  public RowResult {
    values = Collections.unmodifiableList(values);
    errors = List.copyOf(errors);
  }

  public boolean ok() {
    return errors.isEmpty();
  }
}
