package dev.freight.library;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MatchConditionsTest {

  @Test
  void validRules() {
    for (String rule :
        new String[] {"", "A1", "!A1", "A1 AND !A2;A3", "a.b-c_1 AND B2 AND !C3", "A1;B1;!C1"}) {
      assertThat(MatchConditions.check(rule)).as(rule).isNull();
    }
  }

  @Test
  void invalidRulesNameThePosition() {
    assertThat(MatchConditions.check("A1 AND")).isEqualTo("unexpected end of rule at position 7");
    assertThat(MatchConditions.check("A1 AND ")).isEqualTo("unexpected end of rule at position 8");
    assertThat(MatchConditions.check("A1;;A2")).isEqualTo("expected an answer id at position 4");
    assertThat(MatchConditions.check("A1;")).isEqualTo("unexpected end of rule at position 4");
    assertThat(MatchConditions.check(";A1")).isEqualTo("expected an answer id at position 1");
    assertThat(MatchConditions.check("A1 and A2")).isEqualTo("expected AND at position 4");
    assertThat(MatchConditions.check("A1 OR A2")).isEqualTo("expected AND at position 4");
    assertThat(MatchConditions.check("!!A1")).isEqualTo("expected an answer id at position 2");
    assertThat(MatchConditions.check("!")).isEqualTo("unexpected end of rule at position 2");
    assertThat(MatchConditions.check("A1  AND A2")).isEqualTo("expected AND at position 4");
    assertThat(MatchConditions.check("A1 AND  A2"))
        .isEqualTo("expected an answer id at position 8");
    assertThat(MatchConditions.check("A1 ANDA2"))
        .isEqualTo("expected a space after AND at position 7");
    assertThat(MatchConditions.check("A1,A2"))
        .isEqualTo("expected \" AND \", \";\" or the end of the rule at position 3");
    assertThat(MatchConditions.check(" A1")).isEqualTo("expected an answer id at position 1");
  }
}
