package dev.freight.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many clients asking the same list at once cost one query at a time, and none is answered by a
 * read that started before it asked (it could miss a change its client already saw).
 */
class SharedReadsTest {
  private final SharedReads<String> shared = new SharedReads<>();

  /** The reads started, in order; each is answered when the test completes its promise. */
  private final List<Promise<String>> reads = new ArrayList<>();

  private Future<String> ask(String key) {
    return shared.read(
        key,
        () -> {
          Promise<String> read = Promise.promise();
          reads.add(read);
          return read.future();
        });
  }

  @Test
  void thoseWhoAskDuringAReadShareTheNextOne() {
    Future<String> first = ask("jobs");
    Future<String> second = ask("jobs");
    Future<String> third = ask("jobs");
    assertThat(reads).as("one query under way for the three").hasSize(1);

    reads.get(0).complete("before");
    assertThat(first.result()).isEqualTo("before");
    assertThat(second.isComplete()).as("its read started before it asked").isFalse();
    assertThat(reads).as("the next read starts as the first ends").hasSize(2);

    Future<String> fourth = ask("jobs");
    reads.get(1).complete("after");
    assertThat(second.result()).isEqualTo("after");
    assertThat(third.result()).isEqualTo("after");
    assertThat(fourth.isComplete()).isFalse();
    reads.get(2).complete("later");
    assertThat(fourth.result()).isEqualTo("later");
    assertThat(reads).hasSize(3);

    Future<String> alone = ask("jobs");
    assertThat(reads).as("no read under way: a new one at once").hasSize(4);
    reads.get(3).complete("now");
    assertThat(alone.result()).isEqualTo("now");
  }

  @Test
  void differentKeysAreReadApart() {
    Future<String> mine = ask("jobs of user 1");
    Future<String> theirs = ask("jobs of user 2");
    assertThat(reads).hasSize(2);
    reads.get(0).complete("1");
    reads.get(1).complete("2");
    assertThat(mine.result()).isEqualTo("1");
    assertThat(theirs.result()).isEqualTo("2");
  }

  @Test
  void aFailedReadFailsItsAskersOnly() {
    Future<String> first = ask("jobs");
    Future<String> second = ask("jobs");
    reads.get(0).fail("database down");
    assertThat(first.failed()).isTrue();
    reads.get(1).complete("back");
    assertThat(second.result()).isEqualTo("back");

    Future<String> thrown =
        shared.read(
            "jobs",
            () -> {
              throw new IllegalStateException("bad filter");
            });
    assertThat(thrown.cause()).hasMessage("bad filter");
    assertThat(ask("jobs").isComplete()).as("the key is free again").isFalse();
    assertThat(reads).hasSize(3);
  }
}
