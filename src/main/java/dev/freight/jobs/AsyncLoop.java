package dev.freight.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Function;

/**
 * Runs asynchronous steps one after another. Chaining a step per batch with {@code compose} would
 * keep every step's closure (and the batch it holds) alive until the last one ends, so memory would
 * grow with the file; here a finished step leaves nothing behind.
 */
public final class AsyncLoop {
  private AsyncLoop() {}

  /** Calls {@code step} with the state, then with what it returned, until it returns null. */
  public static <S> Future<Void> run(S first, Function<S, Future<S>> step) {
    Promise<Void> done = Promise.promise();
    next(first, step, done);
    return done.future();
  }

  private static <S> void next(S state, Function<S, Future<S>> step, Promise<Void> done) {
    Future<S> stepped;
    try {
      stepped = step.apply(state);
    } catch (RuntimeException e) {
      done.fail(e);
      return;
    }
    stepped.onComplete(
        result -> {
          if (result.failed()) {
            done.fail(result.cause());
          } else if (result.result() == null) {
            done.complete();
          } else {
            next(result.result(), step, done);
          }
        });
  }
}
