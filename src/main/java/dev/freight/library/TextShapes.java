package dev.freight.library;

/**
 * The text shapes the models check, written out by hand: they run for several values of every row
 * of a file, where a regular expression would cost a matcher each time.
 */
final class TextShapes {
  private TextShapes() {}

  /** A letter, digit, {@code _}, {@code .} or {@code -} (ASCII only). */
  static boolean isIdChar(char c) {
    return isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == '-';
  }

  /** 1 to {@code max} characters, each {@link #isIdChar}. */
  static boolean isId(String text, int max) {
    if (text.isEmpty() || text.length() > max) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!isIdChar(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** One or more letters, then one or more digits (ASCII only), like {@code P12}. */
  static boolean isLettersThenDigits(String text) {
    int i = 0;
    while (i < text.length() && isLetter(text.charAt(i))) {
      i++;
    }
    int letters = i;
    while (i < text.length() && isDigit(text.charAt(i))) {
      i++;
    }
    return letters > 0 && i > letters && i == text.length();
  }

  private static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
