package dev.freight.formats;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Plain (unquoted) YAML scalars: how Freight's reader types them, and which strings the writer may
 * leave plain. The two are kept apart on purpose: a file Freight writes is read by other YAML
 * readers too (PyYAML, SnakeYAML's {@code Yaml.load}, Go, Ruby), YAML 1.1 ones among them, which
 * resolve far more plain scalars than Freight's reader does (yes/no/on/off, octal, sexagesimal,
 * timestamps, ...). So the writer leaves plain only strings that no YAML 1.1 or 1.2 reader can take
 * for anything but a string.
 */
final class YamlScalars {

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  /**
   * Words that start with a letter and that some reader resolves to a boolean, null or a number:
   * the YAML 1.1 booleans (y, n, yes, no, on, off, true, false) and null, in any case (readers
   * differ in which case forms they take, so all are quoted), and the names of the special floats
   * that a reader parsing numbers leniently might take.
   */
  private static final String[] RESERVED_WORDS = {
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity"
  };

  private static final int LONGEST_RESERVED_WORD = 8;

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

  /**
   * Whether the writer may write a string plain: it starts with an ASCII letter, holds only ASCII
   * letters, digits, '_', '-' and '.', and is none of the {@link #RESERVED_WORDS} in any case. That
   * leaves out everything a YAML 1.1 or 1.2 reader resolves to another type: numbers in every
   * notation, timestamps, .inf and .nan start with a digit, a sign or a dot; null's {@code ~} and
   * the empty string, the merge key {@code <<} and the value key {@code =} are not letters; no
   * indicator, comment, space, escape or line break can be in it. Every string this accepts is read
   * back as that string by {@link #resolvePlain} too. Anything else is written quoted, which is
   * always safe.
   */
  static boolean isSafePlain(String text) {
    int length = text.length();
    if (length == 0 || !isAsciiLetter(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = text.charAt(i);
      if (!(isAsciiLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
        return false;
      }
    }
    if (length <= LONGEST_RESERVED_WORD) {
      for (String word : RESERVED_WORDS) {
        if (word.equalsIgnoreCase(text)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }
}
