package dev.freight.library;

import java.util.function.Predicate;

/** A rule on a coerced (non-empty) field value. */
@FunctionalInterface
public interface Validator {

  /**
   * @return null when the value is valid, else the message for the user
   */
  String check(Object value);

  /** Accepts every value. */
  static Validator none() {
    return value -> null;
  }

  /** Text of at most {@code max} characters. */
  static Validator maxLength(int max) {
    return value ->
        ((String) value).length() <= max ? null : "must be at most " + max + " characters";
  }

  /** Text that {@code shape} accepts; {@code message} says what is expected. */
  static Validator matching(Predicate<String> shape, String message) {
    return value -> shape.test((String) value) ? null : message;
  }

  /** An integer from {@code min} to {@code max}, both included. */
  static Validator range(int min, int max) {
    return value ->
        (Integer) value >= min && (Integer) value <= max
            ? null
            : "must be between " + min + " and " + max;
  }

  /** This rule, then {@code next} when this one passes. */
  default Validator and(Validator next) {
    return value -> {
      String problem = check(value);
      return problem != null ? problem : next.check(value);
    };
  }
}
