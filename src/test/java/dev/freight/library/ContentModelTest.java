package dev.freight.library;

import static dev.freight.library.ContentModels.STANDARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.freight.StandardColumns;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentModelTest {

  private static Map<String, Object> row(Object... pairs) {
    var row = new HashMap<String, Object>(Map.of("id", "S1", "title", "A title"));
    for (int i = 0; i < pairs.length; i += 2) {
      row.put((String) pairs[i], pairs[i + 1]);
    }
    return row;
  }

  /** The coerced values by field name, in model order, leaving out the rejected ones. */
  private static Map<String, Object> byName(RowResult result) {
    Map<String, Object> named = new LinkedHashMap<>();
    for (int i = 0; i < STANDARD.fields().size(); i++) {
      if (result.values().get(i) != null) {
        named.put(STANDARD.fields().get(i).name(), result.values().get(i));
      }
    }
    return named;
  }

  /** The single error message for {@code field} when coercing {@code row}. */
  private static String errorOf(String field, Map<String, Object> row) {
    RowResult result = STANDARD.coerce(row);
    assertThat(result.errors()).extracting(FieldError::field).containsExactly(field);
    return result.errors().get(0).message();
  }

  @Test
  void standardFieldsInExportOrder() {
    assertThat(STANDARD.fields())
        .extracting(Field::name)
        .containsExactlyElementsOf(StandardColumns.OF_FILES);
    assertThat(STANDARD.storedFields())
        .extracting(Field::name)
        .doesNotContain("mark_delete")
        .hasSize(9);
    assertThat(STANDARD.key().name()).isEqualTo("id");
    assertThat(STANDARD.table()).isEqualTo("standard");
    assertThat(ContentModels.byName("standard")).containsSame(STANDARD);
    assertThat(ContentModels.byName("other")).isEmpty();
    assertThat(ContentModels.all()).containsExactly(STANDARD);
  }

  @Test
  void missingColumnsGetDefaultsInModelOrder() {
    RowResult result = STANDARD.coerce(Map.of("title", "T", "id", "S1"));
    assertThat(result.ok()).isTrue();
    assertThat(byName(result))
        .containsExactly(
            entry("id", "S1"),
            entry("title", "T"),
            entry("text", ""),
            entry("problem", ""),
            entry("priority", 5),
            entry("phase", ""),
            entry("active", true),
            entry("mark_delete", false),
            entry("match_conditions", ""),
            entry("tags", ""));
  }

  @Test
  void emptyAndNullValuesAlsoGetDefaults() {
    RowResult result = STANDARD.coerce(row("priority", "", "active", null, "problem", ""));
    assertThat(result.errors()).isEmpty();
    assertThat(byName(result))
        .contains(entry("priority", 5), entry("active", true), entry("problem", ""));
  }

  @Test
  void typedValues() {
    RowResult result =
        STANDARD.coerce(
            row(
                "text",
                " keep me ",
                "problem",
                "P12",
                "priority",
                new BigDecimal("8.0"),
                "phase",
                "X1",
                "active",
                "no",
                "mark_delete",
                " YES ",
                "match_conditions",
                "A1 AND !A2;A3",
                "tags",
                "a, b"));
    assertThat(result.errors()).isEmpty();
    assertThat(byName(result))
        .contains(
            entry("text", " keep me "),
            entry("priority", 8),
            entry("active", false),
            entry("mark_delete", true),
            entry("match_conditions", "A1 AND !A2;A3"),
            entry("tags", "a, b"));
  }

  @Test
  void idRules() {
    assertThat(STANDARD.coerce(row("id", "A-1_b.2")).ok()).isTrue();
    assertThat(STANDARD.coerce(row("id", "x".repeat(64))).ok()).isTrue();
    for (String bad : List.of("x".repeat(65), "a b", "x/y", "caf\u00e9", "\uff21")) {
      assertThat(errorOf("id", row("id", bad)))
          .as(bad)
          .isEqualTo("must be 1 to 64 letters, digits, '_', '-' or '.'");
    }
    assertThat(errorOf("id", row("id", ""))).isEqualTo("is required");
    var noId = row();
    noId.remove("id");
    assertThat(errorOf("id", noId)).isEqualTo("is required");
  }

  @Test
  void titleIsRequiredAndShort() {
    assertThat(STANDARD.coerce(row("title", "t".repeat(255))).ok()).isTrue();
    assertThat(errorOf("title", row("title", "t".repeat(256))))
        .isEqualTo("must be at most 255 characters");
    assertThat(errorOf("title", row("title", ""))).isEqualTo("is required");
    assertThat(errorOf("title", row("title", null))).isEqualTo("is required");
  }

  @Test
  void priorityRange() {
    assertThat(errorOf("priority", row("priority", 0))).isEqualTo("must be between 1 and 10");
    assertThat(errorOf("priority", row("priority", "11"))).isEqualTo("must be between 1 and 10");
    assertThat(errorOf("priority", row("priority", "8.5"))).isEqualTo("expected an integer");
    assertThat(STANDARD.coerce(row("priority", 1)).ok()).isTrue();
    assertThat(STANDARD.coerce(row("priority", 10L)).ok()).isTrue();
  }

  @Test
  void problemAndPhaseAreShortIds() {
    assertThat(errorOf("problem", row("problem", "12")))
        .isEqualTo("must be letters followed by digits, like P12");
    for (String bad : List.of("X1a", "P", "P-1", "\u00e91", "P\u0661")) {
      assertThat(errorOf("phase", row("phase", bad)))
          .as(bad)
          .isEqualTo("must be letters followed by digits, like P12");
    }
    assertThat(STANDARD.coerce(row("phase", "abc123")).ok()).isTrue();
    assertThat(errorOf("phase", row("phase", "X" + "1".repeat(64))))
        .isEqualTo("must be at most 64 characters");
  }

  @Test
  void textLengthCap() {
    assertThat(STANDARD.coerce(row("text", "t".repeat(100_000))).ok()).isTrue();
    assertThat(errorOf("text", row("text", "t".repeat(100_001))))
        .isEqualTo("must be at most 100000 characters");
  }

  @Test
  void badMatchConditionsNameThePosition() {
    assertThat(errorOf("match_conditions", row("match_conditions", "A1 AND")))
        .isEqualTo("unexpected end of rule at position 7");
  }

  @Test
  void everyProblemIsReportedWithItsRawValue() {
    RowResult result = STANDARD.coerce(row("priority", "abc", "active", "maybe", "colour", "red"));
    assertThat(result.ok()).isFalse();
    assertThat(result.errors())
        .containsExactly(
            new FieldError("priority", "abc", "expected an integer"),
            new FieldError("active", "maybe", "expected a boolean (true/false, 1/0, yes/no)"),
            new FieldError("colour", "red", "unknown field"));
    assertThat(byName(result)).containsKey("id").doesNotContainKeys("priority", "active");
  }

  @Test
  void headerChecks() {
    assertThat(STANDARD.unknownColumns(List.of("id", "Title", "colour", "tags")))
        .containsExactly("Title", "colour");
    assertThat(STANDARD.hasKey(List.of("title", "id"))).isTrue();
    assertThat(STANDARD.hasKey(List.of("title"))).isFalse();
  }

  @Test
  void modelDeclarationsAreChecked() {
    Field key = Field.required("id", FieldType.STRING, Validator.none());
    assertThatThrownBy(() -> Field.optional("n", FieldType.INTEGER, "5", Validator.none()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContentModel("m", "m; drop", List.of(key)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContentModel("m", "m", List.of(key, key)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContentModel("m", "m", List.of(key.notStored())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
