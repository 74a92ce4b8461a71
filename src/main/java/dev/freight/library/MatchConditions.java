package dev.freight.library;

/**
 * Checks {@code match_conditions} rules: survey-answer ids in disjunctive normal form. Clauses are
 * separated by {@code ;}, literals in a clause by {@code " AND "} (one space either side), and a
 * literal is an id of letters, digits, {@code _ . -}, optionally negated by one {@code !}. Example:
 * {@code A1 AND !A2;A3}. The empty rule is valid.
 */
public final class MatchConditions {

  private static final String AND = " AND ";

  private MatchConditions() {}

  /**
   * @return null when the rule is valid, else a message with the 1-based position of the first
   *     character that cannot continue a valid rule (one past the end when the rule stops short)
   */
  public static String check(String rule) {
    if (rule.isEmpty()) {
      return null;
    }
    int i = 0;
    while (true) {
      // One literal, then a separator or the end.
      if (i < rule.length() && rule.charAt(i) == '!') {
        i++;
      }
      int start = i;
      while (i < rule.length() && TextShapes.isIdChar(rule.charAt(i))) {
        i++;
      }
      if (i == start) {
        return error(rule, i, "expected an answer id");
      }
      if (i == rule.length()) {
        return null;
      }
      if (rule.charAt(i) == ';') {
        i++;
      } else if (rule.charAt(i) == ' ') {
        for (int k = 1; k < AND.length(); k++) {
          if (i + k == rule.length() || rule.charAt(i + k) != AND.charAt(k)) {
            return error(
                rule, i + k, k < AND.length() - 1 ? "expected AND" : "expected a space after AND");
          }
        }
        i += AND.length();
      } else {
        return error(rule, i, "expected \" AND \", \";\" or the end of the rule");
      }
    }
  }

  private static String error(String rule, int index, String expected) {
    return (index == rule.length() ? "unexpected end of rule" : expected)
        + " at position "
        + (index + 1);
  }
}
