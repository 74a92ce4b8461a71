package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Periodic clean-ups: every node schedules them, and each run takes the purge's lock ({@link
 * Database#onOneNode}), so one node at a time does the work.
 */
public final class Purges {
  private Purges() {}

  /**
   * Runs {@code purge} at once, then every {@code intervalMs}; logs {@code purged} of how many it
   * removed (when any) on {@code log}, and a warning naming {@code what} when it failed.
   *
   * @return the timer, to cancel when the owner stops
   */
  public static long schedule(
      Vertx vertx,
      System.Logger log,
      String what,
      long intervalMs,
      Supplier<Future<Integer>> purge,
      IntFunction<String> purged) {
    return vertx.setPeriodic(
        1,
        intervalMs,
        tick ->
            purge
                .get()
                .onSuccess(
                    count -> {
                      if (count > 0) {
                        log.log(System.Logger.Level.INFO, purged.apply(count));
                      }
                    })
                .onFailure(
                    failure -> log.log(System.Logger.Level.WARNING, what + " failed", failure)));
  }
}
