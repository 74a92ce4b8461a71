package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads that many clients ask at once, shared. A read started before a request came may miss a
 * change its client already saw (a job's success answered by another node, say), so those who ask
 * while a read of the same key is under way share the next one, started as soon as it ends: one
 * query at a time per key, whatever the number of clients, and no answer older than its request.
 * Thread-safe; a read's handlers run where its future completes.
 */
public final class SharedReads<T> {
  /** A key's read under way, and the requests that came meanwhile (null while there are none). */
  private static final class Round<T> {
    private Promise<T> waiting;
    private Supplier<Future<T>> read;
  }

  private final Map<String, Round<T>> rounds = new HashMap<>();

  /**
   * What {@code read} answers for {@code key}, read now if no read of the key is under way, else by
   * the next one. Reads of one key must answer alike.
   */
  public Future<T> read(String key, Supplier<Future<T>> read) {
    synchronized (this) {
      Round<T> round = rounds.get(key);
      if (round != null) {
        if (round.waiting == null) {
          round.waiting = Promise.promise();
          round.read = read;
        }
        return round.waiting.future();
      }
      rounds.put(key, new Round<>());
    }
    return start(key, read);
  }

  private Future<T> start(String key, Supplier<Future<T>> read) {
    Future<T> answer;
    try {
      answer = read.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return answer.onComplete(done -> next(key));
  }

  private void next(String key) {
    Round<T> ended;
    synchronized (this) {
      ended = rounds.remove(key);
      if (ended.waiting == null) {
        return;
      }
      rounds.put(key, new Round<>());
    }
    start(key, ended.read).onComplete(ended.waiting);
  }
}
