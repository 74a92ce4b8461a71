package dev.freight.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The worker pool that blocking job work (parsing, writing files) runs on, never the event loop.
 * Unordered, so that jobs do not queue behind each other.
 */
public final class Worker {
  private final WorkerExecutor executor;

  public Worker(Vertx vertx, int size) {
    this.executor = vertx.createSharedWorkerExecutor("freight-jobs", size);
  }

  public <T> Future<T> run(Callable<T> task) {
    return executor.executeBlocking(task, false);
  }

  public Future<Void> close() {
    return executor.close();
  }
}
