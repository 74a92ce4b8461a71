package dev.freight.library;

import static dev.freight.library.FieldType.BOOLEAN;
import static dev.freight.library.FieldType.INTEGER;
import static dev.freight.library.FieldType.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FieldTypeTest {

  @Test
  void booleanSpellings() {
    for (Object yes :
        new Object[] {
          "true",
          "TRUE",
          "1",
          "yes",
          " YES ",
          "Yes",
          Boolean.TRUE,
          1L,
          BigDecimal.ONE,
          new BigDecimal("1.0")
        }) {
      assertThat(BOOLEAN.coerce(yes)).as("%s", yes).isEqualTo(true);
    }
    for (Object no :
        new Object[] {"false", "False", "0", "no", " NO\t", Boolean.FALSE, 0, BigDecimal.ZERO}) {
      assertThat(BOOLEAN.coerce(no)).as("%s", no).isEqualTo(false);
    }
  }

  @Test
  void booleanRejectsOtherValues() {
    for (Object bad : new Object[] {"y", "on", "2", 2, new BigDecimal("0.5")}) {
      assertThatThrownBy(() -> BOOLEAN.coerce(bad))
          .as("%s", bad)
          .hasMessage("expected a boolean (true/false, 1/0, yes/no)");
    }
  }

  @Test
  void absentValuesGiveNull() {
    assertThat(BOOLEAN.coerce(null)).isNull();
    assertThat(BOOLEAN.coerce("  ")).isNull();
    assertThat(INTEGER.coerce("")).isNull();
    assertThat(STRING.coerce("")).isNull();
    assertThat(STRING.coerce(" ")).isEqualTo(" ");
  }

  @Test
  void integers() {
    assertThat(INTEGER.coerce("7")).isEqualTo(7);
    assertThat(INTEGER.coerce(" -3 ")).isEqualTo(-3);
    assertThat(INTEGER.coerce("+4")).isEqualTo(4);
    assertThat(INTEGER.coerce(7L)).isEqualTo(7);
    assertThat(INTEGER.coerce(9)).isEqualTo(9);
    assertThat(INTEGER.coerce(new BigDecimal("8.0"))).isEqualTo(8);
    assertThat(INTEGER.coerce(6.0d)).isEqualTo(6);
  }

  @Test
  void integerRejectsOtherValues() {
    for (Object bad :
        new Object[] {"abc", "8.5", new BigDecimal("8.5"), "1e3", true, 3_000_000_000L, "7 7"}) {
      assertThatThrownBy(() -> INTEGER.coerce(bad)).as("%s", bad).hasMessage("expected an integer");
    }
  }

  @Test
  void stringsKeepTheirTextAndRenderOtherValuesPlainly() {
    assertThat(STRING.coerce("  padded ")).isEqualTo("  padded ");
    assertThat(STRING.coerce(true)).isEqualTo("true");
    assertThat(STRING.coerce(12L)).isEqualTo("12");
    assertThat(STRING.coerce(new BigDecimal("12.0"))).isEqualTo("12");
    assertThat(STRING.coerce(new BigDecimal("1.50"))).isEqualTo("1.5");
    assertThat(STRING.coerce(new BigDecimal("1E+2"))).isEqualTo("100");
  }

  @Test
  void stringsHaveAGlobalLengthCap() {
    assertThat(STRING.coerce("x".repeat(100_000))).isEqualTo("x".repeat(100_000));
    assertThatThrownBy(() -> STRING.coerce("x".repeat(100_001)))
        .hasMessage("must be at most 100000 characters");
  }

  @Test
  void sqlTypes() {
    assertThat(STRING.sqlType()).isEqualTo("text");
    assertThat(INTEGER.sqlType()).isEqualTo("integer");
    assertThat(BOOLEAN.sqlType()).isEqualTo("boolean");
  }
}
