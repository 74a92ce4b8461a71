package dev.freight.library;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The value types of content fields. Each turns the raw values that file readers produce (String,
 * Boolean, any Number, or null) into one Java type.
 */
public enum FieldType {
  /** Text, kept exactly as given so that values round-trip. */
  STRING("text", String.class) {
    @Override
    Object convert(Object raw) {
      String text =
          raw instanceof String s
              ? s
              : raw instanceof Boolean b
                  ? b.toString()
                  : raw instanceof Number n
                      ? decimal(n).stripTrailingZeros().toPlainString()
                      : null;
      if (text == null) {
        throw new InvalidValue("expected a text value");
      }
      // A cap for every text field, so that no future model can forget one.
      if (text.length() > MAX_STRING_LENGTH) {
        throw new InvalidValue("must be at most " + MAX_STRING_LENGTH + " characters");
      }
      // PostgreSQL text cannot hold it.
      if (text.indexOf('\0') >= 0) {
        throw new InvalidValue("holds a NUL character (U+0000), which text cannot");
      }
      return text;
    }
  },
  INTEGER("integer", Integer.class) {
    @Override
    Object convert(Object raw) {
      if (raw instanceof String s && isShortDigits(s)) {
        return Integer.parseInt(s); // the common case, read from text files a million times
      }
      BigDecimal number =
          raw instanceof Number n
              ? decimal(n)
              : raw instanceof String s && DIGITS.matcher(s.trim()).matches()
                  ? new BigDecimal(s.trim())
                  : null;
      try {
        // Also accepts 8.0, which is how spreadsheets store whole numbers.
        if (number != null) return number.intValueExact();
      } catch (ArithmeticException e) {
        // a fraction or beyond the int range: rejected below
      }
      throw new InvalidValue("expected an integer");
    }
  },
  BOOLEAN("boolean", Boolean.class) {
    @Override
    Object convert(Object raw) {
      if (raw instanceof Boolean b) {
        return b;
      }
      if (raw instanceof String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
          case "true", "1", "yes":
            return true;
          case "false", "0", "no":
            return false;
          default:
            break;
        }
      } else if (raw instanceof Number n) {
        BigDecimal number = decimal(n);
        if (number.compareTo(BigDecimal.ONE) == 0) return true;
        if (number.compareTo(BigDecimal.ZERO) == 0) return false;
      }
      throw new InvalidValue("expected a boolean (true/false, 1/0, yes/no)");
    }
  };

  /** Longest text any string field accepts. */
  public static final int MAX_STRING_LENGTH = 100_000;

  private static final Pattern DIGITS = Pattern.compile("[+-]?[0-9]+");

  private final String sqlType;
  private final Class<?> javaType;

  FieldType(String sqlType, Class<?> javaType) {
    this.sqlType = sqlType;
    this.javaType = javaType;
  }

  /** The PostgreSQL column type. */
  public String sqlType() {
    return sqlType;
  }

  /** The class of coerced values: String, Integer or Boolean. */
  public Class<?> javaType() {
    return javaType;
  }

  /**
   * Converts a raw value; null, an empty string and (for non-text types) a blank string mean "no
   * value" and give null.
   *
   * @throws InvalidValue when the raw value has no meaning for this type
   */
  final Object coerce(Object raw) {
    if (raw == null || raw instanceof String s && (s.isEmpty() || this != STRING && s.isBlank())) {
      return null;
    }
    return convert(raw);
  }

  /** A stored value as PostgreSQL writes it as text (a {@code ::text} cast), back in this type. */
  public Object fromSqlText(String text) {
    return text == null ? null : convert(text);
  }

  /** Converts a raw value that is present. */
  abstract Object convert(Object raw);

  /** One to nine ASCII digits: an int, whatever the digits. */
  private static boolean isShortDigits(String s) {
    if (s.isEmpty() || s.length() > 9) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static BigDecimal decimal(Number n) {
    try {
      // toString is exact for every Number type that readers produce, including Double.
      return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      throw new InvalidValue("expected a finite number"); // NaN or Infinity
    }
  }
}
