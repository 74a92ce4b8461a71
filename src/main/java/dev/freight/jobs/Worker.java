package dev.freight.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The worker pool that blocking job work (parsing, writing files) runs on, never the event loop.
 * Unordered, so that jobs do not queue behind each other. Its threads run at a lower OS priority
 * (nice {@value #NICENESS}, where Linux allows it): a job that keeps every core busy then leaves
 * the event loops the CPU they need to keep answering requests promptly, and loses nothing when the
 * machine is otherwise idle.
 */
public final class Worker {
  private static final int NICENESS = 10;
  private static final System.Logger LOG = System.getLogger(Worker.class.getName());
  private static final ThreadLocal<Boolean> LOWERED = ThreadLocal.withInitial(() -> false);

  private final WorkerExecutor executor;

  public Worker(Vertx vertx, int size) {
    this.executor = vertx.createSharedWorkerExecutor("freight-jobs", size);
  }

  public <T> Future<T> run(Callable<T> task) {
    return executor.executeBlocking(
        () -> {
          lowerPriority();
          return task.call();
        },
        false);
  }

  public Future<Void> close() {
    return executor.close();
  }

  /** Once per thread: Linux gives each thread its own niceness, which renice sets by thread id. */
  private static void lowerPriority() throws InterruptedException {
    if (LOWERED.get()) {
      return;
    }
    LOWERED.set(true);
    try {
      String threadId =
          Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", "-n", Integer.toString(NICENESS), "-p", threadId)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!renice.waitFor(5, TimeUnit.SECONDS) || renice.exitValue() != 0) {
        LOG.log(System.Logger.Level.DEBUG, "renice of job thread " + threadId + " failed");
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(System.Logger.Level.DEBUG, "job threads keep their priority: " + e.getMessage());
    }
  }
}
