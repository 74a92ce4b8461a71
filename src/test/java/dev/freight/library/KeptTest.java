package dev.freight.library;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a node keeps of the library's pages: per version, shared, and at most 16 MiB whatever the
 * pages clients ask for (an operator's memory bound).
 */
class KeptTest {
  private static final long MIB = 1 << 20;

  private final Kept kept = new Kept();
  private final AtomicInteger reads = new AtomicInteger();

  /** The page {@code key} at {@code version}, {@code mib} MiB long; counts the reads it took. */
  private String page(long version, String key, long mib) {
    return kept.answer(
            version,
            key,
            () -> {
              reads.incrementAndGet();
              return Future.succeededFuture(key + "@" + version);
            },
            answer -> mib * MIB)
        .result();
  }

  @Test
  void aPageIsReadOncePerVersionOfTheLibrary() {
    assertThat(page(1, "a", 1)).isEqualTo("a@1");
    assertThat(page(1, "a", 1)).isEqualTo("a@1");
    assertThat(reads).hasValue(1);

    assertThat(page(2, "a", 1)).as("the library changed").isEqualTo("a@2");
    assertThat(reads).hasValue(2);

    assertThat(page(1, "a", 1)).as("a read that learnt an older version").isEqualTo("a@1");
    assertThat(page(2, "a", 1)).as("what the newer version kept stays").isEqualTo("a@2");
    assertThat(reads).hasValue(3);
  }

  @Test
  void aFailedReadIsNotKept() {
    Future<String> failed =
        kept.answer(1, "a", () -> Future.failedFuture("database down"), answer -> 1);
    assertThat(failed.failed()).isTrue();
    assertThat(page(1, "a", 1)).isEqualTo("a@1");
    assertThat(reads).hasValue(1);
  }

  @Test
  void pagesBeyond16MiBPushOutTheLeastRecentlyUsed() {
    page(1, "a", 6);
    page(1, "b", 6);
    page(1, "a", 6); // a used again: b is now the least recently used
    page(1, "c", 6); // 18 MiB: b goes
    assertThat(reads).hasValue(3);

    page(1, "a", 6);
    page(1, "c", 6);
    assertThat(reads).as("a and c kept").hasValue(3);
    page(1, "b", 6);
    assertThat(reads).as("b read again").hasValue(4);
  }
}
