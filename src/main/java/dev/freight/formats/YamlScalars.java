package dev.freight.formats;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * How plain (unquoted) YAML scalars are typed. The reader resolves with it and the writer quotes
 * every string it would not resolve back to that same string, so a round trip cannot change types.
 */
final class YamlScalars {

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  private YamlScalars() {}

  /**
   * null, Boolean, Long, BigDecimal (decimals, integers too big for a Long) or else the text
   * itself.
   */
  static Object resolvePlain(String text) {
    if (text.isEmpty() || text.equals("~") || text.equalsIgnoreCase("null")) {
      return null;
    }
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.valueOf(text);
    }
    if (isInteger(text)) {
      BigDecimal value = new BigDecimal(text);
      return value.toBigInteger().bitLength() < 64 ? (Object) value.longValueExact() : value;
    }
    if (DECIMAL.matcher(text).matches()) {
      return new BigDecimal(text);
    }
    return text;
  }

  static boolean isInteger(String text) {
    return INTEGER.matcher(text).matches();
  }

  /** True when a string must be quoted to read back as that string. */
  static boolean needsQuotes(String text) {
    return !text.equals(resolvePlain(text));
  }
}
