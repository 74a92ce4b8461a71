package dev.freight.library;

import dev.freight.db.Sql;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The exact sizes of filtered lists, kept until the library changes. Counting is what a page of a
 * large library costs: the page itself reads 50 rows by an index, its count every matching row
 * (about 85 ms for a million on an idle machine). Only an import's apply or revert changes the
 * library, and each ends with a published state change of its job, which {@link #forget}s them all.
 * A count read while a change was heard is not kept; each is kept at most {@value #MAX_AGE_MS} ms,
 * in case a node stopped between committing a change and publishing it. Used on one event loop.
 */
final class Counts {
  private static final int MAX_KEPT = 1_000;
  private static final long MAX_AGE_MS = 60_000;

  private record Kept(long count, long at) {}

  /** The least recently used goes first. */
  private final Map<String, Kept> kept =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
          return size() > MAX_KEPT;
        }
      };

  private long generation;

  /** The count {@code statement} answers: kept, or by {@code counting} (then kept). */
  Future<Long> count(Sql statement, Supplier<Future<Long>> counting) {
    String key = statement.text() + '\0' + statement.values();
    Kept known = kept.get(key);
    long now = System.currentTimeMillis();
    if (known != null && now - known.at() < MAX_AGE_MS) {
      return Future.succeededFuture(known.count());
    }
    long before = generation;
    return counting
        .get()
        .onSuccess(
            count -> {
              if (generation == before) {
                kept.put(key, new Kept(count, now));
              }
            });
  }

  /** The library may have changed. */
  void forget() {
    generation++;
    kept.clear();
  }
}
