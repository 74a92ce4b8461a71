package dev.freight.formats;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Strings that a YAML writer gets wrong when it leaves them plain: words and shapes that YAML 1.1
 * and 1.2 readers resolve to booleans, nulls, numbers, dates or special keys, indicators, spaces,
 * breaks, controls, quotes and unicode. And an oracle, written here from the YAML 1.1 type
 * repository and the YAML 1.2 core schema without anything of Freight's, that tells which plain
 * scalars of a file some reader would not take for a string.
 */
public final class YamlTraps {

  private static final List<String> WORDS =
      List.of(
          "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity");

  private YamlTraps() {}

  /** Every trap; all can be stored in PostgreSQL text (no NUL, no lone surrogate). */
  public static List<String> strings() {
    Set<String> traps = new LinkedHashSet<>();
    for (String word : WORDS) {
      traps.addAll(caseForms(word));
    }
    traps.addAll(
        List.of(
            // null, empty, blank
            "~",
            "",
            " ",
            "  ",
            "Null1",
            // integers in every notation, YAML 1.1 and 1.2
            "0",
            "1",
            "-1",
            "+1",
            "-0",
            "+0",
            "123",
            "007",
            "012",
            "08",
            "0o12",
            "0O12",
            "0x1F",
            "0X1f",
            "0xFF_FF",
            "-0x1",
            "0b1010",
            "-0b1",
            "0b1_0",
            "1_000",
            "1__0",
            "12345678901234567890123",
            // sexagesimal
            "1:20",
            "190:20:30",
            "-1:30",
            "+1:30",
            "1:20.5",
            "190:20:30.15",
            // floats
            "1.5",
            "-1.5",
            "+1.5",
            "1.",
            ".5",
            "-.5",
            "0.",
            "1e3",
            "1E3",
            "1e+3",
            "1e-3",
            "1.5e-3",
            "-1.0E+10",
            "6.8523015e+5",
            "685.230_15e+03",
            "685_230.15",
            "1.2.3",
            "1.7976931348623157e+309",
            ".inf",
            ".Inf",
            ".INF",
            "-.inf",
            "+.inf",
            "-.Inf",
            ".nan",
            ".NaN",
            ".NAN",
            "NaN",
            "-Infinity",
            // dates and timestamps
            "2001-12-14",
            "2002-1-1",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14T21:59:43.10Z",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-15 2:59:43.10",
            "2001-12-14T21:59:43Z",
            // keys with a meaning
            "=",
            "<<",
            "<<:",
            // leading indicators
            "!",
            "!tag",
            "!!str",
            "!A1",
            "&",
            "&anchor",
            "&a x",
            "*",
            "*alias",
            "%",
            "%YAML 1.2",
            "@",
            "@user",
            "`",
            "`cmd`",
            "-",
            "- ",
            "- x",
            "-x",
            "--",
            "---",
            "...",
            "?",
            "? x",
            "?x",
            ":",
            ": x",
            ":x",
            "[",
            "]",
            "[1, 2]",
            "{",
            "}",
            "{a: 1}",
            "#",
            "# not a comment",
            "|",
            "| x",
            ">",
            "> x",
            "'",
            "'quoted'",
            "\"",
            "\"quoted\"",
            ",",
            ", x",
            // spaces around
            " x",
            "x ",
            "  both  ",
            "\tx",
            "x\t",
            // inside
            "a: b",
            "a:b",
            "a:",
            "key: value",
            "a #b",
            "a#b",
            "x # y",
            "a,b",
            "a, b",
            "a  b",
            "http://example.com/a?b=c#d",
            // controls and breaks
            controls(),
            "\u0007bell",
            "\u001B[31mred",
            "\u007F",
            "\u0085",
            "\u009F",
            "\u00A0",
            "x\u00A0",
            "\u2028",
            "\u2029",
            "\uFEFF",
            "\uFEFFbom",
            "\uFFFE \uFFFF",
            "\n",
            "\r",
            "\r\n",
            "a\nb",
            "a\r\nb",
            "a\rb",
            "trailing\n",
            "\nleading",
            "line1\n\nline3",
            "a\n  b",
            "- a\n- b",
            "multi\nline text: with colons\n# and hashes\n  - and a list\n\n",
            // quotes and backslashes
            "\\",
            "\\n",
            "back\\slash",
            "C:\\path\\x",
            "say \"hi\"",
            "it's",
            "''",
            "\"\"",
            "\\\"",
            "\\u0041",
            // unicode
            "Zürich",
            "東京",
            "😀",
            "emoji 😀 🇩🇪 ñ",
            "Ünïcödé",
            "Ω≈ç√",
            "e\u0301",
            "עברית",
            "العربية",
            "zero\u200Bwidth",
            // safe ones, which may stay plain
            "x",
            "plain",
            "STD-1",
            "v1.2_beta-3",
            "e5",
            "Yes.",
            "yes-no",
            "on_off",
            "ON1",
            // long
            "long line: 東京 \"q\" \\ ".repeat(200) + "\nand a second line\n"));
    return List.copyOf(traps);
  }

  /** The traps and what PostgreSQL cannot store: NUL and lone or reversed surrogates. */
  public static List<String> stringsIncludingUnstorable() {
    List<String> all = new ArrayList<>(strings());
    all.addAll(List.of("\u0000", "nul\u0000inside", "\uD800", "\uDFFF", "x\uDE00\uD83Dy"));
    return all;
  }

  /** Traps that are valid standard ids (letters, digits, '_', '-', '.'). */
  public static List<String> ids() {
    Set<String> ids = new LinkedHashSet<>();
    for (String word : List.of("y", "n", "yes", "no", "on", "off", "true", "false", "null")) {
      ids.add(word);
      ids.add(Character.toUpperCase(word.charAt(0)) + word.substring(1));
      ids.add(word.toUpperCase(java.util.Locale.ROOT));
    }
    ids.addAll(
        List.of(
            "0",
            "-1",
            "123",
            "012",
            "08",
            "0o12",
            "0x1F",
            "0b1010",
            "1_000",
            "1.5",
            "1.",
            ".5",
            "1e3",
            "1.5e-3",
            ".inf",
            "-.Inf",
            ".NaN",
            "2001-12-14",
            "-",
            "--",
            "---",
            "...",
            ".",
            "_",
            "e5",
            "STD-1"));
    return List.copyOf(ids);
  }

  /** Traps that are valid match conditions. */
  public static List<String> matchConditions() {
    return List.of(
        "yes",
        "on",
        "OFF",
        "y;n",
        "!A1",
        "!on",
        "1e3",
        ".inf",
        "012",
        "2001-12-14",
        "-",
        "NULL AND !true",
        "A1 AND !A2;A3");
  }

  /** Every upper/lower case form of an ASCII word: "on", "On", "oN", "ON". */
  static List<String> caseForms(String word) {
    List<String> forms = new ArrayList<>();
    for (int mask = 0; mask < 1 << word.length(); mask++) {
      StringBuilder form = new StringBuilder();
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        form.append((mask & 1 << i) == 0 ? c : Character.toUpperCase(c));
      }
      forms.add(form.toString());
    }
    return forms;
  }

  private static String controls() {
    StringBuilder controls = new StringBuilder();
    for (char c = 1; c < 0x20; c++) {
      controls.append(c);
    }
    return controls.append('\u007F').toString();
  }

  // ---- the oracle

  private static final Pattern NOT_A_STRING =
      Pattern.compile(
          String.join(
              "|",
              // YAML 1.1 bool and null, here in any case
              "(?i:y|n|yes|no|on|off|true|false|null)",
              "~",
              "",
              // YAML 1.1 int
              "[-+]?0b[0-1_]+",
              "[-+]?0[0-7_]+",
              "[-+]?(0|[1-9][0-9_]*)",
              "[-+]?0x[0-9a-fA-F_]+",
              "[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+",
              // YAML 1.1 float, and the optional exponent sign PyYAML and SnakeYAML accept
              "[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+]?[0-9]+)?",
              "[-+]?[0-9][0-9_]*(\\.[0-9_]*)?[eE][-+]?[0-9]+",
              "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*",
              "[-+]?\\.(inf|Inf|INF)",
              "\\.(nan|NaN|NAN)",
              // YAML 1.1 timestamp
              "[0-9]{4}-[0-9]{2}-[0-9]{2}",
              "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
                  + "(\\.[0-9]*)?([ \\t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?",
              // YAML 1.1 merge, value and yaml keys
              "<<",
              "=",
              "[!&*]",
              // YAML 1.2 core int and float
              "[-+]?[0-9]+",
              "0o[0-7]+",
              "0x[0-9a-fA-F]+",
              "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?",
              // what lenient number parsers take
              "(?i:[-+]?(nan|inf|infinity))"));

  /** Whether some YAML 1.1 or 1.2 reader resolves this plain scalar to something not a string. */
  public static boolean resolvesToANonString(String plain) {
    return NOT_A_STRING.matcher(plain).matches();
  }

  /**
   * The plain scalars of a file (a sequence of flat mappings, as Freight writes) that some reader
   * would take for something else than a string, as "key: value" (or "key" for a key itself).
   */
  public static List<String> plainNonStrings(String yaml) {
    List<String> found = new ArrayList<>();
    String key = null;
    for (Event event : new Yaml().parse(new StringReader(yaml))) {
      if (event.is(Event.ID.MappingStart)) {
        key = null;
      } else if (event instanceof ScalarEvent scalar) {
        boolean flagged = scalar.isPlain() && resolvesToANonString(scalar.getValue());
        if (key == null) {
          key = scalar.getValue();
          if (flagged) {
            found.add(key);
          }
        } else {
          if (flagged) {
            found.add(key + ": " + scalar.getValue());
          }
          key = null;
        }
      }
    }
    return found;
  }
}
