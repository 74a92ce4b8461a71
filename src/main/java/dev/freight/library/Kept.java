package dev.freight.library;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * What reads of the library answered at one version of it (see V26), kept while that version lasts.
 * Counting is what a page of a large library costs (every matching row: about 85 ms for a million
 * on an idle machine), and a search whose words are in every item costs tens of ms for its page;
 * many clients polling the same pages pay for each once per change of the library. A read first
 * learns the version (one row, committed with every change on any node): a newer one forgets all
 * kept, an older one (a slow read) neither uses nor keeps anything. Reads of the same thing at the
 * same version share one query. At most {@value #MAX_BYTES} bytes are kept, the least recently used
 * go first. Used on one event loop.
 */
final class Kept {
  private static final long MAX_BYTES = 16L << 20;

  /** An answer, and its size once it has come. */
  private static final class Entry {
    private final Future<?> answer;
    private long bytes;

    Entry(Future<?> answer) {
      this.answer = answer;
    }
  }

  /** In order of use, the least recently used first. */
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  private long version;
  private long bytes;

  /**
   * What {@code reading} answers at {@code version}: kept, or read (then kept, {@code size} long).
   */
  @SuppressWarnings("unchecked")
  <T> Future<T> answer(
      long version, String key, Supplier<Future<T>> reading, ToLongFunction<T> size) {
    if (version < this.version) {
      return reading.get();
    }
    if (version > this.version) {
      this.version = version;
      entries.clear();
      bytes = 0;
    }
    Entry known = entries.get(key);
    if (known != null) {
      return (Future<T>) known.answer;
    }
    Future<T> answer = reading.get();
    Entry entry = new Entry(answer);
    entries.put(key, entry);
    answer.onComplete(
        done -> {
          if (entries.get(key) != entry) {
            return; // forgotten meanwhile: a newer version came
          }
          if (done.failed()) {
            entries.remove(key);
            return;
          }
          entry.bytes = 2L * key.length() + size.applyAsLong(done.result());
          bytes += entry.bytes;
          for (Iterator<Entry> eldest = entries.values().iterator();
              bytes > MAX_BYTES && eldest.hasNext(); ) {
            Entry evicted = eldest.next();
            if (evicted.answer.isComplete()) {
              bytes -= evicted.bytes;
              eldest.remove();
            }
          }
        });
    return answer;
  }
}
