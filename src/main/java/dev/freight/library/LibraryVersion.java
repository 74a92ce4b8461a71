package dev.freight.library;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;

/**
 * The library's version now (V26), for every list request; many asking at once share a read. A read
 * started before a request came may miss a change the client already saw (its job's success
 * answered by another node, say), so those who come while a read is under way share the next one,
 * started as soon as it ends: a read per round trip to the database, whatever the number of
 * clients. Used on one event loop.
 */
final class LibraryVersion {
  private final Pool pool;
  private boolean reading;
  private Promise<Long> next;

  LibraryVersion(Pool pool) {
    this.pool = pool;
  }

  Future<Long> now() {
    if (next == null) {
      next = Promise.promise();
    }
    Future<Long> version = next.future();
    if (!reading) {
      read();
    }
    return version;
  }

  private void read() {
    Promise<Long> those = next;
    next = null;
    reading = true;
    pool.preparedQuery("SELECT version FROM library_version")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0))
        .onComplete(
            done -> {
              reading = false;
              if (next != null) {
                read();
              }
              those.handle(done);
            });
  }
}
