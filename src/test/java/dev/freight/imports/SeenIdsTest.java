package dev.freight.imports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenIdsTest {

  /**
   * A file of a million distinct ids skips the search for duplicates; one repeat, anywhere, does
   * not.
   */
  @Test
  void aMillionDistinctIdsAreCertainlyNewAndAnyRepeatIsNoticed() {
    SeenIds ids = new SeenIds();
    for (int i = 0; i < 1_000_000; i++) {
      ids.add("STD-" + i);
    }
    assertThat(ids.mayRepeat()).isFalse();
    for (int repeated : new int[] {0, 123_457, 999_999}) {
      SeenIds again = new SeenIds();
      for (int i = 0; i < 1_000_000; i++) {
        again.add("STD-" + i);
      }
      again.add("STD-" + repeated);
      assertThat(again.mayRepeat()).as("STD-%d given twice", repeated).isTrue();
    }
  }
}
